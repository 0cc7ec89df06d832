"""The benchmark's report: a Markdown text (printed, and written to RESULTS.md) and JSON."""

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.burst import BurstResult
from bench.inprocess import QueryCount, ScanResult
from bench.load import RateResult
from bench.scenarios import Scenario
from bench.storm import StormResult

PROFILES = (
    "Where the time goes in each request, what was changed for it and what stands in the way "
    "of the targets: [bench/PROFILES.md](PROFILES.md) (`python -m bench.profile`)."
)
CAVEAT = (
    "Absolute figures on this shared 2-core machine drift (other engineers run test suites on "
    "it at the same time, and PostgreSQL, gunicorn and wrk share the same two cores), so each "
    "scenario is reported as a ratio to the floor measured just before and just after it; "
    "compare ratios, not requests per second, between runs."
)

# The burst under faults (bench/faults/) and the ticket search (bench/search.py) are runs
# of their own: their sections stay at the end of RESULTS.md, in this order, when the main
# benchmark rewrites the rest.
SEARCH_HEADING = "## Ticket search"
FAULTS_HEADING = "## Burst under faults"
OWN_RUNS = (SEARCH_HEADING, FAULTS_HEADING)


def _split(text: str) -> tuple[str, dict[str, str]]:
    """The main report, and the section of each run of its own, by heading."""
    starts = sorted((text.find(heading), heading) for heading in OWN_RUNS if heading in text)
    sections = {}
    for n, (start, heading) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
        sections[heading] = text[start:end].strip()
    return (text[: starts[0][0]] if starts else text).strip(), sections


def own_sections(path: Path) -> str:
    """The sections of the runs of their own that `path` holds ('' if none)."""
    _main, sections = _split(path.read_text() if path.exists() else "")
    return "\n\n".join(sections[heading] for heading in OWN_RUNS if heading in sections)


def write_section(path: Path, heading: str, section: str) -> None:
    """Put `section` (a run of its own's, starting with `heading`) in place of that run's
    section of `path`, keeping the rest."""
    main, sections = _split(path.read_text() if path.exists() else "")
    sections[heading] = section.strip()
    parts = [main] if main else []
    parts += [sections[h] for h in OWN_RUNS if h in sections]
    path.write_text("\n\n".join(parts) + "\n")


@dataclass
class Facts:
    mode: str
    revision: str
    database: str
    args: dict
    machine: dict
    rows: dict[str, int]
    counts: dict[str, int]
    generation: dict[str, float]
    complaint_note: str
    server: str
    wrk: str
    scenarios: list[Scenario]
    unavailable: dict[str, str]
    runs: dict[str, list[dict]]
    floors: list[float]
    queries_small: dict[str, QueryCount]
    queries_large: dict[str, QueryCount]
    small_tickets: int
    scan: ScanResult
    rate: RateResult | None
    rate_target: float
    storm: StormResult
    burst: BurstResult | None = None
    logged_errors: list[str] = field(default_factory=list)
    seconds_all: float = 0.0


def machine() -> dict:
    from django.db import connection

    memory = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg,) = cursor.fetchone()
    import django

    return {
        "cores": os.cpu_count(),
        "memory": memory,
        "postgresql": pg,
        "python": platform.python_version(),
        "django": django.get_version(),
        "load average at the end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "stations": "grid_station",
        "feeders": "grid_feeder",
        "transformers": "grid_transformer",
        "customers": "grid_customer",
        "premises": "grid_premise",
        "tickets": "tickets_ticket",
        "open tickets": "tickets_ticket WHERE status IN ('open', 'in_progress')",
        "timeline events": "tickets_timelineevent",
        "deadlines": "tickets_deadline",
        "open deadlines": "tickets_deadline WHERE closed_at IS NULL",
        "work orders": "dispatch_workorder",
        "open work orders": "dispatch_workorder WHERE status NOT IN ('completed', 'cancelled')",
        "incidents": "repairs_incident",
        "repairs": "repairs_repair",
    }
    out = {}
    with connection.cursor() as cursor:
        for label, source in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {source}")  # fixed table names
            out[label] = cursor.fetchone()[0]
        cursor.execute("SELECT kind, COUNT(*) FROM tickets_ticket GROUP BY kind ORDER BY 2 DESC")
        for kind, n in cursor.fetchall():
            out[f"  {kind}"] = n
    return out


