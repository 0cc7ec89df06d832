"""Every write the console makes: calls, and the ticket kinds recorded on them.

Repairs are recorded by repairs.services.intake.repair_create (the triage wizard) and
complaints by the complaints app; a call picks up the tickets its agent recorded
or urged while it was open (`call_collect`), so those apps need not know calls.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import TransitionNotAllowed
from grid.models import Customer, Premise
from hotline import selectors
from hotline.models import (
    OPEN,
    Article,
    Call,
    CallTicket,
    Consultation,
    Feedback,
    ServiceRequest,
)
from hotline.workdays import working_days_after
from tickets.models import Deadline, Kind, Ticket
from tickets.services import (
    deadline_open,
    ticket_create,
    ticket_transition,
    ticket_urge,
)

# --- Calls --------------------------------------------------------------------------------


def call_start(
    *, agent: User, caller_phone: str, customer: Customer | None, now: datetime | None = None
) -> Call:
    """Open a call for the caller. An agent takes one call at a time: a call still open
    (the agent never pressed Finish) is finished first, with what it recorded."""
    now = now or timezone.now()
    with transaction.atomic():
        _finish_previous(agent, now)
        return Call.objects.create(
            agent=agent, caller_phone=caller_phone, customer=customer, started_at=now
        )


def call_answer(*, call: Call, agent: User, now: datetime | None = None) -> Call:
    """The agent picked up a ringing call (DESIGN §3.15): it starts as call_start would open
    it, finishing a call still open first; the agent who answers takes it."""
    now = now or timezone.now()
    with transaction.atomic():
        _finish_previous(agent, now)
        call = Call.objects.select_for_update().get(pk=call.pk)
        call.agent = agent
        call.answered_at = call.started_at = now
        call.save(update_fields=["agent", "answered_at", "started_at"])
    return call


def _finish_previous(agent: User, now: datetime) -> None:
    # Two starts for one agent at once (a double-clicked result, a pop and an answer) take
    # turns on the agent's row, so the second finishes the first's call instead of breaking
    # the one-open rule.
    User.objects.select_for_update().filter(pk=agent.pk).exists()
    previous = Call.objects.select_for_update().filter(OPEN, agent=agent).first()
    if previous is not None:
        _finish(previous, reason="", outcome="", note="", now=now)


def call_identify(*, call: Call, customer: Customer | None, caller_phone: str = "") -> Call:
    """The caller turned out to be another customer (or none): the open call follows.
    A number given fills in a call that had none."""
    with transaction.atomic():
        call = _lock_open(call)
        call.customer = customer
        fields = ["customer"]
        if caller_phone and not call.caller_phone:
            call.caller_phone = caller_phone
            fields.append("caller_phone")
        call.save(update_fields=fields)
    return call


def call_finish(
    *, call: Call, reason: str, outcome: str, note: str = "", now: datetime | None = None
) -> Call:
    """End the call with its reason and outcome; raises TransitionNotAllowed if it ended."""
    with transaction.atomic():
        call = _lock_open(call)
        _finish(call, reason=reason, outcome=outcome, note=note, now=now or timezone.now())
    return call


def _finish(call: Call, *, reason: str, outcome: str, note: str, now: datetime) -> None:
    links = call_collect(call=call, now=now)
    guessed_reason, guessed_outcome = call_guess_result(links)
    call.reason = reason or guessed_reason
    call.outcome = outcome or guessed_outcome
    call.note = note
    call.ended_at = now
    call.save(update_fields=["reason", "outcome", "note", "ended_at"])


def _lock_open(call: Call) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not call.is_open:
        raise TransitionNotAllowed(
            _("This call ended at %(time)s.")
            % {"time": timezone.localtime(call.ended_at).strftime("%H:%M")},
            field="call",
        )
    return call


def call_collect(*, call: Call, now: datetime | None = None) -> list[CallTicket]:
    """Link to the call the tickets its agent recorded or urged since it started (the
    repair wizard, the ticket page, the complaint form); returns every link of the call.

    Safe to run any number of times: a link exists once per ticket and action.
    """
    implied = selectors.call_links_implied(call=call, until=now or timezone.now())
    CallTicket.objects.bulk_create(
        [CallTicket(call=call, ticket_id=pk, action=action, at=at) for pk, action, at in implied],
        ignore_conflicts=True,
    )
    return list(CallTicket.objects.filter(call=call).select_related("ticket"))


def call_link_to_open(*, agent: User, ticket: Ticket, now: datetime | None = None) -> None:
    """A ticket the agent recorded away from the console (the API) while on a call belongs
    to that call at once (DESIGN §3.15), as the console's own tickets do; none, no link."""
    call = Call.objects.filter(OPEN, agent=agent).first()
    _link(call, ticket, CallTicket.Action.CREATED, now or timezone.now())


def call_guess_result(links: list[CallTicket]) -> tuple[str, str]:
    """The reason and outcome the finish form offers: from the first ticket recorded,
    else the urges, else a call that recorded nothing."""
    created = [link.ticket for link in links if link.action == CallTicket.Action.CREATED]
    if created:
        kind = created[0].kind
        outcome = Call.Outcome.ANSWERED if kind == Kind.CONSULTATION else Call.Outcome.RECORDED
        return Call.Reason(kind), outcome
    if any(link.action == CallTicket.Action.URGED for link in links):
        return Call.Reason.URGE, Call.Outcome.URGED
    return Call.Reason.OTHER, Call.Outcome.NOTHING


