"""Every write to tickets: creation, numbering, transitions, the timeline."""

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import TransitionNotAllowed
from grid.models import Customer, Premise
from tickets.models import (
    NUMBER_PREFIX,
    TICKET_TRANSITIONS,
    Channel,
    Priority,
    Ticket,
    TicketCounter,
    TimelineEvent,
)


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


@transaction.atomic
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
) -> tuple[Ticket, TimelineEvent]:
    """Lock, guard, mutate, record. Call inside a transaction."""
    transition = TICKET_TRANSITIONS[action]
    # Re-read under a row lock: the caller's copy may be stale, and another
    # agent or crew may act on this ticket at the same moment.
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in transition.sources:
        raise TransitionNotAllowed(
            _("Cannot %(action)s ticket %(number)s: it is %(status)s.")
            % {"action": action, "number": ticket.number, "status": ticket.get_status_display()},
            field="action",
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
    event = timeline_record(
        ticket=ticket,
        kind=action,
        actor=actor,
        at=now,
        note=note,
        old_status=old_status,
        new_status=ticket.status,
        data=data,
    )
    return ticket, event


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
    if action not in TICKET_TRANSITIONS:
        raise TransitionNotAllowed(
            _("Unknown action %(action)s.") % {"action": action}, field="action"
        )
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
    locked = list(
        tickets.filter(status__in=sources)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "status")
    )
    ids = [pk for pk, _status in locked]
    Ticket.objects.filter(pk__in=ids).update(
        status=Ticket.Status.RESOLVED, resolved_at=now, updated_at=now
    )
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
