"""The demo's departments, crews and staff of every role (DESIGN.md §5.1)."""

from dataclasses import dataclass

from accounts.models import Role

PASSWORD = "gridline-demo"
# The hotline works in Chinese: what the services still write as sentences (triage
# reasons, merge notes) is written in the language the staff's browsers would use.
# Notifications, SMS and work-order briefs are written in each reader's language.
DEMO_LANGUAGE = "zh-hans"

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
    # The telephony's machine account: a token from POST /api/v1/auth/token/, never a page.
    StaffPlan("cti", Role.INTEGRATION, "", "话务系统"),
)
# The agent a demo visitor logs in as at the console: today's calls there are theirs.
CONSOLE_AGENT = "agent1"
