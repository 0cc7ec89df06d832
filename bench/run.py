"""Gridline benchmark (issue #9): a year of data, a storm night, and ratios to the framework floor.

    make bench                       # full: 200,000 premises, 1,000,000 tickets, ~40 minutes
    make bench ARGS=--quick          # smoke: 2,000 premises, 20,000 tickets, under 2 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridline_bench .venv/bin/python -m bench.run

It DROPS and re-creates the database named by DATABASE_URL, so it refuses to run unless that
name contains "bench". It generates the data with COPY, measures queries per request and the
deadline scan in-process, then starts gunicorn on loopback and drives it with wrk, measuring
the floor (/healthz) between every two scenarios, and finally replays a storm at a fixed rate.
It prints figures and whether each target of the issue was met; it never fails on a number
(exit status 0 unless something broke).
"""

import argparse
import json
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench.database import drop_database, recreate_database
from bench.environment import environment, git_revision
from bench.load import ROOT, temp_dir
from bench.progress import Clock, say

if TYPE_CHECKING:
    from bench.generate import Data
    from bench.inprocess import QueryCount, ScanResult
    from bench.report import Facts
    from bench.scenarios import Request, Scenario

QUICK = {
    "premises": 2_000,
    "tickets": 20_000,
    "open": 1_000,
    "rounds": 1,
    "seconds": 2.0,
    "rate_seconds": 4.0,
    "storm_reports": 300,
    "storm_seconds": 20.0,
    "burst_seconds": 10.0,
    "scan_pause": 5.0,
}
FULL = {
    "premises": 200_000,
    "tickets": 1_000_000,
    "open": 50_000,
    "rounds": 5,
    "seconds": 10.0,
    "rate_seconds": 30.0,
    "storm_reports": 10_000,
    "storm_seconds": 600.0,
    "burst_seconds": 60.0,
    "scan_pause": 60.0,
}
SCAN_OPEN_DEADLINES = 50_000
OPEN_SHARE = 0.05  # open tickets as a share of all, when only --tickets is given


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small data, short runs (CI smoke test)")
    p.add_argument("--premises", type=int, help="premises (and ~as many customers)")
    p.add_argument("--tickets", type=int, help="tickets over the last 12 months")
    p.add_argument("--open", type=int, help="open tickets (default: 5%% of --tickets)")
    p.add_argument("--rounds", type=int, help="rounds of floor/scenario runs")
    p.add_argument("--seconds", type=float, help="seconds of wrk per run")
    p.add_argument("--rate", type=float, default=50.0, help="repair POSTs per second (p99 target)")
    p.add_argument("--rate-seconds", type=float, help="seconds at --rate")
    p.add_argument("--storm-reports", type=int, help="repair reports in the storm")
    p.add_argument("--storm-seconds", type=float, help="seconds the storm lasts")
    p.add_argument("--storm-clients", type=int, default=8, help="concurrent storm clients")
    p.add_argument("--burst-seconds", type=float, help="seconds of the burst (issue #10)")
    p.add_argument("--burst-clients", type=int, default=50, help="concurrent burst clients")
    p.add_argument(
        "--scan-pause", type=float, help="minutes without a scan before the catch-up pass is timed"
    )
    p.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    p.add_argument("--only", help="comma-separated scenario keys to run (default: all)")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--redis-url", help="use this Redis as the broker (default: a temp folder)")
    p.add_argument(
        "--results",
        type=Path,
        help="write the Markdown report here (default: bench/RESULTS.md, except with --quick)",
    )
    p.add_argument("--json", type=Path, help="write the figures as JSON here")
    p.add_argument("--drop-after", action="store_true", help="drop the database at the end")
    args = p.parse_args(argv)
    profile = QUICK if args.quick else FULL
    for key, value in profile.items():
        if key != "open" and getattr(args, key) is None:
            setattr(args, key, value)
    if args.open is None:
        same = args.tickets == profile["tickets"]
        args.open = profile["open"] if same else round(args.tickets * OPEN_SHARE)
    args.workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    if args.results is None and not args.quick:
        args.results = ROOT / "bench" / "RESULTS.md"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database whose name contains 'bench'.")
    started_all = time.perf_counter()
    name = recreate_database(url)
    var_dir = temp_dir()
    env = environment(args, var_dir)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    try:
        return _run(args, name, env, var_dir, started_all)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)  # collected static files, logs, Lua
        if args.drop_after:
            from django.db import connections

            connections.close_all()
            drop_database(url)


