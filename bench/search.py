"""Ticket search over a year of data (issue 15): the SQL time of one search, by what is typed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridline_bench \\
        .venv/bin/python -m bench.search --build      # DROPS, refills (~5 min at 1 M), measures
    DATABASE_URL=... .venv/bin/python -m bench.search  # measures on the data already there

`--build` generates the data as `make bench` does (bench.generate) and nothing else: no
gunicorn, no storm. Without it the data a bench run left behind is used, migrated first (the
search's indexes are built then, if they are new). Each search is made in-process as the
ticket list page, the API and the console make it, and the SQL of the request is timed
statement by statement (bench.inprocess.sql_timed); the median of the runs is reported.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from bench.environment import environment, git_revision
from bench.load import temp_dir
from bench.progress import Clock, say

TARGET_MS = 50.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", action="store_true", help="drop and refill the database first")
    p.add_argument("--premises", type=int, default=200_000)
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--open", type=int, help="open tickets (default: 5%% of --tickets)")
    p.add_argument("--runs", type=int, default=7, help="timed runs of each search")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument(
        "--results", type=Path, help="write the section into this file (bench/RESULTS.md)"
    )
    args = p.parse_args(argv)
    if args.open is None:
        args.open = round(args.tickets * 0.05)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url:
        raise SystemExit("Point DATABASE_URL at a PostgreSQL database whose name has 'bench'.")
    if args.build:
        from bench.database import recreate_database

        recreate_database(url)
    var_dir = temp_dir()
    env = environment(argparse.Namespace(redis_url=None), var_dir)
    os.environ.update(env)
    import django

    django.setup()
    try:
        if args.build:
            _build(args)
        else:
            _migrate()
        results = measure(args)
        section = render(results, args)
        say()
        say(section)
        if args.results:
            from bench.report import SEARCH_HEADING, write_section

            write_section(args.results, SEARCH_HEADING, section)
            say(f"\nWritten to {args.results}")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


def _build(args: argparse.Namespace) -> None:
    from bench import generate

    clock = Clock()
    rng = random.Random(args.seed)
    _migrate()
    say("Generating data:")
    data = generate.first_share(args, clock, rng)
    generate.the_rest(data, args, clock, rng)


def _migrate() -> None:
    """Migrate (the search's indexes, when new), and collect the static files the pages
    name (production settings: the manifest)."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    say(f"  migrate + collectstatic: {time.perf_counter() - started:.1f}s")


@dataclass
class Case:
    label: str
    typed: str


@dataclass
class Timing:
    """One search made one way: the median SQL milliseconds of a request, its slowest
    statement and its queries."""

    sql_ms: float
    slowest_ms: float
    queries: int


def cases() -> list[Case]:
    """What an agent types, taken from the data: a ticket and its caller, customer and
    premise, and words of the generated descriptions (a common one, one of every fifth
    repair, and two that no description holds)."""
    from grid.models import Customer
    from tickets.models import Ticket

    ticket = (
        Ticket.objects.filter(customer__isnull=False, premise__isnull=False)
        .exclude(caller_phone="")
        .select_related("customer", "premise")
        .order_by("-pk")[1000]
    )
    phone = ticket.caller_phone
    spaced = f"{phone[:3]} {phone[3:7]} {phone[7:]}" if len(phone) == 11 else phone
    name = (
        Customer.objects.filter(name__regex=r"^...$")
        .order_by("pk")
        .values_list("name", flat=True)[100]
    )
    assert ticket.premise is not None
    address = ticket.premise.address
    return [
        Case("ticket number, whole", ticket.number),
        Case("ticket number, its end", ticket.number[-6:]),
        Case("caller's phone, spaced", spaced),
        Case("caller's phone, +86 and dashes", f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"),
        Case("customer name, 3 characters", name),
        Case("2-character fragment of a name", name[1:]),
        Case("part of an address", address[2:7]),
        Case("2-character part of an address", address[2:4]),
        Case("description word, common (2 characters)", "停电"),
        Case("description words (4 characters)", "表箱冒烟"),
        Case("2-character fragment nothing holds", "家乐"),
        Case("3-character fragment nothing holds", "蔡家乐"),
    ]


def measure(args: argparse.Namespace) -> list[tuple[Case, dict[str, Timing], int]]:
    """Each case's timings by way, and how many tickets the API found."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from bench.inprocess import sql_timed

    agent = User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").first()
    assert agent is not None, "the data has no agent"
    client = Client()
    client.force_login(agent)
    token, _ = Token.objects.get_or_create(user=agent)
    ways = {
        "list page": lambda q: client.get(f"/tickets/?q={quote(q)}"),
        "API": lambda q: client.get(
            f"/api/v1/tickets/?q={quote(q)}", HTTP_AUTHORIZATION=f"Token {token.key}"
        ),
        "console": lambda q: client.get(f"/console/search/?q={quote(q)}"),
    }
    results: list[tuple[Case, dict[str, Timing], int]] = []
    for case in cases():
        timings: dict[str, Timing] = {}
        for way, get in ways.items():
            get(case.typed)  # warm: the plan cache and the pages read
            runs = []
            for _ in range(args.runs):
                with sql_timed() as timed:
                    response = get(case.typed)
                assert response.status_code == 200, (case, way, response.status_code)
                runs.append((sum(ms for ms, _ in timed), max(ms for ms, _ in timed), len(timed)))
            total, slowest, queries = (statistics.median(r[i] for r in runs) for i in range(3))
            timings[way] = Timing(total, slowest, int(queries))
            if way == "API":
                found = response.json()["count"]
        results.append((case, timings, found))
        spent = ", ".join(f"{way} {t.sql_ms:.1f} ms" for way, t in timings.items())
        say(f"  {case.label} ({case.typed!r}): {spent}")
    return results


def render(results: list[tuple[Case, dict[str, Timing], int]], args: argparse.Namespace) -> str:
    from django.db import connection

    from bench.report import SEARCH_HEADING
    from tickets.models import Ticket

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    lines = [
        f"{SEARCH_HEADING} — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Revision {git_revision()}; `python -m bench.search` on {Ticket.objects.count():,} "
        f"tickets (PostgreSQL {version}, {os.cpu_count()} cores, shared with other test "
        f"runs); each search made {args.runs} times in-process as an agent, after one "
        "warm-up; the median of the SQL time of the whole request (every statement, timed "
        "in the process), its slowest statement and its queries. Target: under "
        f"{TARGET_MS:g} ms of SQL.",
        "",
        "| search | typed | list page ms (slowest; queries) | API ms | console ms | found (API) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    worst = 0.0
    for case, ways, found in results:
        page, api, console = ways["list page"], ways["API"], ways["console"]
        worst = max(worst, page.sql_ms, api.sql_ms, console.sql_ms)
        lines.append(
            f"| {case.label} | `{case.typed}` | {page.sql_ms:.1f} ({page.slowest_ms:.1f}; "
            f"{page.queries}) | {api.sql_ms:.1f} ({api.queries}) | {console.sql_ms:.1f} "
            f"({console.queries}) | {found} |"
        )
    met = "yes" if worst < TARGET_MS else "**NO**"
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    lines += [
        "",
        f"Slowest search: {worst:.1f} ms of SQL; under {TARGET_MS:g} ms: {met}. Load average "
        f"at the end {load} (on {os.cpu_count()} cores: what else ran swells every figure).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
