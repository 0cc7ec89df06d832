"""Reads for the supervisors' dashboard and the station report (issue #8), for one scope.

Every function runs a fixed number of queries, whatever the size of the tables: today's
numbers are counted live on indexed timestamp ranges, longer periods are read from the
daily rollup (dashboards/models.py) plus a live count of the days it does not hold yet.

Which index serves which query (PostgreSQL 15, measured by bench/dashboard.py at 1,000,000
tickets, 2.7 million timeline events, 380,000 work orders, 1.3 million calls; planning and
execution, best of 5):

| query | index | ms |
| --- | --- | --- |
| tickets today by kind and status; live ticket days | tickets `created_at` (db_index) | 0.6 |
| live work-order days | dispatch (created_at), recommended; else a seq scan | 1.2 (29) |
| live complaint days | tickets (kind, created_at), recommended; else kind_status | 0.3 (2.5) |
| urges today | timeline events (at) WHERE kind = 'urged', recommended; else seq | 0.2 (85) |
| calls today | hotline (started_at), recommended; else a seq scan | 0.6 (44) |
| open work orders by station | dispatch `work_order_open_by_station` (partial, open) | 0.2 |
| active incidents, their reports | repairs `incident_station_status`, repair.incident_id | 1.1 |
| outage notices today | repairs `notice_current` (partial, not cancelled) | 0.1 |
| rollup reads (30 days, 40 stations) | dashboards `*_day_day`, `*_day_station` | 1.3 |
| tickets on record | PostgreSQL's estimate (pg_class.reltuples), not a count | 0.05 |

The recommended indexes belong to other apps' models; the bracketed figures are without them.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, Sum

from accounts.access import STATION_ROLES, has_role
from accounts.models import Role, User
from complaints.models import Category
from dashboards import daily
from dashboards.models import (
    COMPLAINT_DAY_SUMS,
    WORK_ORDER_DAY_SUMS,
    ComplaintDay,
    RollupDay,
    RollupState,
    TicketDay,
    WorkOrderDay,
)
from dispatch.models import OPEN_WORK_ORDER_STATUSES, WorkOrder
from grid.models import Station
from hotline.models import HANDLED, Call
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, OutageNotice
from tickets.models import Ticket

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

DASHBOARD_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.DISPATCHER)
# The fixed compliance windows of the issue, in days ending today.
WINDOW_DAYS = {"today": 1, "d7": 7, "d30": 30}
TREND_DAYS = 30

_W = WorkOrder.Status
# Not yet on site: the arrival clock runs.
BEFORE_ARRIVAL = frozenset({_W.PENDING, _W.ASSIGNED, _W.ACCEPTED, _W.EN_ROUTE, _W.RETURNED})
WAITING_FOR_CREW = frozenset({_W.PENDING, _W.RETURNED})
CREW_ON_THE_WAY = frozenset({_W.ASSIGNED, _W.ACCEPTED, _W.EN_ROUTE})


@dataclass(frozen=True)
class Scope:
    """What one request looks at: a station (None: all) and a period of local days."""

    station: Station | None
    first: date
    last: date
    now: datetime

    @property
    def today(self) -> date:
        return daily.local_today(self.now)

    @property
    def station_id(self) -> int | None:
        return self.station.pk if self.station else None

    def windows(self) -> dict[str, tuple[date, date]]:
        """today, d7, d30 (ending today) and the chosen period."""
        windows = {
            name: (self.today - timedelta(days=days - 1), self.today)
            for name, days in WINDOW_DAYS.items()
        }
        windows["period"] = (self.first, self.last)
        return windows


def dashboard_station_for_user(*, user: User, chosen: Station | None) -> Station | None:
    """A station dispatcher always looks at their own station; the centre roles at the one
    they chose, or all. Raises PermissionDenied for a station role without a station."""
    if not has_role(user, *DASHBOARD_ROLES):
        raise PermissionDenied
    if user.role in STATION_ROLES and not user.is_superuser:
        if user.station_id is None:
            raise PermissionDenied
        return user.station
    return chosen


def station_list_for_user(*, user: User) -> list[Station]:
    """Stations the user may pick (and name in tables)."""
    qs = Station.objects.order_by("code")
    if user.role in STATION_ROLES and not user.is_superuser:
        # A station role without a station may pick none.
        qs = qs.filter(pk=user.station_id) if user.station_id is not None else qs.none()
    return list(qs)


class DailyNumbers:
    """The numbers of days for one scope: the rollup for the days it holds, a live count for
    the rest. Each source is counted live once per request, whatever asks for it."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.fresh_through: date | None = (
            RollupState.objects.filter(pk=1).values_list("fresh_through", flat=True).first()
        )
        earliest = min([scope.first] + [first for first, _last in scope.windows().values()])
        live_from = earliest
        if self.fresh_through is not None:
            live_from = max(earliest, self.fresh_through + timedelta(days=1))
        self._live = (daily.day_start(live_from), daily.day_start(scope.today + timedelta(days=1)))

    @cached_property
    def live_tickets(self) -> list[TicketDay]:
        start, end = self._live
        return daily.ticket_days(start=start, end=end, station_id=self.scope.station_id)

    @cached_property
    def live_work_orders(self) -> list[WorkOrderDay]:
        start, end = self._live
        return daily.work_order_days(
            start=start, end=end, now=self.scope.now, station_id=self.scope.station_id
        )

    @cached_property
    def live_complaints(self) -> list[ComplaintDay]:
        start, end = self._live
        return daily.complaint_days(start=start, end=end, station_id=self.scope.station_id)

    def sums(
        self,
        model: type[RollupDay],
        live: Iterable[RollupDay],
        *,
        group: Sequence[str],
        fields: Sequence[str],
        windows: dict[str, tuple[date, date]],
    ) -> dict[tuple, dict[str, Counter]]:
        """{group key: {window: {field: sum}}}: one query on the rollup, then the live rows."""
        result: dict[tuple, dict[str, Counter]] = defaultdict(
            lambda: {name: Counter() for name in windows}
        )
        stored = self._stored_windows(windows)
        if stored:
            qs = model.objects.filter(
                day__gte=min(first for first, _ in stored.values()),
                day__lte=max(last for _, last in stored.values()),
            )
            if self.scope.station_id is not None:
                qs = qs.filter(station_id=self.scope.station_id)
            sums = {
                f"{name}_{field}": Sum(field, filter=Q(day__gte=first, day__lte=last))
                for name, (first, last) in stored.items()
                for field in fields
            }
            found = (
                qs.values(*group).annotate(**sums).order_by() if group else [qs.aggregate(**sums)]
            )
            for row in found:
                counters = result[tuple(row[g] for g in group)]
                for name in stored:
                    for field in fields:
                        counters[name][field] += row[f"{name}_{field}"] or 0
        for row in live:
            counters = result[tuple(getattr(row, g) for g in group)]
            for name, (first, last) in windows.items():
                if first <= row.day <= last:
                    for field in fields:
                        counters[name][field] += getattr(row, field)
        return result

    def _stored_windows(self, windows: dict[str, tuple[date, date]]) -> dict:
        if self.fresh_through is None:
            return {}
        stored = {}
        for name, (first, last) in windows.items():
            last = min(last, self.fresh_through)
            if first <= last:
                stored[name] = (first, last)
        return stored


