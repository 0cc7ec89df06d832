"""Holders and the handling steps every kind shares (DESIGN §3.9): take, transfer, reply,
return to the supervisors, and cancel (as a duplicate of another open ticket).

Who holds a ticket is `Ticket.holder`. The holder's dispatchers or handlers take each step;
the supervisors take every step but return (a returned ticket comes back to them). Repairs
and complaints walk steps of their own (work orders; COMPLAINT_TRANSITIONS): only transfer
and cancel apply to them.

Each service: the rows of the apps above that follow the ticket (the hooks, which lock their
rows before the ticket, as their own steps do), then the ticket under its lock, who is
acting (NotPermitted, 403), the state (TransitionNotAllowed, 409), the change, the timeline
event and the notifications, in one transaction. A refusal writes nothing. Take and reply
apply the table's `start` and `resolve` with event kinds of their own (`taken`, `replied`).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import Role, User
from config.errors import GridlineError, NotPermitted, TransitionNotAllowed
from config.hooks import Hooks
from config.transitions import transition_check
from grid.models import Department, Station
from tickets.locks import row_for_update, rows_for_update
from tickets.models import TICKET_TRANSITIONS, Deadline, Holder, Kind, Ticket
from tickets.notify import TICKET_RETURNED, TICKET_TRANSFERRED, Notice, notify
from tickets.services import _apply_transition, ticket_holders, ticket_urge, timeline_record

STEPS = ("take", "transfer", "reply", "return", "cancel")
# Kinds with steps of their own, and the shared steps they take all the same.
OWN_STEPS_KINDS = frozenset({Kind.REPAIR, Kind.COMPLAINT})
SHARED_STEPS = frozenset({"transfer", "cancel"})
SUPERVISOR_STEPS = frozenset(STEPS) - {"return"}

# The apps above follow the ticket in the step's transaction, before it is locked (their
# rows lock before the ticket, as in their own steps); raising refuses the step.
# Transfer: (ticket=, to=, actor=, now=); dispatch moves the work order no crew has yet.
ticket_transfer_hooks: Hooks[Callable[..., None]] = Hooks("ticket transfer")
# Cancel: (ticket=, actor=, reason=, now=); dispatch cancels the work order no crew has yet,
# complaints close the complaint as a duplicate.
ticket_cancel_hooks: Hooks[Callable[..., None]] = Hooks("ticket cancel")


def user_holds(user: User, ticket: Ticket) -> bool:
    """The user is one of the ticket's holders: a dispatcher of the station that holds it,
    a handler of the department that holds it."""
    if user.role == Role.DISPATCHER and user.station_id is not None:
        return ticket.holder == Holder(station_id=user.station_id)
    if user.role == Role.HANDLER and user.department_id is not None:
        return ticket.holder == Holder(department_id=user.department_id)
    return False


def handling_may(*, user: User, ticket: Ticket, step: str) -> bool:
    """The user may take the step on this ticket, whatever its state."""
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if step in SUPERVISOR_STEPS and has_role(user, Role.SUPERVISOR):
        return True
    return user_holds(user, ticket)


def handling_check(*, user: User, ticket: Ticket, step: str) -> None:
    """Raises NotPermitted (403) unless the user may take the step on this ticket."""
    if handling_may(user=user, ticket=ticket, step=step):
        return
    if step == "return":
        raise NotPermitted(_("Only the ticket's holder can return it to the supervisors."))
    raise NotPermitted(_("Only the ticket's holder or a supervisor can do this."))


def handling_steps_for(*, user: User, ticket: Ticket) -> list[str]:
    """The steps to offer now: allowed by the kind, the state and who the user is."""
    if not ticket.is_open:
        return []
    steps = []
    for step in STEPS:
        if ticket.kind in OWN_STEPS_KINDS and step not in SHARED_STEPS:
            continue
        if step == "take" and ticket.status != Ticket.Status.OPEN:
            continue
        if step == "return" and ticket.holder == Holder():
            continue
        if handling_may(user=user, ticket=ticket, step=step):
            steps.append(step)
    return steps


def ticket_handle(*, ticket: Ticket, step: str, data: dict[str, Any], actor: User) -> Ticket:
    """One step, with its form's cleaned data (tickets.forms.handling_form): the one way in
    for the ticket page and the API."""
    if step == "take":
        return ticket_take(ticket=ticket, actor=actor)
    if step == "transfer":
        to = data["station"] or data["department"]
        return ticket_transfer(ticket=ticket, to=to, reason=data["reason"], actor=actor)
    if step == "reply":
        return ticket_reply(ticket=ticket, actor=actor, text=data["text"])
    if step == "return":
        return ticket_return(ticket=ticket, actor=actor, reason=data["reason"])
    return ticket_cancel(
        ticket=ticket, actor=actor, reason=data["reason"], duplicate_of=data["duplicate_of"]
    )


def ticket_take(*, ticket: Ticket, actor: User, now: datetime | None = None) -> Ticket:
    """The holder takes the ticket in hand: open → in_progress, event `taken`."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _lock(ticket, actor, "take")
        _table_check(
            ticket, "start", _("Ticket %(number)s is %(status)s: there is nothing to take.")
        )
        ticket, _event = _apply_transition(
            ticket=ticket, action="start", actor=actor, now=now, event="taken"
        )
    return ticket


