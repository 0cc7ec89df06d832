"""Replays the demo's plans through the apps' services in time order: every call, ticket,
step and notice at its moment (DESIGN.md §5.1)."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.core.management.base import CommandError

from accounts.models import User
from complaints.models import Category, Complaint
from complaints.services import (
    complaint_contact,
    complaint_create,
    complaint_judge,
    complaint_rectify,
    complaint_reply,
)
from config.errors import FieldErrors
from demo.calls import CallPlan
from demo.cast import Cast, CrewCast
from demo.data.cases import step_action
from demo.outages import DeclarationPlan, NoticePlan
from demo.photos import demo_photos_take
from demo.tickets import TicketPlan
from dispatch.forms import STEP_FORMS
from dispatch.models import WorkOrder
from dispatch.services import work_order_step
from grid.models import Department, Premise
from hotline.models import Article, Call, CallEvent
from hotline.services import (
    call_finish,
    call_identify,
    call_start,
    consultation_record,
    feedback_record,
    service_request_record,
)
from hotline.telephony import telephony_event_record
from repairs.forms import IncidentDeclareForm, OutageNoticeForm
from repairs.models import Incident
from repairs.services.declarations import incident_declare, incident_dismiss
from repairs.services.intake import repair_create
from repairs.services.notices import notice_publish, notice_reminders_send
from tickets.callbacks import callback_record
from tickets.handling import ticket_take, ticket_transfer
from tickets.models import Channel, Kind, Ticket
from tickets.services import ticket_transition

T = TypeVar("T")
# Where the demo's telephony keeps its recordings (a made-up host: the links lead nowhere).
DEMO_RECORDINGS = "https://recordings.gridline.example/"


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


def demo_replay(
    *,
    plans: list[TicketPlan],
    quiet_calls: list[CallPlan],
    notices: list[NoticePlan],
    declarations: list[DeclarationPlan],
    staff: dict[str, User],
    lookups: Lookups,
    now: datetime,
    rng: random.Random,
) -> None:
    """Play the week's calls, steps and notices in time order through the services.

    Order matters: triage looks up the notices and incidents active at the call,
    and correlation counts the reports still open within its window.
    """
    cast = Cast.from_staff(staff)
    events: list[tuple[datetime, int, Callable[[], object]]] = []

    def at(moment: datetime, play: Callable[[], object]) -> None:
        # The counter keeps each ticket's steps in order when two share a second.
        events.append((moment, len(events), play))

    reminder = timedelta(minutes=settings.GRIDLINE_NOTICE_REMINDER_MINUTES)
    for notice in notices:
        publisher = cast.dispatchers[notice.station_code]
        at(notice.published_at, partial(_publish, notice, publisher))
        if notice.published_at < notice.starts_at - reminder < now:
            # The periodic reminder scan (DESIGN §3.4), as it ran at that minute.
            at(
                notice.starts_at - reminder,
                partial(notice_reminders_send, now=notice.starts_at - reminder),
            )
    for declaration in declarations:
        dispatcher = cast.dispatchers[declaration.station_code]
        at(declaration.declared_at, partial(_declare, declaration, dispatcher))
        if declaration.dismissed_at is not None:
            at(declaration.dismissed_at, partial(_dismiss, declaration, dispatcher))
    # In the order calls_plan met them (by `at`, the plans first), so that two calls
    # meeting at one second end and start in turn.
    work: list[TicketPlan | CallPlan] = [*plans, *quiet_calls]
    for item in sorted(work, key=_recorded_at):
        if isinstance(item, CallPlan):
            agent = cast.agents[item.agent]
            at(item.starts_at, partial(_quiet_call, item, agent))
            continue
        run = _run(item, cast, rng)
        for moment, play in _plays(run, cast, rng, lookups):
            at(moment, play)
    for _moment, _n, play in sorted(events, key=lambda event: event[:2]):
        play()


def _plays(
    run: TicketRun, cast: Cast, rng: random.Random, lookups: Lookups
) -> list[tuple[datetime, Callable[[], object]]]:
    """What happens to one ticket, and when: its call, its recording, then its steps."""
    plan, case, call = run.plan, run.plan.case, run.plan.call
    plays: list[tuple[datetime, Callable[[], object]]] = []
    if call is not None:
        plays.append((call.starts_at, partial(_call_start, run, call, lookups)))
        if call.withheld:
            identified = call.starts_at + (call.at - call.starts_at) / 2
            plays.append((identified, partial(_call_identify, run, lookups)))
    plays.append((plan.times[0], partial(_create, run, lookups)))
    if call is not None:
        plays.append((call.ends_at, partial(_call_finish, run, call)))
    if case.kind == Kind.COMPLAINT:
        for step, moment in zip(case.path, plan.times[1:], strict=True):
            actor, note = cast.complaint_step(case, step, agent=run.agent, rng=rng)
            play = partial(_complaint_step, run, step, actor, note, lookups, moment)
            plays.append((moment, play))
        return plays
    order_times = plan.times[1 : 1 + len(case.order_path)]
    for action, moment in zip(case.order_path, order_times, strict=True):
        premise, crew = _have(plan.premise, "caller"), _have(run.crew, "crew")
        actor, data = cast.order_step(case, action, station_code=premise.station.code, crew=crew)
        plays.append((moment, partial(_order_step, run, action, actor, data, moment)))
    ticket_times = plan.times[1 + len(case.order_path) :]
    for action, moment in zip(case.path, ticket_times, strict=True):
        if step_action(action) == "callback":
            actor, note = cast.callback(case, action, agent=run.agent)
            plays.append((moment, partial(_callback, run, action, actor, note, moment)))
            continue
        actor, note = cast.step(case, action, agent=run.agent, rng=rng)
        if action == "transfer":
            # To the back office: the department of the handler who takes it.
            to = _have(cast.handler.department, "back office")
            plays.append((moment, partial(_ticket_transfer, run, to, actor, note, moment)))
            continue
        plays.append((moment, partial(_ticket_step, run, action, actor, note, moment)))
    return plays


def _run(plan: TicketPlan, cast: Cast, rng: random.Random) -> TicketRun:
    crew = None
    if plan.case.kind == Kind.REPAIR and plan.premise is not None:
        crews = cast.crews[plan.premise.station.code]
        # One outage, one crew: it restores the transformer for every caller.
        crew = crews[0] if plan.case.caller == "cluster" else rng.choice(crews)
    return TicketRun(plan=plan, agent=cast.agents[plan.agent], crew=crew)


def _recorded_at(item: TicketPlan | CallPlan) -> datetime:
    return item.times[0] if isinstance(item, TicketPlan) else item.at


def _premise(run: TicketRun, lookups: Lookups) -> Premise | None:
    plan = run.plan
    return lookups.premises[plan.premise.meter_no] if plan.premise else None


def _have(thing: T | None, what: str) -> T:
    """What the plan or an earlier play has made: a ticket's plays run in order, so a
    missing one is a mistake in the demo's cases."""
    if thing is None:
        raise CommandError(f"The demo replayed a step that needs its {what} before it had one.")
    return thing


