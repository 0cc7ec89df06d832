"""The demo's fixed tables: places, names, staff, ticket cases, calls and outage notices
(DESIGN.md §5.1).

Plain data and the small records it is made of; demo/plans.py turns it into premises,
customers, calls, tickets and notices with a seeded random generator, and the seed_demo
command writes them.
"""

from dataclasses import dataclass

from accounts.models import Role
from complaints.models import Complaint
from grid.models import AreaType
from hotline.models import Call, ServiceRequest
from repairs.models import OutageNotice
from repairs.triage import Answers, Breaker, FaultSide, Hazard, Scope
from tickets.models import Channel, Kind

PASSWORD = "gridline-demo"
# The hotline works in Chinese: what the services write (triage reasons, work-order
# briefs, merge notes) is written in the language the staff's browsers would use.
DEMO_LANGUAGE = "zh-hans"
AREA_CODE = "0763"  # 清远's landline prefix: institutions call from desk phones


# --- The network ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StationPlan:
    code: str
    name: str
    town: str  # how the station's addresses begin
    short: str  # the place name that shops and factories carry
    area_weights: dict[str, int]  # share of transformers per area type
    premises_per_transformer: tuple[int, int]
    roads: tuple[str, ...]  # urban addresses: street and number
    estates: tuple[str, ...] = ()  # urban addresses: building and flat
    villages: tuple[str, ...] = ()  # rural and remote addresses: village committees


URBAN_ROADS = (
    "和平北路", "和平中路", "和平南路", "人民路", "教育路", "建设路", "浈阳东路",
    "浈阳西路", "裕华路", "城南大道", "英州大道", "光明路", "沿江路", "公园路",
)  # fmt: skip
URBAN_ESTATES = (
    "金碧花园", "锦绣华庭", "江景豪庭", "翠湖名苑", "英州花园", "阳光新城", "华侨新村",
)  # fmt: skip
STATIONS = (
    StationPlan(
        code="YD01",
        name="英德城区供电所",
        town="英德市英城街道",
        short="英城",
        area_weights={AreaType.URBAN: 1},
        premises_per_transformer=(36, 60),
        roads=URBAN_ROADS,
        estates=URBAN_ESTATES,
    ),
    StationPlan(
        code="HST",
        name="横石塘供电所",
        town="横石塘镇",
        short="横石塘",
        area_weights={AreaType.URBAN: 15, AreaType.RURAL: 85},
        premises_per_transformer=(22, 40),
        roads=("新街", "建设路", "车站路", "横石塘大道"),
        villages=("龙华", "新联", "石桥", "黄陂", "大塘", "上坪", "长岗", "坑口", "联和", "白沙"),
    ),
    StationPlan(
        code="HG",
        name="浛洸供电所",
        town="浛洸镇",
        short="浛洸",
        area_weights={AreaType.URBAN: 20, AreaType.RURAL: 80},
        premises_per_transformer=(22, 40),
        roads=("兴华路", "人民路", "沿河路", "新兴街", "浛洸大道"),
        villages=("新洲", "鱼湾", "石角", "黄洞", "大洞", "下坝", "联丰", "横江", "竹山", "岭背"),
    ),
    StationPlan(
        code="LJK",
        name="连江口供电所",
        town="连江口镇",
        short="连江口",
        area_weights={AreaType.URBAN: 10, AreaType.RURAL: 50, AreaType.REMOTE: 40},
        premises_per_transformer=(14, 30),
        roads=("连江路", "沿江路", "圩镇新街"),
        villages=("浦竹", "黎洞", "连樟", "高桥", "鸡笼关", "石坑", "大陂", "马头", "长湖", "水西"),
    ),
)
NATURAL_VILLAGES = (
    "上围", "下围", "新屋", "老屋", "塘尾", "岭脚", "坑尾", "田心", "大坪", "寨下", "水口", "围仔",
    "石陂", "竹园", "禾塘", "黄泥塘", "松树岗", "罗屋",
)  # fmt: skip

