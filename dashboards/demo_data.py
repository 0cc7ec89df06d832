"""The demo's fixed tables: places, names, staff, ticket cases and outage notices (DESIGN.md §5.1).

Plain data and the small records it is made of; dashboards/demo.py turns it into premises,
customers, tickets and notices with a seeded random generator, and the seed_demo command
writes them.
"""

from dataclasses import dataclass

from accounts.models import Role
from grid.models import AreaType
from repairs.models import OutageNotice
from repairs.triage import Answers, Breaker, FaultSide, Hazard, Scope
from tickets.models import Channel, Kind, Priority

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
    StaffPlan("manager1", Role.MANAGER, "刘", "振华"),
    StaffPlan("admin", Role.ADMIN, "吴", "海燕"),
)


# --- Tickets -------------------------------------------------------------------------------

# A ticket's history, as the actions applied after `created`.
OPEN = ()
STARTED = ("start",)
RESOLVED = ("start", "resolve")
CLOSED = ("start", "resolve", "close")
ANSWERED = ("resolve", "close")  # answered on the call, closed by the agent
REOPENED = ("start", "resolve", "reopen")
CANCELLED = ("cancel",)

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
class Case:
    kind: str
    description: str
    path: tuple[str, ...]
    resolution: str = ""  # the note on `resolve`; for a repair, what the crew did
    followup: str = ""  # the note on `start`, `reopen` or `cancel`
    priority: str = Priority.NORMAL  # repairs: repair_create decides it from the triage
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

    @property
    def answered_on_call(self) -> bool:
        """Nothing went out to the field: the agent answers and closes on the call."""
        if self.kind == Kind.REPAIR:
            # The cluster's callers are attached to the incident's work order.
            return not self.order_path and self.caller != "cluster"
        return self.path == ANSWERED


