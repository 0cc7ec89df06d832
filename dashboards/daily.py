"""The daily numbers, defined once (issue #8).

Each function counts one source over a time range, grouped by local day, station and one
breakdown, and returns unsaved rollup rows. The rollup refresh stores what they return
for closed days; the dashboard calls the same functions for the days the rollup does not
hold yet (today), so a number read from the rollup and one counted live always mean the
same thing. Every query here filters on an indexed timestamp range (see the report in
the module docstring of dashboards/selectors.py for which index serves which query).
"""

from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from complaints.models import Complaint
from dashboards.models import WORK_ORDER_DAY_SUMS, ComplaintDay, TicketDay, WorkOrderDay
from dispatch.models import WorkOrder
from repairs.models import Repair
from tickets.models import CallbackResult, Kind, Ticket, TimelineEvent
from tickets.selectors import callback_result_last

URGE_EVENT = "urged"


def zone() -> tzinfo:
    """Days are the service's local days (TIME_ZONE), whoever is looking."""
    return timezone.get_default_timezone()


def local_today(now: datetime) -> date:
    return timezone.localdate(now, zone())


def day_start(day: date) -> datetime:
    """Midnight at the start of a local day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=zone())


def first_day() -> date | None:
    """The local day of the oldest ticket or work order: where a full rollup starts."""
    oldest = [
        moment
        for moment in (
            Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first(),
            WorkOrder.objects.order_by("created_at").values_list("created_at", flat=True).first(),
        )
        if moment is not None
    ]
    return local_today(min(oldest)) if oldest else None


def ticket_days(
    *, start: datetime, end: datetime, station_id: int | None = None
) -> list[TicketDay]:
    """Tickets created in [start, end) by day, station and kind; urges recorded in it too."""
    tickets = Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
    urges = TimelineEvent.objects.filter(kind=URGE_EVENT, at__gte=start, at__lt=end)
    if station_id is not None:
        tickets = tickets.filter(station_id=station_id)
        urges = urges.filter(ticket__station_id=station_id)
    created = (
        tickets.annotate(day=TruncDate("created_at", tzinfo=zone()))
        .values_list("day", "station_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    urged = (
        urges.annotate(day=TruncDate("at", tzinfo=zone()))
        .values_list("day", "ticket__station_id", "ticket__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows: dict[tuple, TicketDay] = {}
    for field, counted in (("created", created), ("urges", urged)):
        for day, station, kind, n in counted:
            row = rows.setdefault(
                (day, station, kind), TicketDay(day=day, station_id=station, kind=kind)
            )
            setattr(row, field, n)
    return sorted(rows.values(), key=_row_order)


def work_order_days(
    *, start: datetime, end: datetime, now: datetime, station_id: int | None = None
) -> list[WorkOrderDay]:
    """Work orders created in [start, end) by day, station and area type, and how they went
    by `now`: arrival compliance, arrival and restoration times, returns.

    Arriving exactly at arrive_by counts as in time (dispatch records it in arrived_in_time).
    An order is due for the compliance figure once its crew arrived or its arrive_by has
    passed; a cancelled order no crew reached (merged into an incident's) is not.
    """
    orders = WorkOrder.objects.filter(created_at__gte=start, created_at__lt=end)
    if station_id is not None:
        orders = orders.filter(station_id=station_id)
    # An incident's order serves no single ticket: it takes its first report's area type.
    # Counted apart, so the correlated lookup runs for those few orders only (in one query
    # with the others its estimated cost made PostgreSQL compile the query: 20 ms of JIT).
    first_report_area = (
        Repair.objects.filter(incident__work_order=OuterRef("pk"))
        .order_by("ticket_id")
        .values("ticket__premise__area_type")[:1]
    )
    rows: dict[tuple, WorkOrderDay] = {}
    for part, area in (
        (orders.filter(ticket__isnull=False), F("ticket__premise__area_type")),
        (orders.filter(ticket__isnull=True), Subquery(first_report_area)),
    ):
        for counted in _work_order_counts(part, area=area, now=now):
            key = (counted.day, counted.station_id, counted.area_type)
            if key in rows:
                for field in WORK_ORDER_DAY_SUMS:
                    setattr(rows[key], field, getattr(rows[key], field) + getattr(counted, field))
            else:
                rows[key] = counted
    return sorted(rows.values(), key=_row_order)


def _work_order_counts(orders: QuerySet, *, area, now: datetime) -> list[WorkOrderDay]:
    arrived = Q(arrived_at__isnull=False)
    restored = Q(completed_at__isnull=False, arrived_at__isnull=False)
    counted = (
        orders.annotate(day=TruncDate("created_at", tzinfo=zone()), area=Coalesce(area, Value("")))
        .values("day", "station_id", "area")
        .annotate(
            work_orders=Count("pk"),
            arrivals_due=Count(
                "pk",
                filter=Q(arrived_in_time__isnull=False)
                | (Q(arrive_by__lte=now) & ~Q(status=WorkOrder.Status.CANCELLED)),
            ),
            arrivals_met=Count("pk", filter=Q(arrived_in_time=True)),
            arrivals=Count("pk", filter=arrived),
            arrival_time=Sum(_elapsed("arrived_at", "created_at"), filter=arrived),
            restorations=Count("pk", filter=restored),
            restoration_time=Sum(_elapsed("completed_at", "arrived_at"), filter=restored),
            returns=Count("pk", filter=Q(returned_at__isnull=False)),
        )
        .order_by()
    )
    return [
        WorkOrderDay(
            day=row["day"],
            station_id=row["station_id"],
            area_type=row["area"],
            work_orders=row["work_orders"],
            arrivals_due=row["arrivals_due"],
            arrivals_met=row["arrivals_met"],
            arrivals=row["arrivals"],
            arrival_seconds=_seconds(row["arrival_time"]),
            restorations=row["restorations"],
            restoration_seconds=_seconds(row["restoration_time"]),
            returns=row["returns"],
        )
        for row in counted
    ]


def complaint_days(
    *, start: datetime, end: datetime, station_id: int | None = None
) -> list[ComplaintDay]:
    """Complaints received in [start, end) by day, station at fault and category: their
    judgement and their last callback's result so far."""
    # The kind is implied; it lets an index on tickets (kind, created_at) serve the range.
    complaints = Complaint.objects.filter(
        ticket__kind=Kind.COMPLAINT, ticket__created_at__gte=start, ticket__created_at__lt=end
    )
    if station_id is not None:
        complaints = complaints.filter(ticket__station_id=station_id)
    validity, callback = Complaint.Validity, CallbackResult
    counted = (
        complaints.annotate(
            day=TruncDate("ticket__created_at", tzinfo=zone()),
            callback_result=callback_result_last(),
        )
        .values("day", "ticket__station_id", "category__code")
        .annotate(
            complaints=Count("pk"),
            valid=Count("pk", filter=Q(validity=validity.VALID)),
            partially_valid=Count("pk", filter=Q(validity=validity.PARTIALLY_VALID)),
            not_valid=Count("pk", filter=Q(validity=validity.NOT_VALID)),
            satisfied=Count("pk", filter=Q(callback_result=callback.SATISFIED)),
            basically_satisfied=Count("pk", filter=Q(callback_result=callback.BASICALLY_SATISFIED)),
            unsatisfied=Count("pk", filter=Q(callback_result=callback.UNSATISFIED)),
            unreachable=Count("pk", filter=Q(callback_result=callback.UNREACHABLE)),
        )
        .order_by()
    )
    rows = []
    for row in counted:
        station, category = row.pop("ticket__station_id"), row.pop("category__code")
        rows.append(ComplaintDay(station_id=station, category=category, **row))
    return sorted(rows, key=_row_order)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _elapsed(later: str, earlier: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def _seconds(duration: timedelta | None) -> int:
    return round(duration.total_seconds()) if duration is not None else 0


def _row_order(row) -> tuple:
    # Stable output for tests and for bulk inserts that touch the index in order.
    breakdown = tuple(getattr(row, name, "") for name in ("kind", "area_type", "category"))
    return (row.day, row.station_id or 0, *breakdown)