# Hospitals, water works and the like (DESIGN §3.2: urban limits, top priority),
# as (station, customer, area type wanted, addresses): some have two meters.
INSTITUTIONS = (
    ("YD01", "英德市人民医院", AreaType.URBAN, ("和平中路118号门诊楼", "和平中路118号住院楼")),
    ("YD01", "英德市中医院", AreaType.URBAN, ("人民路66号",)),
    ("YD01", "英德市妇幼保健院", AreaType.URBAN, ("建设路20号",)),
    ("YD01", "英德市自来水厂", AreaType.URBAN, ("沿江路1号取水泵站", "沿江路1号净水车间")),
    ("YD01", "英德市城南水厂", AreaType.URBAN, ("城南大道88号",)),
    ("YD01", "英德市污水处理厂", AreaType.URBAN, ("沿江路南段9号",)),
    ("YD01", "英德市急救指挥中心", AreaType.URBAN, ("教育路3号",)),
    ("YD01", "英德市消防救援大队", AreaType.URBAN, ("英州大道210号",)),
    ("YD01", "英德市通信枢纽机房", AreaType.URBAN, ("光明路15号",)),
    ("HST", "横石塘镇卫生院", AreaType.URBAN, ("新街2号",)),
    ("HST", "横石塘镇供水站", AreaType.URBAN, ("车站路31号",)),
    ("HST", "横石塘镇敬老院", AreaType.URBAN, ("建设路45号",)),
    ("HG", "浛洸镇中心卫生院", AreaType.URBAN, ("兴华路12号",)),
    ("HG", "浛洸镇自来水厂", AreaType.URBAN, ("沿河路80号",)),
    ("HG", "浛洸镇敬老院", AreaType.URBAN, ("人民路101号",)),
    ("LJK", "连江口镇卫生院", AreaType.URBAN, ("连江路8号",)),
    ("LJK", "连江口镇供水站", AreaType.URBAN, ("沿江路22号",)),
    ("LJK", "连江口镇浦竹村卫生站", AreaType.REMOTE, ("浦竹村委会新屋村1号",)),
)
LIFE_SUPPORT_HOMES = 8  # home oxygen or ventilator users, flagged important

# Guangdong's common surnames, roughly by frequency.
SURNAMES = {
    name: weight
    for weight, names in (
        (14, ("陈",)),
        (9, ("李", "黄")),
        (6, ("梁", "张")),
        (5, ("刘", "林")),
        (4, ("何", "罗")),
        (3, ("吴", "郑", "谢", "邓")),
        (2, ("冯", "曾", "钟", "赖", "朱", "蔡", "叶", "潘", "邱", "温")),
        (1, ("巫", "范", "欧阳", "司徒")),
    )
    for name in names
}
GIVEN_NAMES = (
    "伟", "芳", "敏", "静", "丽", "强", "军", "勇", "艳", "杰", "涛",
    "秀英", "桂英", "志强", "建华", "国强", "丽华", "秀兰", "海燕", "永红", "建国", "国华", "振华",
    "文杰", "俊杰", "嘉欣", "子豪", "家乐", "晓红", "晓敏", "永强", "金凤", "水生", "亚妹", "带娣",
    "美玲", "少华", "润华", "伟东", "建明", "锦华", "丽娟", "婉婷", "梓轩", "浩然", "思琪", "雪梅",
    "惠芳", "淑贞", "炳坤", "观娣", "木生", "桂芳", "春燕", "秋菊", "汉文", "德明", "荣华", "秀珍",
    "玉兰",
)  # fmt: skip
MOBILE_PREFIXES = (
    "130", "132", "135", "137", "138", "139", "150", "152", "158", "159",
    "180", "181", "183", "186", "187", "188", "189",
)  # fmt: skip
SHOP_WORDS = ("兴旺", "百佳", "好运来", "华丰", "金满", "新力", "鸿发", "顺景", "万家", "福临")
SHOPS = ("五金店", "便利店", "饭店", "药店", "粮油店", "茶行", "汽修店", "电器行", "理发店")
TEA_WORDS = ("绿峰", "英红", "积庆", "山韵", "云岭", "翠峰", "红韵", "茗香")


@dataclass
class PremisePlan:
    """One CSV row of the demo grid, plus what the ticket plan needs to pick callers."""

    station: StationPlan
    feeder_code: str
    transformer_code: str
    area_type: str
    account_no: str
    customer_name: str
    phone: str
    address: str
    meter_no: str
    important: bool = False
    tag: str = ""  # "institution", "life_support", "business", "factory"; "" for a household

    def csv_row(self) -> tuple[str, ...]:
        return (
            self.station.code,
            self.station.name,
            self.feeder_code,
            self.transformer_code,
            self.area_type,
            self.account_no,
            self.customer_name,
            self.phone,
            self.address,
            self.meter_no,
            "true" if self.important else "false",
        )


@dataclass(frozen=True)
class Place:
    """Where one transformer's premises are: a road, a housing estate or a village."""

    area_type: str
    road: str = ""
    estate: str = ""
    village: str = ""


# --- Departments and staff -----------------------------------------------------------------

DEPARTMENTS = (
    ("MKT", "营销部"),
    ("OPS", "运检部"),
    ("CSC", "客户服务中心"),
    ("MTR", "计量中心"),
    ("PLN", "规划建设部"),
)
CREWS = (
    ("YD01-C1", "YD01", "城区抢修一班"),
    ("YD01-C2", "YD01", "城区抢修二班"),
    ("HST-C1", "HST", "横石塘抢修一班"),
    ("HST-C2", "HST", "横石塘抢修二班"),
    ("HG-C1", "HG", "浛洸抢修一班"),
    ("HG-C2", "HG", "浛洸抢修二班"),
    ("LJK-C1", "LJK", "连江口抢修一班"),
    ("LJK-C2", "LJK", "连江口抢修二班"),
)


