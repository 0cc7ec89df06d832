"""Every write to tickets: creation, numbering, transitions, the timeline."""

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from config.errors import TransitionNotAllowed
from config.transitions import transition_check
from grid.models import Customer, Premise
from tickets.escalation import first_step
from tickets.locks import row_for_update, rows_for_update
from tickets.models import (
    NUMBER_PREFIX,
    OPEN_STATUSES,
    PRIORITY_ORDER,
    TICKET_TRANSITIONS,
    Channel,
    Deadline,
    Notification,
    Priority,
    Ticket,
    TicketCounter,
    TimelineEvent,
)
from tickets.notify import TICKET_URGED, Notice, notify


def ticket_number_next(*, kind: str, now: datetime | None = None) -> str:
    """The next number for a kind on today's local date, e.g. R20261126-000042.

    One upsert bumps the counter row and returns the new value, so two
    transactions can never be handed the same number: the second waits for the
    first's row lock. Call it inside the transaction that creates the ticket.
    """
    now = now or timezone.now()
    prefix = NUMBER_PREFIX[kind]
    day = timezone.localdate(now)
    table = TicketCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, day, value) VALUES (%s, %s, 1) "
            f"ON CONFLICT (prefix, day) DO UPDATE SET value = {table}.value + 1 "
            "RETURNING value",
            [prefix, day],
        )
        (value,) = cursor.fetchone()
    return f"{prefix}{day:%Y%m%d}-{value:06d}"


def timeline_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None,
    at: datetime,
    note: str = "",
    old_status: str = "",
    new_status: str = "",
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    """Append one event to the ticket's timeline (the only way events are written)."""
    return TimelineEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        at=at,
        note=note,
        old_status=old_status,
        new_status=new_status,
        data=data or {},
    )


