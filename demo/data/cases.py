"""The demo's tickets: one case for each, with its kind, caller, history and what each
step writes (DESIGN.md §5.1); demo/tickets.py finds each case its caller and its times."""

from dataclasses import dataclass

from complaints.models import Complaint
from grid.models import AreaType
from hotline.models import ServiceRequest
from repairs.triage import Answers, Breaker, FaultSide, Hazard, Scope
from tickets.models import CallbackResult, Channel, Kind

# A ticket's history, as the actions applied after `created`. Consultations and praise
# have none: the hotline's services record, answer and close them on the call.
OPEN = ()
STARTED = ("start",)
RESOLVED = ("start", "resolve")
CLOSED = ("start", "resolve", "close")
CANCELLED = ("cancel",)
# Paperwork the supervisor passes to the back office's department (DESIGN §3.9), which
# takes it in hand: the department handler's queue.
PASSED_ON = ("transfer",)
PASSED_ON_TAKEN = ("transfer", "take")

# A complaint's history is the steps of COMPLAINT_TRANSITIONS after complaint_create
# (complaints/models.py); a callback, of a complaint or a repair, is written as its result.
RECEIVED = ()
CONTACTED = ("contact",)
JUDGED = ("contact", "judge")
RECTIFYING = ("contact", "judge", "rectify")
REPLIED = (*RECTIFYING, "reply")
SATISFIED = (*REPLIED, "satisfied")
REACHED_LATER = (*REPLIED, "unreachable", "basically_satisfied")
UNSATISFIED = (*REPLIED, "unsatisfied")  # reopened: rectifying again, with a new reply_by
CALLBACK_RESULTS = frozenset(CallbackResult.values)


def step_action(step: str) -> str:
    """The action of a case's step: a callback's result is a callback."""
    return "callback" if step in CALLBACK_RESULTS else step


# A repair's history is two parts. repair_create triages the call and either dispatches a
# work order (the ticket is in progress) or resolves the ticket on the call. `order_path` is
# then the steps taken on the work order (dispatch/models.py), and `path` what follows:
# the callbacks to a resolved repair (repairs/services/callbacks.py: content closes it,
# unsatisfied reopens it to its station with a new work order), a cancel, or the agent's
# close of a repair settled on the call.
WALKED = ("assign", "accept", "depart", "arrive", "complete")
ASSIGNED = ("assign",)
EN_ROUTE = ("assign", "accept", "depart")
ON_SITE = ("assign", "accept", "depart", "arrive")
WITHDRAWN = ("cancel",)  # the station's dispatcher cancels the order
CLOSED_ON_CALL = ("close",)
CALLED_BACK = ("satisfied",)
CALLED_BACK_CONTENT = ("basically_satisfied",)
CALLED_BACK_LATER = ("unreachable", "satisfied")
NOT_REACHED = ("unreachable",)  # still resolved: in the callback queue for another try
CALLED_BACK_UNHAPPY = ("unsatisfied",)


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
    kind: Kind
    description: str
    path: tuple[str, ...]
    # The note on `resolve`; for a repair, what the crew did; for a consultation, the answer.
    resolution: str = ""
    # The note on a `cancel`, or on an unsatisfied callback.
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
    # (negative: overdue). They were called in recently, or (an unsatisfied callback's)
    # reopened recently; the others on past days.
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
    def facts(self) -> ComplaintFacts:
        """A complaint case's facts; only a complaint case has them."""
        if self.complaint is None:
            raise ValueError(f"Demo case {self.description!r} is not a complaint case.")
        return self.complaint

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
    Case(_R, "家里停电了，表箱里的总开关跳了推不上去", CLOSED_ON_CALL,
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
          order_path=WALKED, cause="overload", due_in=25),
    Case(_R, "家里一半的灯不亮，另一半正常", CALLED_BACK_LATER,
          "接户线一相接头松脱导致缺相，重新压接后恢复",
          answers=Answers(_SELF, _HELD), order_path=WALKED, cause="service_line"),
    Case(_R, "打雷以后就停电了，全村都没电", CALLED_BACK_CONTENT,
          "配变高压侧避雷器击穿，更换后恢复供电",
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
    Case(_R, "烧水壶一插上，漏电开关就跳", CLOSED_ON_CALL,
          answers=Answers(_SELF, _NO_RESET, equipment_in_use="电热水壶", fault_side=_THEIRS)),
    Case(_R, "开了空调和电热水器以后总闸跳了，复位后已经来电", CLOSED_ON_CALL,
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
    Case(_R, "隔壁几家都没电，是不是变压器坏了", NOT_REACHED, caller="cluster",
          answers=Answers(_NEAR, _HELD)),
    Case(_R, "家里突然停电了，也没收到停电通知", (), caller="temporary",
          answers=Answers(_NEAR, _HELD)),
    Case(_R, "茶厂车间突然停电，生产线全停了", CLOSED_ON_CALL, caller="restriction",
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
    Case(_SR, "装修需要，申请把电表移到门外", OPEN, request_type=ServiceRequest.Type.OTHER,
          caller="YD01"),
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
    Case(_OP, "建议营业厅周末也开门办业务", PASSED_ON_TAKEN, subject="营业厅营业时间"),
    Case(_OP, "建议电费账单增加分时电价的用电明细", PASSED_ON, subject="电费账单内容",
          caller="none", hours_ago=(20, 30)),
    Case(_OP, "建议抢修进度能在手机上实时查看", RESOLVED,
          "已转相关部门研究，计划在线上渠道增加进度查询", subject="抢修进度查询"),
    Case(_PR, "表扬连江口供电所抢修班组，台风天半夜冒雨抢修", (), caller="LJK",
          subject="连江口供电所抢修班组"),
    Case(_PR, "感谢城区供电所的师傅上门帮家里老人检查线路", (), caller="YD01",
          subject="英德城区供电所"),
    Case(_PR, "抢修师傅态度很好，来得也很快，要表扬一下", (), subject="抢修人员", today=True),
)  # fmt: skip

# Minutes from one step to the next, per kind: (shortest, longest). Repairs: the ticket's