@dataclass(frozen=True)
class StaffPlan:
    username: str
    role: str
    last_name: str
    first_name: str
    station: str = ""
    department: str = ""
    crew: str = ""


STAFF = (
    StaffPlan("agent1", Role.AGENT, "陈", "晓敏"),
    StaffPlan("agent2", Role.AGENT, "黄", "嘉欣"),
    StaffPlan("supervisor1", Role.SUPERVISOR, "李", "志强"),
    StaffPlan("dispatcher_yd", Role.DISPATCHER, "梁", "国华", station="YD01"),
    StaffPlan("dispatcher_hst", Role.DISPATCHER, "罗", "建明", station="HST"),
    StaffPlan("dispatcher_hg", Role.DISPATCHER, "何", "伟东", station="HG"),
    StaffPlan("dispatcher_ljk", Role.DISPATCHER, "邓", "永红", station="LJK"),
    StaffPlan("crew_yd1", Role.CREW, "张", "伟", station="YD01", crew="YD01-C1"),
    StaffPlan("crew_yd2", Role.CREW, "林", "俊杰", station="YD01", crew="YD01-C2"),
    StaffPlan("crew_hst1", Role.CREW, "钟", "水生", station="HST", crew="HST-C1"),
    StaffPlan("crew_hst2", Role.CREW, "赖", "木生", station="HST", crew="HST-C2"),
    StaffPlan("crew_hg1", Role.CREW, "曾", "荣华", station="HG", crew="HG-C1"),
    StaffPlan("crew_hg2", Role.CREW, "谢", "德明", station="HG", crew="HG-C2"),
    StaffPlan("crew_ljk1", Role.CREW, "温", "炳坤", station="LJK", crew="LJK-C1"),
    StaffPlan("crew_ljk2", Role.CREW, "邱", "汉文", station="LJK", crew="LJK-C2"),
    StaffPlan("handler1", Role.HANDLER, "张", "丽华", department="MKT"),
    StaffPlan("handler_ops", Role.HANDLER, "黄", "建华", department="OPS"),
    StaffPlan("handler_mtr", Role.HANDLER, "朱", "美玲", department="MTR"),
    StaffPlan("manager1", Role.MANAGER, "刘", "振华"),
    StaffPlan("admin", Role.ADMIN, "吴", "海燕"),
)
# The agent a demo visitor logs in as at the console: today's calls there are theirs.
CONSOLE_AGENT = "agent1"


# --- Tickets -------------------------------------------------------------------------------

# A ticket's history, as the actions applied after `created`. Consultations and praise
# have none: the hotline's services record, answer and close them on the call.
OPEN = ()
STARTED = ("start",)
RESOLVED = ("start", "resolve")
CLOSED = ("start", "resolve", "close")
CANCELLED = ("cancel",)

# A complaint's history is the steps of COMPLAINT_TRANSITIONS after complaint_create
# (complaints/models.py); a callback is written as its result.
RECEIVED = ()
CONTACTED = ("contact",)
JUDGED = ("contact", "judge")
RECTIFYING = ("contact", "judge", "rectify")
REPLIED = (*RECTIFYING, "reply")
SATISFIED = (*REPLIED, "satisfied")
REACHED_LATER = (*REPLIED, "unreachable", "basically_satisfied")
UNSATISFIED = (*REPLIED, "unsatisfied")  # reopened: rectifying again, with a new reply_by
CALLBACK_RESULTS = frozenset(Complaint.CallbackResult.values)

# A repair's history is two parts. repair_create triages the call and either dispatches a
# work order (the ticket is in progress) or resolves the ticket on the call. `order_path` is
# then the steps taken on the work order (dispatch/models.py), and `path` the ticket's own
# actions after them: the callback's close or reopen, or a cancel.
WALKED = ("assign", "accept", "depart", "arrive", "complete")
ASSIGNED = ("assign",)
EN_ROUTE = ("assign", "accept", "depart")
ON_SITE = ("assign", "accept", "depart", "arrive")
WITHDRAWN = ("cancel",)  # the station's dispatcher cancels the order
CALLED_BACK = ("close",)
CALLED_BACK_UNHAPPY = ("reopen",)


@dataclass(frozen=True)
class ComplaintFacts:
    """What each step of a complaint case writes (DESIGN §3.5); blank where it has not got there."""

    category: str  # a complaints.Category code (complaints/migrations/0002)
    validity: str = ""
    reason: str = ""  # the supervisor's reason for the judgement
    department: str = ""  # the responsible department's code (DEPARTMENTS)
    at_station: bool = False  # the judgement names the caller's supply station too
    cause: str = ""
    rectification: str = ""
    reply: str = ""
    is_report: bool = False  # a report (举报)
    major: str = ""  # why the supervisor flags it major; "" for an ordinary complaint


