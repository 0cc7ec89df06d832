"""The measurements through gunicorn on loopback: wrk rounds with the floor (/healthz) between
every two scenarios, repair POSTs at a fixed rate, the storm, and the burst (bench.run)."""

import argparse
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.burst import BurstResult, run_burst
from bench.generate import Data
from bench.inprocess import fixtures
from bench.load import RateResult, fixed_rate, run_wrk, start_gunicorn, write_lua
from bench.progress import say
from bench.scenarios import FLOOR, Fixtures, Request, Scenario
from bench.storm import StormResult, run_storm


@dataclass
class Load:
    server: str  # gunicorn's settings, for the report
    connections: int  # wrk's
    runs: dict[str, list[dict]]  # each scenario's rounds, with the floor around each
    floors: list[float]
    rate: RateResult | None  # None when repair_create was not measured
    storm: StormResult
    burst: BurstResult
    logged_errors: list[str]  # server errors in gunicorn's log


def through_gunicorn(
    args: argparse.Namespace,
    wrk: str,
    env: dict[str, str],
    var_dir: Path,
    data: Data,
    measured: list[Scenario],
    rng: random.Random,
) -> Load:
    fx = fixtures(data.grid, data.feeders, random.Random(args.seed + 1))
    scripts = _lua_scripts(args, fx, measured, var_dir / "lua")
    server = start_gunicorn(env, args.workers, var_dir / "gunicorn.log")
    connections = 2 * args.workers
    say(f"Server: {server.settings}")
    say(
        f"Load: wrk -t1 -c{connections} -d{args.seconds:g}s, {args.rounds} round(s), "
        "floor between every two scenarios"
    )
    try:
        runs, floors = _rounds(args, wrk, server.port, scripts, measured, connections)
        rate = _fixed_rate(args, server.port, measured, fx, rng)
        storm = _storm(args, server.port, data, rng)
        burst = _burst(args, server.port, data, rng)
    finally:
        server.stop()
    return Load(
        server=server.settings,
        connections=connections,
        runs=runs,
        floors=floors,
        rate=rate,
        storm=storm,
        burst=burst,
        logged_errors=server.server_errors(),
    )


def _lua_scripts(
    args: argparse.Namespace, fx: Fixtures, measured: list[Scenario], lua_dir: Path
) -> dict[str, Path]:
    """One wrk script per scenario, the floor's included."""
    lua_dir.mkdir()
    return {
        s.key: write_lua(s.build(fx, random.Random(args.seed)), lua_dir / f"{s.key}.lua")
        for s in [FLOOR, *measured]
    }


def _rounds(
    args: argparse.Namespace,
    wrk: str,
    port: int,
    scripts: dict[str, Path],
    measured: list[Scenario],
    connections: int,
) -> tuple[dict[str, list[dict]], list[float]]:
    """Each scenario's rate as a ratio to the floor measured just before and just after it."""
    runs: dict[str, list[dict]] = {s.key: [] for s in measured}
    floors: list[float] = []
    # A first request fills what a page caches (the dashboard's figures): on a busy machine
    # it can outlast a quick run's whole window and leave the scenario with no rate at all.
    for s in measured:
        run_wrk(wrk, port, scripts[s.key], 1, 1)
    for n in range(1, args.rounds + 1):
        say(f"Round {n}:")
        before = run_wrk(wrk, port, scripts["floor"], args.seconds, connections)
        floors.append(before.rps)
        say(f"  {'floor':<18} {before.rps:8.0f} req/s")
        for s in measured:
            result = run_wrk(wrk, port, scripts[s.key], args.seconds, connections)
            after = run_wrk(wrk, port, scripts["floor"], args.seconds, connections)
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
    return runs, floors


def _fixed_rate(
    args: argparse.Namespace,
    port: int,
    measured: list[Scenario],
    fx: Fixtures,
    rng: random.Random,
) -> RateResult | None:
    """Repair POSTs at --rate for --rate-seconds, for the p99 target."""
    if not any(s.key == "repair_create" for s in measured):
        return None
    say(f"Repair POSTs at {args.rate:g}/s for {args.rate_seconds:g}s:")
    build = next(s for s in measured if s.key == "repair_create").build
    requests: list[Request] = []
    while len(requests) < int(args.rate * args.rate_seconds):
        requests += build(fx, rng)
    requests = requests[: int(args.rate * args.rate_seconds)]
    rate = fixed_rate(port, requests, args.rate, clients=16)
    say(
        f"  {rate.count} sent at {rate.achieved_rate:.1f}/s: p50 "
        f"{rate.latency_ms(50):.0f} ms, p99 {rate.latency_ms(99):.0f} ms, failures "
        f"{rate.failures}, 5xx {rate.server_errors}"
    )
    return rate


def _storm(args: argparse.Namespace, port: int, data: Data, rng: random.Random) -> StormResult:
    say(
        f"Storm: {args.storm_reports:,} reports in {args.storm_seconds:g}s from "
        f"{len(data.feeders)} feeders, {args.storm_clients} clients:"
    )
    storm = run_storm(
        port,
        data.grid,
        data.feeders,
        reports=args.storm_reports,
        seconds=args.storm_seconds,
        clients=args.storm_clients,
        rng=rng,
    )
    say(
        f"  done in {storm.seconds:.1f}s: failures {storm.failures}, folded "
        f"{storm.folded}/{storm.foldable}, p99 {storm.p99_ms:.0f} ms"
    )
    return storm


def _burst(args: argparse.Namespace, port: int, data: Data, rng: random.Random) -> BurstResult:
    say(f"Burst: {args.burst_clients} clients recording repairs for {args.burst_seconds:g}s:")
    burst = run_burst(
        port, data.grid, clients=args.burst_clients, seconds=args.burst_seconds, rng=rng
    )
    say(
        f"  {burst.sent} sent, {burst.created} created (201), answers {dict(burst.statuses)}; "
        f"tickets found {burst.tickets_found}, duplicate numbers "
        f"{burst.numbers - burst.distinct_numbers}, server errors {burst.server_errors}, "
        f"lost {burst.lost}"
    )
    return burst