_R, _C, _Q = Kind.REPAIR, Kind.COMPLAINT, Kind.CONSULTATION
_SR, _OP, _PR = Kind.SERVICE_REQUEST, Kind.OPINION, Kind.PRAISE
_URGENT, _HIGH, _LOW = Priority.URGENT, Priority.HIGH, Priority.LOW
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
    Case(_C, "抢修人员说一个小时内到，等了三个小时还没人来", CLOSED,
          "核实班组同时处理多起故障导致延误，已向客户致歉并对班组进行考核"),
    Case(_C, "这个月已经停电三次了，都没有提前通知", CLOSED,
          "该线路受雷雨天气影响故障较多，已列入线路改造计划，并向客户解释", caller=AreaType.RURAL),
    Case(_C, "营业厅工作人员态度很差，办业务推来推去", RESOLVED,
          "已约谈当事员工并进行服务规范培训，向客户致歉"),
    Case(_C, "电费比上个月高很多，怀疑电表有问题", REOPENED,
          "现场校验电能表误差合格，电量增加系空调用电增多，已向客户解释",
          followup="回访客户不满意，要求复核抄表数据"),
    Case(_C, "计划停电没有通知到我们，冰箱里的东西都坏了", CLOSED,
          "停电通知已按规定张贴，已改进为逐户短信通知", caller=AreaType.RURAL),
    Case(_C, "电压忽高忽低，家里烧坏了两台电器", STARTED, priority=_HIGH,
          channel=Channel.REGULATOR_12398),
    Case(_C, "申请新装一个多月了还没接电", STARTED, priority=_HIGH,
          channel=Channel.GOVERNMENT_12345),
    Case(_C, "村里新装的变压器离我家太近，晚上一直嗡嗡响", OPEN, caller=AreaType.RURAL),
    Case(_C, "报修电话打了很久才接通", OPEN, channel=Channel.WEB),
    Case(_C, "抄表员没有上门，电费是估算的", CANCELLED,
          followup="与该客户当天另一张投诉单重复登记，已合并处理"),
    Case(_Q, "咨询峰谷电价怎么计算", ANSWERED, "已解释峰谷分时电价的时段划分和计价方式"),
    Case(_Q, "咨询居民阶梯电价第二档从多少度开始", ANSWERED, "已告知阶梯电价的分档标准和计算周期"),
    Case(_Q, "明天村里计划停电，问几点能来电", ANSWERED, "已告知计划停电的时间窗口和停电原因",
          caller=AreaType.RURAL),
    Case(_Q, "怎么办理电费银行代扣", ANSWERED, "已告知可在营业厅或线上渠道签约代扣"),
    Case(_Q, "新房装修想申请装电表，需要带什么资料", ANSWERED,
          "已告知新装所需的身份证明和房产证明材料"),
    Case(_Q, "小区车位想装电动汽车充电桩，怎么报装", ANSWERED,
          "已告知充电桩报装流程及需物业出具的同意证明", caller="YD01"),
    Case(_Q, "屋顶装光伏发电并网需要什么手续", ("resolve",), "已告知分布式光伏并网申请流程",
          caller=AreaType.RURAL),
    Case(_Q, "查询上个月的电费明细", ANSWERED, "已核对并告知上月电量电费明细"),
    Case(_Q, "已经交了电费，为什么还收到欠费短信", ANSWERED,
          "缴费当日已到账，短信在到账前发出，已向客户解释"),
    Case(_Q, "房子过户了，电费户名怎么改", ANSWERED, "已告知过户所需材料，可到营业厅或线上办理"),
    Case(_Q, "咨询工地临时用电怎么申请，收费标准是多少", STARTED,
          followup="需向营销部核实收费标准后回电答复", caller="none"),
    Case(_Q, "咨询台风天气停电时要注意什么", ANSWERED,
          "已告知远离断线、不要自行处理带电设备等安全注意事项", caller="none"),
    Case(_SR, "已缴清欠费，申请尽快恢复供电", CLOSED, "已远程复电，客户确认来电", priority=_HIGH),
    Case(_SR, "申请办理过户，更改户名", CLOSED, "过户资料已审核，户名已变更", channel=Channel.APP),
    Case(_SR, "申请新装居民用电一户", STARTED, caller=AreaType.RURAL),
    Case(_SR, "装修需要，申请把电表移到门外", OPEN, channel=Channel.APP),
    Case(_SR, "家里要装空调和电热水器，申请增容", RESOLVED, "已现场勘查，增容方案已答复客户"),
    Case(_SR, "申请安装电动汽车充电桩专用电表", STARTED, caller="YD01"),
    Case(_SR, "怀疑电表走得快，申请校验电能表", CANCELLED,
          followup="客户来电表示已自行查明原因，撤销申请"),
    Case(_OP, "建议停电通知也在村委会公告栏张贴，村里老人不看手机", CLOSED,
          "已采纳，要求各供电所同时在村委会公告栏张贴停电通知", priority=_LOW,
          caller=AreaType.RURAL),
    Case(_OP, "建议营业厅周末也开门办业务", STARTED, priority=_LOW, channel=Channel.WEB),
    Case(_OP, "建议抢修进度能在手机上实时查看", RESOLVED,
          "已转相关部门研究，计划在线上渠道增加进度查询", priority=_LOW),
    Case(_PR, "表扬连江口供电所抢修班组，台风天半夜冒雨抢修", CLOSED,
          "已转达连江口供电所并予以通报表扬", priority=_LOW, caller="LJK"),
    Case(_PR, "感谢城区供电所的师傅上门帮家里老人检查线路", CLOSED, "已转达英德城区供电所",
          priority=_LOW, caller="YD01"),
    Case(_PR, "抢修师傅态度很好，来得也很快，要表扬一下", OPEN, priority=_LOW),
)  # fmt: skip

# Minutes from one step to the next, per kind: (shortest, longest). Repairs: the ticket's
# own actions after its work order's steps.
STEP_MINUTES = {
    _R: {"close": (120, 1440), "reopen": (60, 720), "cancel": (1, 5)},
    _C: {"start": (30, 240), "resolve": (1440, 4320), "close": (240, 1440), "reopen": (240, 1440),
         "cancel": (10, 120)},
    _Q: {"start": (2, 10), "resolve": (3, 12), "close": (1, 5)},
    _SR: {"start": (60, 480), "resolve": (240, 2880), "close": (240, 1440), "cancel": (30, 1440)},
    _OP: {"start": (60, 1440), "resolve": (1440, 2880), "close": (120, 1440)},
    _PR: {"start": (60, 480), "resolve": (60, 480), "close": (60, 720)},
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
    _C: "值班长已审核，转营销部调查处理",
    _SR: "营销部已受理",
    _OP: "已转相关部门研究",
    _PR: "已转达相关单位",
}


# --- Outage notices (DESIGN §3.4) ----------------------------------------------------------

# What the station publishes, and why. demo.py picks the devices and the windows: the
# planned one next week, the temporary and the restriction in force now.
NOTICE_REASONS = {
    OutageNotice.Kind.PLANNED: "10kV线路检修及线路通道树障清理，请提前做好停电准备",
    OutageNotice.Kind.TEMPORARY: "配变低压出线桩头发热烧蚀，需紧急停电处理",
    OutageNotice.Kind.RESTRICTION: "电网供电能力紧张，按有序用电方案错峰限电",
}