@dataclass(frozen=True)
class Case:
    kind: str
    description: str
    path: tuple[str, ...]
    # The note on `resolve`; for a repair, what the crew did; for a consultation, the answer.
    resolution: str = ""
    # The note on `start`, `reopen` or `cancel`; for a complaint, the unsatisfied callback's.
    followup: str = ""
    # How it came in: only complaints come other ways than a call to the hotline. The
    # services decide the priority (triage, a major complaint).
    channel: str = Channel.HOTLINE
    # Who calls: "" any household, a station code, an area type, a tag of
    # PremisePlan, an institution's name, "none" (no premise), "cluster" (the
    # neighbours of one outage), "temporary" or "restriction" (a premise under
    # the current temporary outage or supply restriction).
    caller: str = ""
    # Repairs only: what the caller told the agent (DESIGN §3.1), the work order's steps,
    # the crew's cause code on completion, and whether the crew arrived after arrive_by.
    answers: Answers | None = None
    order_path: tuple[str, ...] = ()
    cause: str = ""
    late: bool = False
    # Repairs still open in the station queue: minutes from now to arrive_by
    # (negative: overdue). They were called in recently; the others on past days.
    due_in: int | None = None
    # Consultations: the title of the knowledge-base article the agent answered with
    # (hotline/migrations/0002). Service requests: ServiceRequest.Type. Opinions and
    # praise: what or whom they are about.
    article: str = ""
    request_type: str = ""
    subject: str = ""
    # Complaints: what each step writes.
    complaint: ComplaintFacts | None = None
    # Complaints and back-office kinds: (shortest, longest) hours before now it came in.
    # None: a complaint on one of the past days, another kind as its path suggests.
    hours_ago: tuple[int, int] | None = None
    # Taken today at the console by CONSOLE_AGENT, so the console has calls on any login.
    today: bool = False

    @property
    def answered_on_call(self) -> bool:
        """Nothing went out to the field or the back office: settled on the call."""
        if self.kind == Kind.REPAIR:
            # The cluster's callers are attached to the incident's work order.
            return not self.order_path and self.caller != "cluster"
        return self.kind in (Kind.CONSULTATION, Kind.PRAISE)


_R, _C, _Q = Kind.REPAIR, Kind.COMPLAINT, Kind.CONSULTATION
_SR, _OP, _PR = Kind.SERVICE_REQUEST, Kind.OPINION, Kind.PRAISE
_VALID, _PARTLY = Complaint.Validity.VALID, Complaint.Validity.PARTIALLY_VALID
_NOT_VALID = Complaint.Validity.NOT_VALID
_RECONNECT = ServiceRequest.Type.RECONNECTION
_SELF, _NEAR, _AREA = Scope.SELF_ONLY, Scope.NEIGHBOURS, Scope.AREA
_HELD, _RESET, _NO_RESET = Breaker.NOT_TRIPPED, Breaker.TRIPPED_RESET_OK, Breaker.TRIPPED_NO_RESET
_THEIRS, _OURS = FaultSide.CUSTOMER, FaultSide.UTILITY

