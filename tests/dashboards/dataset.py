"""A hand-built service history for the dashboard tests, every number of it worked out below.

"Now" is Friday 2026-11-20 15:00 in Asia/Shanghai. Work orders (each serving a repair
ticket created with it) walk through dispatch's own service, at the times given:

| order | station | area  | created     | arrive_by | what happened                            |
| ----- | ------- | ----- | ----------- | --------- | ---------------------------------------- |
| A     | North   | urban | today 14:00 | 14:45     | on site 14:45:00 exactly, done 14:55     |
| B     | North   | urban | today 13:00 | 13:45     | on site 13:45:01 (late), still there     |
| C     | North   | rural | today 14:30 | 16:00     | waiting for a crew, not due yet          |
| D     | North   | urban | today 12:00 | 12:45     | waiting for a crew, past arrive_by       |
| E     | South   | urban | today 10:00 | 10:45     | on site 10:30, restore_by 13:30 passed   |
| F     | South   | urban | today 09:00 | 09:45     | cancelled 09:10, never reached           |
| G     | North   | urban | 11-19 08:00 | 08:45     | on site 08:40, returned 09:00            |
| H     | South   | rural | 11-10 10:00 | 11:30     | on site 11:30:00 exactly, done 12:30     |
| I     | North   | urban | 10-11 09:00 | 09:45     | on site 10:00 (late), done 11:00: before |
|       |         |       |             |           | the default 30-day period                |

Arrivals due and in time: today North 1/3 (A; B late, D missed), South 1/1 (E); 7 days
North 2/4 (+G), South 1/1; 30 days North 2/4, South 2/2 (+H). Urban 4/6 over 30 days,
rural 1/1 (C is not due).

Also: urges today on B (twice) and on G (once), one on G yesterday; consultations today
(one at North, one with no station); complaints (see COMPLAINTS); an active incident at
North with two reports; notices; calls.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Role
from complaints.models import Category, Complaint
from dispatch.models import CauseCode, WorkOrder
from dispatch.services import crew_member_set
from grid.models import AreaType, Station
from hotline.models import Call
from repairs.models import Incident, OutageNotice, Repair
from tests.dispatch.steps import take_step
from tests.factories import (
    CrewFactory,
    FeederFactory,
    PremiseFactory,
    StationFactory,
    TransformerFactory,
    UserFactory,
    ticket_create,
    work_order_create,
)
from tickets.models import Callback, Ticket
from tickets.services import ticket_urge

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TZ)
TODAY = NOW.date()

# (name, station, category, created, validity, callback result)
COMPLAINTS = [
    ("C1", "north", "repair_timeliness", datetime(2026, 11, 20, 9, 0, tzinfo=TZ), "", ""),
    (
        "C2",
        "north",
        "service_attitude",
        datetime(2026, 11, 19, 9, 0, tzinfo=TZ),
        "valid",
        "satisfied",
    ),
    (
        "C3",
        "south",
        "repair_timeliness",
        datetime(2026, 11, 15, 9, 0, tzinfo=TZ),
        "partially_valid",
        "unsatisfied",
    ),
    (
        "C4",
        None,
        "billing_metering",
        datetime(2026, 11, 1, 9, 0, tzinfo=TZ),
        "not_valid",
        "basically_satisfied",
    ),
    ("C5", "north", "service_attitude", datetime(2026, 10, 1, 9, 0, tzinfo=TZ), "valid", ""),
]
CATEGORIES = [
    ("service_attitude", "Service attitude"),
    ("repair_timeliness", "Repair timeliness"),
    ("billing_metering", "Billing and metering"),
]


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=TZ)


@dataclass
class ServiceDay:
    north: Station
    south: Station
    orders: dict[str, WorkOrder] = field(default_factory=dict)
    complaints: dict[str, Complaint] = field(default_factory=dict)
    incident: Incident | None = None


class Walker:
    """Takes work orders through dispatch's service at given times, as the crews would."""

    def __init__(self, station: Station, supervisor) -> None:
        self.supervisor = supervisor
        self.crew_user = UserFactory.create(role=Role.CREW, station=station)
        self.crew = CrewFactory.create(station=station)
        crew_member_set(user=self.crew_user, crew=self.crew)

    def arrive(self, order: WorkOrder, when: datetime) -> WorkOrder:
        take_step(
            order=order,
            action="assign",
            actor=self.supervisor,
            data={"crew": self.crew.code},
            now=when - timedelta(minutes=20),
        )
        for action, before in (("accept", 15), ("depart", 10)):
            take_step(
                order=order,
                action=action,
                actor=self.crew_user,
                now=when - timedelta(minutes=before),
            )
        return take_step(order=order, action="arrive", actor=self.crew_user, now=when)

    def complete(self, order: WorkOrder, when: datetime) -> WorkOrder:
        cause = CauseCode.objects.first()
        assert cause is not None
        data = {"cause": cause.code, "actions": "Replaced the fuse."}
        return take_step(order=order, action="complete", actor=self.crew_user, data=data, now=when)

    def give_back(self, order: WorkOrder, when: datetime) -> WorkOrder:
        return take_step(
            order=order,
            action="return",
            actor=self.crew_user,
            data={"reason": "Needs a bucket truck."},
            now=when,
        )

    def cancel(self, order: WorkOrder, when: datetime) -> WorkOrder:
        return take_step(
            order=order,
            action="cancel",
            actor=self.supervisor,
            data={"reason": "Recorded twice."},
            now=when,
        )


def order(station: Station, area: str, created: datetime, minutes: int, **extra) -> WorkOrder:
    premise = PremiseFactory.create(transformer__feeder__station=station, area_type=area)
    return work_order_create(
        premise=premise, arrive_by=created + timedelta(minutes=minutes), now=created, **extra
    )


