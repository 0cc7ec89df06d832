"""The steps of WORK_ORDER_TRANSITIONS, one service each, and the core they share.

Each step checks who is acting, locks the order's row, checks the table, stamps the step's
time, writes the ticket's timeline event and keeps its deadlines, and lets the apps above act
(dispatch/hooks.py), all in one transaction. Each raises NotPermitted (403) or
TransitionNotAllowed (409), having written nothing; the inputs arrive validated
(dispatch/forms.py STEP_FORMS, shared by the pages and the API, and routed here by
dispatch.services.work_order_step).
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import Role, User
from config.errors import GridlineError, NotPermitted, TransitionNotAllowed
from config.transitions import transition_check
from dispatch import selectors
from dispatch.hooks import work_order_step_hooks
from dispatch.models import (
    CREW_ACTIONS,
    WORK_ORDER_TRANSITIONS,
    CauseCode,
    Crew,
    WorkOrder,
    WorkOrderPhoto,
)
from dispatch.notices import work_order_notify
from tickets.locks import row_for_update
from tickets.models import Attachment, Deadline, Ticket
from tickets.services import (
    deadline_meet,
    deadline_open,
    deadline_withdraw,
    ticket_transition,
    timeline_record,
)

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


def work_order_role_check(*, actor: User, action: str) -> None:
    """NotPermitted unless the actor's role may take this step (ACTION_ROLES)."""
    if not has_role(actor, *ACTION_ROLES[action]):
        raise NotPermitted(_("Your role cannot do this to a work order."))


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
    if action == "complete":
        _after_photo_check(order)
    old_status = order.status
    former_crew = order.crew
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
    work_order_event_record(
        order=order, action=action, actor=actor, now=now, note=note, old_status=old_status
    )
    work_order_notify(
        order=order, action=action, actor=actor, former_crew=former_crew, note=note, now=now
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
    """On site meets the arrival promise and starts the restoration one; completion meets it.
    A return from the site ends it unmet: the next arrival starts a new one (a ticket has
    one open deadline of a name)."""
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
    elif action == "return":
        deadline_withdraw(ticket_ids=[ticket.pk], name=Deadline.Name.RESTORE_BY, at=now)


def _crew_check(order: WorkOrder, action: str, actor: User, now: datetime) -> dict[str, Any]:
    """A crew acts only on its own station's orders assigned to it (or unassigned ones it takes)."""
    crew = selectors.crew_of(actor)
    if crew is None or crew.station_id != order.station_id:
        raise NotPermitted(_("You are not in a crew of this station."))
    if order.crew_id == crew.pk:
        return {}
    if action == "accept" and order.crew_id is None and settings.GRIDLINE_CREW_TAKES_UNASSIGNED:
        return {"crew": crew, "assigned_at": now}
    raise TransitionNotAllowed(
        _("Work order %(id)s is assigned to another crew.") % {"id": order.pk}, field="action"
    )


def _after_photo_check(order: WorkOrder) -> None:
    """With GRIDLINE_WORK_ORDER_AFTER_PHOTO_REQUIRED on, the work is done only once a photo
    shows it done (DESIGN §3.14). Under the order's lock, as photos are added."""
    if not settings.GRIDLINE_WORK_ORDER_AFTER_PHOTO_REQUIRED:
        return
    after = WorkOrderPhoto.objects.filter(
        work_order=order, attachment__stage=Attachment.Stage.AFTER
    )
    if not after.exists():
        raise TransitionNotAllowed(
            _("Add a photo of the finished work (“after”) before completing work order %(id)s.")
            % {"id": order.pk},
            field="action",
        )


def work_order_event_record(
    *, order: WorkOrder, action: str, actor: User | None, now: datetime, note: str, old_status: str
) -> None:
    """The step's event on the timeline of the ticket the order serves (none for an incident's)."""
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