def ticket_reply(*, ticket: Ticket, actor: User, text: str, now: datetime | None = None) -> Ticket:
    """The reply the customer was given: meets reply_by and resolves the ticket (event
    `replied`, the text its note). A complaint replies through its own step."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _lock(ticket, actor, "reply")
        _table_check(
            ticket, "resolve", _("Ticket %(number)s is %(status)s: it was answered already.")
        )
        ticket, _event = _apply_transition(
            ticket=ticket, action="resolve", actor=actor, now=now, note=text, event="replied"
        )
    return ticket


def ticket_transfer(
    *,
    ticket: Ticket,
    to: Station | Department,
    reason: str,
    actor: User,
    now: datetime | None = None,
) -> Ticket:
    """转派: another station or department holds the ticket from now on, with the reason.
    The clock keeps running: every deadline keeps its times, and its warnings go to the new
    holder, who is told. A repair goes to a station, a complaint to a department."""
    now = now or timezone.now()
    _target_check(ticket, to)
    with transaction.atomic():
        for hook in ticket_transfer_hooks:
            hook(ticket=ticket, to=to, actor=actor, now=now)
        ticket = _lock(ticket, actor, "transfer")
        _open_check(ticket, _("Ticket %(number)s is %(status)s: it can no longer be transferred."))
        target = _target_check(ticket, to)
        before = _holder_data(ticket)
        if isinstance(to, Station):
            ticket.station, ticket.department = to, None
        elif ticket.kind == Kind.COMPLAINT:
            ticket.department = to  # the station at fault, if any, stays at fault
        else:
            ticket.station, ticket.department = None, to
        ticket.updated_at = now
        ticket.save(update_fields=["station", "department", "updated_at"])
        _deadlines_follow(ticket, target)
        event = timeline_record(
            ticket=ticket,
            kind="transferred",
            actor=actor,
            at=now,
            note=reason,
            data={"from": before, "to": _holder_data(ticket)},
        )
        text = TICKET_TRANSFERRED(number=ticket.number, reason=reason)
        notify(
            [
                Notice(user=user, ticket_id=ticket.pk, key=f"transfer:{event.pk}", text=text)
                for user in ticket_holders(ticket)
            ],
            now=now,
        )
    return ticket


def ticket_return(
    *, ticket: Ticket, actor: User, reason: str, now: datetime | None = None
) -> Ticket:
    """退单: the holder says it is not theirs; the supervisors hold the ticket again (no
    station, no department), are told, and pass it on. The clock keeps running."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _lock(ticket, actor, "return")
        _open_check(ticket, _("Ticket %(number)s is %(status)s: it can no longer be returned."))
        if ticket.holder == Holder():
            raise TransitionNotAllowed(
                _("Ticket %(number)s is with the supervisors already.") % {"number": ticket.number},
                field="action",
            )
        before = _holder_data(ticket)
        ticket.station = ticket.department = None
        ticket.updated_at = now
        ticket.save(update_fields=["station", "department", "updated_at"])
        _deadlines_follow(ticket, Holder())
        event = timeline_record(
            ticket=ticket, kind="returned", actor=actor, at=now, note=reason, data={"from": before}
        )
        text = TICKET_RETURNED(number=ticket.number, reason=reason)
        notify(
            [
                Notice(user=user, ticket_id=ticket.pk, key=f"return:{event.pk}", text=text)
                for user in ticket_holders(ticket)
            ],
            now=now,
        )
    return ticket


