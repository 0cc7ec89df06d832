"""Profile benchmark scenarios in-process, on the data a `make bench` run left behind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridline_bench \\
        .venv/bin/python -m bench.profile ticket_detail dashboard [--requests 200] [--html DIR]

Each request goes through Django's WSGI handler with production settings (DEBUG off, as
gunicorn runs it), without the test client's template instrumentation. It prints, per
scenario, the SQL of one request with each statement's milliseconds, the median wall and
CPU time of a request, a pyinstrument tree, cProfile's functions by self time and the Python
function calls per request (the figure that does not drift with the machine's load). It
writes only what the requests themselves write (POST /repairs/ records repairs) and the
sessions it signs in.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import shutil
import sys
import time
from pathlib import Path

from bench.environment import environment
from bench.load import temp_dir


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scenarios", nargs="*", help="scenario keys, or floor (default: all)")
    p.add_argument("--requests", type=int, default=200, help="profiled requests per scenario")
    p.add_argument("--html", type=Path, help="also write an HTML profile per scenario here")
    p.add_argument("--redis-url", help="use this Redis as broker and cache, as deployed")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--all", action="store_true", help="show library frames in the profile")
    p.add_argument("--depth", type=int, default=40, help="lines of the printed profile")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        raise SystemExit("Point DATABASE_URL at the database a bench run filled.")
    var_dir = temp_dir()  # collected static files (the pages' manifest), logs
    env = environment(argparse.Namespace(redis_url=args.redis_url), var_dir)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        _profile(args)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


def _profile(args: argparse.Namespace) -> None:
    from bench.scenarios import FLOOR, SCENARIOS

    wanted = [s for s in [FLOOR, *SCENARIOS] if not args.scenarios or s.key in args.scenarios]
    fx = stored_fixtures(random.Random(args.seed))
    for scenario in wanted:
        profile_one(scenario, scenario.build(fx, random.Random(args.seed)), args)


def stored_fixtures(rng: random.Random):
    """Callers and objects taken from the database (the generator's Grid is gone)."""
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from bench.inprocess import sessions
    from bench.scenarios import Fixtures
    from grid.models import Premise
    from tickets.models import Ticket

    def users(role: str, n: int) -> list[int]:
        ids = list(User.objects.filter(role=role, is_active=True).values_list("pk", flat=True))
        return rng.sample(ids, k=min(n, len(ids)))

    agents, dispatchers = users(Role.AGENT, 10), users(Role.DISPATCHER, 10)
    tokens = dict(Token.objects.values_list("user_id", "key"))
    last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = rng.sample(range(1, last + 1), k=min(2000, last))
    last_premise = Premise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    premises = list(
        Premise.objects.filter(customer__phones__isnull=False)
        .filter(pk__in=rng.sample(range(1, last_premise + 1), k=min(4000, last_premise)))
        .values_list("meter_no", "customer__phones__number")[:2000]
    )
    return Fixtures(
        agent_tokens=[tokens[a] for a in agents if a in tokens],
        dispatcher_tokens=[tokens[d] for d in dispatchers if d in tokens],
        agent_cookies=sessions(agents),
        dispatcher_cookies=sessions(dispatchers),
        supervisor_cookies=sessions(users(Role.SUPERVISOR, 3)),
        ticket_numbers=list(Ticket.objects.filter(pk__in=ids).values_list("number", flat=True)),
        meters=[m for m, _ in premises],
        phones=[p for _, p in premises],
        integration_tokens=[tokens[i] for i in users(Role.INTEGRATION, 1) if i in tokens],
    )


def wsgi_call(handler, request) -> int:
    """One request through the WSGI handler, as gunicorn makes it; returns the status."""
    from django.test import RequestFactory

    headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in request.headers.items()}
    content_type = headers.pop("HTTP_CONTENT_TYPE", "application/json")
    factory = RequestFactory()
    if request.method == "POST":
        environ = factory.post(
            request.path, request.body, content_type=content_type, **headers
        ).environ
    else:
        environ = factory.get(request.path, **headers).environ
    status = []
    response = handler(environ, lambda s, h, *a: status.append(int(s.split()[0])))
    b"".join(response)
    response.close()
    return status[0]


def profile_one(scenario, requests: list, args: argparse.Namespace) -> None:
    from django.core.wsgi import get_wsgi_application
    from pyinstrument import Profiler

    from bench.inprocess import sql_timed

    handler = get_wsgi_application()
    for request in requests[:5]:  # warm per-process caches (templates, URL resolver, ...)
        wsgi_call(handler, request)
    with sql_timed() as timed:
        status = wsgi_call(handler, requests[5 % len(requests)])
    cpu, wall = [], []
    for i in range(args.requests):  # timed without a profiler attached
        request = requests[i % len(requests)]
        started_cpu, started = time.process_time(), time.perf_counter()
        wsgi_call(handler, request)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    cpu.sort()
    wall.sort()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in range(args.requests):
        wsgi_call(handler, requests[i % len(requests)])
    profiler.stop()
    # Self time by function, whatever the call path (cProfile: exact counts, more overhead).
    by_function = cProfile.Profile()
    by_function.enable()
    for i in range(args.requests):
        wsgi_call(handler, requests[i % len(requests)])
    by_function.disable()
    out = io.StringIO()
    out.write(
        f"\n=== {scenario.key}: {scenario.label} (status {status}, "
        f"{len(timed)} queries, {sum(t for t, _ in timed):.2f} ms of SQL)\n"
        f"one request: wall median {wall[len(wall) // 2] * 1000:.2f} ms, "
        f"CPU median {cpu[len(cpu) // 2] * 1000:.2f} ms over {args.requests}\n"
    )
    for ms, sql in timed:
        out.write(f"  {ms:6.2f} ms  {sql[:150]}\n")
    tree = profiler.output_text(unicode=True, show_all=args.all)
    out.write("\n".join(tree.splitlines()[6 : 6 + args.depth]) + "\n")
    stats = pstats.Stats(by_function, stream=out)
    # Python calls per request: a noise-free measure of the work, where timings drift.
    calls = stats.total_calls  # type: ignore[attr-defined]  # set by pstats, missing from typeshed
    out.write(f"Python function calls per request: {calls / args.requests:,.0f}\n")
    stats.sort_stats("tottime").print_stats(args.depth)
    sys.stdout.write(out.getvalue())
    if args.html:
        args.html.mkdir(parents=True, exist_ok=True)
        (args.html / f"{scenario.key}.html").write_text(profiler.output_html())


if __name__ == "__main__":
    sys.exit(main())
