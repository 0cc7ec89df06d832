"""seed_demo: fill an empty database with a realistic demo (DESIGN.md §5.1).

The demo is a county grid company in Guangdong, 英德市 (Qingyuan): four supply
stations with their feeders and transformers, about 3,000 premises and their
customers, departments, staff of every role with their crews, about 60
tickets of every kind and status dated over the last seven days, the repairs'
work orders, an incident and outage notices.

It lives in dashboards, the top app, because it may import every other app.
Writes go through the apps' services, so the demo exercises the real importer,
ticket numbering, triage, dispatch, correlation and timeline: grid_import,
staff_create_or_update, crew_get_or_create and crew_member_set for the people;
repair_create for every repair call (triage, work order, incident), then
work_order_act for every step a dispatcher or crew takes; notice_input_parse
and notice_publish for the notices; ticket_create and ticket_transition for
the other kinds and for the callbacks. The week is replayed in time order, so
each call is triaged against the notices and incidents of its moment.

One seeded random generator makes the data (dashboards/demo.py, from the tables
in dashboards/demo_data.py): every run gives the same stations, people, tickets
and notices; only the dates follow the clock. It is all one transaction: a
failure part-way leaves the database as it was.

A database that already has a supply station is left alone, so `make run` can
call this every time.
"""

import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User
from accounts.services import staff_create_or_update
from dashboards.demo import (
    SEED,
    Cast,
    CrewCast,
    GridPlan,
    NoticePlan,
    TicketPlan,
    csv_lines,
    outage_plan,
    ticket_plans,
)
from dashboards.demo_data import (
    CREWS,
    DEMO_DAYS,
    DEMO_LANGUAGE,
    DEPARTMENTS,
    PASSWORD,
    STAFF,
    STATIONS,
    PremisePlan,
)
from dispatch.models import Crew, WorkOrder
from dispatch.services import crew_get_or_create, crew_member_set, work_order_act
from grid.models import Department, Premise, Station
from grid.services import grid_import
from repairs.models import Incident, OutageNotice, Repair
from repairs.services import (
    notice_input_parse,
    notice_publish,
    notice_reminders_send,
    repair_create,
)
from repairs.triage import Outcome
from tickets.models import Channel, Kind, Ticket
from tickets.services import ticket_create, ticket_transition


@dataclass
class TicketRun:
    """One ticket being replayed: who handles it, and what the services have made so far."""

    plan: TicketPlan
    agent: User
    crew: CrewCast | None
    ticket: Ticket | None = None
    work_order: WorkOrder | None = None


