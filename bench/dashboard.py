"""Benchmark the supervisors' dashboard (issue #8) on a year of service: N tickets (default
1,000,000) with their work orders, repairs, complaints, timeline events and calls, spread
over the last 365 days; then every query the dashboard and the station report run, each
timed by EXPLAIN ANALYZE (best of --repeat) with the indexes its plan used.

    createdb -h 127.0.0.1 -U postgres gridline_bench_dashboard
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/gridline_bench_dashboard \\
        DJANGO_SECRET_KEY=bench .venv/bin/python -m bench.dashboard --tickets 1000000

The queries are measured twice: as the schema is, and again with the three indexes this
benchmark recommends for other apps' tables (RECOMMENDED, created in the bench database
only). It migrates and then FLUSHES the whole database, so it refuses to run unless the
database name contains "bench". --keep skips the data generation on a second run.
"""

import argparse
import json
import os
import re
import sys
import time
from datetime import timedelta

from bench.dashboard_data import steps

# (name, SQL): indexes on other apps' tables that the dashboard's live queries want.
# DROP INDEX takes the name, the sixth word of each statement.
RECOMMENDED = [
    (
        "tickets: event_urged_at",
        "CREATE INDEX IF NOT EXISTS event_urged_at ON tickets_timelineevent (at) "
        "WHERE kind = 'urged'",
    ),
    (
        "dispatch: work_order_created",
        "CREATE INDEX IF NOT EXISTS work_order_created ON dispatch_workorder (created_at)",
    ),
    (
        "tickets: ticket_kind_created",
        "CREATE INDEX IF NOT EXISTS ticket_kind_created ON tickets_ticket (kind, created_at)",
    ),
    (
        "hotline: call_started",
        "CREATE INDEX IF NOT EXISTS call_started ON hotline_call (started_at)",
    ),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--premises", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=1_300_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the data of the last run")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    name = str(settings.DATABASES["default"]["NAME"])
    if connection.vendor != "postgresql" or "bench" not in name:
        say(f"Refusing to use database {name!r}: point DATABASE_URL at a PostgreSQL *bench* one.")
        return 2
    say(f"Database: {name}")
    if not args.keep:
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        generate(args)
        from dashboards.services import rollup_rebuild

        started = time.perf_counter()
        done = rollup_rebuild()
        say(f"rollup_rebuild: {done.days} days in {time.perf_counter() - started:.1f}s")
    with connection.cursor() as cursor:
        for _label, sql in RECOMMENDED:
            cursor.execute(f"DROP INDEX IF EXISTS {sql.split()[5]}")
    vacuum()
    report_sizes()

    say("\n== As the schema is")
    measure(args.repeat)
    with connection.cursor() as cursor:
        for label, sql in RECOMMENDED:
            say(f"creating {label}")
            cursor.execute(sql)
    vacuum()
    say("\n== With the recommended indexes")
    measure(args.repeat)
    from dashboards.services import rollup_refresh

    for days in (settings.GRIDLINE_ROLLUP_RECENT_DAYS, settings.GRIDLINE_ROLLUP_SETTLE_DAYS):
        started = time.perf_counter()
        rollup_refresh(days=days)
        say(f"rollup_refresh of {days} days: {time.perf_counter() - started:.2f}s")
    return 0


def generate(args) -> None:
    """Fill the tables: the steps of bench/dashboard_data.py, one transaction each."""
    from django.db import connection, transaction

    for label, sql in steps(args.tickets, args.premises, args.calls):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        say(f"generated {label} in {time.perf_counter() - started:.1f}s")


def vacuum() -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f}s")


def report_sizes() -> None:
    from django.db import connection

    tables = [
        "tickets_ticket",
        "tickets_timelineevent",
        "dispatch_workorder",
        "repairs_repair",
        "complaints_complaint",
        "hotline_call",
        "dashboards_ticketday",
        "dashboards_workorderday",
        "dashboards_complaintday",
    ]
    with connection.cursor() as cursor:
        sizes = []
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes.append(f"{table} {cursor.fetchone()[0]:,}")
    say("rows: " + ", ".join(sizes))


def measure(repeat: int) -> None:
    """Every query of one dashboard and one report, for all stations and for one station."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dashboards import daily
    from dashboards.dashboard import dashboard_build, report_build
    from dashboards.selectors import Scope
    from grid.models import Station

    stations = list(Station.objects.order_by("code"))
    now = timezone.now()
    today = daily.local_today(now)
    worst = 0.0
    for label, station in (("all stations", None), ("one station", stations[0])):
        scope = Scope(station=station, first=today - timedelta(days=29), last=today, now=now)
        for page, build in (("dashboard", dashboard_build), ("report", report_build)):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                build(scope=scope, stations=stations)
            wall = (time.perf_counter() - started) * 1000
            say(
                f"\n{page}, {label}: {len(captured.captured_queries)} queries, "
                f"{wall:.0f} ms to build (first run, Python included)"
            )
            for query in captured.captured_queries:
                sql = query["sql"]
                best, indexes = explain(sql, repeat)
                worst = max(worst, best)
                say(f"  {best:7.2f} ms  {summary(sql):60.60}  {', '.join(indexes) or 'seq scan'}")
    say(f"\nslowest query: {worst:.2f} ms")


def explain(sql: str, repeat: int) -> tuple[float, list[str]]:
    from django.db import connection

    times, indexes = [], []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            times.append(plan[0]["Execution Time"] + plan[0]["Planning Time"])
            indexes = sorted(set(_index_names(plan[0]["Plan"])))
    return min(times), indexes


def _index_names(node: dict):
    if "Index Name" in node:
        yield node["Index Name"]
    elif node.get("Node Type") == "Seq Scan":
        yield f"seq:{node['Relation Name']}"
    for child in node.get("Plans", []):
        yield from _index_names(child)


def summary(sql: str) -> str:
    """The query's outermost table, and whether it groups: enough to tell them apart."""
    outer = sql
    while re.search(r"\([^()]*\)", outer):
        outer = re.sub(r"\([^()]*\)", "", outer)
    tables = re.findall(r'FROM "(\w+)"', outer)
    words = "SELECT " + (tables[0] if tables else sql[:40])
    return words + (" grouped" if "GROUP BY" in outer else "")


def say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
