"""The year of data a run measures on, loaded in two phases: a first share of the tickets, at
which bench.run counts each scenario's queries, then the rest (the same counts at full size)."""

import argparse
import importlib
import random
import time
from dataclasses import dataclass
from datetime import datetime

from bench.database import end_fast_load, fast_load, vacuum
from bench.grid_data import Grid, load_grid, load_staff
from bench.progress import Clock
from bench.storm import storm_feeders
from bench.ticket_data import TicketGenerator

SMALL_SHARE = 0.1  # the first of the two data sizes that query counts are compared at
DAYS = 365
# Upkeep a production database has had by the time anyone looks at it, done after each data
# phase: (label, module, function called with now=). Skipped while the app lacks it.
UPKEEP = [("dashboard rollup", "dashboards.services", "rollup_rebuild")]


@dataclass
class Data:
    grid: Grid
    feeders: set[int]  # the storm's feeders
    as_of: datetime  # "now" for the generated year
    generator: TicketGenerator
    small_tickets: int
    small_open: int
    rows: dict[str, int]  # rows loaded so far, by table
    notes: list[str]  # what the report says about the data
    small_seconds: float  # how long the first phase took


def first_share(args: argparse.Namespace, clock: Clock, rng: random.Random) -> Data:
    """The grid, the staff and SMALL_SHARE of the tickets, with foreign-key triggers off."""
    from django.conf import settings
    from django.utils import timezone

    started = time.perf_counter()
    fast_load()
    t = time.perf_counter()
    grid = load_grid(args.premises, rng)
    clock.step(f"grid ({args.premises:,} premises)", t)
    t = time.perf_counter()
    load_staff(grid)
    clock.step("staff, crews, tokens", t)
    feeders = storm_feeders(grid, minimum_premises=max(60, args.premises // 200))
    as_of = timezone.now().replace(microsecond=0)
    generator = TicketGenerator(
        grid, as_of=as_of, days=DAYS, time_zone=settings.TIME_ZONE, storm_feeders=feeders
    )
    small_tickets = round(args.tickets * SMALL_SHARE)
    small_open = round(args.open * SMALL_SHARE)
    t = time.perf_counter()
    rows = generator.phase(small_tickets, small_open, rng)
    clock.step(f"tickets, first {SMALL_SHARE:.0%} ({small_tickets:,})", t)
    notes: list[str] = []
    _upkeep(clock, as_of, notes)
    _vacuum(clock)
    return Data(
        grid=grid,
        feeders=feeders,
        as_of=as_of,
        generator=generator,
        small_tickets=small_tickets,
        small_open=small_open,
        rows=rows,
        notes=notes,
        small_seconds=time.perf_counter() - started,
    )


def the_rest(data: Data, args: argparse.Namespace, clock: Clock, rng: random.Random) -> float:
    """The remaining tickets, then foreign-key triggers on again; returns the seconds it took."""
    started = time.perf_counter()
    fast_load()
    t = time.perf_counter()
    loaded = data.generator.phase(
        args.tickets - data.small_tickets, args.open - data.small_open, rng
    )
    clock.step(f"tickets, the rest ({args.tickets - data.small_tickets:,})", t)
    end_fast_load()
    _upkeep(clock, data.as_of, data.notes)
    _vacuum(clock)
    seconds = time.perf_counter() - started
    data.rows = {k: data.rows[k] + loaded[k] for k in data.rows}
    data.notes.insert(0, data.generator.complaint_note)
    return seconds


def _upkeep(clock: Clock, as_of: datetime, notes: list[str]) -> None:
    for label, module, function in UPKEEP:
        t = time.perf_counter()
        try:
            getattr(importlib.import_module(module), function)(now=as_of)
        except (ImportError, AttributeError) as exc:
            if f"{label} skipped" not in " ".join(notes):
                notes.append(f"{label} skipped ({exc})")
            continue
        clock.step(label, t)


def _vacuum(clock: Clock) -> None:
    t = time.perf_counter()
    vacuum()
    clock.step("vacuum analyze", t)