def ticket_cancel(
    *,
    ticket: Ticket,
    actor: User,
    reason: str,
    duplicate_of: Ticket | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Cancel the ticket with the reason; as a duplicate of another open ticket of its kind
    (`duplicate_of`), that one records `duplicate_linked` and counts it as an urge (one step
    of priority up, its holder told). The cancelled ticket's deadlines close. A complaint is
    cancelled only as a duplicate: every complaint is accepted (DESIGN §3.5)."""
    now = now or timezone.now()
    _duplicate_check(ticket, duplicate_of)
    with transaction.atomic():
        for hook in ticket_cancel_hooks:
            hook(ticket=ticket, actor=actor, reason=reason, now=now)
        # Both rows in pk order: two cancels naming each other cannot deadlock.
        pks = [ticket.pk] if duplicate_of is None else [ticket.pk, duplicate_of.pk]
        locked = {row.pk: row for row in rows_for_update(Ticket.objects.filter(pk__in=pks))}
        ticket = locked[ticket.pk]
        handling_check(user=actor, ticket=ticket, step="cancel")
        _table_check(
            ticket, "cancel", _("Ticket %(number)s is %(status)s: it can no longer be cancelled.")
        )
        original = locked[duplicate_of.pk] if duplicate_of is not None else None
        data: dict[str, Any] = {}
        if original is not None:
            if not original.is_open:
                raise TransitionNotAllowed(
                    _("%(number)s is %(status)s: a duplicate is of an open ticket.")
                    % {"number": original.number, "status": original.get_status_display()},
                    field="duplicate_of",
                )
            ticket.duplicate_of = original
            ticket.save(update_fields=["duplicate_of"])
            data["duplicate_of"] = original.number
        ticket, _event = _apply_transition(
            ticket=ticket, action="cancel", actor=actor, now=now, note=reason, data=data
        )
        if original is not None:
            timeline_record(
                ticket=original,
                kind="duplicate_linked",
                actor=actor,
                at=now,
                note=reason,
                data={"duplicate": ticket.number},
            )
            ticket_urge(ticket=original, actor=actor, now=now)
    return ticket


def _lock(ticket: Ticket, actor: User, step: str) -> Ticket:
    """The ticket re-read under its lock, then who is acting and whether its kind takes the
    step: the holder may have changed since the page was read."""
    ticket = row_for_update(Ticket.objects, ticket.pk)
    handling_check(user=actor, ticket=ticket, step=step)
    if ticket.kind in OWN_STEPS_KINDS and step not in SHARED_STEPS:
        if ticket.kind == Kind.REPAIR:
            message = _("Repair %(number)s is worked and finished through its work order.")
        else:
            message = _("Complaint %(number)s is handled through its own steps.")
        raise TransitionNotAllowed(message % {"number": ticket.number}, field="action")
    return ticket


def _table_check(ticket: Ticket, action: str, refusal: str) -> None:
    transition_check(
        TICKET_TRANSITIONS,
        action=action,
        status=ticket.status,
        refusal=lambda: refusal % {"number": ticket.number, "status": ticket.get_status_display()},
    )


def _open_check(ticket: Ticket, refusal: str) -> None:
    if not ticket.is_open:
        raise TransitionNotAllowed(
            refusal % {"number": ticket.number, "status": ticket.get_status_display()},
            field="action",
        )


def _target_check(ticket: Ticket, to: Station | Department) -> Holder:
    """The holder `to` makes: a repair goes to a station, a complaint (once judged) to a
    department, and never to whoever holds it now (400, on the field named)."""
    field = "station" if isinstance(to, Station) else "department"
    if ticket.kind == Kind.REPAIR and field != "station":
        raise GridlineError(_("A repair is transferred to a supply station."), field="station")
    if ticket.kind == Kind.COMPLAINT:
        if field != "department":
            raise GridlineError(
                _("A complaint is transferred to a department."), field="department"
            )
        if ticket.department_id is None:
            raise TransitionNotAllowed(
                _("Complaint %(number)s has no department yet: the judgement names its first.")
                % {"number": ticket.number},
                field="action",
            )
    target = Holder(station_id=to.pk) if field == "station" else Holder(department_id=to.pk)
    if target == ticket.holder:
        raise GridlineError(
            _("%(holder)s holds ticket %(number)s already.")
            % {"holder": to.name, "number": ticket.number},
            field=field,
        )
    return target


def _duplicate_check(ticket: Ticket, original: Ticket | None) -> None:
    """The input's own rules (400); the original's state is checked under the locks."""
    if original is None:
        if ticket.kind == Kind.COMPLAINT:
            raise GridlineError(
                _("A complaint is cancelled only as a duplicate of another: every complaint "
                  "is accepted."),
                field="duplicate_of",
            )  # fmt: skip
        return
    if original.pk == ticket.pk:
        raise GridlineError(_("A ticket cannot be a duplicate of itself."), field="duplicate_of")
    if original.kind != ticket.kind:
        raise GridlineError(
            _("%(number)s is a %(kind)s: a ticket is a duplicate of one of its own kind.")
            % {"number": original.number, "kind": original.get_kind_display()},
            field="duplicate_of",
        )


def _deadlines_follow(ticket: Ticket, holder: Holder) -> None:
    """The open deadlines' warnings go to the new holder; their times do not change."""
    deadlines = Deadline.objects.filter(ticket_id=ticket.pk, closed_at__isnull=True)
    if ticket.kind == Kind.COMPLAINT:
        # The first contact is the centre's own promise: no holder is warned of it.
        deadlines = deadlines.exclude(name=Deadline.Name.CONTACT_BY)
    deadlines.update(station_id=holder.station_id, department_id=holder.department_id)


def _holder_data(ticket: Ticket) -> dict[str, str]:
    """Who holds the ticket, for the timeline: `holder` (station, department or
    supervisors), with the code and the name of a station or department."""
    holder = ticket.holder
    if holder.station_id is not None and ticket.station is not None:
        return {"holder": "station", "code": ticket.station.code, "name": ticket.station.name}
    if holder.department_id is not None and ticket.department is not None:
        unit = ticket.department
        return {"holder": "department", "code": unit.code, "name": unit.name}
    return {"holder": "supervisors"}
