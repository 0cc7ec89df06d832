"""Writes to crews and work orders outside the steps: a crew's members, a new order in the
station's queue, a crew's photos, the orders an incident merges or no longer needs, the
orders that follow their ticket's transfer or cancel, and work_order_step, which routes a
step's validated input to its service (the steps themselves: dispatch/steps.py).
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import Role, User
from config.errors import NotPermitted, TransitionNotAllowed
from dispatch import selectors, steps
from dispatch.models import (
    OPEN_WORK_ORDER_STATUSES,
    PHOTO_STATUSES,
    Crew,
    CrewMember,
    WorkOrder,
    WorkOrderPhoto,
)
from dispatch.notices import work_order_notify
from grid.models import Department, Station
from tickets.attachments import (
    PhotoFacts,
    attachment_kept_or_removed,
    attachment_record,
    attachment_record_unticketed,
    attachment_store,
)
from tickets.evidence import CheckedFile
from tickets.locks import row_for_update, rows_for_update
from tickets.messages import Text
from tickets.models import Attachment, Ticket
from tickets.services import timeline_record


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


def brief_fields(brief: str | Text) -> dict[str, Any]:
    """A work order's brief as stored: what a written one is made of (rendered in each
    reader's language), or the words a person typed."""
    if isinstance(brief, Text):
        return {"brief": "", "brief_kind": brief.kind, "brief_params": brief.params}
    return {"brief": brief, "brief_kind": "", "brief_params": {}}


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
    brief: str | Text = "",
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
        **brief_fields(brief),
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
        return steps.work_order_assign(order=order, crew=data["crew"], actor=actor, now=now)
    if action == "accept":
        return steps.work_order_accept(order=order, actor=actor, now=now)
    if action == "depart":
        return steps.work_order_depart(order=order, actor=actor, now=now)
    if action == "arrive":
        return steps.work_order_arrive(order=order, actor=actor, now=now)
    if action == "complete":
        return steps.work_order_complete(
            order=order, cause=data["cause"], actions=data["actions"], actor=actor, now=now
        )
    if action == "return":
        return steps.work_order_return(order=order, reason=data["reason"], actor=actor, now=now)
    if action == "cancel":
        return steps.work_order_cancel(order=order, reason=data["reason"], actor=actor, now=now)
    raise TransitionNotAllowed(_("Unknown action %(action)s.") % {"action": action}, field="action")


def work_order_photo_add(
    *,
    order: WorkOrder,
    checked: CheckedFile,
    facts: PhotoFacts,
    actor: User,
    now: datetime | None = None,
) -> Attachment:
    """A crew's photo of its order (DESIGN §3.14), kept on the ticket the order serves (an
    incident's order has none: the photo keeps the order's station as its scope). Counted
    under the order's lock, and the ticket's, so no ticket keeps more than its limit.
    Raises NotPermitted (not this order's crew) or TransitionNotAllowed (no photos now)."""
    now = now or timezone.now()
    photo_role_check(order=order, actor=actor)
    _photo_state_check(order=order, actor=actor)
    stored = attachment_store(checked=checked)
    with attachment_kept_or_removed(stored), transaction.atomic():
        # Re-read under the lock: the crew may be completing or returning it this moment.
        order = row_for_update(WorkOrder.objects, order.pk)
        _photo_state_check(order=order, actor=actor)
        if order.ticket_id is not None:
            attachment = attachment_record(
                ticket_id=order.ticket_id, stored=stored, actor=actor, facts=facts, now=now
            )
        else:
            attachment = attachment_record_unticketed(
                station=order.station,
                stored=stored,
                actor=actor,
                facts=facts,
                count=WorkOrderPhoto.objects.filter(work_order=order).count(),
                now=now,
            )
        WorkOrderPhoto.objects.create(attachment=attachment, work_order=order)
    return attachment


def photo_role_check(*, order: WorkOrder, actor: User) -> None:
    """NotPermitted (403) unless the actor is in a crew of the order's station: photos are a
    crew's (an administrator is in none)."""
    crew = selectors.crew_of(actor)
    if not has_role(actor, Role.CREW) or crew is None or crew.station_id != order.station_id:
        raise NotPermitted(_("Only the crew of a work order adds its photos."))


def _photo_state_check(*, order: WorkOrder, actor: User) -> None:
    """TransitionNotAllowed (409) unless the actor's crew holds the order, or completed it."""
    crew = selectors.crew_of(actor)
    if crew is None or order.crew_id != crew.pk or order.status not in PHOTO_STATUSES:
        raise TransitionNotAllowed(
            _("Work order %(id)s is %(status)s and not with your crew: no photos now.")
            % {"id": order.pk, "status": order.get_status_display()},
            field="action",
        )


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
    brief: str | Text,
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
    for name, value in brief_fields(brief).items():
        setattr(keep, name, value)
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
            "brief_kind",
            "brief_params",
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
    former_crew = order.crew
    order.status = WorkOrder.Status.CANCELLED
    order.cancelled_at = now
    order.updated_at = now
    order.save(update_fields=["status", "cancelled_at", "updated_at"])
    steps.work_order_event_record(
        order=order, action="cancel", actor=actor, now=now, note=note, old_status=old_status
    )
    work_order_notify(
        order=order, action="cancel", actor=actor, former_crew=former_crew, note=note, now=now
    )


# --- Following the ticket's handling steps (tickets.handling hooks) ---------------------------


def work_orders_follow_transfer(
    *, ticket: Ticket, to: Station | Department, actor: User, now: datetime
) -> None:
    """A repair transferred to another station: its order no crew has yet goes to that
    station's queue with it; an order a crew has refuses the transfer (409) until the
    crew hands it back. Called before the ticket is locked, as the steps lock orders first."""
    orders = _orders_no_crew_has(
        ticket, _("Work order %(id)s is with a crew: take it back before the repair moves.")
    )
    if orders and isinstance(to, Station):
        WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).update(station=to, updated_at=now)


def work_orders_follow_cancel(*, ticket: Ticket, actor: User, reason: str, now: datetime) -> None:
    """A ticket cancelled (a duplicate repair): its orders no crew has yet are cancelled with
    the reason; an order a crew has refuses the cancel (409) until the crew hands it back."""
    orders = _orders_no_crew_has(
        ticket, _("Work order %(id)s is with a crew: take it back before the repair is cancelled.")
    )
    for order in orders:
        _cancel(order=order, actor=actor, note=reason, now=now)


def _orders_no_crew_has(ticket: Ticket, refusal: str) -> list[WorkOrder]:
    orders = list(
        rows_for_update(
            WorkOrder.objects.filter(ticket_id=ticket.pk, status__in=OPEN_WORK_ORDER_STATUSES)
        )
    )
    for order in orders:
        if order.crew_id is not None:
            raise TransitionNotAllowed(refusal % {"id": order.pk}, field="action")
    return orders
