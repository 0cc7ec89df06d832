"""Reads of work orders and crews, scoped by who is asking."""

import hashlib

from django.conf import settings
from django.db.models import Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import scope_queryset
from accounts.models import Role, User
from dispatch.models import (
    OPEN_WORK_ORDER_STATUSES,
    CauseCode,
    Crew,
    CrewMember,
    WorkOrder,
    WorkOrderPhoto,
)
from grid.models import Station
from tickets.models import Attachment
from tickets.selectors import attachment_list_for_user


def work_order_list_for_user(*, user: User) -> QuerySet[WorkOrder]:
    """Orders the user may see, earliest deadline first, with what lists show.

    Centre roles see every station, a dispatcher its station; a crew member sees
    the orders assigned to their crew, and their station's unassigned ones when
    crews may take those (GRIDLINE_CREW_TAKES_UNASSIGNED).
    """
    # The ticket and its customer are joined; the small tables are fetched apart: with
    # all five joined, PostgreSQL spent longer planning the query than running it.
    qs = (
        WorkOrder.objects.select_related("ticket__customer")
        .prefetch_related("station", "crew", "cause")
        .order_by("arrive_by", "pk")
    )
    qs = scope_queryset(qs, user, department_field=None)
    if user.is_authenticated and user.role == Role.CREW and not user.is_superuser:
        membership = getattr(user, "crew_membership", None)
        if membership is None:
            return qs.none()
        qs = qs.filter(_crews_own(membership.crew_id))
    return qs


def _crews_own(crew_id: int | Subquery) -> Q:
    """A crew's orders: those assigned to it, and the station's unassigned ones when crews
    may take those (the station itself is scope_queryset's)."""
    mine = Q(crew_id=crew_id)
    if settings.GRIDLINE_CREW_TAKES_UNASSIGNED:
        mine |= Q(crew__isnull=True, status__in=OPEN_WORK_ORDER_STATUSES)
    return mine


def work_order_open_list_for_user(*, user: User) -> QuerySet[WorkOrder]:
    return work_order_list_for_user(user=user).filter(status__in=OPEN_WORK_ORDER_STATUSES)


def work_order_list_for_crew_page(*, user: User) -> QuerySet[WorkOrder]:
    """The crew's phone list: its open orders and, where crews may take them, the station's
    pending ones. A returned order is not among them: it waits for the dispatcher."""
    return _on_crew_page(work_order_list_for_user(user=user))


def work_order_crew_page_state(*, user: User) -> str:
    """A short token that changes with what the crew's list shows: each order, its state
    and its ticket's. One query, the crew looked up inside it: the list polls this
    (GRIDLINE_CREW_LIST_POLL_SECONDS), so it costs no more than it must."""
    qs = scope_queryset(WorkOrder.objects.all(), user, department_field=None)
    if user.role == Role.CREW and not user.is_superuser:
        crew = CrewMember.objects.filter(user_id=user.pk).values("crew_id")[:1]
        qs = qs.filter(_crews_own(Subquery(crew)))
    rows = _on_crew_page(qs).values_list(
        "pk", "status", "crew_id", "updated_at", "ticket__updated_at"
    )
    digest = hashlib.blake2b(digest_size=8)
    for row in rows.order_by("pk"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _on_crew_page(qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    return qs.filter(status__in=OPEN_WORK_ORDER_STATUSES).exclude(status=WorkOrder.Status.RETURNED)


def with_incident(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """The incident each order serves, for the pages that link it (repairs' reverse
    relation, by name: dispatch sits below repairs)."""
    return orders.prefetch_related("incident")


def work_order_get_for_user(*, user: User, pk: int | str) -> WorkOrder:
    """One order; Http404 when it is outside the user's scope (or the pk is not a number)."""
    try:
        return with_incident(work_order_list_for_user(user=user)).get(pk=pk)
    except (WorkOrder.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such work order.")) from None


def crew_list_for_station(*, station: Station | int) -> list[Crew]:
    """The station's crews, on duty first, for the assign menu."""
    station_id = station.pk if isinstance(station, Station) else station
    return list(Crew.objects.filter(station_id=station_id).order_by("-on_duty", "code"))


def crews_by_station(*, station_ids: set[int]) -> dict[int, list[Crew]]:
    """Crews of several stations in one query (the supervisor's queue spans stations)."""
    crews: dict[int, list[Crew]] = {pk: [] for pk in station_ids}
    for crew in Crew.objects.filter(station_id__in=station_ids).order_by("-on_duty", "code"):
        crews[crew.station_id].append(crew)
    return crews


def cause_list() -> list[CauseCode]:
    return list(CauseCode.objects.filter(active=True))


def is_assigned_crew_member(*, user: User, order: WorkOrder) -> bool:
    """The caller's phone shows in full only to the crew the order is assigned to."""
    membership = getattr(user, "crew_membership", None) if user.is_authenticated else None
    return membership is not None and order.crew_id == membership.crew_id


def crew_of(user: User) -> Crew | None:
    """The crew the user works in, or None."""
    membership = getattr(user, "crew_membership", None) if user.is_authenticated else None
    return membership.crew if membership is not None else None


def work_order_photos_for_user(*, user: User, order: WorkOrder) -> QuerySet[Attachment]:
    """One order's photos the user may read, oldest first (the order is already scoped)."""
    return attachment_list_for_user(user=user).filter(work_order_photo__work_order=order)


def work_order_photo_list(*, user: User, order_ids: list[int]) -> dict[int, list[Attachment]]:
    """The photos of these orders the user may read, oldest first, by order, in one query
    (the orders come from a scoped selector; each photo is scoped again as a file)."""
    photos: dict[int, list[Attachment]] = {pk: [] for pk in order_ids}
    rows = (
        WorkOrderPhoto.objects.filter(
            work_order_id__in=order_ids, attachment__in=attachment_list_for_user(user=user)
        )
        .select_related("attachment__uploaded_by")
        .order_by("attachment_id")
    )
    for row in rows:
        photos[row.work_order_id].append(row.attachment)
    return photos
