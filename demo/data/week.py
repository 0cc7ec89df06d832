"""How the demo's week runs: how long each step takes and the notes on it, the calls at
the console, and the outage notices (DESIGN.md §5.1)."""

from hotline.models import Call
from repairs.models import OutageNotice
from tickets.models import CallbackResult, Kind

DEMO_DAYS = 7
_R, _C, _Q = Kind.REPAIR, Kind.COMPLAINT, Kind.CONSULTATION
_SR, _OP, _PR = Kind.SERVICE_REQUEST, Kind.OPINION, Kind.PRAISE


# --- Steps of tickets, complaints and work orders ------------------------------------------

# Minutes from one step to the next, per kind: (shortest, longest). Repairs: the callbacks
# (in office hours) or the cancel after the work order's steps; a repair settled on the call
# is closed at once.
STEP_MINUTES = {
    _R: {"callback": (120, 1440), "cancel": (1, 5)},
    _Q: {"close": (1, 5)},
    _SR: {"start": (60, 480), "resolve": (240, 2880), "close": (240, 1440), "cancel": (30, 1440)},
    _OP: {"start": (60, 1440), "resolve": (1440, 2880), "close": (120, 1440),
          "transfer": (30, 240), "take": (30, 480)},
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
OFFICE_HOURS = (8, 20)  # back office and callbacks, local time: from 08:00 to 20:00
CLOSE_NOTES = ("回访客户，表示满意", "回访客户，表示满意", "回访客户，基本满意")
# Why the supervisor transfers paperwork to the back office (DESIGN §3.9).
PASSED_ON_NOTE = "属营销部业务，转营销部办理"
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
CALLBACK_NOTES: dict[str, str] = {
    CallbackResult.SATISFIED: "回访客户，对处理结果表示满意",
    CallbackResult.BASICALLY_SATISFIED: "回访客户，表示基本满意",
    CallbackResult.UNREACHABLE: "回访电话无人接听",
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

# What the station publishes, and why. demo/outages.py picks the devices and the windows: the
# planned one next week, the temporary and the restriction in force now.
NOTICE_REASONS = {
    OutageNotice.Kind.PLANNED: "10kV线路检修及线路通道树障清理，请提前做好停电准备",
    OutageNotice.Kind.TEMPORARY: "配变低压出线桩头发热烧蚀，需紧急停电处理",
    OutageNotice.Kind.RESTRICTION: "电网供电能力紧张，按有序用电方案错峰限电",
}
# What a dispatcher writes for the crew when declaring an incident (DESIGN §3.10), and why
# the second one is dismissed.
DECLARED_NOTES = (
    "巡线发现配变高压跌落式熔断器熔断，台区全部停电",
    "配变低压侧有异响，疑似停电，请到现场核实",
)
DISMISS_REASON = "现场核实：仅路灯回路跳闸，居民供电正常"