# --- Calls --------------------------------------------------------------------------------


def _call_start(run: TicketRun, call: CallPlan, lookups: Lookups) -> None:
    """A call with a number comes through the telephony: it rings at the agent (the number
    pops the customer, as the console does) and is answered; a withheld one the agent opens
    by hand. A number not on file (or two customers on it) starts the call unidentified,
    and the agent identifies the caller from the account."""
    plan = run.plan
    if call.withheld:
        run.call = call_start(agent=run.agent, caller_phone="", customer=None, now=call.starts_at)
        return
    call_id = _telephony_id(call, run.agent)
    for event in (CallEvent.Event.RING, CallEvent.Event.ANSWER):
        recorded = telephony_event_record(
            event=event,
            call_id=call_id,
            caller_phone=plan.phone,
            agent=run.agent,
            at=call.starts_at,
        )
    answered = run.call = recorded.call_record
    expected = _premise(run, lookups)
    if expected is not None and answered.customer != expected.customer:
        run.call = call_identify(call=answered, customer=expected.customer)


def _call_identify(run: TicketRun, lookups: Lookups) -> None:
    premise = _premise(run, lookups)
    run.call = call_identify(
        call=_have(run.call, "call"),
        customer=premise.customer if premise else None,
        caller_phone=run.plan.phone,
    )


def _call_finish(run: TicketRun, call: CallPlan) -> None:
    # The reason and outcome are the ones the finish form offers: from the ticket. A
    # telephony call ends at the hang-up, which keeps its recording.
    current = _have(run.call, "call")
    if current.call_id is None:
        run.call = call_finish(call=current, reason="", outcome="", now=call.ends_at)
        return
    run.call = telephony_event_record(
        event=CallEvent.Event.HANGUP,
        call_id=current.call_id,
        caller_phone=current.caller_phone,
        agent=run.agent,
        at=call.ends_at,
        recording_url=f"{DEMO_RECORDINGS}{current.call_id}.mp3",
    ).call_record


def _quiet_call(plan: CallPlan, agent: User) -> None:
    """A call that records nothing: started and finished in one go, nothing happens between.
    A dropped one rang at the agent and was hung up before anyone answered: abandoned."""
    if plan.outcome == Call.Outcome.DROPPED:
        call_id = _telephony_id(plan, agent)
        for event, at in (
            (CallEvent.Event.RING, plan.starts_at),
            (CallEvent.Event.HANGUP, plan.ends_at),
        ):
            telephony_event_record(event=event, call_id=call_id, caller_phone=plan.phone,
                                   agent=agent, at=at)  # fmt: skip
        return
    call = call_start(agent=agent, caller_phone=plan.phone, customer=None, now=plan.starts_at)
    call_finish(
        call=call,
        reason=Call.Reason.OTHER,
        outcome=plan.outcome,
        note=plan.note,
        now=plan.ends_at,
    )


def _telephony_id(call: CallPlan, agent: User) -> str:
    return f"demo-{call.starts_at:%Y%m%d%H%M%S}-{agent.username}"


# --- Tickets ------------------------------------------------------------------------------


