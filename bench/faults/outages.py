"""The faults' schedule, run while the burst goes on: Redis killed at --redis-at of the burst
and started again (empty) --redis-down seconds later, then PostgreSQL restarted at --pg-at."""

import argparse
import time
from dataclasses import dataclass
from datetime import datetime

from bench.progress import say
from bench.services import OwnPostgres, OwnRedis


@dataclass
class Outages:
    """When each fault happened, in seconds since the burst started (and Redis's in clock
    time too, to find the outbox rows written while it was down)."""

    redis_at: float
    redis_seconds: float
    redis_down: datetime
    redis_up: datetime
    pg_at: float
    pg_seconds: float


def run_outages(
    args: argparse.Namespace, started: float, redis: OwnRedis, postgres: OwnPostgres
) -> Outages:
    from django.utils import timezone

    redis_at = _wait_until(started, args.seconds * args.redis_at)
    say(f"  {redis_at:.1f}s: Redis killed")
    redis_down = timezone.now()
    redis.stop()
    time.sleep(args.redis_down)
    redis.start()
    redis_up = timezone.now()
    redis_seconds = time.perf_counter() - started - redis_at
    say(f"  {redis_at + redis_seconds:.1f}s: Redis answers again ({redis_seconds:.1f}s down)")
    # Not before Redis answers again: one fault at a time.
    pg_share = max(args.pg_at, (redis_at + redis_seconds) / args.seconds)
    pg_at = _wait_until(started, args.seconds * pg_share)
    say(f"  {pg_at:.1f}s: PostgreSQL restarting")
    pg_seconds = postgres.restart()
    say(f"  {pg_at + pg_seconds:.1f}s: PostgreSQL answers again ({pg_seconds:.1f}s)")
    return Outages(redis_at, redis_seconds, redis_down, redis_up, pg_at, pg_seconds)


def _wait_until(started: float, seconds: float) -> float:
    """Sleep until `seconds` after `started`; returns the seconds since `started`."""
    pause = started + seconds - time.perf_counter()
    if pause > 0:
        time.sleep(pause)
    return time.perf_counter() - started
