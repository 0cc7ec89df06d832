"""The burst under faults (issue "Faults"): repairs recorded while Redis and PostgreSQL restart.

    make bench-faults                                   # 20 clients, 90 s, ~3 minutes in all
    .venv/bin/python -m bench.faults --clients 3 --seconds 6 --redis-down 2   # the smoke form

Everything it breaks is its own: a PostgreSQL cluster (initdb into a temp folder) and a
redis-server on free ports, with gunicorn and one Celery worker with beat pointed at them.
N clients record repairs, each with a fresh Idempotency-Key, and retry THE SAME body with THE
SAME key on a 5xx or a dropped connection (bounded), as a real client does. A supervisor sets
incident ETRs meanwhile, so the outbox has SMS to send. Mid-burst, Redis is killed for a
while and started again (empty); later PostgreSQL restarts (`pg_ctl restart -m fast`).
Afterwards it waits (bounded) for the outbox to drain and counts what the guarantees promise:
each key answered 201 or a clear 4xx, each 201 one stored ticket, no ticket without a 201,
no key left claimed, every message sent once. It reports; it never fails on a number.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bench.environment import environment, git_revision
from bench.load import ROOT, Server, temp_dir
from bench.scenarios import repair_body, token
from bench.services import OwnPostgres, OwnRedis, missing

SAMPLES = 5  # answers kept per status, for the report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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


def say(message: str = "") -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


class RecordingSms:
    """An SMS backend (GRIDLINE_SMS_BACKEND) that appends each message to
    GRIDLINE_BENCH_SMS_FILE, one JSON line, so that a message sent twice can be counted."""

    def send(self, *, phone: str, text: str) -> None:
        with open(os.environ["GRIDLINE_BENCH_SMS_FILE"], "a", encoding="utf-8") as f:
            f.write(json.dumps([phone, text], ensure_ascii=False) + "\n")


@dataclass
class Key:
    """One repair as a client records it: one Idempotency-Key, one or more attempts."""

    key: str
    answers: list[int] = field(default_factory=list)  # 0 for a dropped connection
    number: str = ""

    @property
    def final(self) -> int:
        return self.answers[-1]


@dataclass
class FaultsResult:
    revision: str
    clients: int
    seconds: float
    premises: int
    district: int
    workers: int
    retry_seconds: float
    sweep_seconds: int
    redis_down_at: float
    redis_down_seconds: float
    pg_restart_at: float
    pg_restart_seconds: float
    requests: int
    keys: int
    answers: dict[int, int]  # every answer, retries included (0: dropped connection)
    finals: dict[int, int]  # the last answer of each key
    created: int  # keys answered 201
    distinct_numbers: int
    tickets_stored: int  # all repair tickets in the database
    tickets_found: int  # tickets of the 201 numbers
    key_rows: int  # IdempotencyKey rows of the burst's keys
    key_rows_mismatched: int  # rows whose stored number is not what the client was told
    stuck_keys: int  # IdempotencyKey rows with status_code null at the end
    incidents: int
    etr_answers: dict[int, int]
    outbox_rows: int
    outbox_unsent: int
    outbox_retried: int  # rows sent after more than one attempt
    outbox_queued_while_down: int  # rows written while Redis was down: their kick was lost
    kicks_lost: int  # on-commit kicks that failed (logged by gunicorn), left to the sweep
    outbox_longest_wait: float  # seconds from queued to sent, the longest
    sms_recorded: int
    sms_sent_twice: int
    sms_sent_not_recorded: int
    drain_seconds: float
    samples: dict[int, list[str]]
    server_errors_logged: list[str]
    worker_errors_logged: list[str]
    # The exceptions behind them: each distinct last line of a traceback, with its count.
    server_exceptions: dict[str, int]
    worker_exceptions: dict[str, int]

    @property
    def gave_up(self) -> int:
        """Keys whose last answer was still a 5xx or a dropped connection."""
        return sum(n for status, n in self.finals.items() if status >= 500 or status == 0)

    @property
    def duplicates(self) -> int:
        """Numbers handed out twice, and tickets stored that no 201 told anyone about."""
        return (self.created - self.distinct_numbers) + (self.tickets_stored - self.tickets_found)

    @property
    def held(self) -> bool:
        return (
            self.gave_up == 0
            and self.duplicates == 0
            and self.tickets_found == self.distinct_numbers
            and self.key_rows_mismatched == 0
            and self.stuck_keys == 0
            and self.outbox_unsent == 0
            and self.sms_sent_twice == 0
            and self.sms_sent_not_recorded == 0
        )


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
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in [var_dir / "gunicorn.log", var_dir / "worker.log", postgres.log]:
                if log.exists():
                    shutil.copy(log, args.logs / log.name)
        postgres.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    section = render(result, started_all)
    say()
    say(section)
    if args.results:
        from bench.report import write_faults_section

        write_faults_section(args.results, section)
        say(f"\nWritten to {args.results}")
    if args.json:
        figures = asdict(result) | {
            "gave_up": result.gave_up,
            "duplicates": result.duplicates,
            "held": result.held,
        }
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


def _environment(args, var_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = environment(argparse.Namespace(redis_url=redis_url), var_dir)
    env |= {
        "DATABASE_URL": database_url,
        "GRIDLINE_SMS_BACKEND": "bench.faults.RecordingSms",
        "GRIDLINE_BENCH_SMS_FILE": str(var_dir / "sms.jsonl"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if args.sweep_seconds:
        env["GRIDLINE_OUTBOX_SWEEP_SECONDS"] = str(args.sweep_seconds)
    return env


@dataclass
class Worker:
    """`celery -A config worker --beat -Q celery,scan --concurrency 1`, logging to a file."""

    process: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, env: dict[str, str], log: Path) -> "Worker":
        args = [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
                "-Q", "celery,scan", "--concurrency", "1", "--loglevel", "INFO"]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        return cls(process, log)

    def errors(self) -> list[str]:
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines() if "ERROR" in line or "CRITICAL" in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _run(
    args, env, var_dir: Path, postgres: OwnPostgres, redis: OwnRedis, processes: list
) -> FaultsResult:
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import F, Max
    from django.utils import timezone

    from bench.grid_data import load_grid, load_staff
    from bench.load import start_gunicorn

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    grid = load_grid(args.premises, random.Random(args.seed))
    load_staff(grid)
    say(f"Migrated and loaded {args.premises:,} premises in {time.perf_counter() - t:.1f}s")
    server = start_gunicorn(env, args.workers, var_dir / "gunicorn.log")
    processes.append(server)
    worker = Worker.start(env, var_dir / "worker.log")
    processes.append(worker)
    say(
        f"Burst: {args.clients} clients for {args.seconds:g}s; Redis down "
        f"{args.redis_down:g}s from {args.redis_at:.0%}, PostgreSQL restart at {args.pg_at:.0%}"
    )

    keys: list[Key] = []
    etr_answers: Counter = Counter()
    samples: dict[int, list[str]] = {}
    lock = threading.Lock()
    started = time.perf_counter()
    stop = started + args.seconds

    def post(conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict):
        """(status, payload, connection to use next); status 0 for a dropped connection."""
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            status, payload = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            status, payload = 0, repr(exc).encode()
        if not 200 <= status < 300:
            with lock:
                kept = samples.setdefault(status, [])
                if len(kept) < SAMPLES:
                    at = time.perf_counter() - started
                    kept.append(f"{at:.1f}s {path}: {payload[:300].decode(errors='replace')}")
        return status, payload, conn

    def send(conn, path: str, body: bytes, headers: dict, answers: list[int]):
        """POST until a 2xx or a 4xx, or the retry budget is spent; the same body each time."""
        give_up = time.perf_counter() + args.retry_seconds
        while True:
            status, payload, conn = post(conn, path, body, headers)
            answers.append(status)
            if 200 <= status < 500 or time.perf_counter() > give_up:
                return status, payload, conn
            time.sleep(0.25)

    def client(seed: float) -> None:
        local = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        agent = grid.tokens[local.choice(grid.agents)]
        while time.perf_counter() < stop:
            premise = local.choice(grid.premises[: args.district])
            phone = grid.phone_of.get(premise.customer_id, "")
            body = repair_body(premise.meter_no, phone, local).encode()
            record = Key(uuid.uuid4().hex)
            headers = token(agent) | {
                "Content-Type": "application/json",
                "Idempotency-Key": record.key,
            }
            status, payload, conn = send(conn, "/api/v1/repairs/", body, headers, record.answers)
            if status == 201:
                record.number = json.loads(payload)["number"]
            with lock:
                keys.append(record)
        conn.close()

    def supervisor() -> None:
        """A new ETR on an active incident every --etr-every seconds: an SMS to each caller.
        Each ETR is a minute of its own, so each message's text is too."""
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = token(grid.tokens[grid.supervisors[0]]) | {"Content-Type": "application/json"}
        base = datetime.now().astimezone().replace(second=0, microsecond=0) + timedelta(hours=2)
        minute = 0
        while time.perf_counter() < stop:
            time.sleep(args.etr_every)
            try:
                conn.request("GET", "/api/v1/incidents/?active=true", headers=headers)
                response = conn.getresponse()
                listed = json.loads(response.read()) if response.status == 200 else {}
            except (OSError, http.client.HTTPException, ValueError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                continue
            incidents = [i["id"] for i in listed.get("results", [])]
            if not incidents:
                continue
            minute += 1
            etr = (base + timedelta(minutes=minute)).isoformat()
            path = f"/api/v1/incidents/{random.choice(incidents)}/etr/"
            answers: list[int] = []
            _s, _p, conn = send(conn, path, json.dumps({"etr": etr}).encode(), headers, answers)
            with lock:
                etr_answers.update(answers)
        conn.close()

    rng = random.Random(args.seed)
    threads = [threading.Thread(target=client, args=(rng.random(),)) for _ in range(args.clients)]
    threads.append(threading.Thread(target=supervisor))
    for thread in threads:
        thread.daemon = True
        thread.start()

    def wait_until(share: float) -> float:
        pause = started + args.seconds * share - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        return time.perf_counter() - started

    redis_at = wait_until(args.redis_at)
    say(f"  {redis_at:.1f}s: Redis killed")
    redis_down = timezone.now()
    redis.stop()
    time.sleep(args.redis_down)
    redis.start()
    redis_up = timezone.now()
    redis_seconds = time.perf_counter() - started - redis_at
    say(f"  {redis_at + redis_seconds:.1f}s: Redis answers again ({redis_seconds:.1f}s down)")
    pg_at = wait_until(max(args.pg_at, (redis_at + redis_seconds) / args.seconds))
    say(f"  {pg_at:.1f}s: PostgreSQL restarting")
    pg_seconds = postgres.restart()
    say(f"  {pg_at + pg_seconds:.1f}s: PostgreSQL answers again ({pg_seconds:.1f}s)")
    for thread in threads:
        thread.join(timeout=args.seconds + args.retry_seconds + 60)
    burst_seconds = time.perf_counter() - started
    say(f"  burst over after {burst_seconds:.1f}s; waiting for the outbox to drain")

    from django.db import connections

    connections.close_all()  # this process's connection died with the restart
    drain_seconds = _drain(args.drain_seconds)
    server.stop()
    worker.stop()

    from repairs.models import Incident
    from tickets.models import IdempotencyKey, OutboxMessage, Ticket

    numbers = [k.number for k in keys if k.number]
    rows = dict(
        IdempotencyKey.objects.filter(key__in=[k.key for k in keys]).values_list("key", "response")
    )
    told = {k.key: k.number for k in keys if k.number}
    mismatched = sum(
        1 for key, number in told.items() if (rows.get(key) or {}).get("number") != number
    )
    outbox = OutboxMessage.objects.all()
    recorded: Counter = Counter()
    sms_file = Path(env["GRIDLINE_BENCH_SMS_FILE"])
    if sms_file.exists():
        for line in sms_file.read_text(encoding="utf-8").splitlines():
            recorded[tuple(json.loads(line))] += 1
    sent_sms = outbox.filter(channel="sms", sent_at__isnull=False).values_list("recipient", "body")
    longest = outbox.aggregate(wait=Max(F("sent_at") - F("created_at")))["wait"]
    return FaultsResult(
        revision=git_revision(),
        clients=args.clients,
        seconds=burst_seconds,
        premises=args.premises,
        district=args.district,
        workers=args.workers,
        retry_seconds=args.retry_seconds,
        sweep_seconds=settings.GRIDLINE_OUTBOX_SWEEP_SECONDS,
        redis_down_at=redis_at,
        redis_down_seconds=redis_seconds,
        pg_restart_at=pg_at,
        pg_restart_seconds=pg_seconds,
        requests=sum(len(k.answers) for k in keys),
        keys=len(keys),
        answers=dict(sorted(Counter(a for k in keys for a in k.answers).items())),
        finals=dict(sorted(Counter(k.final for k in keys).items())),
        created=len(numbers),
        distinct_numbers=len(set(numbers)),
        tickets_stored=Ticket.objects.filter(kind="repair").count(),
        tickets_found=Ticket.objects.filter(number__in=numbers).count(),
        key_rows=len(rows),
        key_rows_mismatched=mismatched,
        stuck_keys=IdempotencyKey.objects.filter(status_code__isnull=True).count(),
        incidents=Incident.objects.count(),
        etr_answers=dict(sorted(etr_answers.items())),
        outbox_rows=outbox.count(),
        outbox_unsent=outbox.filter(sent_at__isnull=True).count(),
        outbox_retried=outbox.filter(sent_at__isnull=False, attempts__gt=1).count(),
        outbox_queued_while_down=outbox.filter(created_at__range=(redis_down, redis_up)).count(),
        kicks_lost=_lines(server.log, "Error calling Task.delay in on_commit"),
        outbox_longest_wait=longest.total_seconds() if longest else 0.0,
        sms_recorded=sum(recorded.values()),
        sms_sent_twice=sum(n - 1 for n in recorded.values() if n > 1),
        sms_sent_not_recorded=sum(1 for pair in sent_sms if pair not in recorded),
        drain_seconds=drain_seconds,
        samples=samples,
        server_errors_logged=server.server_errors(),
        worker_errors_logged=worker.errors(),
        server_exceptions=_exceptions(server.log),
        worker_exceptions=_exceptions(worker.log),
    )


EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception|Shutdown): ")


