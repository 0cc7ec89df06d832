"""The objects the authorization matrix asks about: one of everything at the north
station and in the MKT department, and the same again at south / OPS to prove that
out-of-scope objects answer 404."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from complaints.models import Category
from complaints.services import complaint_contact, complaint_create, complaint_judge
from complaints.summaries import complaint_summary_build
from dispatch.services import crew_member_set
from hotline.models import Article
from hotline.services import call_start
from repairs.forms import OutageNoticeForm
from repairs.services.intake import repair_create
from repairs.services.notices import notice_publish
from repairs.triage import Answers, Scope
from tests.dispatch.steps import take_step
from tests.factories import (
    CrewFactory,
    DepartmentFactory,
    FeederFactory,
    PremiseFactory,
    StationFactory,
    TransformerFactory,
    UserFactory,
    complaint_file_add,
    photo_add,
)

ROLES = (
    "anonymous",
    "agent",
    "supervisor",
    "dispatcher",
    "crew",
    "handler",
    "manager",
    "integration",
)


@dataclass
class Side:
    """One station's (and one department's) objects."""

    ticket: object = None
    work_order: object = None
    incident: object = None
    notice: object = None
    complaint: object = None
    call: object = None
    photo: object = None  # a crew's photo of the repair's work order
    complaint_file: object = None
    incident_photo: object = None  # a photo of the incident's work order: no ticket


@dataclass
class World:
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    north: Side = field(default_factory=Side)
    south: Side = field(default_factory=Side)
    article: object = None
    summary: object = None


def category_any() -> Category:
    """A complaint category: the seeded ones, or one made here when a transactional test
    (live_server, threads) has flushed the seeded rows from a reused test database."""
    category = Category.objects.order_by("position", "pk").first()
    if category is None:
        category = Category.objects.create(code="service", name="Service")
    return category


def build_world() -> World:
    world = World()
    now = timezone.now()
    stations = {
        "north": StationFactory.create(code="N01"),
        "south": StationFactory.create(code="S01"),
    }
    departments = {
        "north": DepartmentFactory.create(code="MKT"),
        "south": DepartmentFactory.create(code="OPS"),
    }
    supervisor = UserFactory.create(username="m_supervisor", role=Role.SUPERVISOR)
    for side in ("north", "south"):
        station, department = stations[side], departments[side]
        dispatcher = UserFactory.create(username=f"{side}_dispatcher", role=Role.DISPATCHER,
                                 station=station)  # fmt: skip
        crew_user = UserFactory.create(username=f"{side}_crew", role=Role.CREW, station=station)
        crew = CrewFactory.create(code=f"{side}-crew", station=station)
        crew_member_set(user=crew_user, crew=crew)
        handler = UserFactory.create(username=f"{side}_handler", role=Role.HANDLER,
                              department=department)  # fmt: skip
        agent = UserFactory.create(username=f"{side}_agent", role=Role.AGENT)
        if side == "north":
            world.users = {
                "agent": agent,
                "supervisor": supervisor,
                "dispatcher": dispatcher,
                "crew": crew_user,
                "handler": handler,
                "manager": UserFactory.create(username="m_manager", role=Role.MANAGER),
                "integration": UserFactory.create(username="m_cti", role=Role.INTEGRATION),
            }
        objects = getattr(world, side)
        feeder = FeederFactory.create(station=station)
        premise = PremiseFactory.create(transformer__feeder=feeder, meter_no=f"{side}-meter")
        created = repair_create(premise=premise, answers=Answers(), actor=agent,
                                caller_phone="13800001234", now=now)  # fmt: skip
        objects.ticket = created.ticket
        assert created.work_order is not None  # the repair is dispatched
        objects.work_order = take_step(order=created.work_order, action="assign",
                                            actor=dispatcher, data={"crew": crew.code})  # fmt: skip
        transformer = TransformerFactory.create(feeder=feeder)
        for i in range(3):
            last = repair_create(premise=PremiseFactory.create(transformer=transformer),
                                 answers=Answers(scope=Scope.NEIGHBOURS), actor=agent,
                                 now=now + timedelta(seconds=i))  # fmt: skip
        objects.incident = last.incident
        data = OutageNoticeForm(
            data={"kind": "planned", "feeder_codes": [feeder.code],
                  "starts_at": (now + timedelta(days=9)).isoformat(),
                  "ends_at": (now + timedelta(days=9, hours=4)).isoformat(), "reason": "Poles"},
            user=supervisor, now=now,
        ).notice_input()  # fmt: skip
        objects.notice = notice_publish(data=data, actor=supervisor, now=now)
        complaint = complaint_create(channel="hotline", category=category_any(),
                                     description="Rude clerk", actor=agent)  # fmt: skip
        complaint = complaint_contact(complaint=complaint, note="Called", actor=agent)
        objects.complaint = complaint_judge(complaint=complaint, validity="valid",
                                            reason="Confirmed", department=department,
                                            station=station, actor=supervisor)  # fmt: skip
        objects.photo = photo_add(order=objects.work_order, actor=crew_user, stage="before")
        objects.complaint_file = complaint_file_add(complaint=objects.complaint, actor=agent)
        incident_order = take_step(order=objects.incident.work_order, action="assign",
                                   actor=dispatcher, data={"crew": crew.code})  # fmt: skip
        objects.incident_photo = photo_add(order=incident_order, actor=crew_user, stage="after")
        objects.call = call_start(agent=agent, caller_phone=f"1390000{side == 'north':04d}",
                                  customer=None)  # fmt: skip
    world.article = Article.objects.first()
    world.summary = complaint_summary_build(period="weekly", on=now.date())
    world.tokens = {role: Token.objects.create(user=user).key for role, user in world.users.items()}
    return world
