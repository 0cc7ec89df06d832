"""Complaint fixtures: the seeded categories and calendar, and complaints walked to a status.

Transactional tests elsewhere (threads, live_server) flush every table, the rows the data
migration seeded included; the autouse fixture puts them back so no test depends on order.
"""

from datetime import datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from accounts.models import Role
from complaints import services
from complaints.models import Category, Complaint
from tests.factories import DepartmentFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = import_module("complaints.migrations.0002_categories_and_calendar")


def reseed() -> None:
    """The rows of the complaints data migration, when a flush took them (idempotent)."""
    SEED.seed_categories(apps)
    SEED.seed_calendar(apps)


@pytest.fixture(autouse=True)
def _complaint_reference_data(request):
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        request.getfixturevalue("_django_db_helper")
        if not Category.objects.filter(code="other").exists():
            reseed()


def at(year, month, day, hour=10, minute=0, second=0) -> datetime:
    """A moment in the utility's local time (Asia/Shanghai)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def category(code: str = "service_attitude") -> Category:
    return Category.objects.get(code=code)


def record(**kwargs) -> Complaint:
    """A complaint recorded through the service, as the agent's form would."""
    kwargs.setdefault("channel", "hotline")
    kwargs.setdefault("category", category(kwargs.pop("category_code", "service_attitude")))
    kwargs.setdefault("description", "The clerk at the service hall shouted at me.")
    kwargs.setdefault("actor", None)
    kwargs.setdefault("now", at(2026, 11, 2))
    return services.complaint_create(**kwargs)


# The steps that bring a new complaint to each status, with who takes them.
PATH_TO = {
    "received": [],
    "contacted": ["contact"],
    "judged": ["contact", "judge"],
    "rectifying": ["contact", "judge", "rectify"],
    "replied": ["contact", "judge", "rectify", "reply"],
    "closed": ["contact", "judge", "rectify", "reply", "callback"],
}
STEP_DATA = {
    "contact": {"note": "Called back, apologised, promised an answer."},
    "judge": {"validity": "valid", "reason": "The call recording confirms it."},
    "rectify": {"cause": "Clerk untrained on bills.", "rectification": "Clerk retrained."},
    "reply": {"text": "We are sorry; the clerk has been retrained."},
    "callback": {"result": "satisfied", "note": ""},
}


def walk(complaint: Complaint, steps: list[str], *, people: dict, now=None) -> Complaint:
    """Take the steps through services.complaint_act, each by the role that may."""
    for action in steps:
        data = dict(STEP_DATA[action])
        if action == "judge":
            data["department"] = people["department"]
        complaint = services.complaint_act(
            complaint=complaint,
            action=action,
            data=data,
            actor=people[action],
            now=now or complaint.ticket.created_at,
        )
    return Complaint.objects.select_related("ticket").get(pk=complaint.pk)


@pytest.fixture
def people(agent, supervisor, handler, department) -> dict:
    return {
        "contact": agent,
        "judge": supervisor,
        "rectify": handler,
        "reply": handler,
        "callback": agent,
        "department": department,
    }


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="OPS", name="Operations")


@pytest.fixture
def other_handler(other_department):
    return UserFactory(username="handler_ops", role=Role.HANDLER, department=other_department)
