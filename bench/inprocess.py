"""Measurements made inside the benchmark's own process: queries per request, SQL times, which
pages exist yet, and the deadline scan with the clock passed in."""

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench.bulk import Table
from bench.grid_data import Grid
from bench.scenarios import Fixtures, Request, Scenario


def sessions(user_ids: list[int]) -> list[str]:
    """A signed-in session per user, as the login page would leave it."""
    from accounts.models import User

    keys = []
    for user in User.objects.filter(pk__in=user_ids):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    return keys


def fixtures(grid: Grid, storm_feeders: set[int], rng: random.Random) -> Fixtures:
    from tickets.models import Ticket

    stations = rng.sample(grid.station_ids, k=min(10, len(grid.station_ids)))
    dispatchers = [grid.dispatcher_of[s] for s in stations]
    quiet = [p for p in grid.premises if p.feeder_id not in storm_feeders]
    premises = rng.sample(quiet, k=min(2000, len(quiet)))
    last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = rng.sample(range(1, last + 1), k=min(2000, last))
    numbers = list(Ticket.objects.filter(pk__in=ids).values_list("number", flat=True))
    agents = grid.agents[:10]
    return Fixtures(
        agent_tokens=[grid.tokens[a] for a in agents],
        dispatcher_tokens=[grid.tokens[d] for d in dispatchers],
        agent_cookies=sessions(agents),
        dispatcher_cookies=sessions(dispatchers),
        supervisor_cookies=sessions(grid.supervisors),
        ticket_numbers=numbers,
        meters=[p.meter_no for p in premises],
        phones=[grid.phone_of[p.customer_id] for p in premises if p.customer_id in grid.phone_of],
        integration_tokens=[grid.tokens[grid.integration]] if grid.integration else [],
    )


def probe_fixtures(grid: Grid, storm_feeders: set[int]) -> Fixtures:
    """One caller and one object per list, chosen to have rows to show (a station with open
    orders, a caller with open tickets), for counting queries: an empty list skips its
    prefetches, and would hide a query per row."""
    from django.db.models import Count

    from dispatch.models import OPEN_WORK_ORDER_STATUSES, WorkOrder
    from tickets.models import OPEN_STATUSES, Ticket

    busiest = (
        WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)
        .values("station_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    station = busiest["station_id"] if busiest else grid.station_ids[0]
    dispatcher = grid.dispatcher_of[station]
    repair = (
        Ticket.objects.filter(kind="repair", status__in=OPEN_STATUSES)
        .order_by("-pk")
        .values_list("number", flat=True)
        .first()
    )
    caller = (
        Ticket.objects.filter(status__in=OPEN_STATUSES, customer__isnull=False)
        .order_by("-pk")
        .values_list("customer_id", flat=True)
        .first()
    )
    meter = next(p.meter_no for p in grid.premises if p.feeder_id not in storm_feeders)
    agent = grid.agents[0]
    number = repair or Ticket.objects.values_list("number", flat=True).first()
    if number is None:
        raise RuntimeError("The data set has no tickets.")
    phone = grid.phone_of.get(caller) if caller is not None else None
    return Fixtures(
        agent_tokens=[grid.tokens[agent]],
        dispatcher_tokens=[grid.tokens[dispatcher]],
        agent_cookies=sessions([agent]),
        dispatcher_cookies=sessions([dispatcher]),
        supervisor_cookies=sessions(grid.supervisors[:1]),
        ticket_numbers=[number],
        meters=[meter],
        phones=[phone or next(iter(grid.phone_of.values()))],
        integration_tokens=[grid.tokens[grid.integration]] if grid.integration else [],
    )


def _client_for(request: Request) -> Client:
    client = Client()
    if "Cookie" in request.headers:
        client.cookies["sessionid"] = request.headers["Cookie"].split("=", 1)[1]
    return client


def _call(client: Client, request: Request):
    extra: dict[str, Any] = {}
    if "Authorization" in request.headers:
        extra["HTTP_AUTHORIZATION"] = request.headers["Authorization"]
    if request.method == "POST":
        return client.post(request.path, request.body, content_type="application/json", **extra)
    return client.get(request.path, **extra)


def available(scenario: Scenario, request: Request) -> tuple[bool, str]:
    """Whether the scenario's URL exists yet (other apps are still being built)."""
    try:
        resolve(request.path.split("?")[0])
    except Resolver404:
        return False, "URL does not resolve"
    if request.method != "GET":
        return True, ""
    response = _call(_client_for(request), request)
    if response.status_code == 404 and "json" not in response.get("Content-Type", ""):
        return False, "GET answers 404"
    if response.status_code >= 400:
        return True, f"in-process GET answered {response.status_code}"
    return True, ""


@contextmanager
def sql_timed() -> Iterator[list[tuple[float, str]]]:
    """Each SQL statement run inside, with its milliseconds (the debug log keeps whole
    milliseconds only; this times to the microsecond)."""
    timed: list[tuple[float, str]] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timer):
        yield timed