CASES = (
    Case(_R, "家里突然停电，邻居家也没电", CALLED_BACK,
          "台区低压出线开关跳闸，巡视无异常后合闸送电",
          answers=Answers(_NEAR, _HELD), order_path=WALKED, cause="other", late=True),
    Case(_R, "家里停电了，表箱里的总开关跳了推不上去", CALLED_BACK,
          answers=Answers(_SELF, _NO_RESET)),
    Case(_R, "整条街都没电，路灯也不亮", CALLED_BACK,
          "10kV分支线跌落式熔断器熔断，更换熔丝后恢复供电",
          caller="YD01", answers=Answers(_AREA, _HELD, fault_side=_OURS), order_path=WALKED,
          cause="transformer_fuse"),
    Case(_R, "电表箱冒烟，有烧焦的味道", CALLED_BACK,
          "表箱进线端子烧损，更换端子并紧固接线后恢复供电",
          answers=Answers(_SELF, _HELD, fault_side=_OURS, hazards=frozenset({Hazard.FIRE_SMOKE})),
          order_path=WALKED, cause="meter"),
    Case(_R, "门口的电线被大风刮断掉在地上，很危险", (),
          "现场设置围栏警示，重新架设接户线后恢复供电",
          answers=Answers(_SELF, fault_side=_OURS, hazards=frozenset({Hazard.WIRE_DOWN})),
          order_path=WALKED, cause="weather"),
    Case(_R, "家里电压很低，空调启动不了，灯一闪一闪", CALLED_BACK_UNHAPPY,
          "台区三相负荷不平衡，调整负荷分配后电压恢复正常",
          followup="回访时客户反映晚上用电高峰电压仍然偏低",
          answers=Answers(breaker=_HELD, equipment_in_use="空调", fault_side=_OURS),
          order_path=WALKED, cause="overload"),
    Case(_R, "家里一半的灯不亮，另一半正常", CALLED_BACK,
          "接户线一相接头松脱导致缺相，重新压接后恢复",
          answers=Answers(_SELF, _HELD), order_path=WALKED, cause="service_line"),
    Case(_R, "打雷以后就停电了，全村都没电", CALLED_BACK, "配变高压侧避雷器击穿，更换后恢复供电",
          caller=AreaType.RURAL, answers=Answers(_AREA, _HELD, fault_side=_OURS),
          order_path=WALKED, cause="weather", late=True),
    Case(_R, "村口的电线杆被货车撞歪了，电线垂得很低", (), "更换电杆并重新紧线，线路恢复正常",
          caller=AreaType.RURAL,
          answers=Answers(fault_side=_OURS, hazards=frozenset({Hazard.OTHER_DANGER})),
          order_path=WALKED, cause="external_damage"),
    Case(_R, "医院门诊楼停电，备用发电机已经启动，请尽快恢复市电", CALLED_BACK,
          "10kV线路故障段隔离后转供电，恢复供电", caller="英德市人民医院",
          answers=Answers(breaker=_HELD, fault_side=_OURS), order_path=WALKED,
          cause="feeder_trip"),
    Case(_R, "家里老人用制氧机，停电了很着急", CALLED_BACK,
          "低压线路熔丝熔断，优先处理，更换后恢复供电", caller="life_support",
          answers=Answers(_NEAR, _HELD, equipment_in_use="制氧机"), order_path=WALKED,
          cause="transformer_fuse"),
    Case(_R, "烧水壶一插上，漏电开关就跳", CALLED_BACK,
          answers=Answers(_SELF, _NO_RESET, equipment_in_use="电热水壶", fault_side=_THEIRS)),
    Case(_R, "开了空调和电热水器以后总闸跳了，复位后已经来电", CALLED_BACK,
          answers=Answers(_SELF, _RESET, high_power_load=True, equipment_in_use="空调、电热水器")),
    Case(_R, "停电两个多小时了还没来电，到底什么时候能恢复", (), caller=AreaType.REMOTE,
          answers=Answers(_NEAR, _HELD), order_path=EN_ROUTE, due_in=-8),
    Case(_R, "家里没电了，隔壁也没电", (), answers=Answers(_NEAR, _HELD), due_in=35),
    Case(_R, "楼道电表箱里有滋滋的响声，家里电时有时无", (), caller="YD01",
          answers=Answers(_SELF, fault_side=_OURS, hazards=frozenset({Hazard.OTHER_DANGER})),
          order_path=ASSIGNED, due_in=22),
    Case(_R, "下大雨后变压器那边一直冒火花", (),
          answers=Answers(_NEAR, fault_side=_OURS, hazards=frozenset({Hazard.FIRE_SMOKE})),
          order_path=ON_SITE, due_in=-30),
    Case(_R, "水泵房停电，镇上的自来水供不上了", (), caller="横石塘镇供水站",
          answers=Answers(breaker=_HELD, equipment_in_use="供水水泵", fault_side=_OURS),
          order_path=EN_ROUTE, due_in=9),
    Case(_R, "刚才报修过了，家里还是没电，再报一次", CANCELLED,
          followup="重复来电，与该客户前一张报修单为同一故障",
          answers=Answers(_SELF, _HELD), order_path=WITHDRAWN),
    Case(_R, "家里停电", CANCELLED, followup="座席录入的用电地址有误，作废后按正确地址重新建单",
          answers=Answers(), order_path=WITHDRAWN),
    Case(_R, "鱼塘增氧机停了，鱼会缺氧，请尽快来电", (), caller=AreaType.RURAL,
          answers=Answers(_SELF, _HELD, equipment_in_use="鱼塘增氧机"), due_in=-5),
    Case(_R, "店里电闸跳了复位不了，冰柜里都是货", (),
          "店内线路绝缘老化短路，属客户产权，已协助隔离故障回路，其余回路恢复供电",
          caller="business", answers=Answers(breaker=_NO_RESET, equipment_in_use="冰柜"),
          order_path=WALKED, cause="customer_internal"),
    # One outage on a rural transformer: the third report makes an incident with one work
    # order (DESIGN §3.3); the fourth caller is told about it (rule 4). The first caller's
    # order is the one kept, so its steps are the incident's.
    Case(_R, "村里整片都停电了，邻居家也没有电", CALLED_BACK,
          "晚高峰负荷过重，配变低压总开关烧损，更换后全台区恢复供电", caller="cluster",
          answers=Answers(_AREA, _HELD), order_path=WALKED, cause="overload"),
    Case(_R, "全村都没电了，什么时候来电？", CALLED_BACK, caller="cluster",
          answers=Answers(_AREA, _HELD)),
    Case(_R, "停电了，附近几户都没电", CALLED_BACK, caller="cluster",
          answers=Answers(_NEAR, _HELD)),
    Case(_R, "隔壁几家都没电，是不是变压器坏了", CALLED_BACK, caller="cluster",
          answers=Answers(_NEAR, _HELD)),
    Case(_R, "家里突然停电了，也没收到停电通知", (), caller="temporary",
          answers=Answers(_NEAR, _HELD)),
    Case(_R, "茶厂车间突然停电，生产线全停了", CALLED_BACK, caller="restriction",
          answers=Answers(_AREA, _HELD, equipment_in_use="揉捻机、烘干机")),
    Case(_C, "抢修人员说一个小时内到，等了三个小时还没人来", SATISFIED,
          complaint=ComplaintFacts(
              "repair_timeliness", _VALID, "抢修记录显示班组到达时间超过承诺时限，投诉属实",
              "OPS", at_station=True,
              cause="当晚班组同时处理多起故障，未及时调派备班人员，也未向客户说明延误原因",
              rectification="已对抢修班组进行考核，完善多起故障并发时的备班调派机制",
              reply="已向客户致歉，说明延误原因及整改措施")),
    Case(_C, "这个月已经停电三次了，都没有提前通知", REACHED_LATER, caller=AreaType.RURAL,
          complaint=ComplaintFacts(
              "outage_restoration", _PARTLY,
              "三次停电中两次为雷雨引起的故障停电，一次为计划停电且已按期公告，客户未收到通知属实",
              "OPS", at_station=True,
              cause="线路途经山区，雷雨季节故障较多；停电公告只在村口张贴，未逐户通知",
              rectification="线路已列入防雷改造计划，停电通知改为张贴公告加逐户短信",
              reply="已向客户解释三次停电的原因，告知线路改造计划和停电通知的改进措施")),
    Case(_C, "营业厅工作人员态度很差，办业务推来推去", REPLIED,
          complaint=ComplaintFacts(
              "service_attitude", _VALID, "调阅营业厅录像，工作人员未落实首问负责制，投诉属实",
              "MKT", at_station=True,
              cause="当事员工对业务不熟悉，未执行首问负责制，让客户往返多个窗口",
              rectification="已约谈当事员工，组织营业厅全员开展服务规范培训",
              reply="已向客户当面致歉，并当场为客户办结业务")),
    Case(_C, "电费比上个月高很多，怀疑电表有问题", UNSATISFIED,
          followup="回访客户不满意，要求复核抄表数据",
          complaint=ComplaintFacts(
              "billing_metering", _NOT_VALID, "现场校验电能表误差合格，电量增加系空调用电增多",
              "MTR",
              cause="天气炎热，客户家空调用电增多，电能表计量准确",
              rectification="已现场校验电能表，并向客户出示校验报告",
              reply="已向客户解释电量增加的原因，出示电能表校验合格报告")),
    Case(_C, "计划停电没有通知到我们，冰箱里的东西都坏了", SATISFIED, caller=AreaType.RURAL,
          complaint=ComplaintFacts(
              "outage_restoration", _PARTLY, "停电公告已按规定提前7天张贴，但客户未收到短信通知",
              "OPS", at_station=True,
              cause="客户手机号未登记，停电短信未能送达",
              rectification="已为客户登记手机号，台区停电通知改为张贴公告加逐户短信",
              reply="已向客户说明停电公告情况，并登记手机号以便今后接收停电短信")),
    Case(_C, "电压忽高忽低，家里烧坏了两台电器", CONTACTED, channel=Channel.REGULATOR_12398,
          hours_ago=(18, 40), complaint=ComplaintFacts("power_quality")),
    Case(_C, "申请新装一个多月了还没接电", JUDGED, channel=Channel.GOVERNMENT_12345,
          complaint=ComplaintFacts(
              "business_process", _VALID, "新装申请已超过承诺的接电时限，投诉属实",
              "MKT", at_station=True)),
    Case(_C, "村里新装的变压器离我家太近，晚上一直嗡嗡响", RECEIVED, caller=AreaType.RURAL,
          hours_ago=(1, 6), complaint=ComplaintFacts("grid_construction")),
    # Came in on the web overnight and nobody has called the customer back: contact_by has
    # passed, so the deadline watch escalates it (DESIGN §3.6).
    Case(_C, "报修电话打了很久才接通", RECEIVED, channel=Channel.WEB, hours_ago=(27, 33),
          complaint=ComplaintFacts("service_attitude")),
    Case(_C, "抄表员没有上门，电费是估算的", RECTIFYING,
          complaint=ComplaintFacts(
              "billing_metering", _VALID, "核查抄表记录，当月电量为估抄，投诉属实",
              "MKT", at_station=True,
              cause="抄表员因台区改造未按抄表例日到户抄表，按上月电量估抄",
              rectification="已安排补抄，按实抄电量重新核算电费，并对抄表员进行考核")),
    Case(_C, "举报装表电工索要好处费，说不给就拖着不装", RECTIFYING,
          complaint=ComplaintFacts(
              "service_attitude", _PARTLY, "经调查，装表人员有向客户推销指定表箱材料的行为，"
              "收取好处费未查实", "MKT", at_station=True, is_report=True,
              cause="装表人员违反廉洁服务规定，向客户推销指定厂家的表箱材料",
              rectification="已对当事人停岗处理，营销部开展廉洁服务专项检查")),
    Case(_C, "小区停电快一天了，几十户都没电，一直没人来处理，已经有记者来采访", REPLIED,
          caller="YD01",
          complaint=ComplaintFacts(
              "outage_restoration", _VALID, "小区配电房电缆故障抢修时间过长，未及时向业主通报进展",
              "OPS", at_station=True,
              cause="小区配电房低压电缆中间接头击穿，查找故障点耗时较长，抢修进展未及时告知业主",
              rectification="已更换故障电缆并恢复供电，建立大面积停电进展定时通报机制",
              reply="已上门向业主代表致歉，通报故障原因和整改措施",
              major="数十户客户停电近一天，已引起媒体关注")),
    Case(_Q, "咨询峰谷电价怎么计算", (), "已解释峰谷分时电价的时段划分和计价方式",
          article="峰谷分时电价时段与价格", today=True),
    Case(_Q, "咨询居民阶梯电价第二档从多少度开始", (), "已告知阶梯电价的分档标准和计算周期",
          article="居民阶梯电价怎么计算"),
    Case(_Q, "明天村里计划停电，问几点能来电", (), "已告知计划停电的时间窗口和停电原因",
          caller=AreaType.RURAL, article="计划停电怎么查询"),
    Case(_Q, "怎么办理电费银行代扣", (), "已告知可在营业厅或线上渠道签约代扣",
          article="电费缴纳渠道", today=True),
    Case(_Q, "新房装修想申请装电表，需要带什么资料", (), "已告知新装所需的身份证明和房产证明材料",
          article="新装用电办理流程"),
    Case(_Q, "小区车位想装电动汽车充电桩，怎么报装", (),
          "已告知充电桩报装流程及需物业出具的同意证明", caller="YD01", article="新装用电办理流程"),
    Case(_Q, "电表上的数字怎么看，想自己核对用了多少度电", (),
          "已指导客户查看正向有功总电量，并说明用电量的计算方法", caller=AreaType.RURAL,
          article="怎样读电能表（智能电表）"),
    Case(_Q, "查询上个月的电费明细", (), "已核对并告知上月电量电费明细，提醒可在App查看账单",
          article="电费缴纳渠道", today=True),
    Case(_Q, "已经交了电费，为什么还收到欠费短信", (),
          "缴费当日已到账，短信在到账前发出，已向客户解释",
          article="预付费（费控）电表充值与欠费停电"),
    Case(_Q, "交清欠费以后多久能来电，要不要另外申请", (),
          "已告知结清欠费后24小时内恢复供电，费控表一般几分钟内自动复电",
          article="欠费停电后如何恢复供电"),
    Case(_Q, "咨询工地临时用电怎么申请，收费标准是多少", (),
          "已告知临时用电按新装流程申请，收费标准以营业厅公示为准", caller="none",
          article="新装用电办理流程"),
    Case(_Q, "咨询台风天气停电时要注意什么", (),
          "已告知远离断线、不要自行处理带电设备等安全注意事项", caller="none",
          article="停电了先自查什么"),
    Case(_SR, "已缴清欠费，申请尽快恢复供电", CLOSED, "已远程复电，客户确认来电",
          request_type=_RECONNECT),
    # Paid this morning or last night: its 24 hours run out later today or tomorrow.
    Case(_SR, "欠费已经在手机上交清了，到现在还没来电", STARTED, request_type=_RECONNECT,
          hours_ago=(9, 14)),
    Case(_SR, "申请办理过户，更改户名", CLOSED, "过户资料已审核，户名已变更",
          request_type=ServiceRequest.Type.ACCOUNT_CHANGE),
    Case(_SR, "申请新装居民用电一户", STARTED, caller=AreaType.RURAL,
          request_type=ServiceRequest.Type.NEW_CONNECTION),
    Case(_SR, "装修需要，申请把电表移到门外", OPEN, request_type=ServiceRequest.Type.OTHER),
    Case(_SR, "家里要装空调和电热水器，申请增容", RESOLVED, "已现场勘查，增容方案已答复客户",
          request_type=ServiceRequest.Type.CAPACITY_CHANGE),
    Case(_SR, "申请安装电动汽车充电桩专用电表", STARTED, caller="YD01",
          request_type=ServiceRequest.Type.NEW_CONNECTION),
    Case(_SR, "怀疑电表走得快，申请校验电能表", CANCELLED,
          followup="客户来电表示已自行查明原因，撤销申请",
          request_type=ServiceRequest.Type.METER_CHECK),
    Case(_OP, "建议停电通知也在村委会公告栏张贴，村里老人不看手机", CLOSED,
          "已采纳，要求各供电所同时在村委会公告栏张贴停电通知", caller=AreaType.RURAL,
          subject="停电通知方式"),
    Case(_OP, "建议营业厅周末也开门办业务", STARTED, subject="营业厅营业时间"),
    Case(_OP, "建议抢修进度能在手机上实时查看", RESOLVED,
          "已转相关部门研究，计划在线上渠道增加进度查询", subject="抢修进度查询"),
    Case(_PR, "表扬连江口供电所抢修班组，台风天半夜冒雨抢修", (), caller="LJK",
          subject="连江口供电所抢修班组"),
    Case(_PR, "感谢城区供电所的师傅上门帮家里老人检查线路", (), caller="YD01",
          subject="英德城区供电所"),
    Case(_PR, "抢修师傅态度很好，来得也很快，要表扬一下", (), subject="抢修人员", today=True),
)  # fmt: skip