class Command(BaseCommand):
    help = "Fill an empty database with a demo: a county grid company in Guangdong, in Chinese."

    def handle(self, *args, **options):
        if Station.objects.exists():
            self.stdout.write("The database already has supply stations: already seeded.")
            return
        rng = random.Random(SEED)
        now = timezone.now()
        grid = GridPlan(rng)
        premises = grid.build()
        outages = outage_plan(rng, grid, now)
        plans = ticket_plans(rng, grid, outages, now)

        self.stdout.write("Seeding the Gridline demo (英德市, Guangdong)...")
        with transaction.atomic():
            grid_import(
                lines=csv_lines(premises),
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
            departments = self._departments()
            staff = self._staff(departments)
            with translation.override(DEMO_LANGUAGE):
                self._replay(plans, outages.notices, staff, now)
        self._summary(premises, departments, staff, now)

    def _departments(self) -> dict[str, Department]:
        departments = {}
        for code, name in DEPARTMENTS:
            departments[code], _ = Department.objects.get_or_create(
                code=code, defaults={"name": name}
            )
        return departments

    def _staff(self, departments: dict[str, Department]) -> dict[str, User]:
        stations = Station.objects.in_bulk(field_name="code")
        crews: dict[str, Crew] = {}
        for code, station_code, name in CREWS:
            crew, created = crew_get_or_create(code=code, station=stations[station_code])
            if created:
                # The service names a new crew after its code; the demo shows a real name.
                crew.name = name
                crew.save(update_fields=["name"])
            crews[code] = crew
        staff = {}
        for plan in STAFF:
            user, _created, _generated = staff_create_or_update(
                username=plan.username,
                role=plan.role,
                password=PASSWORD,
                station=stations.get(plan.station),
                department=departments.get(plan.department),
            )
            # The service has no name parameters; the names are only for display.
            user.last_name, user.first_name = plan.last_name, plan.first_name
            user.save(update_fields=["last_name", "first_name"])
            if plan.crew:
                crew_member_set(user=user, crew=crews[plan.crew])
            staff[plan.username] = user
        return staff

    def _replay(
        self,
        plans: list[TicketPlan],
        notices: list[NoticePlan],
        staff: dict[str, User],
        now: datetime,
    ) -> None:
        """Play the week's calls, steps and notices in time order through the services.

        Order matters: triage looks up the notices and incidents active at the call,
        and correlation counts the reports still open within its window.
        """
        rng = random.Random(SEED + 1)
        premises = Premise.objects.select_related(
            "customer", "transformer__feeder__station"
        ).in_bulk([p.premise.meter_no for p in plans if p.premise], field_name="meter_no")
        cast = Cast.from_staff(staff)
        events: list[tuple[datetime, int, Callable[[], object]]] = []

        def at(moment: datetime, play: Callable[[], object]) -> None:
            # The counter keeps each ticket's steps in order when two share a second.
            events.append((moment, len(events), play))

        reminder = timedelta(minutes=settings.GRIDLINE_NOTICE_REMINDER_MINUTES)
        for notice in notices:
            publisher = cast.dispatchers[notice.station_code]
            at(notice.published_at, partial(self._publish, notice, publisher))
            if notice.published_at < notice.starts_at - reminder < now:
                # The periodic reminder scan (DESIGN §3.4), as it ran at that minute.
                at(
                    notice.starts_at - reminder,
                    partial(notice_reminders_send, now=notice.starts_at - reminder),
                )
        for plan in plans:
            run = self._run(plan, cast, rng)
            at(plan.times[0], partial(self._create, run, premises))
            case = plan.case
            order_times = plan.times[1 : 1 + len(case.order_path)]
            for action, moment in zip(case.order_path, order_times, strict=True):
                actor, data = cast.order_step(
                    case, action, station_code=plan.premise.station.code, crew=run.crew
                )
                at(moment, partial(self._order_step, run, action, actor, data, moment))
            ticket_times = plan.times[1 + len(case.order_path) :]
            for action, moment in zip(case.path, ticket_times, strict=True):
                actor, note = cast.step(case, action, agent=run.agent, rng=rng)
                at(moment, partial(self._ticket_step, run, action, actor, note, moment))
        for _moment, _n, play in sorted(events, key=lambda event: event[:2]):
            play()

    def _run(self, plan: TicketPlan, cast: Cast, rng: random.Random) -> TicketRun:
        agent = rng.choice(cast.agents)
        crew = None
        if plan.premise is not None:
            crews = cast.crews[plan.premise.station.code]
            # One outage, one crew: it restores the transformer for every caller.
            crew = crews[0] if plan.case.caller == "cluster" else rng.choice(crews)
        return TicketRun(plan=plan, agent=agent, crew=crew)

    def _create(self, run: TicketRun, premises: dict[str, Premise]) -> None:
        plan, case = run.plan, run.plan.case
        premise = premises[plan.premise.meter_no] if plan.premise else None
        if case.kind != Kind.REPAIR:
            run.ticket = ticket_create(
                kind=case.kind,
                actor=None if case.channel in (Channel.WEB, Channel.APP) else run.agent,
                premise=premise,
                caller_phone=plan.phone,
                channel=case.channel,
                description=case.description,
                priority=case.priority,
                now=plan.times[0],
            )
            return
        created = repair_create(
            premise=premise,
            answers=case.answers,
            actor=run.agent,
            caller_phone=plan.phone,
            description=case.description,
            channel=case.channel,
            now=plan.times[0],
        )
        if case.order_path and created.work_order is None:
            raise CommandError(
                f"Demo case {case.description!r} was triaged {created.decision.outcome}: "
                "no work order to walk. Its answers or its caller do not fit."
            )
        run.ticket, run.work_order = created.ticket, created.work_order

    def _order_step(
        self, run: TicketRun, action: str, actor: User, data: dict[str, str], moment: datetime
    ) -> None:
        # An incident's reports share the order it kept (DESIGN §3.3).
        incident = (
            Incident.objects.filter(repairs__ticket=run.ticket, work_order__isnull=False)
            .select_related("work_order")
            .first()
        )
        order = incident.work_order if incident else run.work_order
        run.work_order = work_order_act(
            order=order, action=action, actor=actor, data=data, now=moment
        )

    def _ticket_step(
        self, run: TicketRun, action: str, actor: User, note: str, moment: datetime
    ) -> None:
        run.ticket = ticket_transition(
            ticket=run.ticket, action=action, actor=actor, note=note, now=moment
        )

    def _publish(self, notice: NoticePlan, publisher: User) -> None:
        data = notice_input_parse(notice.form_data(), user=publisher, now=notice.published_at)
        notice_publish(data=data, actor=publisher, now=notice.published_at)

    def _summary(
        self,
        premises: list[PremisePlan],
        departments: dict[str, Department],
        staff: dict[str, User],
        now: datetime,
    ) -> None:
        important = sum(1 for p in premises if p.important)
        customers = len({p.account_no for p in premises})
        feeders = len({p.feeder_code for p in premises})
        transformers = len({p.transformer_code for p in premises})
        self.stdout.write(
            f"Grid: {len(STATIONS)} supply stations, {feeders} feeders, {transformers} "
            f"transformers, {customers} customers, {len(premises)} premises "
            f"({important} important)."
        )
        self.stdout.write(
            f"Staff: {len(departments)} departments, {len(CREWS)} crews, {len(staff)} users."
        )
        tickets = list(Ticket.objects.values_list("kind", "status"))
        kinds = Counter(kind for kind, _status in tickets)
        statuses = Counter(status for _kind, status in tickets)
        self.stdout.write(
            f"Tickets: {len(tickets)} over the last {DEMO_DAYS} days; "
            + _counts(kinds, Kind.values)
            + "; "
            + _counts(statuses, Ticket.Status.values)
            + "."
        )
        outcomes = Counter(Repair.objects.values_list("outcome", flat=True))
        self.stdout.write(f"Repairs triaged: {_counts(outcomes, Outcome.values)}.")
        orders = list(WorkOrder.objects.all())
        arrived = [o for o in orders if o.arrived_in_time is not None]
        late = sum(1 for o in arrived if not o.arrived_in_time)
        overdue = sum(
            1
            for o in orders
            if o.is_open and o.status != WorkOrder.Status.ON_SITE and o.arrive_by < now
        )
        self.stdout.write(
            f"Work orders: {len(orders)}; "
            + _counts(Counter(o.status for o in orders), WorkOrder.Status.values)
            + f"; {late} of {len(arrived)} arrivals late, {overdue} open past arrive_by."
        )
        incidents = Counter(Incident.objects.values_list("status", flat=True))
        notices = list(OutageNotice.objects.all())
        self.stdout.write(
            f"Incidents: {sum(incidents.values())} ({_counts(incidents, Incident.Status.values)}). "
            f"Outage notices: {len(notices)} "
            f"({_counts(Counter(n.kind for n in notices), OutageNotice.Kind.values)}; "
            f"{sum(1 for n in notices if n.late_notice)} published late)."
        )
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        rows = [("username", "role", "station / department", "password")]
        for user in staff.values():
            where = "-"
            if user.station:
                where = f"{user.station.code} {user.station}"
            if user.department:
                where = f"{user.department.code} {user.department}"
            if hasattr(user, "crew_membership"):
                where += f" {user.crew_membership.crew}"
            rows.append((user.username, user.role, where, PASSWORD))
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [_pad(text, width) for text, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))


def _counts(counter: Counter, names: list[str]) -> str:
    """'open 3, closed 5' in the order of the choices, leaving out the ones at zero."""
    return ", ".join(f"{name} {counter[name]}" for name in names if counter[name])


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each Chinese character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