@dataclass
class QueryCount:
    queries: int
    max_sql_ms: float
    total_sql_ms: float
    slowest: str
    status: int
    cpu_ms: float  # this process's CPU for one request (Python: views, templates, ORM)
    wall_ms: float  # the same request, SQL included, on an otherwise idle connection


def count_queries(request: Request, repeat: int = 3) -> QueryCount:
    """Queries of one request (after a warm-up one, so per-process caches are filled), and the
    fastest of `repeat` timings of it. A POST records a new repair each time."""
    client = _client_for(request)
    _call(client, request)
    with CaptureQueriesContext(connection) as captured, sql_timed() as timed:
        response = _call(client, request)
    # Read now: captured_queries reads the connection's log, which the next request clears.
    queries = len(captured.captured_queries)
    times = timed
    cpu, wall = [], []
    for _ in range(repeat):
        started_cpu, started = time.process_time(), time.perf_counter()
        _call(client, request)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    slowest = max(times, default=(0.0, ""))
    return QueryCount(
        queries=queries,
        max_sql_ms=slowest[0],
        total_sql_ms=sum(t for t, _ in times),
        slowest=slowest[1][:300],
        status=response.status_code,
        cpu_ms=min(cpu) * 1000,
        wall_ms=min(wall) * 1000,
    )


# --- The deadline scan ---------------------------------------------------------------------


@dataclass
class ScanResult:
    open_deadlines: int
    topped_up: int
    steady_seconds: float
    steady_steps: int
    backlog_seconds: float
    backlog_steps: int
    pause_minutes: float


def scan_timing(
    *, as_of: datetime, wanted_open: int, pause_minutes: float, rng: random.Random
) -> ScanResult:
    """Time `deadlines_scan` with `wanted_open` open deadlines: a pass 30 s after the last
    (the steady state: each pass finds what fell due since) and a pass after `pause_minutes`
    without one (a stopped worker catching up). Open deadlines are topped up on closed tickets
    when the data set has fewer; everything is rolled back afterwards."""
    from django.conf import settings

    from tickets.escalation import deadlines_scan
    from tickets.models import Deadline, Ticket

    with transaction.atomic():
        have = Deadline.objects.filter(closed_at__isnull=True).count()
        missing = max(0, wanted_open - have)
        if missing:
            closed = list(
                Ticket.objects.filter(status="closed")
                .order_by("-pk")
                .values_list("pk", "station_id")[:missing]
            )
            fractions = (
                ("warning", settings.GRIDLINE_ESCALATION_WARNING_FRACTION),
                ("overdue", settings.GRIDLINE_ESCALATION_OVERDUE_FRACTION),
                ("management", settings.GRIDLINE_ESCALATION_MANAGEMENT_FRACTION),
            )
            scanned = as_of - timedelta(seconds=30)
            rows = []
            for pk, station in closed:
                allowed = timedelta(minutes=rng.choice((45, 90, 120, 180, 240, 1440, 8640)))
                starts = as_of - allowed * rng.uniform(0, 1.6)
                due = starts + allowed
                step, at = "", None
                for name, fraction in fractions:
                    if starts + allowed * fraction > scanned:
                        step, at = name, starts + allowed * fraction
                        break
                rows.append((pk, "reply_by", starts, due, station, step, at))
            Table(
                Deadline,
                [
                    "ticket_id",
                    "name",
                    "starts_at",
                    "due_at",
                    "station_id",
                    "next_step",
                    "next_step_at",
                ],
            ).copy(rows)
            missing = len(rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_deadline")
        started = time.perf_counter()
        steady = deadlines_scan(now=as_of + timedelta(seconds=30))
        steady_seconds = time.perf_counter() - started
        started = time.perf_counter()
        backlog = deadlines_scan(now=as_of + timedelta(minutes=pause_minutes, seconds=30))
        backlog_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return ScanResult(
        have + missing, missing, steady_seconds, steady, backlog_seconds, backlog, pause_minutes
    )