def _yes(ok: bool | None) -> str:
    return "n/a" if ok is None else "**yes**" if ok else "**NO**"


def _ms(value: float) -> str:
    return "—" if value != value else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def summarise(facts: Facts, median: Callable) -> dict[str, dict]:
    """Per scenario: the medians over rounds, and the in-process query counts."""
    out = {}
    for s in facts.scenarios:
        runs = facts.runs.get(s.key, [])
        small, large = facts.queries_small.get(s.key), facts.queries_large.get(s.key)
        out[s.key] = {
            "label": s.label,
            "rps": median([r["rps"] for r in runs]),
            "floor": median([r["floor"] for r in runs]),
            "ratio": median([r["ratio"] for r in runs]),
            "p50_ms": median([r["p50_ms"] for r in runs]),
            "p99_ms": median([r["p99_ms"] for r in runs]),
            "requests": sum(r["requests"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "server_errors": sum(r["server_errors"] for r in runs),
            "socket_errors": sum(r["socket_errors"] for r in runs),
            "queries_small": small.queries if small else None,
            "queries_large": large.queries if large else None,
            "max_sql_ms": large.max_sql_ms if large else None,
            "sql_ms": large.total_sql_ms if large else None,
            "slowest_sql": large.slowest if large else "",
            "status": large.status if large else None,
            "cpu_ms": large.cpu_ms if large else None,
            "wall_ms": large.wall_ms if large else None,
            "target_ratio": s.target_ratio,
        }
    return out


def targets(facts: Facts, rows: dict[str, dict]) -> list[tuple[str, str, str, bool | None]]:
    """(target, scenario, measured, met) for each line of the issue's table."""
    out: list[tuple[str, str, str, bool | None]] = []

    def ratio_line(key: str, target: str, extra: Callable[[dict], tuple[str, bool]] | None = None):
        if key not in rows:
            why = facts.unavailable.get(key, "not run")
            out.append((target, key, f"not measured: {why}", None))
            return
        r = rows[key]
        ok = r["ratio"] >= r["target_ratio"]
        text = f"{r['ratio']:.3f}×"
        if extra is not None:
            more, more_ok = extra(r)
            text += f"; {more}"
            ok = ok and more_ok
        out.append((target, key, text, ok))

    def rate_p99(r: dict) -> tuple[str, bool]:
        if facts.rate is None:
            return "p99 at a fixed rate not measured", False
        p99 = facts.rate.latency_ms(99)
        return (
            f"p99 {p99:.0f} ms at {facts.rate.achieved_rate:.1f}/s ({facts.rate.failures} failed)",
            p99 <= 100 and facts.rate.failures == 0,
        )

    def constant(r: dict) -> tuple[str, bool]:
        small, large = r["queries_small"], r["queries_large"]
        return f"queries {small} → {large}", small == large

    def dashboard(r: dict) -> tuple[str, bool]:
        q, ok = constant(r)
        worst = r["max_sql_ms"] or 0.0
        return f"{q}; slowest SQL {worst:.1f} ms", ok and worst <= 10.0

    ratio_line("repair_create", "POST /api/v1/repairs/ ≥ 0.15×, p99 ≤ 100 ms at 50/s", rate_p99)
    ratio_line("ticket_detail", "GET /api/v1/tickets/{number}/ ≥ 0.25×")
    for key in ("work_order_api", "dispatch_queue", "ticket_list", "ticket_list_open"):
        label = rows[key]["label"] if key in rows else key
        ratio_line(key, f"{label} ≥ 0.2×, queries constant in data size", constant)
    ratio_line("customer_lookup", "caller lookup by phone ≥ 0.2×")
    ratio_line("console_search", "console card ≥ 0.2×")
    ratio_line("dashboard", "supervisor dashboard ≥ 0.2×, every SQL ≤ 10 ms", dashboard)
    scan = facts.scan
    out.append(
        (
            "scan_deadlines pass with 50,000 open deadlines ≤ 1 s",
            "deadlines_scan",
            f"{scan.steady_seconds * 1000:.0f} ms steady ({scan.steady_steps} steps); "
            f"{scan.backlog_seconds * 1000:.0f} ms after {scan.pause_minutes:g} min without a pass "
            f"({scan.backlog_steps:,} steps)",
            scan.steady_seconds <= 1.0,
        )
    )
    st = facts.storm
    out.append(
        (
            f"storm: {st.reports:,} reports, 0 errors, ≥ 99% folded, p99 ≤ 200 ms",
            "storm",
            f"{st.failures} errors; {st.folded_share:.1%} folded ({st.folded}/{st.foldable}); "
            f"p99 {st.p99_ms:.0f} ms",
            st.failures == 0 and st.folded_share >= 0.99 and st.p99_ms <= 200,
        )
    )
    b = facts.burst
    if b is not None:
        out.append(
            (
                f"burst (#10): {b.clients} clients × {b.seconds:.0f} s: every 201 a ticket, "
                "no duplicate numbers, 0 server errors",
                "burst",
                f"{b.sent:,} sent, {b.created:,} created, {b.tickets_found:,} found, "
                f"{b.numbers - b.distinct_numbers} duplicates, {b.server_errors} server errors",
                b.lost == 0 and b.server_errors == 0,
            )
        )
    return out


def render(facts: Facts, median: Callable) -> str:
    rows = summarise(facts, median)
    a = facts.args
    m = facts.machine
    lines = [
        f"# Gridline benchmark — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} ({facts.mode})",
        "",
        f"Revision {facts.revision} (plus uncommitted work in the checkout); "
        f"`python -m bench.run` on database `{facts.database}`; whole run "
        f"{facts.seconds_all / 60:.1f} min.",
        "",
        f"**Machine:** {m['cores']} cores, {m['memory']}, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}, Django {m['django']}; load average at the end "
        f"{m['load average at the end']}.",
        "",
        f"**Data:** {a['premises']:,} premises requested, {a['tickets']:,} tickets over "
        f"12 months ({a['open']:,} open); query counts compared at {facts.small_tickets:,} "
        f"and {facts.counts['tickets']:,} tickets. {facts.complaint_note}.",
        "",
        "| table | rows |",
        "| --- | ---: |",
        *(f"| {k} | {v:,} |" for k, v in facts.counts.items()),
        "",
        "**Generation** (COPY, foreign-key triggers off, then VACUUM ANALYZE): "
        + ", ".join(f"{k} {v:.1f}s" for k, v in facts.generation.items()),
        "",
        f"**Server:** {facts.server}.",
        "",
        f"**Load:** {facts.wrk}; {a['rounds']} round(s), each scenario between two floor "
        f"runs; ratio = scenario req/s ÷ mean of the two floors; medians over rounds. "
        f"Floor runs: {', '.join(f'{x:.0f}' for x in facts.floors)} req/s.",
        "",
        "## Scenarios",
        "",
        "| scenario | req/s | floor req/s | ratio | target | p50 ms | p99 ms | queries "
        "(small → large) | SQL ms (sum / slowest) | one request alone: wall / app CPU ms "
        "| non-2xx | 5xx | socket errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for r in rows.values():
        lines.append(
            f"| {r['label']} | {r['rps']:.1f} | {r['floor']:.0f} | {r['ratio']:.3f} | "
            f"≥ {r['target_ratio']} | {_ms(r['p50_ms'])} | {_ms(r['p99_ms'])} | "
            f"{r['queries_small']} → {r['queries_large']} | "
            f"{(r['sql_ms'] or 0):.1f} / {(r['max_sql_ms'] or 0):.1f} | "
            f"{(r['wall_ms'] or 0):.1f} / {(r['cpu_ms'] or 0):.1f} | {r['non_2xx']} | "
            f"{r['server_errors']} | {r['socket_errors']} |"
        )
    for key, why in facts.unavailable.items():
        lines.append(f"| {key} | not measured: {why} | | | | | | | | | | | |")
    lines += ["", "## Targets (issue #9)", "", "| target | measured | met |", "| --- | --- | --- |"]
    lines += [f"| {t} | {measured} | {_yes(ok)} |" for t, _k, measured, ok in targets(facts, rows)]
    rate = facts.rate
    if rate is not None:
        lines += [
            "",
            f"**Repair POSTs at {facts.rate_target:g}/s** (open loop, 16 clients): "
            f"{rate.count} sent at {rate.achieved_rate:.1f}/s; latency from when each was due: "
            f"p50 {_ms(rate.latency_ms(50))} ms, p99 {_ms(rate.latency_ms(99))} ms "
            f"(from when sent: p99 {_ms(rate.latency_ms(99, from_due=False))} ms); "
            f"{rate.failures} failed, {rate.server_errors} 5xx.",
        ]
    st = facts.storm
    lines += [
        "",
        f"**Storm:** {st.reports:,} reports in {st.seconds:.0f}s ({st.rate:.1f}/s, "
        f"{st.clients} clients) from {st.premises:,} premises on {st.feeders} feeders; "
        f"latency p50 {_ms(st.p50_ms)} ms, p99 {_ms(st.p99_ms)} ms from when due "
        f"({_ms(st.p99_sent_ms)} ms from when sent; the clients fell at most "
        f"{st.max_lag_ms:.0f} ms behind); {st.failures} failed ({st.server_errors} 5xx). "
        f"Outcomes: {', '.join(f'{k} {v:,}' for k, v in sorted(st.outcomes.items()))}. "
        f"Folded into incidents: {st.folded:,} of {st.foldable:,} non-emergency reports "
        f"({st.folded_share:.1%}); open standalone non-emergency work orders left: "
        f"{st.standalone_orders}; incidents opened: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(st.incidents.items())) or 'none'}.",
        "",
        f"**Deadline scan** (`deadlines_scan(now=…)` in-process, rolled back): "
        f"{facts.scan.open_deadlines:,} open deadlines ({facts.scan.topped_up:,} of them added "
        f"on closed tickets, towards 50,000). A pass 30 s after the last: "
        f"{facts.scan.steady_seconds * 1000:.0f} ms, {facts.scan.steady_steps} steps. A pass "
        f"after {facts.scan.pause_minutes:g} min without one: "
        f"{facts.scan.backlog_seconds * 1000:.0f} ms, {facts.scan.backlog_steps:,} steps.",
    ]
    slow = [r for r in rows.values() if (r["max_sql_ms"] or 0) > 10]
    if slow:
        lines += ["", "**Slowest SQL per request over 10 ms** (in-process, large data):", ""]
        lines += [f"- {r['label']}: {r['max_sql_ms']:.0f} ms: `{r['slowest_sql']}`" for r in slow]
    if facts.logged_errors:
        lines += ["", f"**Server errors logged:** {len(facts.logged_errors)}"]
    lines += ["", f"_{CAVEAT}_", "", PROFILES]
    return "\n".join(lines)


def as_json(facts: Facts, median: Callable) -> dict:
    rows = summarise(facts, median)
    st = facts.storm
    return {
        "mode": facts.mode,
        "scenarios": rows,
        "unavailable": facts.unavailable,
        "targets": [
            {"target": t, "key": k, "measured": m, "met": ok}
            for t, k, m, ok in targets(facts, rows)
        ],
        "scan": facts.scan.__dict__,
        "rate": None
        if facts.rate is None
        else {
            "count": facts.rate.count,
            "p99_ms": facts.rate.latency_ms(99),
            "failures": facts.rate.failures,
            "server_errors": facts.rate.server_errors,
        },
        "storm": dict(st.__dict__) | {"folded_share": st.folded_share},
        "burst": (
            None if facts.burst is None else dict(facts.burst.__dict__) | {"lost": facts.burst.lost}
        ),
        "logged_server_errors": len(facts.logged_errors),
        "counts": facts.counts,
        "generation": facts.generation,
    }
