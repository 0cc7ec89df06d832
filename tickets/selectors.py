"""Reads of tickets, scoped by who is asking."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import has_role, scope_queryset, ticket_scope
from accounts.models import Role, User
from grid.models import Customer, Department, Premise, Station
from tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Callback,
    Deadline,
    Holder,
    Kind,
    Notification,
    Ticket,
    TimelineEvent,
)

# How far back an open ticket of the same kind counts as the one the caller means (§3.9).
DUPLICATE_HOURS = 24


def ticket_list_for_user(*, user: User) -> QuerySet[Ticket]:
    """Tickets the user may see, newest first, with what list pages show."""
    qs = Ticket.objects.select_related("customer", "station")
    return ticket_scope(qs, user).order_by("-created_at", "-pk")


def queue_holder(user: User) -> Holder | None:
    """Whose queue the user works (DESIGN §3.9): a dispatcher their station's, a handler
    their department's, a supervisor the supervisors'; anyone else none."""
    if user.role == Role.DISPATCHER and user.station_id is not None:
        return Holder(station_id=user.station_id)
    if user.role == Role.HANDLER and user.department_id is not None:
        return Holder(department_id=user.department_id)
    if has_role(user, Role.SUPERVISOR):
        return Holder()
    return None


def queue_title(user: User) -> str:
    """The name of whose queue it is: the station's, the department's, else blank."""
    holder = queue_holder(user)
    if holder is not None and holder.station_id is not None:
        return Station.objects.get(pk=holder.station_id).name
    if holder is not None and holder.department_id is not None:
        return Department.objects.get(pk=holder.department_id).name
    return ""


def held_by(holder: Holder) -> Q:
    """The tickets `holder` holds, as Ticket.holder decides it, for a query."""
    complaint = Q(kind=Kind.COMPLAINT)
    if holder.station_id is not None:
        return ~complaint & Q(station_id=holder.station_id)
    if holder.department_id is not None:
        return Q(department_id=holder.department_id) & (complaint | Q(station__isnull=True))
    return Q(department__isnull=True) & (complaint | Q(station__isnull=True))


def ticket_queue_for_user(*, user: User) -> QuerySet[Ticket]:
    """The open tickets the user's station, department or the supervisors hold, every kind
    together, the nearest open deadline first (then the oldest), with `next_due`
    annotated; nothing for a role that holds none."""
    holder = queue_holder(user)
    if holder is None:
        return Ticket.objects.none()
    nearest = Deadline.objects.filter(ticket_id=OuterRef("pk"), closed_at__isnull=True).order_by(
        "due_at", "pk"
    )
    qs = (
        ticket_scope(Ticket.objects.select_related("customer", "station", "department"), user)
        .filter(held_by(holder), status__in=OPEN_STATUSES)
        .annotate(next_due=Subquery(nearest.values("due_at")[:1]))
    )
    return qs.order_by(F("next_due").asc(nulls_last=True), "created_at", "pk")


def ticket_duplicates_for_user(
    *,
    user: User,
    kind: str,
    now: datetime,
    caller_phone: str = "",
    premise: Premise | None = None,
    customer: Customer | None = None,
) -> list[Ticket]:
    """Open tickets of `kind` from the last 24 hours for the same caller, premise or
    customer: what the agent is shown and asked about before recording another."""
    same = Q()
    if caller_phone:
        same |= Q(caller_phone=caller_phone)
    if premise is not None:
        same |= Q(premise=premise)
    if customer is not None:
        same |= Q(customer=customer)
    if not same:
        return []
    qs = ticket_list_for_user(user=user).filter(
        same,
        kind=kind,
        status__in=OPEN_STATUSES,
        created_at__gte=now - timedelta(hours=DUPLICATE_HOURS),
    )
    return list(qs[:5])


def ticket_get_for_user(*, user: User, number: str) -> Ticket:
    """One ticket with all the page shows; Http404 when it is outside the user's scope."""
    qs = ticket_list_for_user(user=user).select_related("premise", "department")
    return _with_timeline_get(qs, number=number)