# --- Today, live ------------------------------------------------------------------------------


def tickets_today(*, scope: Scope) -> dict[tuple[str, str], int]:
    """{(kind, status): tickets created today}."""
    qs = Ticket.objects.filter(created_at__gte=daily.day_start(scope.today))
    if scope.station_id is not None:
        qs = qs.filter(station_id=scope.station_id)
    rows = qs.values_list("kind", "status").annotate(n=Count("pk")).order_by()
    return {(kind, status): n for kind, status, n in rows}


def calls_today(*, scope: Scope) -> dict[str, int]:
    """{reason: calls taken today}; a call still going on has no reason yet (""). A ring
    waiting or abandoned was taken by nobody."""
    rows = (
        Call.objects.filter(HANDLED, started_at__gte=daily.day_start(scope.today))
        .values_list("reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


@dataclass(frozen=True)
class OpenWork:
    station_id: int
    open: int
    waiting: int
    on_the_way: int
    on_site: int
    overdue_arrival: int
    overdue_restoration: int

    @property
    def overdue(self) -> int:
        return self.overdue_arrival + self.overdue_restoration


def work_orders_open_by_station(*, scope: Scope) -> list[OpenWork]:
    """Open work orders per station, with those past arrive_by before the crew is on site
    and those past restore_by while it is."""
    qs = WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)
    if scope.station_id is not None:
        qs = qs.filter(station_id=scope.station_id)
    now = scope.now
    rows = (
        qs.values("station_id")
        .annotate(
            open=Count("pk"),
            waiting=Count("pk", filter=Q(status__in=WAITING_FOR_CREW)),
            on_the_way=Count("pk", filter=Q(status__in=CREW_ON_THE_WAY)),
            on_site=Count("pk", filter=Q(status=_W.ON_SITE)),
            overdue_arrival=Count("pk", filter=Q(status__in=BEFORE_ARRIVAL, arrive_by__lt=now)),
            overdue_restoration=Count("pk", filter=Q(status=_W.ON_SITE, restore_by__lt=now)),
        )
        .order_by("station_id")
    )
    return [OpenWork(**row) for row in rows]


class ReportCount(TypedDict):
    ticket_count: int


def incidents_active(*, scope: Scope) -> "list[WithAnnotations[Incident, ReportCount]]":
    """Active incidents, oldest first, with their device and the number of reports."""
    qs = Incident.objects.filter(status__in=ACTIVE_INCIDENT_STATUSES)
    if scope.station_id is not None:
        qs = qs.filter(station_id=scope.station_id)
    return list(
        qs.select_related("station", "feeder", "transformer")
        .annotate(ticket_count=Count("repairs"))
        .order_by("created_at", "pk")
    )


def notices_today(*, scope: Scope) -> list[OutageNotice]:
    """Notices in force at some time today (not cancelled), by start."""
    start = daily.day_start(scope.today)
    qs = OutageNotice.objects.filter(
        cancelled_at__isnull=True, ends_at__gt=start, starts_at__lt=start + timedelta(days=1)
    )
    if scope.station_id is not None:
        station = scope.station_id
        # A notice spanning stations has no station of its own: look at its devices.
        qs = qs.filter(
            Q(station_id=station)
            | Q(station__isnull=True, feeders__station_id=station)
            | Q(station__isnull=True, transformers__feeder__station_id=station)
        ).distinct()
    return list(
        qs.select_related("station")
        .prefetch_related("feeders", "transformers")
        .order_by("starts_at", "pk")
    )


def urges_today_by_station(*, numbers: DailyNumbers) -> dict[int | None, int]:
    today = numbers.scope.today
    urges: Counter = Counter()
    for row in numbers.live_tickets:
        if row.day == today:
            urges[row.station_id] += row.urges
    return {station: n for station, n in urges.items() if n}


def ticket_count_estimate() -> int:
    """Tickets on record, estimated by PostgreSQL's statistics: exact is not needed and a
    count(*) of a year's tickets is not cheap. Before the table's first ANALYZE there is no
    estimate, and the same query counts (the table is new, so small). SQLite counts."""
    if connection.vendor != "postgresql":
        return Ticket.objects.count()
    table = connection.ops.quote_name(Ticket._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint "
            f"ELSE (SELECT count(*) FROM {table}) END "
            "FROM pg_class c WHERE c.oid = %s::regclass",
            [Ticket._meta.db_table],
        )
        return cursor.fetchone()[0]


# --- Periods: the rollup plus the live days -----------------------------------------------------


def work_order_numbers(*, numbers: DailyNumbers) -> dict[tuple, dict[str, Counter]]:
    """{(station_id, area_type): {window: sums}} for today, 7 and 30 days and the period."""
    return numbers.sums(
        WorkOrderDay,
        numbers.live_work_orders,
        group=("station_id", "area_type"),
        fields=WORK_ORDER_DAY_SUMS,
        windows=numbers.scope.windows(),
    )


def work_order_trend(*, numbers: DailyNumbers) -> dict[date, Counter]:
    """{day: arrivals due and met} over the period."""
    sums = numbers.sums(
        WorkOrderDay,
        numbers.live_work_orders,
        group=("day",),
        fields=("arrivals_due", "arrivals_met"),
        windows={"period": (numbers.scope.first, numbers.scope.last)},
    )
    return {key[0]: counters["period"] for key, counters in sums.items()}


def ticket_trend(*, numbers: DailyNumbers) -> dict[tuple[date, str], int]:
    """{(day, kind): tickets created} over the period."""
    sums = numbers.sums(
        TicketDay,
        numbers.live_tickets,
        group=("day", "kind"),
        fields=("created",),
        windows={"period": (numbers.scope.first, numbers.scope.last)},
    )
    return {key: counters["period"]["created"] for key, counters in sums.items()}


def tickets_by_station(*, numbers: DailyNumbers) -> dict[int | None, int]:
    """{station_id: tickets created in the period}."""
    sums = numbers.sums(
        TicketDay,
        numbers.live_tickets,
        group=("station_id",),
        fields=("created",),
        windows={"period": (numbers.scope.first, numbers.scope.last)},
    )
    return {key[0]: counters["period"]["created"] for key, counters in sums.items()}


def complaint_numbers(*, numbers: DailyNumbers, group: Sequence[str]) -> dict[tuple, Counter]:
    """Complaints of the period, judged and called back, grouped by `group` (any of day,
    station_id, category)."""
    sums = numbers.sums(
        ComplaintDay,
        numbers.live_complaints,
        group=group,
        fields=COMPLAINT_DAY_SUMS,
        windows={"period": (numbers.scope.first, numbers.scope.last)},
    )
    return {key: counters["period"] for key, counters in sums.items()}


def category_labels() -> dict[str, str]:
    """Every complaint category's label by code, in the admin's order (inactive ones too:
    old complaints keep their category)."""
    return {category.code: category.label for category in Category.objects.all()}
