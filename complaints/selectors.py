"""Reads of complaints, scoped by who is asking, and of the calendar and the summaries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import scope_queryset
from accounts.models import User
from complaints.calendar import Calendar
from complaints.models import (
    OPEN_COMPLAINT_STATUSES,
    CalendarDay,
    CalendarYear,
    Category,
    Complaint,
    ComplaintSummary,
)
from complaints.summary_format import summary_email_key
from grid.models import Customer, Premise
from grid.selectors import premise_get_by_meter
from tickets.models import OutboxMessage, TimelineEvent


def calendar_load(*, years: Iterable[int]) -> Calendar:
    """The calendar's data for these years, in two queries."""
    years = set(years)
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    holidays: set[date] = set()
    workdays: set[date] = set()
    for day, kind in CalendarDay.objects.filter(year__year__in=known).values_list("date", "kind"):
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays).add(day)
    return Calendar(
        holidays=frozenset(holidays), workdays=frozenset(workdays), years=frozenset(known)
    )


def calendar_years_missing(*, years: Iterable[int]) -> list[int]:
    """Which of these years have no calendar data."""
    years = set(years)
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return sorted(years - known)


def complaint_list_for_user(*, user: User) -> QuerySet[Complaint]:
    """Complaints the user may see, with what lists show: the centre roles see every one,
    a department handler only the department's; stations see none (DESIGN §1)."""
    qs = Complaint.objects.select_related(
        "ticket", "ticket__customer", "ticket__department", "ticket__station", "category"
    )
    return scope_queryset(
        qs, user, station_field=None, department_field="ticket__department"
    ).order_by("-ticket__created_at", "-pk")


def complaint_queue_for_user(
    *,
    user: User,
    status: str = "",
    channel: str = "",
    category: Category | None = None,
    overdue: bool = False,
    now: datetime,
) -> QuerySet[Complaint]:
    """The queue: the earliest deadline first, then those with none (replied, closed) newest
    first. `status` is one status, "all", or empty for every open one."""
    qs = complaint_list_for_user(user=user)
    if status == "all":
        pass
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=OPEN_COMPLAINT_STATUSES)
    if channel:
        qs = qs.filter(ticket__channel=channel)
    if category is not None:
        qs = qs.filter(category=category)
    if overdue:
        qs = qs.filter(due_at__lt=now)
    # NULLS LAST on every database: SQLite puts them first by default.
    return qs.order_by(F("due_at").asc(nulls_last=True), "-ticket__created_at", "-pk")


def complaint_get_for_user(*, user: User, number: str) -> Complaint:
    """One complaint with its ticket's timeline; Http404 when it is outside the user's scope."""
    qs = (
        complaint_list_for_user(user=user)
        .select_related("ticket__premise", "judged_by")
        .prefetch_related(
            Prefetch("ticket__events", queryset=TimelineEvent.objects.select_related("actor"))
        )
    )
    try:
        return qs.get(ticket__number=number)
    except Complaint.DoesNotExist:
        raise Http404(_("No such complaint.")) from None


@dataclass(frozen=True)
class Parties:
    """Who complains and where, as far as the caller's data tells."""

    customer: Customer | None
    premise: Premise | None


def parties_find(*, account_no: str = "", meter_no: str = "", phone: str = "") -> Parties:
    """The customer and premise when known: by account number, else by the caller's phone when
    one customer has it; the premise by meter, else the customer's only premise."""
    premise = premise_get_by_meter(meter_no=meter_no) if meter_no else None
    customer = None
    if account_no:
        customer = Customer.objects.filter(account_no=account_no).first()
    elif premise is not None:
        customer = premise.customer
    elif phone:
        matches = list(Customer.objects.filter(phones__number=phone).distinct()[:2])
        customer = matches[0] if len(matches) == 1 else None
    if premise is None and customer is not None:
        premises = list(
            Premise.objects.select_related("transformer__feeder__station").filter(
                customer=customer
            )[:2]
        )
        premise = premises[0] if len(premises) == 1 else None
    return Parties(customer=customer, premise=premise)


def summary_list(*, period: str = "") -> QuerySet[ComplaintSummary]:
    qs = ComplaintSummary.objects.all()
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-starts_on", "period")


def summary_get(*, pk: int) -> ComplaintSummary:
    try:
        return ComplaintSummary.objects.get(pk=pk)
    except (ComplaintSummary.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such summary.")) from None


def summary_email_list(*, summary_id: int) -> QuerySet[OutboxMessage]:
    """The summary's emails in the outbox, one per recipient, by recipient."""
    # On PostgreSQL Django gives the unique dedup_key a varchar_pattern_ops index too,
    # so the prefix match is an index scan however many messages the outbox keeps.
    return (
        OutboxMessage.objects.filter(dedup_key__startswith=summary_email_key(summary_id=summary_id))
        .defer("body", "html_body", "attachments")
        .order_by("recipient")
    )


def complaint_fallback_years_open() -> list[int]:
    """Years that open complaints' reply deadlines were counted in without a calendar."""
    reply_years = Complaint.objects.filter(
        Q(reply_by_fallback=True), status__in=OPEN_COMPLAINT_STATUSES
    ).values_list("reply_by__year", flat=True)
    return sorted(set(reply_years))
