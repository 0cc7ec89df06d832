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
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.load import ROOT, temp_dir

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
SMALL_SHARE = 0.1  # the first of the two data sizes that query counts are compared at
SCAN_OPEN_DEADLINES = 50_000
OPEN_SHARE = 0.05  # open tickets as a share of all, when only --tickets is given
DAYS = 365
# Upkeep a production database has had by the time anyone looks at it, done after each data
# phase: (label, module, function called with now=). Skipped while the app lacks it.
UPKEEP = [("dashboard rollup", "dashboards.services", "rollup_rebuild")]


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


def say(message: str = "") -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


class Clock:
    """Named steps with their durations, for the 'generation took' line."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    def step(self, name: str, started: float) -> None:
        if name in self.steps:
            name = f"{name} again"
        self.steps[name] = time.perf_counter() - started
        say(f"  {name}: {self.steps[name]:.1f}s")


def recreate_database(url: str) -> str:
    """DROP and CREATE the bench database (refusing any other); returns its name."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {config['ENGINE']}.")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to drop database {name!r}: point DATABASE_URL at a database whose name "
            "contains 'bench' (make bench does: BENCH_DATABASE_URL)."
        )
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def environment(args: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    """The settings both this process and gunicorn run with: production mode, a private var/."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # never fill a shared Redis with undrained tasks
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or "bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "GRIDLINE_VAR_DIR": str(var_dir),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "GRIDLINE_LOG_LEVEL": "WARNING",
    }
    return env


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
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import report
    from bench.burst import run_burst
    from bench.grid_data import load_grid, load_staff
    from bench.inprocess import (
        available,
        count_queries,
        fixtures,
        probe_fixtures,
        scan_timing,
    )
    from bench.load import ensure_wrk, fixed_rate, median, run_wrk, start_gunicorn, write_lua
    from bench.scenarios import FLOOR, SCENARIOS, Request
    from bench.storm import run_storm, storm_feeders
    from bench.ticket_data import TicketGenerator

    rng = random.Random(args.seed)
    mode = "quick" if args.quick else "full" if args.tickets == FULL["tickets"] else "custom"
    say(f"Gridline benchmark ({mode}) on database {name}; var dir {var_dir}")
    wrk = ensure_wrk()
    clock = Clock()
    say("Preparing:")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clock.step("migrate + collectstatic", t)

    say("Generating data:")
    generation_started = time.perf_counter()
    _fast_load()
    t = time.perf_counter()
    grid = load_grid(args.premises, rng)
    clock.step(f"grid ({args.premises:,} premises)", t)
    t = time.perf_counter()
    load_staff(grid)
    clock.step("staff, crews, tokens", t)
    feeders = storm_feeders(grid, minimum_premises=max(60, args.premises // 200))
    as_of = timezone.now().replace(microsecond=0)
    notes: list[str] = []
    generator = TicketGenerator(
        grid, as_of=as_of, days=DAYS, time_zone=settings.TIME_ZONE, storm_feeders=feeders
    )
    small_tickets = round(args.tickets * SMALL_SHARE)
    small_open = round(args.open * SMALL_SHARE)
    t = time.perf_counter()
    loaded_small = generator.phase(small_tickets, small_open, rng)
    clock.step(f"tickets, first {SMALL_SHARE:.0%} ({small_tickets:,})", t)
    _upkeep(clock, as_of, notes)
    t = time.perf_counter()
    _vacuum()
    clock.step("vacuum analyze", t)
    small_seconds = time.perf_counter() - generation_started

    probing_started = time.perf_counter()
    probe = probe_fixtures(grid, feeders)
    scenarios = [s for s in SCENARIOS if not args.only or s.key in args.only.split(",")]
    availability: dict[str, str] = {}
    queries_small, queries_large = {}, {}
    first_request = {s.key: s.build(probe, random.Random(args.seed))[0] for s in scenarios}
    for s in scenarios:
        ok, why = available(s, first_request[s.key])
        if not ok:
            availability[s.key] = why
            continue
        if why:
            say(f"  note: {s.key}: {why}")
        queries_small[s.key] = count_queries(first_request[s.key])
    measured = [s for s in scenarios if s.key not in availability]
    probing_seconds = time.perf_counter() - probing_started

    _fast_load()
    t = time.perf_counter()
    loaded_large = generator.phase(args.tickets - small_tickets, args.open - small_open, rng)
    clock.step(f"tickets, the rest ({args.tickets - small_tickets:,})", t)
    with connection.cursor() as cursor:
        cursor.execute("RESET session_replication_role")
    _upkeep(clock, as_of, notes)
    t = time.perf_counter()
    _vacuum()
    clock.step("vacuum analyze", t)
    # Generation only: not the requests measured in between.
    generation_seconds = time.perf_counter() - generation_started - probing_seconds
    rows = {k: loaded_small[k] + loaded_large[k] for k in loaded_small}
    notes.insert(0, generator.complaint_note)
    say(f"  generation: {generation_seconds:.1f}s in all; {'; '.join(notes)}")
    for s in measured:
        queries_large[s.key] = count_queries(first_request[s.key])

    say("Deadline scan (in-process, clock passed in, rolled back):")
    scan = scan_timing(
        as_of=as_of, wanted_open=SCAN_OPEN_DEADLINES, pause_minutes=args.scan_pause, rng=rng
    )
    say(
        f"  {scan.open_deadlines:,} open deadlines ({scan.topped_up:,} topped up): steady pass "
        f"{scan.steady_seconds * 1000:.0f} ms ({scan.steady_steps} steps), after "
        f"{args.scan_pause:g} min without one "
        f"{scan.backlog_seconds * 1000:.0f} ms ({scan.backlog_steps:,} steps)"
    )

    fx = fixtures(grid, feeders, random.Random(args.seed + 1))
    lua_dir = var_dir / "lua"
    lua_dir.mkdir()
    scripts = {
        s.key: write_lua(s.build(fx, random.Random(args.seed)), lua_dir / f"{s.key}.lua")
        for s in [FLOOR, *measured]
    }
    server = start_gunicorn(env, args.workers, var_dir / "gunicorn.log")
    connections_ = 2 * args.workers
    say(f"Server: {server.settings}")
    say(
        f"Load: wrk -t1 -c{connections_} -d{args.seconds:g}s, {args.rounds} round(s), "
        "floor between every two scenarios"
    )
    runs: dict[str, list[dict]] = {s.key: [] for s in measured}
    floors: list[float] = []
    try:
        for n in range(1, args.rounds + 1):
            say(f"Round {n}:")
            before = run_wrk(wrk, server.port, scripts["floor"], args.seconds, connections_)
            floors.append(before.rps)
            say(f"  {'floor':<18} {before.rps:8.0f} req/s")
            for s in measured:
                result = run_wrk(wrk, server.port, scripts[s.key], args.seconds, connections_)
                after = run_wrk(wrk, server.port, scripts["floor"], args.seconds, connections_)
                floors.append(after.rps)
                floor = (before.rps + after.rps) / 2
                runs[s.key].append(asdict(result) | {"floor": floor, "ratio": result.rps / floor})
                say(
                    f"  {s.key:<18} {result.rps:8.1f} req/s  ratio {result.rps / floor:.3f}  "
                    f"p50 {result.p50_ms:.0f} ms  p99 {result.p99_ms:.0f} ms  "
                    f"non-2xx {result.non_2xx}  5xx {result.server_errors}  "
                    f"socket {result.socket_errors}   | floor {after.rps:.0f}"
                )
                before = after
        rate = None
        if any(s.key == "repair_create" for s in measured):
            say(f"Repair POSTs at {args.rate:g}/s for {args.rate_seconds:g}s:")
            build = next(s for s in measured if s.key == "repair_create").build
            requests: list[Request] = []
            while len(requests) < int(args.rate * args.rate_seconds):
                requests += build(fx, rng)
            requests = requests[: int(args.rate * args.rate_seconds)]
            rate = fixed_rate(server.port, requests, args.rate, clients=16)
            say(
                f"  {rate.count} sent at {rate.achieved_rate:.1f}/s: p50 "
                f"{rate.latency_ms(50):.0f} ms, p99 {rate.latency_ms(99):.0f} ms, failures "
                f"{rate.failures}, 5xx {rate.server_errors}"
            )
        say(
            f"Storm: {args.storm_reports:,} reports in {args.storm_seconds:g}s from "
            f"{len(feeders)} feeders, {args.storm_clients} clients:"
        )
        storm = run_storm(
            server.port,
            grid,
            feeders,
            reports=args.storm_reports,
            seconds=args.storm_seconds,
            clients=args.storm_clients,
            rng=rng,
        )
        say(
            f"  done in {storm.seconds:.1f}s: failures {storm.failures}, folded "
            f"{storm.folded}/{storm.foldable}, p99 {storm.p99_ms:.0f} ms"
        )
        say(f"Burst: {args.burst_clients} clients recording repairs for {args.burst_seconds:g}s:")
        burst = run_burst(
            server.port, grid, clients=args.burst_clients, seconds=args.burst_seconds, rng=rng
        )
        say(
            f"  {burst.sent} sent, {burst.created} created (201), answers {dict(burst.statuses)}; "
            f"tickets found {burst.tickets_found}, duplicate numbers "
            f"{burst.numbers - burst.distinct_numbers}, server errors {burst.server_errors}, "
            f"lost {burst.lost}"
        )
    finally:
        server.stop()
    logged_errors = server.server_errors()

    facts = report.Facts(
        mode=mode,
        revision=_git_revision(),
        database=name,
        args=vars(args) | {"results": str(args.results), "json": str(args.json)},
        machine=report.machine(),
        rows=rows,
        counts=report.counts(),
        generation=clock.steps | {"all": generation_seconds, "small phase": small_seconds},
        complaint_note="; ".join(notes),
        server=server.settings,
        wrk=f"wrk -t1 -c{connections_} -d{args.seconds:g}s --timeout 10s (Debian wrk)",
        scenarios=measured,
        unavailable=availability,
        runs=runs,
        floors=floors,
        queries_small=queries_small,
        queries_large=queries_large,
        small_tickets=small_tickets,
        scan=scan,
        rate=rate,
        rate_target=args.rate,
        storm=storm,
        burst=burst,
        logged_errors=logged_errors,
        seconds_all=time.perf_counter() - started_all,
    )
    text = report.render(facts, median)
    say()
    say(text)
    if args.results:
        kept = report.faults_section(args.results)
        args.results.write_text(text + (f"\n\n{kept}" if kept else "") + "\n")
        say(f"\nWritten to {args.results}")
    if args.json:
        args.json.write_text(json.dumps(report.as_json(facts, median), indent=2, default=str))
    return 0


def _upkeep(clock: Clock, as_of, notes: list[str]) -> None:
    import importlib

    for label, module, function in UPKEEP:
        t = time.perf_counter()
        try:
            getattr(importlib.import_module(module), function)(now=as_of)
        except (ImportError, AttributeError) as exc:
            if f"{label} skipped" not in " ".join(notes):
                notes.append(f"{label} skipped ({exc})")
            continue
        clock.step(label, t)


def _fast_load() -> None:
    """Skip foreign-key triggers while loading (superuser only; the generated data is
    consistent by construction). Without the privilege, load with the checks on."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        try:
            cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            say("  (not a superuser: loading with foreign-key checks on)")


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


if __name__ == "__main__":
    sys.exit(main())