# Minutes from one step to the next, per kind: (shortest, longest). Repairs: the ticket's
# own actions after its work order's steps; a repair settled on the call is closed at once.
STEP_MINUTES = {
    _R: {"close": (120, 1440), "reopen": (60, 720), "cancel": (1, 5)},
    _Q: {"close": (1, 5)},
    _SR: {"start": (60, 480), "resolve": (240, 2880), "close": (240, 1440), "cancel": (30, 1440)},
    _OP: {"start": (60, 1440), "resolve": (1440, 2880), "close": (120, 1440)},
}  # fmt: skip
# A complaint's steps: minutes from the one before, in office hours (every callback alike).
COMPLAINT_STEP_MINUTES = {
    "contact": (20, 240), "judge": (60, 360), "rectify": (720, 2160), "reply": (60, 480),
    "callback": (240, 1200),
}  # fmt: skip
# A work order's steps: minutes from the one before. The arrival is timed against arrive_by.
WORK_ORDER_STEP_MINUTES = {
    "assign": (2, 10), "accept": (1, 5), "depart": (2, 8), "complete": (25, 150),
    "cancel": (5, 30),
}  # fmt: skip
ARRIVAL_SHARE = (0.45, 0.85)  # in time: this share of the allowed minutes after the call
LATE_MINUTES = (6, 35)  # late: this long after arrive_by
DEMO_DAYS = 7
OFFICE_HOURS = (8, 20)  # back office and callbacks, local time: from 08:00 to 20:00
CLOSE_NOTES = ("回访客户，表示满意", "回访客户，表示满意", "回访客户，基本满意")
START_NOTES = {
    _SR: "营销部已受理",
    _OP: "已转相关部门研究",
}
# What the agent tells the customer on a complaint's first contact, and notes on callbacks
# (an unsatisfied one's note is the case's followup).
CONTACT_NOTES = (
    "已致电客户致歉，告知将尽快核实处理",
    "已联系客户了解详细情况，告知处理时限",
    "已与客户取得联系，记录诉求，承诺按时答复",
)
CALLBACK_NOTES = {
    Complaint.CallbackResult.SATISFIED: "回访客户，对处理结果表示满意",
    Complaint.CallbackResult.BASICALLY_SATISFIED: "回访客户，表示基本满意",
    Complaint.CallbackResult.UNREACHABLE: "回访电话无人接听",
}


