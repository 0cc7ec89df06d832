"""seed_demo: fill an empty database with a realistic demo (DESIGN.md §5.1).

The demo is a county grid company in Guangdong, 英德市 (Qingyuan): four supply
stations with their feeders and transformers, about 3,000 premises and their
customers, departments, staff of every role with their crews, about 70
tickets of every kind and status dated over the last seven days, the calls
they were recorded on, the repairs' work orders, complaints in every state,
an incident and outage notices.

It lives in dashboards, the top app, because it may import every other app.
Writes go through the apps' services, so the demo exercises the real importer,
ticket numbering, triage, dispatch, correlation, deadlines and timeline:
grid_import, staff_create_or_update, crew_get_or_create and crew_member_set
for the people; call_start, call_identify and call_finish for the agents'
calls; repair_create for every repair call (triage, work order, incident),
then work_order_act for every step a dispatcher or crew takes;
complaint_create and the complaint steps (contact, judge, rectify, reply,
callback) for the complaints; consultation_record, service_request_record and
feedback_record for the other kinds, and ticket_transition for their
back-office steps and the repairs' callbacks; notice_input_parse and
notice_publish for the notices. The week is replayed in time order, so each
call is triaged against the notices and incidents of its moment.

One seeded random generator makes the data (dashboards/demo.py, from the tables
in dashboards/demo_data.py): every run gives the same stations, people, tickets
and notices; only the dates follow the clock. It is all one transaction: a
failure part-way leaves the database as it was.

The deadline watch is not replayed: the first scan after seeding escalates what
is overdue (a repair crew not on site, a web complaint nobody has called back).

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
from complaints.models import Category, Complaint
from complaints.services import (
    complaint_callback_record,
    complaint_contact,
    complaint_create,
    complaint_judge,
    complaint_rectify,
    complaint_reply,
)
from dashboards.demo import (
    SEED,
    CallPlan,
    Cast,
    CrewCast,
    GridPlan,
    NoticePlan,
    TicketPlan,
    calls_plan,
    complaint_action,
    csv_lines,
    outage_plan,
    ticket_plans,
)
from dashboards.demo_data import (
    CASES,
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
from hotline import selectors as hotline_selectors
from hotline.models import Article, Call
from hotline.services import (
    call_finish,
    call_identify,
    call_start,
    consultation_record,
    feedback_record,
    service_request_record,
)
from repairs.models import Incident, OutageNotice, Repair
from repairs.services.intake import repair_create
from repairs.services.notices import notice_input_parse, notice_publish, notice_reminders_send
from repairs.triage import Outcome
from tickets.models import Channel, Kind, Ticket
from tickets.services import ticket_transition


@dataclass
class TicketRun:
    """One ticket being replayed: who handles it, and what the services have made so far."""

    plan: TicketPlan
    agent: User
    crew: CrewCast | None
    call: Call | None = None
    ticket: Ticket | None = None
    work_order: WorkOrder | None = None
    complaint: Complaint | None = None


@dataclass
class Lookups:
    """What the cases name by code or title, read once: the rows the migrations seeded."""

    premises: dict[str, Premise]  # by meter number
    departments: dict[str, Department]  # by code
    categories: dict[str, Category]  # by code
    articles: dict[str, Article]  # by title


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
        quiet_calls = calls_plan(rng, grid, plans, now)

        self.stdout.write("Seeding the Gridline demo (英德市, Guangdong)...")
        with transaction.atomic():
            grid_import(
                lines=csv_lines(premises),
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
            departments = self._departments()
            staff = self._staff(departments)
            lookups = self._lookups(plans, departments)
            with translation.override(DEMO_LANGUAGE):
                self._replay(plans, quiet_calls, outages.notices, staff, lookups, now)
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

    def _lookups(self, plans: list[TicketPlan], departments: dict[str, Department]) -> Lookups:
        premises = Premise.objects.select_related(
            "customer", "transformer__feeder__station"
        ).in_bulk([p.premise.meter_no for p in plans if p.premise], field_name="meter_no")
        categories = Category.objects.in_bulk(field_name="code")
        titles = {case.article for case in CASES if case.article}
        articles = {a.title: a for a in Article.objects.filter(title__in=titles, published=True)}
        missing = sorted(code for code in _complaint_categories() if code not in categories)
        missing += sorted(titles - set(articles))
        if missing:
            raise CommandError(
                "The demo's cases name complaint categories or knowledge-base articles that "
                f"the database does not have (edited in the admin?): {', '.join(missing)}."
            )
        return Lookups(premises, departments, categories, articles)

    def _replay(
        self,
        plans: list[TicketPlan],
        quiet_calls: list[CallPlan],
        notices: list[NoticePlan],
        staff: dict[str, User],
        lookups: Lookups,
        now: datetime,
    ) -> None:
        """Play the week's calls, steps and notices in time order through the services.

        Order matters: triage looks up the notices and incidents active at the call,
        and correlation counts the reports still open within its window.
        """
        rng = random.Random(SEED + 1)
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
        # In the order calls_plan met them (by `at`, the plans first), so that two calls
        # meeting at one second end and start in turn.
        work: list[TicketPlan | CallPlan] = [*plans, *quiet_calls]
        for item in sorted(work, key=_recorded_at):
            if isinstance(item, CallPlan):
                agent = cast.agents[item.agent]
                at(item.starts_at, partial(self._quiet_call, item, agent))
                continue
            run = self._run(item, cast, rng)
            for moment, play in self._plays(run, cast, rng, lookups):
                at(moment, play)
        for _moment, _n, play in sorted(events, key=lambda event: event[:2]):
            play()

    def _plays(
        self, run: TicketRun, cast: Cast, rng: random.Random, lookups: Lookups
    ) -> list[tuple[datetime, Callable[[], object]]]:
        """What happens to one ticket, and when: its call, its recording, then its steps."""
        plan, case, call = run.plan, run.plan.case, run.plan.call
        plays: list[tuple[datetime, Callable[[], object]]] = []
        if call is not None:
            plays.append((call.starts_at, partial(self._call_start, run, lookups)))
            if call.withheld:
                identified = call.starts_at + (call.at - call.starts_at) / 2
                plays.append((identified, partial(self._call_identify, run, lookups)))
        plays.append((plan.times[0], partial(self._create, run, lookups)))
        if call is not None:
            plays.append((call.ends_at, partial(self._call_finish, run)))
        if case.kind == Kind.COMPLAINT:
            for step, moment in zip(case.path, plan.times[1:], strict=True):
                actor, note = cast.complaint_step(case, step, agent=run.agent, rng=rng)
                play = partial(self._complaint_step, run, step, actor, note, lookups, moment)
                plays.append((moment, play))
            return plays
        order_times = plan.times[1 : 1 + len(case.order_path)]
        for action, moment in zip(case.order_path, order_times, strict=True):
            actor, data = cast.order_step(
                case, action, station_code=plan.premise.station.code, crew=run.crew
            )
            plays.append((moment, partial(self._order_step, run, action, actor, data, moment)))
        ticket_times = plan.times[1 + len(case.order_path) :]
        for action, moment in zip(case.path, ticket_times, strict=True):
            actor, note = cast.step(case, action, agent=run.agent, rng=rng)
            plays.append((moment, partial(self._ticket_step, run, action, actor, note, moment)))
        return plays

    def _run(self, plan: TicketPlan, cast: Cast, rng: random.Random) -> TicketRun:
        crew = None
        if plan.case.kind == Kind.REPAIR and plan.premise is not None:
            crews = cast.crews[plan.premise.station.code]
            # One outage, one crew: it restores the transformer for every caller.
            crew = crews[0] if plan.case.caller == "cluster" else rng.choice(crews)
        return TicketRun(plan=plan, agent=cast.agents[plan.agent], crew=crew)

    # --- Calls ------------------------------------------------------------------------------

    def _call_start(self, run: TicketRun, lookups: Lookups) -> None:
        """The caller's number pops the customer, as the console does; a number not on file
        (or two customers on it) starts the call unidentified, and the agent identifies
        the caller from the account."""
        plan, call = run.plan, run.plan.call
        if call.withheld:
            run.call = call_start(
                agent=run.agent, caller_phone="", customer=None, now=call.starts_at
            )
            return
        popped = hotline_selectors.customer_list_by_phone(phone=plan.phone)
        customer = popped[0] if len(popped) == 1 else None
        run.call = call_start(
            agent=run.agent, caller_phone=plan.phone, customer=customer, now=call.starts_at
        )
        expected = _premise(run, lookups)
        if expected is not None and customer != expected.customer:
            run.call = call_identify(call=run.call, customer=expected.customer)

    def _call_identify(self, run: TicketRun, lookups: Lookups) -> None:
        premise = _premise(run, lookups)
        run.call = call_identify(
            call=run.call,
            customer=premise.customer if premise else None,
            caller_phone=run.plan.phone,
        )

    def _call_finish(self, run: TicketRun) -> None:
        # The reason and outcome are the ones the finish form offers: from the ticket.
        run.call = call_finish(call=run.call, reason="", outcome="", now=run.plan.call.ends_at)

    def _quiet_call(self, plan: CallPlan, agent: User) -> None:
        """A call that records nothing: started and finished in one go, nothing happens between."""
        call = call_start(agent=agent, caller_phone=plan.phone, customer=None, now=plan.starts_at)
        call_finish(
            call=call,
            reason=Call.Reason.OTHER,
            outcome=plan.outcome,
            note=plan.note,
            now=plan.ends_at,
        )

    # --- Tickets ----------------------------------------------------------------------------

    def _create(self, run: TicketRun, lookups: Lookups) -> None:
        plan, case = run.plan, run.plan.case
        premise = _premise(run, lookups)
        now = plan.times[0]
        if case.kind == Kind.REPAIR:
            self._repair_create(run, premise)
        elif case.kind == Kind.COMPLAINT:
            facts = case.complaint
            # A complaint from the web is recorded by nobody; one from a government line
            # by the agent who takes it off the platform.
            on_web = case.channel in (Channel.WEB, Channel.APP)
            run.complaint = complaint_create(
                channel=case.channel,
                category=lookups.categories[facts.category],
                description=case.description,
                actor=None if on_web else run.agent,
                caller_phone=plan.phone,
                account_no=premise.customer.account_no if premise else "",
                meter_no=premise.meter_no if premise else "",
                is_report=facts.is_report,
                now=now,
            )
            run.ticket = run.complaint.ticket
        elif case.kind == Kind.CONSULTATION:
            run.ticket = consultation_record(
                call=run.call,
                actor=run.agent,
                question=case.description,
                answer=case.resolution,
                article=lookups.articles[case.article],
                premise=premise,
                now=now,
            )
        elif case.kind == Kind.SERVICE_REQUEST:
            run.ticket = service_request_record(
                call=run.call,
                actor=run.agent,
                request_type=case.request_type,
                description=case.description,
                premise=premise,
                now=now,
            )
        else:
            run.ticket = feedback_record(
                call=run.call,
                actor=run.agent,
                kind=case.kind,
                subject=case.subject,
                description=case.description,
                premise=premise,
                now=now,
            )

    def _repair_create(self, run: TicketRun, premise: Premise | None) -> None:
        plan, case = run.plan, run.plan.case
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

    def _complaint_step(
        self,
        run: TicketRun,
        step: str,
        actor: User,
        note: str,
        lookups: Lookups,
        moment: datetime,
    ) -> None:
        facts = run.plan.case.complaint
        action = complaint_action(step)
        common = {"complaint": run.complaint, "actor": actor, "now": moment}
        if action == "contact":
            run.complaint = complaint_contact(note=note, **common)
        elif action == "judge":
            premise = _premise(run, lookups)
            run.complaint = complaint_judge(
                validity=facts.validity,
                reason=facts.reason,
                department=lookups.departments[facts.department],
                station=premise.transformer.feeder.station if facts.at_station else None,
                major=bool(facts.major),
                major_reason=facts.major,
                **common,
            )
        elif action == "rectify":
            run.complaint = complaint_rectify(
                cause=facts.cause, rectification=facts.rectification, **common
            )
        elif action == "reply":
            run.complaint = complaint_reply(text=facts.reply, **common)
        else:
            run.complaint = complaint_callback_record(result=step, note=note, **common)

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
        self._summary_hotline(now)
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

    def _summary_hotline(self, now: datetime) -> None:
        complaints = list(Complaint.objects.select_related("ticket"))
        overdue = sum(1 for c in complaints if c.is_overdue(now))
        self.stdout.write(
            f"Complaints: {len(complaints)}; "
            + _counts(Counter(c.status for c in complaints), Complaint.Status.values)
            + f"; {sum(c.major for c in complaints)} major, "
            f"{sum(c.is_report for c in complaints)} report (举报), "
            f"{sum(1 for c in complaints if c.reopen_count)} reopened, {overdue} overdue; "
            + _counts(Counter(c.ticket.channel for c in complaints), Channel.values)
            + "."
        )
        consultations = Ticket.objects.filter(kind=Kind.CONSULTATION)
        requests = Ticket.objects.filter(kind=Kind.SERVICE_REQUEST)
        self.stdout.write(
            f"Consultations: {consultations.count()}, "
            f"{consultations.filter(consultation__article__isnull=False).count()} answered "
            f"with a knowledge-base article. Service requests: {requests.count()}, "
            f"{requests.filter(deadlines__name='reply_by').distinct().count()} with a reply_by "
            "deadline."
        )
        calls = list(Call.objects.select_related("agent"))
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        today = Counter(c.agent.username for c in calls if c.started_at >= midnight)
        self.stdout.write(
            f"Calls: {len(calls)} over the last {DEMO_DAYS} days, {sum(today.values())} today ("
            + ", ".join(f"{agent} {n}" for agent, n in sorted(today.items()))
            + "); "
            + _counts(Counter(c.outcome for c in calls), Call.Outcome.values)
            + "."
        )


def _recorded_at(item: TicketPlan | CallPlan) -> datetime:
    return item.times[0] if isinstance(item, TicketPlan) else item.at


def _premise(run: TicketRun, lookups: Lookups) -> Premise | None:
    plan = run.plan
    return lookups.premises[plan.premise.meter_no] if plan.premise else None


def _complaint_categories() -> set[str]:
    return {case.complaint.category for case in CASES if case.complaint}


def _counts(counter: Counter, names: list[str]) -> str:
    """'open 3, closed 5' in the order of the choices, leaving out the ones at zero."""
    return ", ".join(f"{name} {counter[name]}" for name in names if counter[name])


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each Chinese character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
