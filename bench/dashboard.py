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
STATIONS = 40
FEEDERS_PER_STATION = 10
TRANSFORMERS_PER_FEEDER = 10


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
    """Fill the tables with SQL (generate_series): minutes, not hours, for a year of data."""
    from django.db import connection, transaction

    n, premises = args.tickets, args.premises
    steps = [
        (
            "stations, feeders, transformers",
            f"""
            INSERT INTO grid_station (code, name)
              SELECT 'ST' || lpad(i::text, 3, '0'), 'Station ' || i
              FROM generate_series(1, {STATIONS}) i;
            INSERT INTO grid_feeder (code, station_id)
              SELECT 'F' || s.id || '-' || j, s.id
              FROM grid_station s, generate_series(1, {FEEDERS_PER_STATION}) j;
            INSERT INTO grid_transformer (code, feeder_id)
              SELECT 'T' || f.id || '-' || j, f.id
              FROM grid_feeder f, generate_series(1, {TRANSFORMERS_PER_FEEDER}) j;
            INSERT INTO grid_department (code, name) VALUES ('MKT', 'Marketing');
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined, role)
              VALUES ('!', false, 'bench_agent', '', '', '', false, true, now(), 'agent');
            INSERT INTO complaints_category (code, name, active, position)
              SELECT 'cat' || i, 'Category ' || i, true, i FROM generate_series(1, 8) i
              ON CONFLICT DO NOTHING;
            """,
        ),
        (
            f"{premises:,} customers and premises",
            f"""
            INSERT INTO grid_customer (account_no, name)
              SELECT 'A' || lpad(i::text, 9, '0'), 'Customer ' || i
              FROM generate_series(1, {premises}) i;
            INSERT INTO grid_premise (meter_no, address, area_type, important, customer_id,
                transformer_id)
              SELECT 'M' || c.id, c.id || ' Road',
                     CASE WHEN r < 0.5 THEN 'urban' WHEN r < 0.9 THEN 'rural' ELSE 'remote' END,
                     false, c.id, t.ids[1 + floor(random() * array_length(t.ids, 1))::int]
              FROM (SELECT id, random() r FROM grid_customer) c,
                   (SELECT array_agg(id) ids FROM grid_transformer) t;
            """,
        ),
        (
            f"{n:,} tickets",
            f"""
            INSERT INTO tickets_ticket (number, kind, status, priority, channel, caller_phone,
                description, urge_count, unreachable_count, created_at, updated_at, resolved_at,
                closed_at, premise_id, station_id, customer_id)
              SELECT 'B' || g.i, g.kind,
                     CASE WHEN g.created_at > now() - interval '6 hours'
                            THEN (ARRAY['open', 'in_progress'])[1 + floor(random() * 2)::int]
                          WHEN random() < 0.05 THEN 'cancelled'
                          WHEN random() < 0.8 THEN 'closed' ELSE 'resolved' END,
                     'normal', 'hotline', '138' || lpad((g.i % 100000000)::text, 8, '0'), '',
                     0, 0, g.created_at, g.created_at, NULL, NULL,
                     CASE WHEN g.kind IN ('consultation', 'opinion', 'praise') AND g.r2 < 0.5
                          THEN NULL ELSE p.id END,
                     CASE WHEN g.kind IN ('consultation', 'opinion', 'praise') AND g.r2 < 0.5
                          THEN NULL ELSE f.station_id END,
                     p.customer_id
              FROM (
                SELECT i, random() r2,
                       now() - random() * interval '365 days' AS created_at,
                       CASE WHEN r < 0.45 THEN 'repair' WHEN r < 0.75 THEN 'consultation'
                            WHEN r < 0.80 THEN 'complaint' WHEN r < 0.92 THEN 'service_request'
                            WHEN r < 0.97 THEN 'opinion' ELSE 'praise' END AS kind,
                       1 + floor(random() * {premises})::int AS premise_n
                FROM (SELECT i, random() r FROM generate_series(1, {n}) i) s
              ) g
              JOIN grid_premise p ON p.id = g.premise_n
                                     + (SELECT min(id) - 1 FROM grid_premise)
              JOIN grid_transformer t ON t.id = p.transformer_id
              JOIN grid_feeder f ON f.id = t.feeder_id;
            """,
        ),
        (
            "work orders (85% of repairs) and repairs",
            """
            INSERT INTO dispatch_workorder (status, location, brief, hazards, important, arrive_by,
                restore_within, restore_by, arrived_in_time, actions, return_reason, created_at,
                updated_at, arrived_at, completed_at, returned_at, cancelled_at, station_id,
                ticket_id)
              SELECT CASE WHEN w.recent THEN (ARRAY['pending', 'assigned', 'en_route', 'on_site'])
                                             [1 + floor(random() * 4)::int]
                          WHEN w.r < 0.02 THEN 'cancelled' ELSE 'completed' END,
                     'x', '', '[]', false, w.arrive_by, interval '3 hours',
                     w.arrived_at + interval '3 hours',
                     CASE WHEN w.arrived_at IS NULL THEN NULL ELSE w.arrived_at <= w.arrive_by END,
                     '', '', w.created_at, w.created_at, w.arrived_at,
                     CASE WHEN w.recent OR w.r < 0.02 THEN NULL
                          ELSE w.arrived_at + random() * interval '4 hours' END,
                     CASE WHEN w.r BETWEEN 0.02 AND 0.05 THEN w.arrived_at END,
                     CASE WHEN w.r < 0.02 AND NOT w.recent THEN w.created_at END,
                     w.station_id, w.id
              FROM (
                SELECT t.id, t.station_id, t.created_at, random() r,
                       t.created_at > now() - interval '6 hours' AS recent,
                       t.created_at + CASE p.area_type WHEN 'urban' THEN interval '45 minutes'
                                      WHEN 'rural' THEN interval '90 minutes'
                                      ELSE interval '120 minutes' END AS arrive_by,
                       CASE WHEN t.created_at > now() - interval '6 hours' AND random() < 0.7
                            THEN NULL
                            ELSE t.created_at + (15 + random() * 120) * interval '1 minute'
                            END AS arrived_at
                FROM tickets_ticket t JOIN grid_premise p ON p.id = t.premise_id
                WHERE t.kind = 'repair' AND random() < 0.85
              ) w;
            INSERT INTO repairs_repair (ticket_id, scope, breaker, high_power_load,
                equipment_in_use, fault_side, hazards, outcome, reason, likely_cause)
              SELECT id, 'neighbours', 'not_tripped', false, '', 'utility', '[]', 'dispatch', '',
                     ''
              FROM tickets_ticket WHERE kind = 'repair';
            """,
        ),
        (
            "incidents (3,000, 15 active)",
            """
            INSERT INTO repairs_incident (level, status, etr, created_at, restored_at, feeder_id,
                station_id, transformer_id, cause_note)
              SELECT 'transformer', CASE WHEN i <= 15 THEN 'detected' ELSE 'restored' END,
                     now() + interval '2 hours',
                     now() - CASE WHEN i <= 15 THEN random() * interval '3 hours'
                                  ELSE random() * interval '365 days' END,
                     NULL, f.id, f.station_id, t.id, ''
              FROM generate_series(1, 3000) i
              JOIN grid_transformer t ON t.id = (SELECT min(id) FROM grid_transformer) + i - 1
              JOIN grid_feeder f ON f.id = t.feeder_id;
            UPDATE repairs_repair r SET incident_id = i.id
              FROM repairs_incident i
              WHERE r.ticket_id % 3000 = i.id % 3000 AND r.ticket_id % 7 = 0;
            """,
        ),
        (
            "complaints (4 in 5 called back)",
            """
            INSERT INTO complaints_complaint (ticket_id, status, is_report, major, major_reason,
                account_no, contact_by, reply_by, reply_by_fallback, contact_note, validity,
                judgement_reason, cause, rectification, reply_text, reopen_count, closed_as,
                category_id)
              SELECT t.id, 'closed', false, false, '', '', t.created_at + interval '1 day',
                     t.created_at + interval '6 days', false, '',
                     (ARRAY['valid', 'partially_valid', 'not_valid', ''])
                       [1 + floor(random() * 4)::int],
                     '', '', '', '', 0, '',
                     c.ids[1 + floor(random() * array_length(c.ids, 1))::int]
              FROM tickets_ticket t, (SELECT array_agg(id) ids FROM complaints_category) c
              WHERE t.kind = 'complaint';
            INSERT INTO tickets_callback (ticket_id, result, note, at)
              SELECT id, result, '', created_at + interval '2 days'
              FROM (SELECT id, created_at,
                           (ARRAY['satisfied', 'basically_satisfied', 'unsatisfied',
                                  'unreachable', ''])[1 + floor(random() * 5)::int] AS result
                    FROM tickets_ticket WHERE kind = 'complaint') called
              WHERE result <> '';
            """,
        ),
        (
            "timeline events (created, resolved, closed; 3% of tickets urged)",
            """
            INSERT INTO tickets_timelineevent (kind, at, note, old_status, new_status, data,
                ticket_id)
              SELECT 'created', created_at, '', '', 'open', '{}', id FROM tickets_ticket;
            INSERT INTO tickets_timelineevent (kind, at, note, old_status, new_status, data,
                ticket_id)
              SELECT 'resolve', created_at + interval '3 hours', '', 'in_progress', 'resolved',
                     '{}', id
              FROM tickets_ticket WHERE status IN ('resolved', 'closed');
            INSERT INTO tickets_timelineevent (kind, at, note, old_status, new_status, data,
                ticket_id)
              SELECT 'close', created_at + interval '2 days', '', 'resolved', 'closed', '{}', id
              FROM tickets_ticket WHERE status = 'closed';
            INSERT INTO tickets_timelineevent (kind, at, note, old_status, new_status, data,
                ticket_id)
              SELECT 'urged', LEAST(created_at + random() * interval '5 hours', now()), '', '', '',
                     '{}', id
              FROM tickets_ticket WHERE random() < 0.03;
            """,
        ),
        (
            f"{args.calls:,} calls",
            f"""
            INSERT INTO hotline_call (caller_phone, started_at, ended_at, reason, outcome, note,
                agent_id)
              SELECT '138' || lpad(i::text, 8, '0'), s.at, s.at + interval '4 minutes',
                     (ARRAY['repair', 'consultation', 'complaint', 'urge', 'other'])
                       [1 + floor(random() * 5)::int], 'recorded', '',
                     (SELECT id FROM accounts_user WHERE username = 'bench_agent')
              FROM (SELECT i, now() - random() * interval '365 days' AS at
                    FROM generate_series(1, {args.calls}) i) s;
            """,
        ),
        (
            "outage notices (2,000)",
            """
            INSERT INTO repairs_outagenotice (kind, reason, starts_at, ends_at, published_at,
                late_notice, station_id)
              SELECT 'planned', 'Maintenance', s.at, s.at + interval '8 hours',
                     s.at - interval '8 days', random() < 0.1,
                     (SELECT min(id) FROM grid_station) + (i % 40)
              FROM (SELECT i, now() - random() * interval '360 days' + interval '5 days' AS at
                    FROM generate_series(1, 2000) i) s;
            """,
        ),
    ]
    for label, sql in steps:
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