# No savepoint when nested: it only inserts, and a failure fails the caller's transaction.
@transaction.atomic(savepoint=False)
def ticket_create(
    *,
    kind: str,
    actor: User | None,
    customer: Customer | None = None,
    premise: Premise | None = None,
    caller_phone: str = "",
    channel: str = Channel.HOTLINE,
    description: str = "",
    priority: str = Priority.NORMAL,
    now: datetime | None = None,
) -> Ticket:
    """Record a new open ticket with its number and a `created` event."""
    now = now or timezone.now()
    if premise is not None and customer is None:
        customer = premise.customer
    station = premise.transformer.feeder.station if premise is not None else None
    ticket = Ticket.objects.create(
        number=ticket_number_next(kind=kind, now=now),
        kind=kind,
        priority=priority,
        channel=channel,
        caller_phone=caller_phone,
        description=description,
        customer=customer,
        premise=premise,
        station=station,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    timeline_record(ticket=ticket, kind="created", actor=actor, at=now, new_status=ticket.status)
    return ticket


def _apply_transition(
    *,
    ticket: Ticket,
    action: str,
    actor: User | None,
    now: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    event: str = "",
) -> tuple[Ticket, TimelineEvent]:
    """Lock, guard, mutate, record. Call inside a transaction. The event's kind is the
    action's, unless a step of its own names it (tickets/handling.py: `taken`, `replied`)."""
    # Re-read under a row lock: the caller's copy may be stale, and another
    # agent or crew may act on this ticket at the same moment.
    ticket = row_for_update(Ticket.objects, ticket.pk)
    locked = ticket
    transition = transition_check(
        TICKET_TRANSITIONS,
        action=action,
        status=ticket.status,
        refusal=lambda: (
            _("Cannot %(action)s ticket %(number)s: it is %(status)s.")
            % {"action": action, "number": locked.number, "status": locked.get_status_display()}
        ),
    )
    old_status = ticket.status
    ticket.status = transition.target
    ticket.updated_at = now
    fields = ["status", "updated_at"]
    if ticket.status == Ticket.Status.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    elif ticket.status in (Ticket.Status.CLOSED, Ticket.Status.CANCELLED):
        ticket.closed_at = now
        fields.append("closed_at")
    ticket.save(update_fields=fields)
    if ticket.status == Ticket.Status.RESOLVED:
        # Resolving answers the customer: that keeps the reply promise (a service
        # request's, an opinion's); complaints meet theirs at the reply step already.
        deadline_meet(ticket_ids=[ticket.pk], name=Deadline.Name.REPLY_BY, at=now)
    if ticket.status not in OPEN_STATUSES:
        deadlines_close(ticket_ids=[ticket.pk], at=now)
    recorded = timeline_record(
        ticket=ticket,
        kind=event or action,
        actor=actor,
        at=now,
        note=note,
        old_status=old_status,
        new_status=ticket.status,
        data=data,
    )
    return ticket, recorded


def ticket_transition(
    *,
    ticket: Ticket,
    action: str,
    actor: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Apply one TICKET_TRANSITIONS action; raises TransitionNotAllowed and writes nothing."""
    with transaction.atomic():
        ticket, _event = _apply_transition(
            ticket=ticket,
            action=action,
            actor=actor,
            now=now or timezone.now(),
            note=note,
            data=data,
        )
    return ticket


def timeline_record_many(
    *,
    ticket_ids: list[int],
    kind: str,
    actor: User | None,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """The same event on many tickets in one insert (an incident's callers)."""
    TimelineEvent.objects.bulk_create(
        TimelineEvent(ticket_id=pk, kind=kind, actor=actor, at=at, note=note, data=data or {})
        for pk in ticket_ids
    )


def ticket_resolve_many(
    *,
    tickets: QuerySet[Ticket],
    actor: User | None,
    note: str,
    data: dict[str, Any] | None = None,
    now: datetime,
) -> list[int]:
    """Resolve every open ticket of the queryset, one `resolve` event each, in a fixed
    number of queries whatever their number (an incident restored resolves hundreds).

    Call inside a transaction. Returns the ids of the tickets resolved.
    """
    sources = TICKET_TRANSITIONS["resolve"].sources
    locked = list(rows_for_update(tickets.filter(status__in=sources)).values_list("pk", "status"))
    ids = [pk for pk, _status in locked]
    Ticket.objects.filter(pk__in=ids).update(
        status=Ticket.Status.RESOLVED, resolved_at=now, updated_at=now
    )
    deadlines_close(ticket_ids=ids, at=now)
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            ticket_id=pk,
            kind="resolve",
            actor=actor,
            at=now,
            note=note,
            old_status=status,
            new_status=Ticket.Status.RESOLVED,
            data=data or {},
        )
        for pk, status in locked
    )
    return ids


# --- Deadlines (DESIGN §3.6) ----------------------------------------------------------------


def deadline_open(
    *,
    ticket: Ticket,
    name: str,
    starts_at: datetime,
    due_at: datetime,
    station_id: int | None = None,
    department_id: int | None = None,
) -> Deadline:
    """Start watching a promise; its first escalation step falls at the warning fraction."""
    step, at = first_step(starts_at=starts_at, due_at=due_at)
    return Deadline.objects.create(
        ticket=ticket,
        name=name,
        starts_at=starts_at,
        due_at=due_at,
        station_id=station_id,
        department_id=department_id,
        next_step=step,
        next_step_at=at,
    )


def deadline_open_many(
    *, ticket_ids: list[int], name: str, starts_at: datetime, due_at: datetime, station_id=None
) -> None:
    """The same promise on many tickets (an incident's callers), skipping tickets that have it."""
    have = set(
        Deadline.objects.filter(
            ticket_id__in=ticket_ids, name=name, closed_at__isnull=True
        ).values_list("ticket_id", flat=True)
    )
    step, at = first_step(starts_at=starts_at, due_at=due_at)
    Deadline.objects.bulk_create(
        Deadline(
            ticket_id=pk,
            name=name,
            starts_at=starts_at,
            due_at=due_at,
            station_id=station_id,
            next_step=step,
            next_step_at=at,
        )
        for pk in ticket_ids
        if pk not in have
    )


def deadline_meet(*, ticket_ids: list[int], name: str, at: datetime) -> int:
    """The promise is kept (crew on site, power back, customer contacted, reply sent):
    stop watching it. Returns how many open deadlines were met."""
    return Deadline.objects.filter(
        ticket_id__in=ticket_ids, name=name, closed_at__isnull=True
    ).update(met_at=at, closed_at=at, next_step="", next_step_at=None)


def deadline_withdraw(*, ticket_ids: list[int], name: str, at: datetime) -> int:
    """The promise no longer runs, unmet (a crew left the site unrestored): stop watching
    it, so the next step may open it anew. Returns how many open deadlines ended."""
    return Deadline.objects.filter(
        ticket_id__in=ticket_ids, name=name, closed_at__isnull=True
    ).update(closed_at=at, next_step="", next_step_at=None)


def deadlines_close(*, ticket_ids: list[int], at: datetime) -> int:
    """The ticket ended (resolved, closed, cancelled): nothing of it is watched any more."""
    return Deadline.objects.filter(ticket_id__in=ticket_ids, closed_at__isnull=True).update(
        closed_at=at, next_step="", next_step_at=None
    )


# --- Urges (DESIGN §3.7) ------------------------------------------------------------------


def ticket_urge(
    *, ticket: Ticket, actor: User | None, note: str = "", now: datetime | None = None
) -> Ticket:
    """A repeat call about an open ticket: an `urged` event, priority one step up (to urgent
    at most), and whoever holds it is told. Raises TransitionNotAllowed if the ticket is closed."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = row_for_update(Ticket.objects, ticket.pk)
        if not ticket.is_open:
            raise TransitionNotAllowed(
                _("Ticket %(number)s is %(status)s: there is nothing to urge.")
                % {"number": ticket.number, "status": ticket.get_status_display()},
                field="action",
            )
        old_priority = ticket.priority
        ticket.priority = PRIORITY_ORDER[max(PRIORITY_ORDER.index(ticket.priority) - 1, 0)]
        ticket.urge_count += 1
        ticket.updated_at = now
        ticket.save(update_fields=["priority", "urge_count", "updated_at"])
        timeline_record(
            ticket=ticket,
            kind="urged",
            actor=actor,
            at=now,
            note=note,
            data={"urge_count": ticket.urge_count, "priority": [old_priority, ticket.priority]},
        )
        notify(
            [
                Notice(
                    user=holder,
                    ticket_id=ticket.pk,
                    key=f"urge:{ticket.pk}:{ticket.urge_count}",
                    text=TICKET_URGED(number=ticket.number, count=ticket.urge_count),
                )
                for holder in ticket_holders(ticket)
            ],
            now=now,
        )
    return ticket


def ticket_holders(ticket: Ticket) -> list[User]:
    """Who holds an open ticket (Ticket.holder): its station's dispatchers, or its
    department's handlers, else the supervisors."""
    holder = ticket.holder
    if holder.station_id is not None:
        holders = User.objects.filter(
            is_active=True, role=Role.DISPATCHER, station_id=holder.station_id
        )
    elif holder.department_id is not None:
        holders = User.objects.filter(
            is_active=True, role=Role.HANDLER, department_id=holder.department_id
        )
    else:
        holders = User.objects.filter(is_active=True, role=Role.SUPERVISOR)
    return list(holders)


def notifications_mark_read(*, user: User, now: datetime | None = None) -> int:
    """Mark every unread notification of the user as read."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