def ticket_record_get_for_user(*, user: User, number: str) -> Ticket:
    """One ticket with its station, deadlines and timeline: what the API returns. Fewer
    joins than the page's selector: PostgreSQL plans a five-table join longer than it
    runs it."""
    return _with_timeline_get(
        ticket_scope(Ticket.objects.select_related("station"), user), number=number
    )


def ticket_record_after_step(*, pk: int) -> Ticket:
    """The ticket as the user's own step just left it, for the step's answer: a transfer or
    a return may have taken it out of their scope a moment ago (the ticket came from a
    scoped selector before the step)."""
    return _with_timeline_get(Ticket.objects.select_related("station"), pk=pk)


def ticket_bare_get_for_user(*, user: User, number: str) -> Ticket:
    """One ticket and nothing with it, for reads that only need to know the user may see it
    (its files); Http404 when it is outside the user's scope."""
    try:
        return ticket_scope(Ticket.objects.all(), user).get(number=number)
    except Ticket.DoesNotExist:
        raise Http404(_("No such ticket.")) from None


def _with_timeline_get(qs: QuerySet[Ticket], **lookup: object) -> Ticket:
    qs = qs.prefetch_related(
        Prefetch("events", queryset=TimelineEvent.objects.select_related("actor")), "deadlines"
    )
    try:
        return qs.get(**lookup)
    except Ticket.DoesNotExist:
        raise Http404(_("No such ticket.")) from None


@dataclass(frozen=True)
class Bell:
    """What the bell shows (the unread count) and a short token that changes with it: a new
    notice, or one read, gives a new token even where the count comes out the same."""

    count: int
    state: str


def notification_bell(*, user: User) -> Bell:
    """The bell, in one query on the notification_unread index: every page asks for it,
    and every open page polls it."""
    if not user.is_authenticated:
        return Bell(0, "0")
    unread = Notification.objects.filter(user=user, read_at__isnull=True).aggregate(
        count=Count("pk"), newest=Max("pk")
    )
    return Bell(unread["count"], f"{unread['count']}-{unread['newest'] or 0}")


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user)
        .select_related("ticket")
        .order_by("-created_at", "-pk")
    )


def callback_last(*, ticket: Ticket) -> Callback | None:
    """The ticket's last callback recorded, or None before its first."""
    return Callback.objects.filter(ticket=ticket).order_by("-pk").first()


def callback_result_last(ticket_field: str = "pk") -> Coalesce:
    """An annotation: the result of the last callback recorded for the outer row's ticket
    (`ticket_field` names its id), "" before the first.

    The last recorded, by pk: callbacks of one ticket are written one at a time under its
    lock, so pk order is the order they were made in.
    """
    last = Callback.objects.filter(ticket_id=OuterRef(ticket_field)).order_by("-pk")
    return Coalesce(Subquery(last.values("result")[:1]), Value(""))


# --- Field evidence (DESIGN §3.14) ----------------------------------------------------------


def attachment_list_for_user(*, user: User) -> QuerySet[Attachment]:
    """The files the user may read, each by the scope of what it belongs to: a ticket's by
    the ticket's own (accounts.access.ticket_scope: a complaint's never a station's, DESIGN
    §1), an incident order's by the order's station."""
    on_tickets = Attachment.objects.filter(
        ticket__in=ticket_scope(Ticket.objects.all(), user).values("pk")
    )
    unticketed = scope_queryset(
        Attachment.objects.filter(ticket__isnull=True),
        user,
        station_field="station",
        department_field=None,
    )
    return (on_tickets | unticketed).select_related("uploaded_by")


def attachment_get_for_user(*, user: User, pk: int | str) -> Attachment:
    """One file; Http404 when it is outside the user's scope (or the pk is not a number)."""
    try:
        return attachment_list_for_user(user=user).get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such file.")) from None


def attachment_list_for_ticket(*, user: User, ticket: Ticket) -> list[Attachment]:
    """A ticket's files the user may read, oldest first, in one query (the ticket itself
    comes from a scoped selector)."""
    return list(attachment_list_for_user(user=user).filter(ticket=ticket).order_by("pk"))