def ticket_of(order: WorkOrder) -> Ticket:
    """The repair ticket the order serves (every order here serves one)."""
    assert order.ticket is not None
    return order.ticket


def build(*, supervisor) -> ServiceDay:
    """The whole history; `supervisor` assigns and cancels."""
    CauseCode.objects.get_or_create(code="fuse", defaults={"name": "Fuse"})
    for position, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    north = StationFactory.create(code="N01", name="North station")
    south = StationFactory.create(code="S01", name="South station")
    day = ServiceDay(north=north, south=south)
    walk = {"north": Walker(north, supervisor), "south": Walker(south, supervisor)}
    o = day.orders
    u, r = AreaType.URBAN, AreaType.RURAL

    o["A"] = order(north, u, at(20, 14), 45)
    walk["north"].arrive(o["A"], at(20, 14, 45))
    walk["north"].complete(o["A"], at(20, 14, 55))
    o["B"] = order(north, u, at(20, 13), 45)
    walk["north"].arrive(o["B"], at(20, 13, 45, 1))
    o["C"] = order(north, r, at(20, 14, 30), 90)
    o["D"] = order(north, u, at(20, 12), 45)
    o["E"] = order(south, u, at(20, 10), 45)
    walk["south"].arrive(o["E"], at(20, 10, 30))
    o["F"] = order(south, u, at(20, 9), 45)
    walk["south"].cancel(o["F"], at(20, 9, 10))
    o["G"] = order(north, u, at(19, 8), 45)
    walk["north"].arrive(o["G"], at(19, 8, 40))
    walk["north"].give_back(o["G"], at(19, 9))
    o["H"] = order(south, r, at(10, 10), 90)
    walk["south"].arrive(o["H"], at(10, 11, 30))
    walk["south"].complete(o["H"], at(10, 12, 30))
    o["I"] = order(north, u, at(11, 9, month=10), 45)
    walk["north"].arrive(o["I"], at(11, 10, month=10))
    walk["north"].complete(o["I"], at(11, 11, month=10))
    for key in o:
        o[key].refresh_from_db()

    ticket_urge(ticket=ticket_of(o["G"]), actor=supervisor, now=at(19, 10))
    ticket_urge(ticket=ticket_of(o["B"]), actor=supervisor, now=at(20, 14, 50))
    ticket_urge(ticket=ticket_of(o["B"]), actor=supervisor, now=at(20, 14, 51))
    ticket_urge(ticket=ticket_of(o["G"]), actor=supervisor, now=at(20, 14, 52))

    ticket_create(
        kind="consultation",
        premise=PremiseFactory.create(transformer__feeder__station=north),
        now=at(20, 11),
    )
    ticket_create(kind="consultation", now=at(20, 11, 30))

    stations = {"north": north, "south": south, None: None}
    for name, station_key, category, created, validity, result in COMPLAINTS:
        station = stations[station_key]
        premise = PremiseFactory.create(transformer__feeder__station=station) if station else None
        ticket = ticket_create(kind="complaint", premise=premise, now=created)
        day.complaints[name] = Complaint.objects.create(
            ticket=ticket,
            category=Category.objects.get(code=category),
            contact_by=created + timedelta(hours=24),
            reply_by=created + timedelta(days=6),
            due_at=created + timedelta(hours=24),
            validity=validity,
        )
        if result:
            Callback.objects.create(ticket=ticket, result=result, at=created + timedelta(days=1))

    feeder = FeederFactory.create(station=north)
    transformer = TransformerFactory.create(feeder=feeder)
    day.incident = Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=north,
        feeder=feeder,
        transformer=transformer,
        created_at=at(20, 13, 30),
        etr=at(20, 17),
    )
    Incident.objects.create(
        level=Incident.Level.FEEDER,
        station=north,
        feeder=FeederFactory.create(station=north),
        status=Incident.Status.RESTORED,
        created_at=at(20, 8),
        restored_at=at(20, 9),
    )
    for minute in (31, 32):
        report = ticket_create(
            kind="repair",
            premise=PremiseFactory.create(transformer=transformer),
            now=at(20, 13, minute),
        )
        Repair.objects.create(
            ticket=report,
            scope="neighbours",
            breaker="not_tripped",
            fault_side="utility",
            outcome="known_incident",
            incident=day.incident,
        )

    notice = OutageNotice.objects.create(
        kind=OutageNotice.Kind.PLANNED,
        reason="Line maintenance",
        starts_at=at(20, 8),
        ends_at=at(20, 18),
        published_at=at(18, 8),
        station=north,
        late_notice=True,
    )
    notice.feeders.set([feeder])
    OutageNotice.objects.create(
        kind=OutageNotice.Kind.TEMPORARY,
        reason="Cancelled",
        starts_at=at(20, 9),
        ends_at=at(20, 11),
        published_at=at(18, 8),
        station=south,
        cancelled_at=at(19, 8),
    )
    OutageNotice.objects.create(
        kind=OutageNotice.Kind.PLANNED,
        reason="Tomorrow",
        starts_at=at(21, 8),
        ends_at=at(21, 12),
        published_at=at(10, 8),
        station=south,
    )

    agent = UserFactory.create(role=Role.AGENT)
    for reason, started in (
        ("repair", at(20, 9)),
        ("repair", at(20, 10)),
        ("consultation", at(20, 11)),
        ("repair", at(19, 9)),
    ):
        Call.objects.create(
            agent=agent,
            caller_phone="13800000001",
            started_at=started,
            ended_at=started + timedelta(minutes=3),
            reason=reason,
            outcome="recorded",
        )
    Call.objects.create(agent=agent, caller_phone="13800000002", started_at=at(20, 14, 59))
    return day