def _run(args, name: str, env: dict[str, str], var_dir: Path, started_all: float) -> int:
    from bench import generate, report
    from bench.load import ensure_wrk
    from bench.through_gunicorn import through_gunicorn

    rng = random.Random(args.seed)
    mode = "quick" if args.quick else "full" if args.tickets == FULL["tickets"] else "custom"
    say(f"Gridline benchmark ({mode}) on database {name}; var dir {var_dir}")
    wrk = ensure_wrk()
    clock = Clock()
    _prepare(clock)

    say("Generating data:")
    data = generate.first_share(args, clock, rng)
    queries = _count_queries_small(args, data)
    # Generation only: not the requests measured in between.
    generation_seconds = data.small_seconds + generate.the_rest(data, args, clock, rng)
    say(f"  generation: {generation_seconds:.1f}s in all; {'; '.join(data.notes)}")
    _count_queries_large(queries)

    scan = _scan(args, data, rng)
    load = through_gunicorn(args, wrk, env, var_dir, data, queries.measured, rng)
    facts = report.Facts(
        mode=mode,
        revision=git_revision(),
        database=name,
        args=vars(args) | {"results": str(args.results), "json": str(args.json)},
        machine=report.machine(),
        rows=data.rows,
        counts=report.counts(),
        generation=clock.steps | {"all": generation_seconds, "small phase": data.small_seconds},
        complaint_note="; ".join(data.notes),
        server=load.server,
        wrk=f"wrk -t1 -c{load.connections} -d{args.seconds:g}s --timeout 10s (Debian wrk)",
        scenarios=queries.measured,
        unavailable=queries.unavailable,
        runs=load.runs,
        floors=load.floors,
        queries_small=queries.small,
        queries_large=queries.large,
        small_tickets=data.small_tickets,
        scan=scan,
        rate=load.rate,
        rate_target=args.rate,
        storm=load.storm,
        burst=load.burst,
        logged_errors=load.logged_errors,
        seconds_all=time.perf_counter() - started_all,
    )
    _write(args, facts)
    return 0


def _prepare(clock: Clock) -> None:
    from django.core.management import call_command

    say("Preparing:")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clock.step("migrate + collectstatic", t)


@dataclass
class Queries:
    """Each scenario's first request and the queries it makes at the two data sizes."""

    measured: list["Scenario"]  # the scenarios the app has
    unavailable: dict[str, str]  # scenario key: why it was not measured
    first_request: dict[str, "Request"]
    small: dict[str, "QueryCount"]
    large: dict[str, "QueryCount"] = field(default_factory=dict)


def _count_queries_small(args: argparse.Namespace, data: "Data") -> Queries:
    """Which scenarios the app has, and their queries on the first share of the data."""
    from bench.inprocess import available, count_queries, probe_fixtures
    from bench.scenarios import SCENARIOS

    probe = probe_fixtures(data.grid, data.feeders)
    scenarios = [s for s in SCENARIOS if not args.only or s.key in args.only.split(",")]
    unavailable: dict[str, str] = {}
    small = {}
    first_request = {s.key: s.build(probe, random.Random(args.seed))[0] for s in scenarios}
    for s in scenarios:
        ok, why = available(s, first_request[s.key])
        if not ok:
            unavailable[s.key] = why
            continue
        if why:
            say(f"  note: {s.key}: {why}")
        small[s.key] = count_queries(first_request[s.key])
    measured = [s for s in scenarios if s.key not in unavailable]
    return Queries(measured, unavailable, first_request, small)


def _count_queries_large(queries: Queries) -> None:
    from bench.inprocess import count_queries

    for s in queries.measured:
        queries.large[s.key] = count_queries(queries.first_request[s.key])


def _scan(args: argparse.Namespace, data: "Data", rng: random.Random) -> "ScanResult":
    from bench.inprocess import scan_timing

    say("Deadline scan (in-process, clock passed in, rolled back):")
    scan = scan_timing(
        as_of=data.as_of, wanted_open=SCAN_OPEN_DEADLINES, pause_minutes=args.scan_pause, rng=rng
    )
    say(
        f"  {scan.open_deadlines:,} open deadlines ({scan.topped_up:,} topped up): steady pass "
        f"{scan.steady_seconds * 1000:.0f} ms ({scan.steady_steps} steps), after "
        f"{args.scan_pause:g} min without one "
        f"{scan.backlog_seconds * 1000:.0f} ms ({scan.backlog_steps:,} steps)"
    )
    return scan


def _write(args: argparse.Namespace, facts: "Facts") -> None:
    """Print the report; write it (keeping the sections of the runs of their own) and the
    figures if asked."""
    from bench import report
    from bench.load import median

    text = report.render(facts, median)
    say()
    say(text)
    if args.results:
        kept = report.own_sections(args.results)
        args.results.write_text(text + (f"\n\n{kept}" if kept else "") + "\n")
        say(f"\nWritten to {args.results}")
    if args.json:
        args.json.write_text(json.dumps(report.as_json(facts, median), indent=2, default=str))


if __name__ == "__main__":
    sys.exit(main())