def _link(call: Call | None, ticket: Ticket, action: str, at: datetime) -> None:
    if call is not None:
        CallTicket.objects.get_or_create(
            call=call, ticket=ticket, action=action, defaults={"at": at}
        )


# --- Urges (DESIGN §3.7) ------------------------------------------------------------------


def call_urge(
    *, call: Call, ticket: Ticket, actor: User, note: str = "", now: datetime | None = None
) -> Ticket:
    """The caller asks after an open ticket: one urge, recorded on the call. A second urge
    of the same ticket on the same call is refused (a double click, not a second call)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            call = _lock_open(call)
            CallTicket.objects.create(
                call=call, ticket=ticket, action=CallTicket.Action.URGED, at=now
            )
            return ticket_urge(ticket=ticket, actor=actor, note=note, now=now)
    except IntegrityError:
        raise TransitionNotAllowed(
            _("%(number)s was already urged on this call.") % {"number": ticket.number},
            field="action",
        ) from None


# --- The other ticket kinds (DESIGN §3.5) -------------------------------------------------


def consultation_record(
    *,
    call: Call | None,
    actor: User,
    question: str,
    answer: str,
    article: Article | None,
    premise: Premise | None = None,
    customer: Customer | None = None,
    caller_phone: str = "",
    now: datetime | None = None,
) -> Ticket:
    """A question answered on the call: recorded, resolved with the answer and closed by
    the agent at once, with the knowledge-base article used."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _create(
            call, Kind.CONSULTATION, actor, question, premise, now, customer, caller_phone
        )
        Consultation.objects.create(ticket=ticket, answer=answer, article=article)
        data = {"article": article.pk} if article is not None else {}
        told = answer
        if not told and article is not None:
            told = _("Answered with the article “%(title)s”.") % {"title": article.title}
        ticket = ticket_transition(
            ticket=ticket, action="resolve", actor=actor, note=told, data=data, now=now
        )
        ticket = ticket_transition(ticket=ticket, action="close", actor=actor, now=now)
        _link(call, ticket, CallTicket.Action.CREATED, now)
    return ticket


def service_request_reply_by(*, request_type: str, now: datetime) -> datetime:
    """Reconnection after arrears are paid: hours on the clock; anything else: working days."""
    if request_type == ServiceRequest.Type.RECONNECTION:
        return now + timedelta(hours=settings.GRIDLINE_RECONNECTION_REPLY_HOURS)
    return working_days_after(now, settings.GRIDLINE_SERVICE_REQUEST_REPLY_WORKING_DAYS)


def service_request_record(
    *,
    call: Call | None,
    actor: User,
    request_type: str,
    description: str,
    premise: Premise | None = None,
    customer: Customer | None = None,
    caller_phone: str = "",
    now: datetime | None = None,
) -> Ticket:
    """A service request, held by the premise's station (else the supervisors) with a
    reply_by deadline the escalation scan watches."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _create(
            call, Kind.SERVICE_REQUEST, actor, description, premise, now, customer, caller_phone
        )
        ServiceRequest.objects.create(ticket=ticket, request_type=request_type)
        deadline_open(
            ticket=ticket,
            name=Deadline.Name.REPLY_BY,
            starts_at=now,
            due_at=service_request_reply_by(request_type=request_type, now=now),
            station_id=ticket.station_id,
        )
        _link(call, ticket, CallTicket.Action.CREATED, now)
    return ticket


def feedback_record(
    *,
    call: Call | None,
    actor: User,
    kind: str,
    subject: str,
    description: str,
    premise: Premise | None = None,
    customer: Customer | None = None,
    caller_phone: str = "",
    now: datetime | None = None,
) -> Ticket:
    """An opinion stays open for the supervisors to answer within 10 working days (DESIGN
    §3.9); a praise is recorded, passed on and closed on the call (nothing to reply to)."""
    if kind not in (Kind.OPINION, Kind.PRAISE):
        raise ValueError(f"feedback_record takes opinion or praise, not {kind!r}")
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _create(call, kind, actor, description, premise, now, customer, caller_phone)
        Feedback.objects.create(ticket=ticket, subject=subject)
        if kind == Kind.OPINION:
            # Held by the supervisors until it is passed on: no station or department is
            # warned first.
            deadline_open(
                ticket=ticket,
                name=Deadline.Name.REPLY_BY,
                starts_at=now,
                due_at=working_days_after(now, settings.GRIDLINE_OPINION_REPLY_WORKING_DAYS),
            )
        if kind == Kind.PRAISE:
            ticket = ticket_transition(
                ticket=ticket, action="resolve", actor=actor, note=_("Praise recorded."), now=now
            )
            ticket = ticket_transition(ticket=ticket, action="close", actor=actor, now=now)
        _link(call, ticket, CallTicket.Action.CREATED, now)
    return ticket


def _create(
    call: Call | None,
    kind: str,
    actor: User,
    description: str,
    premise: Premise | None,
    now: datetime,
    customer: Customer | None = None,
    caller_phone: str = "",
) -> Ticket:
    """On a call, the caller is the call's; without one (the API), the one given."""
    if call is not None:
        call = _lock_open(call)  # nothing is recorded on a call that has ended
        customer, caller_phone = call.customer, call.caller_phone
    if customer is None and premise is not None:
        customer = premise.customer
    return ticket_create(
        kind=kind,
        actor=actor,
        customer=customer,
        premise=premise,
        caller_phone=caller_phone,
        description=description,
        now=now,
    )
