"""Writes to crews and work orders: creation and every step of the work-order table.

Each step locks the order's row, checks the table and who is acting, stamps the
step's time, and writes the ticket's timeline event, all in one transaction.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import Role, User
from config.errors import GridlineError, NotPermitted, TransitionNotAllowed
from config.transitions import transition_check
from dispatch.hooks import work_order_step_hooks
from dispatch.models import (
    CREW_ACTIONS,
    OPEN_WORK_ORDER_STATUSES,
    WORK_ORDER_TRANSITIONS,
    CauseCode,
    Crew,
    CrewMember,
    WorkOrder,
)
from grid.models import Station
from tickets.locks import row_for_update, rows_for_update
from tickets.models import Deadline, Ticket
from tickets.services import deadline_meet, deadline_open, ticket_transition, timeline_record

# Who may take each step besides an administrator. Crews walk the order;
# the station's dispatcher and the supervisors assign, take back and cancel.
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "assign": (Role.DISPATCHER, Role.SUPERVISOR),
    "accept": (Role.CREW,),
    "depart": (Role.CREW,),
    "arrive": (Role.CREW,),
    "complete": (Role.CREW,),
    "return": (Role.CREW, Role.DISPATCHER, Role.SUPERVISOR),
    "cancel": (Role.DISPATCHER, Role.SUPERVISOR),
}


@transaction.atomic
def crew_member_set(*, user: User, crew: Crew) -> CrewMember:
    """Put the user in this crew (and only this one); the user's station follows the crew's."""
    membership, _created = CrewMember.objects.update_or_create(user=user, defaults={"crew": crew})
    if user.station_id != crew.station_id:
        user.station = crew.station
        user.save(update_fields=["station"])
    return membership


def crew_get_or_create(*, code: str, station: Station) -> tuple[Crew, bool]:
    """The crew with this code, created on the station when missing."""
    return Crew.objects.get_or_create(code=code, defaults={"station": station, "name": code})


def crew_of(user: User) -> Crew | None:
    """The crew the user works in, or None."""
    membership = getattr(user, "crew_membership", None) if user.is_authenticated else None
    return membership.crew if membership is not None else None


# No savepoint when nested: it only inserts, and a failure fails the caller's transaction.
@transaction.atomic(savepoint=False)
def work_order_create(
    *,
    station: Station,
    location: str,
    arrive_by: datetime,
    restore_within: timedelta,
    actor: User | None,
    ticket: Ticket | None = None,
    brief: str = "",
    hazards: list[str] | None = None,
    important: bool = False,
    now: datetime | None = None,
) -> WorkOrder:
    """A pending order in the station's queue; the ticket's timeline says it was dispatched."""
    now = now or timezone.now()
    order = WorkOrder.objects.create(
        station=station,
        ticket=ticket,
        location=location[:255],
        brief=brief,
        hazards=hazards or [],
        important=important,
        arrive_by=arrive_by,
        restore_within=restore_within,
        created_at=now,
        updated_at=now,
    )
    if ticket is not None:
        timeline_record(
            ticket=ticket,
            kind="dispatched",
            actor=actor,
            at=now,
            note=station.name,
            data={"work_order": order.pk, "station": station.code},
        )
    return order


def work_order_role_check(*, actor: User, action: str) -> None:
    """NotPermitted unless the actor's role may take this step (ACTION_ROLES)."""
    if not has_role(actor, *ACTION_ROLES[action]):
        raise NotPermitted(_("Your role cannot do this to a work order."))


# --- The steps of WORK_ORDER_TRANSITIONS, one service each ---------------------------------
# Each raises NotPermitted (403) or TransitionNotAllowed (409), having written nothing; the
# inputs arrive validated (dispatch/forms.py STEP_FORMS, shared by the pages and the API).


def work_order_assign(
    *, order: WorkOrder, crew: Crew, actor: User, now: datetime | None = None
) -> WorkOrder:
    """Give the order to an on-duty crew of its station; a new crew accepts afresh."""
    changes = {"crew": crew, "accepted_at": None, "departed_at": None, "return_reason": ""}
    return _step(
        order=order, action="assign", actor=actor, changes=changes, note=crew.name, now=now
    )


def work_order_accept(*, order: WorkOrder, actor: User, now: datetime | None = None) -> WorkOrder:
    """The crew takes the order (or, where allowed, an unassigned one of its station)."""
    return _step(order=order, action="accept", actor=actor, now=now)


def work_order_depart(*, order: WorkOrder, actor: User, now: datetime | None = None) -> WorkOrder:
    """The crew sets off for the site."""
    return _step(order=order, action="depart", actor=actor, now=now)


def work_order_arrive(*, order: WorkOrder, actor: User, now: datetime | None = None) -> WorkOrder:
    """The crew is on site: the arrival promise is met or missed, restoration's starts."""
    return _step(order=order, action="arrive", actor=actor, now=now)


