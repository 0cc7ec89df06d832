"""`python -m bench.faults`: the run itself (what it does: bench/faults/__init__.py)."""

import argparse
import json
import os
import random
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench import faults
from bench.environment import environment
from bench.faults.clients import Burst
from bench.faults.counting import FaultsResult, count, drain
from bench.faults.outages import run_outages
from bench.faults.report import render
from bench.faults.worker import Worker
from bench.grid_data import Grid
from bench.load import Server, temp_dir
from bench.progress import say
from bench.services import OwnPostgres, OwnRedis, missing


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    # The prog is named: argparse would call it "__main__.py".
    p = argparse.ArgumentParser(
        prog="python -m bench.faults", description=faults.__doc__.splitlines()[0]
    )
    p.add_argument("--clients", type=int, default=20, help="concurrent repair clients")
    p.add_argument("--seconds", type=float, default=90.0, help="seconds of the burst")
    p.add_argument("--redis-at", type=float, default=0.2, help="Redis stops at this share")
    p.add_argument("--redis-down", type=float, default=20.0, help="seconds Redis stays down")
    p.add_argument("--pg-at", type=float, default=0.65, help="PostgreSQL restarts at this share")
    p.add_argument("--premises", type=int, default=3_000)
    p.add_argument(
        "--district",
        type=int,
        default=600,
        help="the calls come from the first this many premises (so incidents open)",
    )
    p.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    p.add_argument("--retry-seconds", type=float, default=30.0, help="a client's retry budget")
    p.add_argument("--etr-every", type=float, default=1.0, help="seconds between ETR updates")
    p.add_argument("--drain-seconds", type=float, default=150.0, help="wait for the outbox")
    p.add_argument(
        "--sweep-seconds", type=int, help="GRIDLINE_OUTBOX_SWEEP_SECONDS (default: the app's)"
    )
    p.add_argument("--seed", type=int, default=20261202)
    p.add_argument("--results", type=Path, help="write the section into this Markdown file")
    p.add_argument("--json", type=Path, help="write the figures as JSON here")
    p.add_argument("--logs", type=Path, help="copy the gunicorn, worker and PostgreSQL logs here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    why = missing()
    if why:
        raise SystemExit(f"The burst under faults needs its own PostgreSQL and Redis: {why}.")
    started_all = time.perf_counter()
    var_dir = temp_dir()
    postgres, redis = OwnPostgres(), OwnRedis()
    processes: list[Server | Worker] = []
    django_ready = False
    try:
        say(f"Own PostgreSQL on port {postgres.port}, own Redis on port {redis.port}")
        postgres.start()
        redis.start()
        env = _environment(args, var_dir, postgres.url, redis.url)
        os.environ.clear()
        os.environ.update(env)
        import django

        django.setup()
        django_ready = True
        result = _run(args, env, var_dir, postgres, redis, processes)
    finally:
        for process in reversed(processes):
            process.stop()
        if django_ready:
            from django.db import connections

            connections.close_all()
        redis.cleanup()
        _keep_logs(args, [var_dir / "gunicorn.log", var_dir / "worker.log", postgres.log])
        postgres.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    _write(args, result, render(result, started_all))
    return 0


def _environment(args, var_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = environment(argparse.Namespace(redis_url=redis_url), var_dir)
    env |= {
        "DATABASE_URL": database_url,
        "GRIDLINE_SMS_BACKEND": "bench.faults.sms.RecordingSms",
        "GRIDLINE_BENCH_SMS_FILE": str(var_dir / "sms.jsonl"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if args.sweep_seconds:
        env["GRIDLINE_OUTBOX_SWEEP_SECONDS"] = str(args.sweep_seconds)
    return env


def _run(
    args, env, var_dir: Path, postgres: OwnPostgres, redis: OwnRedis, processes: list
) -> FaultsResult:
    from bench.load import start_gunicorn

    grid = _migrate_and_load(args)
    server = start_gunicorn(env, args.workers, var_dir / "gunicorn.log")
    processes.append(server)
    worker = Worker.start(env, var_dir / "worker.log")
    processes.append(worker)
    say(
        f"Burst: {args.clients} clients for {args.seconds:g}s; Redis down "
        f"{args.redis_down:g}s from {args.redis_at:.0%}, PostgreSQL restart at {args.pg_at:.0%}"
    )
    burst = Burst(args, server.port, grid)
    burst.start()
    outages = run_outages(args, burst.started, redis, postgres)
    burst_seconds = burst.join()
    say(f"  burst over after {burst_seconds:.1f}s; waiting for the outbox to drain")

    from django.db import connections

    connections.close_all()  # this process's connection died with the restart
    drain_seconds = drain(args.drain_seconds)
    server.stop()
    worker.stop()
    sms_file = Path(env["GRIDLINE_BENCH_SMS_FILE"])
    return count(args, burst, burst_seconds, outages, server, worker, sms_file, drain_seconds)


def _migrate_and_load(args: argparse.Namespace) -> Grid:
    from django.core.management import call_command

    from bench.grid_data import load_grid, load_staff

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    grid = load_grid(args.premises, random.Random(args.seed))
    load_staff(grid)
    say(f"Migrated and loaded {args.premises:,} premises in {time.perf_counter() - t:.1f}s")
    return grid


def _keep_logs(args: argparse.Namespace, logs: list[Path]) -> None:
    """Copy the logs to --logs, if given, before their folders go."""
    if not args.logs:
        return
    args.logs.mkdir(parents=True, exist_ok=True)
    for log in logs:
        if log.exists():
            shutil.copy(log, args.logs / log.name)


def _write(args: argparse.Namespace, result: FaultsResult, section: str) -> None:
    """Print the section; write it into --results and the figures into --json if asked."""
    say()
    say(section)
    if args.results:
        from bench.report import FAULTS_HEADING, write_section

        write_section(args.results, FAULTS_HEADING, section)
        say(f"\nWritten to {args.results}")
    if args.json:
        figures = asdict(result) | {
            "gave_up": result.gave_up,
            "duplicates": result.duplicates,
            "held": result.held,
        }
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    sys.exit(main())