def _exceptions(log: Path) -> dict[str, int]:
    found = Counter(
        line[:200]
        for line in log.read_text(errors="replace").splitlines()
        if EXCEPTION_LINE.match(line)
    )
    return dict(found.most_common())


def _lines(log: Path, text: str) -> int:
    return sum(1 for line in log.read_text(errors="replace").splitlines() if text in line)


def _drain(seconds: float) -> float:
    """Wait until no message is left unsent (at most `seconds`); returns how long it took."""
    from tickets.models import OutboxMessage

    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if not OutboxMessage.objects.filter(sent_at__isnull=True).exists():
            break
        time.sleep(1)
    return time.perf_counter() - started


def render(r: FaultsResult, started_all: float) -> str:
    from bench.report import FAULTS_HEADING

    def counts(d: dict[int, int]) -> str:
        return ", ".join(f"{'dropped' if k == 0 else k} {v:,}" for k, v in d.items()) or "none"

    lines = [
        f"{FAULTS_HEADING} — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Revision {r.revision}; `python -m bench.faults`: own PostgreSQL and Redis; "
        f"{r.premises:,} premises (the calls "
        f"from the first {r.district:,}); gunicorn "
        f"{r.workers} sync workers; one Celery worker with beat (outbox sweep every "
        f"{r.sweep_seconds} s); {r.clients} clients recording repairs for {r.seconds:.0f} s, "
        f"each with a fresh Idempotency-Key, retrying the same body and key on a 5xx or a "
        f"dropped connection for up to {r.retry_seconds:g} s; a supervisor setting incident "
        f"ETRs meanwhile (SMS to each caller). Whole run "
        f"{(time.perf_counter() - started_all) / 60:.1f} min.",
        "",
        f"**Faults:** Redis killed at {r.redis_down_at:.0f} s and answering again "
        f"{r.redis_down_seconds:.1f} s later (empty); PostgreSQL `pg_ctl restart -m fast` at "
        f"{r.pg_restart_at:.0f} s, answering again after {r.pg_restart_seconds:.1f} s.",
        "",
        "| measured | count |",
        "| --- | ---: |",
        f"| requests sent (retries included) | {r.requests:,} |",
        f"| Idempotency-Keys used | {r.keys:,} |",
        f"| every answer, by status | {counts(r.answers)} |",
        f"| each key's last answer, by status | {counts(r.finals)} |",
        f"| keys given up on (still 5xx or dropped after {r.retry_seconds:g} s) | {r.gave_up} |",
        f"| 201s | {r.created:,} |",
        f"| tickets stored for the 201s | {r.tickets_found:,} |",
        f"| repair tickets stored in all | {r.tickets_stored:,} |",
        f"| duplicates (numbers given twice + tickets without a 201) | {r.duplicates} |",
        f"| stored answer differs from the 201 the client got | {r.key_rows_mismatched} |",
        f"| stuck keys (status_code null at the end) | {r.stuck_keys} |",
        f"| incidents opened | {r.incidents} |",
        f"| ETR updates, every answer | {counts(r.etr_answers)} |",
        f"| outbox messages | {r.outbox_rows:,} |",
        f"| unsent after the drain ({r.drain_seconds:.0f} s) | {r.outbox_unsent} |",
        f"| queued while Redis was down | {r.outbox_queued_while_down} |",
        f"| on-commit kicks lost (broker down; left to the sweep) | {r.kicks_lost} |",
        f"| longest wait from queued to sent | {r.outbox_longest_wait:.0f} s |",
        f"| sent after a failed attempt | {r.outbox_retried} |",
        f"| SMS sent more than once | {r.sms_sent_twice} |",
        f"| marked sent but never sent | {r.sms_sent_not_recorded} |",
        f"| server errors logged (gunicorn) | {len(r.server_errors_logged)} |",
        f"| errors logged (worker) | {len(r.worker_errors_logged)} |",
        "",
        f"**Guarantees held:** {'**yes**' if r.held else '**NO**'}.",
    ]
    if r.samples:
        lines += ["", "Answers other than 2xx (the first few of each):", ""]
        for status, kept in sorted(r.samples.items()):
            lines += [f"- {'dropped' if status == 0 else status}: `{s}`" for s in kept]
    for label, found in [("gunicorn", r.server_exceptions), ("worker", r.worker_exceptions)]:
        if found:
            lines += [
                "",
                f"Exceptions in the {label} log (tracebacks' lines, chained ones too):",
                "",
            ]
            lines += [f"- {n} × `{line}`" for line, n in found.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