def work_order_complete(
    *, order: WorkOrder, cause: CauseCode, actions: str, actor: User, now: datetime | None = None
) -> WorkOrder:
    """The work is done, with its cause and what was done; the ticket is resolved."""
    return _step(
        order=order,
        action="complete",
        actor=actor,
        changes={"cause": cause, "actions": actions},
        note=f"{cause.label}: {actions}",
        now=now,
    )


def work_order_return(
    *, order: WorkOrder, reason: str, actor: User, now: datetime | None = None
) -> WorkOrder:
    """Back to the station's queue without a crew, with the reason."""
    changes = {"crew": None, "return_reason": reason}
    return _step(order=order, action="return", actor=actor, changes=changes, note=reason, now=now)


def work_order_cancel(
    *, order: WorkOrder, reason: str, actor: User, now: datetime | None = None
) -> WorkOrder:
    """The station calls the work off, with the reason."""
    return _step(order=order, action="cancel", actor=actor, note=reason, now=now)


def work_order_step(
    *,
    order: WorkOrder,
    action: str,
    actor: User,
    data: Mapping[str, Any],
    now: datetime | None = None,
) -> WorkOrder:
    """One step with its form's cleaned data (dispatch/forms.py STEP_FORMS); the pages and
    the API call this."""
    if action == "assign":
        return work_order_assign(order=order, crew=data["crew"], actor=actor, now=now)
    if action == "accept":
        return work_order_accept(order=order, actor=actor, now=now)
    if action == "depart":
        return work_order_depart(order=order, actor=actor, now=now)
    if action == "arrive":
        return work_order_arrive(order=order, actor=actor, now=now)
    if action == "complete":
        return work_order_complete(
            order=order, cause=data["cause"], actions=data["actions"], actor=actor, now=now
        )
    if action == "return":
        return work_order_return(order=order, reason=data["reason"], actor=actor, now=now)
    if action == "cancel":
        return work_order_cancel(order=order, reason=data["reason"], actor=actor, now=now)
    raise TransitionNotAllowed(_("Unknown action %(action)s.") % {"action": action}, field="action")