def _create(run: TicketRun, lookups: Lookups) -> None:
    plan, case = run.plan, run.plan.case
    premise = _premise(run, lookups)
    now = plan.times[0]
    if case.kind == Kind.REPAIR:
        _repair_create(run, premise)
    elif case.kind == Kind.COMPLAINT:
        facts = case.facts
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


def _repair_create(run: TicketRun, premise: Premise | None) -> None:
    plan, case = run.plan, run.plan.case
    created = repair_create(
        premise=_have(premise, "caller"),
        answers=_have(case.answers, "caller's answers"),
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
    run: TicketRun,
    step: str,
    actor: User,
    note: str,
    lookups: Lookups,
    moment: datetime,
) -> None:
    facts = run.plan.case.facts
    complaint = _have(run.complaint, "complaint")
    action = step_action(step)
    if action == "contact":
        run.complaint = complaint_contact(complaint=complaint, note=note, actor=actor, now=moment)
    elif action == "judge":
        station = None
        if facts.at_station:
            station = _have(_premise(run, lookups), "caller").transformer.feeder.station
        run.complaint = complaint_judge(
            complaint=complaint,
            validity=facts.validity,
            reason=facts.reason,
            department=lookups.departments[facts.department],
            station=station,
            major=bool(facts.major),
            major_reason=facts.major,
            actor=actor,
            now=moment,
        )
    elif action == "rectify":
        run.complaint = complaint_rectify(
            complaint=complaint,
            cause=facts.cause,
            rectification=facts.rectification,
            actor=actor,
            now=moment,
        )
    elif action == "reply":
        run.complaint = complaint_reply(
            complaint=complaint, text=facts.reply, actor=actor, now=moment
        )
    else:
        _callback(run, step, actor, note, moment)


def _callback(run: TicketRun, result: str, actor: User, note: str, moment: datetime) -> None:
    """The agent's callback to a complaint's or a resolved repair's customer; the kind's
    follow-up closes the ticket or reopens it."""
    ticket = _have(run.ticket, "ticket")
    callback_record(ticket=ticket, result=result, note=note, actor=actor, now=moment)
    run.ticket = Ticket.objects.get(pk=ticket.pk)
    if run.complaint is not None:
        run.complaint = Complaint.objects.select_related("ticket").get(pk=run.complaint.pk)


def _order_step(
    run: TicketRun, action: str, actor: User, data: dict[str, str], moment: datetime
) -> None:
    # An incident's reports share the order it kept (DESIGN §3.3).
    incident = (
        Incident.objects.filter(repairs__ticket=run.ticket, work_order__isnull=False)
        .select_related("work_order")
        .first()
    )
    order = _have(incident.work_order if incident else run.work_order, "work order")
    # The demo's inputs go through the step's form, as a dispatcher's or crew's would.
    form = STEP_FORMS[action](data=data, order=order)
    if not form.is_valid():
        raise FieldErrors.from_form(form)
    if action == "complete":
        demo_photos_take(order=order, actor=actor, moment=moment)
    run.work_order = work_order_step(
        order=order, action=action, actor=actor, data=form.cleaned_data, now=moment
    )


def _ticket_transfer(
    run: TicketRun, to: Department, actor: User, note: str, moment: datetime
) -> None:
    ticket = _have(run.ticket, "ticket")
    run.ticket = ticket_transfer(ticket=ticket, to=to, reason=note, actor=actor, now=moment)


def _ticket_step(run: TicketRun, action: str, actor: User, note: str, moment: datetime) -> None:
    ticket = _have(run.ticket, "ticket")
    if action == "take":
        run.ticket = ticket_take(ticket=ticket, actor=actor, now=moment)
    else:
        run.ticket = ticket_transition(
            ticket=ticket, action=action, actor=actor, note=note, now=moment
        )


# --- Notices ------------------------------------------------------------------------------


def _publish(notice: NoticePlan, publisher: User) -> None:
    form = OutageNoticeForm(data=notice.form_data(), user=publisher, now=notice.published_at)
    notice_publish(data=form.notice_input(), actor=publisher, now=notice.published_at)


# --- Declared incidents (DESIGN §3.10) -----------------------------------------------------


def _declare(plan: DeclarationPlan, dispatcher: User) -> None:
    """The dispatcher's declare form, as its page sends it."""
    form = IncidentDeclareForm(data=plan.form_data(), user=dispatcher, now=plan.declared_at)
    if not form.is_valid():
        raise FieldErrors.from_form(form)
    assert form.feeder is not None  # a valid form found the device
    incident_declare(
        feeder=form.feeder,
        transformer=form.transformer,
        actor=dispatcher,
        etr=form.cleaned_data["etr"],
        note=form.cleaned_data["note"],
        notify_premises=form.cleaned_data["notify_premises"],
        now=plan.declared_at,
    )


def _dismiss(plan: DeclarationPlan, dispatcher: User) -> None:
    """Not an outage after all: the crew found only the street lights out."""
    incident = Incident.objects.get(
        transformer__code=plan.transformer_code, source=Incident.Source.DECLARED
    )
    incident_dismiss(
        incident=incident, reason=plan.dismiss_reason, actor=dispatcher, now=plan.dismissed_at
    )