# --- Calls at the console ------------------------------------------------------------------

# Every ticket but a complaint from the web or a government line is recorded on a call. A
# call lasts (shortest, longest) minutes by the kind recorded on it; the ticket is recorded
# this far into it.
CALL_MINUTES = {_R: (3, 8), _C: (4, 10), _Q: (2, 6), _SR: (3, 7), _OP: (2, 5), _PR: (2, 4)}
RECORDED_SHARE = (0.6, 0.85)
WITHHELD_SHARE = 0.12  # no number shown: the agent identifies the caller by the account
# Calls that record nothing, on past days: (outcome, the agent's note).
CALLS_WITHOUT_TICKET = (
    (Call.Outcome.NOTHING, "客户询问营业厅地址和营业时间，已告知"),
    (Call.Outcome.NOTHING, "客户拨错号码，要找自来水公司，已告知供水服务热线"),
    (Call.Outcome.DROPPED, "接通后客户无应答"),
)
QUIET_CALL_MINUTES = (1, 3)


# --- Outage notices (DESIGN §3.4) ----------------------------------------------------------

# What the station publishes, and why. demo.py picks the devices and the windows: the
# planned one next week, the temporary and the restriction in force now.
NOTICE_REASONS = {
    OutageNotice.Kind.PLANNED: "10kV线路检修及线路通道树障清理，请提前做好停电准备",
    OutageNotice.Kind.TEMPORARY: "配变低压出线桩头发热烧蚀，需紧急停电处理",
    OutageNotice.Kind.RESTRICTION: "电网供电能力紧张，按有序用电方案错峰限电",
}