def _step(
    *,
    order: WorkOrder,
    action: str,
    actor: User,
    now: datetime | None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> WorkOrder:
    """Role check, then lock, guard, mutate, stamp, record, in one transaction."""
    work_order_role_check(actor=actor, action=action)
    with transaction.atomic():
        return _apply(
            order=order,
            action=action,
            actor=actor,
            changes=changes or {},
            note=note,
            now=now or timezone.now(),
        )


def _apply(
    *,
    order: WorkOrder,
    action: str,
    actor: User,
    changes: dict[str, Any],
    note: str,
    now: datetime,
) -> WorkOrder:
    """Lock, guard, mutate, stamp, record. Call inside a transaction."""
    # Re-read under a row lock: two crews may press Accept at the same moment.
    order = row_for_update(WorkOrder.objects, order.pk)
    locked = order
    transition = transition_check(
        WORK_ORDER_TRANSITIONS,
        action=action,
        status=order.status,
        refusal=lambda: (
            _("Work order %(id)s is %(status)s: this step is not possible now.")
            % {"id": locked.pk, "status": locked.get_status_display()}
        ),
    )
    if (
        action == "assign"
        and changes["crew"].pk == order.crew_id
        and order.status
        not in (
            WorkOrder.Status.PENDING,
            WorkOrder.Status.RETURNED,
        )
    ):
        # Re-assigning the same crew would make a crew on the road accept again.
        raise GridlineError(
            _("Work order %(id)s is already with %(crew)s.")
            % {"id": order.pk, "crew": changes["crew"].name},
            field="crew",
        )
    # The field steps are a crew's; a dispatcher or supervisor may only take an order back.
    if action in CREW_ACTIONS and (action != "return" or actor.role == Role.CREW):
        changes = {**_crew_check(order, action, actor, now), **changes}
    old_status = order.status
    order.status = transition.target
    setattr(order, transition.stamp, now)
    order.updated_at = now
    for field, value in changes.items():
        setattr(order, field, value)
    fields = {"status", transition.stamp, "updated_at", *changes}
    if action == "arrive":
        # Arriving exactly at arrive_by counts as in time.
        order.arrived_in_time = now <= order.arrive_by
        order.restore_by = now + order.restore_within
        fields |= {"arrived_in_time", "restore_by"}
    order.save(update_fields=sorted(fields))
    _record_on_ticket(
        order=order, action=action, actor=actor, now=now, note=note, old_status=old_status
    )
    if order.ticket is not None:
        _keep_deadlines(order=order, ticket=order.ticket, action=action, now=now)
    if action == "complete" and order.ticket_id is not None:
        # Under the ticket's lock: an agent may be resolving it at this moment.
        ticket = row_for_update(Ticket.objects, order.ticket_id)
        if ticket.is_open:
            ticket_transition(ticket=ticket, action="resolve", actor=actor, note=note, now=now)
    # The apps above (repairs: the incident behind the order) act in this same transaction.
    for hook in work_order_step_hooks:
        hook(order=order, action=action, actor=actor, note=note, now=now)
    return order


def _keep_deadlines(*, order: WorkOrder, ticket: Ticket, action: str, now: datetime) -> None:
    """On site meets the arrival promise and starts the restoration one; completion meets it."""
    if action == "arrive":
        assert order.restore_by is not None  # set by the arrive step itself
        deadline_meet(ticket_ids=[ticket.pk], name=Deadline.Name.ARRIVE_BY, at=now)
        deadline_open(
            ticket=ticket,
            name=Deadline.Name.RESTORE_BY,
            starts_at=now,
            due_at=order.restore_by,
            station_id=order.station_id,
        )
    elif action == "complete":
        deadline_meet(ticket_ids=[ticket.pk], name=Deadline.Name.RESTORE_BY, at=now)


def _crew_check(order: WorkOrder, action: str, actor: User, now: datetime) -> dict[str, Any]:
    """A crew acts only on its own station's orders assigned to it (or unassigned ones it takes)."""
    crew = crew_of(actor)
    if crew is None or crew.station_id != order.station_id:
        raise NotPermitted(_("You are not in a crew of this station."))
    if order.crew_id == crew.pk:
        return {}
    if action == "accept" and order.crew_id is None and settings.GRIDLINE_CREW_TAKES_UNASSIGNED:
        return {"crew": crew, "assigned_at": now}
    raise TransitionNotAllowed(
        _("Work order %(id)s is assigned to another crew.") % {"id": order.pk}, field="action"
    )


def _record_on_ticket(
    *, order: WorkOrder, action: str, actor: User | None, now: datetime, note: str, old_status: str
) -> None:
    if order.ticket is None:
        return
    data: dict[str, Any] = {
        "work_order": order.pk,
        "from": old_status,
        "to": order.status,
        "crew": order.crew.code if order.crew else None,
    }
    if action == "arrive":
        data["arrived_in_time"] = order.arrived_in_time
        data["arrive_by"] = order.arrive_by.isoformat()
    kind = "work_order_cancelled" if action == "cancel" else action
    timeline_record(ticket=order.ticket, kind=kind, actor=actor, at=now, note=note, data=data)


# The further a crew has got with an order, the more it is worth keeping in a merge.
_PROGRESS = [
    WorkOrder.Status.ON_SITE,
    WorkOrder.Status.EN_ROUTE,
    WorkOrder.Status.ACCEPTED,
    WorkOrder.Status.ASSIGNED,
    WorkOrder.Status.PENDING,
    WorkOrder.Status.RETURNED,
]


def work_order_merge(
    *,
    order_ids: list[int],
    location: str,
    brief: str,
    actor: User | None,
    note: str,
    now: datetime,
) -> WorkOrder | None:
    """Fold several open orders into one (an incident's reports, DESIGN §3.3).

    Keeps the order a crew has got furthest with (the earliest on a tie), so no
    crew is turned back; it now serves the incident rather than one ticket,
    with the earliest deadline of them all. The others are cancelled with a
    note on their tickets, never deleted. Returns None when none is open.
    Call inside a transaction; the caller links the kept order to its incident.
    """
    orders = list(
        rows_for_update(
            WorkOrder.objects.filter(pk__in=order_ids, status__in=OPEN_WORK_ORDER_STATUSES)
        )
    )
    if not orders:
        return None
    keep = min(
        orders, key=lambda o: (_PROGRESS.index(WorkOrder.Status(o.status)), o.created_at, o.pk)
    )
    for order in orders:
        if order is not keep:
            _cancel(order=order, actor=actor, note=note, now=now)
    former_ticket = keep.ticket
    keep.ticket = None
    keep.location = location[:255]
    keep.brief = brief
    keep.arrive_by = min(o.arrive_by for o in orders)
    keep.restore_within = min(o.restore_within for o in orders)
    keep.important = any(o.important for o in orders)
    keep.hazards = sorted({h for o in orders for h in o.hazards})
    keep.updated_at = now
    keep.save(
        update_fields=[
            "ticket",
            "location",
            "brief",
            "arrive_by",
            "restore_within",
            "important",
            "hazards",
            "updated_at",
        ]
    )
    if former_ticket is not None:
        timeline_record(
            ticket=former_ticket,
            kind="merged",
            actor=actor,
            at=now,
            note=note,
            data={"work_order": keep.pk},
        )
    return keep


def work_order_withdraw(*, order: WorkOrder, actor: User | None, note: str, now: datetime) -> None:
    """Cancel an order the system no longer needs (its incident was restored); no-op if closed."""
    order = row_for_update(WorkOrder.objects, order.pk)
    if order.is_open:
        _cancel(order=order, actor=actor, note=note, now=now)


def _cancel(*, order: WorkOrder, actor: User | None, note: str, now: datetime) -> None:
    old_status = order.status
    order.status = WorkOrder.Status.CANCELLED
    order.cancelled_at = now
    order.updated_at = now
    order.save(update_fields=["status", "cancelled_at", "updated_at"])
    _record_on_ticket(
        order=order, action="cancel", actor=actor, now=now, note=note, old_status=old_status
    )
