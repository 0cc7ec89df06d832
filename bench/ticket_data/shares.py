"""How a year of tickets is made up: the kinds and their shares, the hours of the calls, the
repairs' outcomes, and the texts the tickets carry.
"""

KIND_SHARE = {
    "consultation": 0.52,
    "repair": 0.30,
    "service_request": 0.09,
    "complaint": 0.05,
    "opinion": 0.03,
    "praise": 0.01,
}
# How the open tickets split by kind (consultations and praise close on the call).
OPEN_SHARE = {"repair": 0.10, "complaint": 0.25, "service_request": 0.45, "opinion": 0.20}
PREFIX = {
    "repair": "R",
    "complaint": "C",
    "consultation": "Q",
    "service_request": "S",
    "opinion": "O",
    "praise": "P",
}
HOURS = [
    0.2,
    0.1,
    0.1,
    0.1,
    0.1,
    0.2,
    0.4,
    0.8,
    1.4,
    1.8,
    1.8,
    1.6,
    1.2,
    1.2,
    1.4,
    1.5,
    1.4,
    1.3,
    1.4,
    1.7,
    1.8,
    1.4,
    0.9,
    0.5,
]
CLOSED_REPAIR_OUTCOMES = {
    "dispatch": 0.55,
    "resolved_on_call": 0.15,
    "customer_side": 0.12,
    "known_incident": 0.08,
    "planned_outage": 0.05,
    "emergency_dispatch": 0.03,
    "supply_restriction": 0.02,
}
OPEN_ORDER_STATUS = {
    "pending": 0.3,
    "assigned": 0.25,
    "accepted": 0.15,
    "en_route": 0.15,
    "on_site": 0.15,
}
REPLY_DAYS = {"service_request": 7, "opinion": 14}
DESCRIPTIONS = {
    "consultation": [
        "咨询电价标准",
        "咨询停电时间",
        "咨询过户手续",
        "咨询电费账单",
        "咨询峰谷电价",
    ],
    "repair": ["家里突然停电", "整栋楼没电", "电压不稳灯一闪一闪", "表箱冒烟", "门口电线掉下来"],
    "service_request": ["申请增容", "申请新装", "欠费缴清后申请复电", "申请更名过户"],
    "complaint": ["抢修人员迟迟不到", "频繁停电未通知", "电费计算有误", "营业厅服务态度差"],
    "opinion": ["建议增加缴费网点", "建议停电提前短信通知"],
    "praise": ["表扬抢修班组及时", "表扬客服耐心"],
}
# The triage's reason, as the repair records it, for each outcome.
REASON = {
    "dispatch": "已派抢修",
    "emergency_dispatch": "危险情况，立即派单",
    "known_incident": "所在台区已有停电事件，抢修中",
    "resolved_on_call": "漏保复位后已恢复供电",
    "customer_side": "属客户产权内故障，建议联系电工",
    "planned_outage": "计划停电期间",
    "supply_restriction": "有序用电期间",
}
