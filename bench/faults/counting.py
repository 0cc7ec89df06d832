"""What the faults run counts afterwards: the clients' keys against the database, the outbox
against the SMS record, and the errors in the gunicorn and worker logs."""

import argparse
import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.environment import git_revision
from bench.faults.clients import Burst, Key
from bench.faults.outages import Outages
from bench.faults.worker import Worker
from bench.load import Server

EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception|Shutdown): ")


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


def drain(seconds: float) -> float:
    """Wait until no message is left unsent (at most `seconds`); returns how long it took."""
    from tickets.models import OutboxMessage

    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if not OutboxMessage.objects.filter(sent_at__isnull=True).exists():
            break
        time.sleep(1)
    return time.perf_counter() - started


def count(
    args: argparse.Namespace,
    burst: Burst,
    burst_seconds: float,
    outages: Outages,
    server: Server,
    worker: Worker,
    sms_file: Path,
    drain_seconds: float,
) -> FaultsResult:
    """Everything FaultsResult holds, once the burst is over and the outbox drained."""
    from django.conf import settings
    from django.db.models import F, Max

    from repairs.models import Incident
    from tickets.models import IdempotencyKey, OutboxMessage, Ticket

    keys = burst.keys
    numbers = [k.number for k in keys if k.number]
    rows = dict(
        IdempotencyKey.objects.filter(key__in=[k.key for k in keys]).values_list("key", "response")
    )
    outbox = OutboxMessage.objects.all()
    recorded = _recorded_sms(sms_file)
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
        redis_down_at=outages.redis_at,
        redis_down_seconds=outages.redis_seconds,
        pg_restart_at=outages.pg_at,
        pg_restart_seconds=outages.pg_seconds,
        requests=sum(len(k.answers) for k in keys),
        keys=len(keys),
        answers=dict(sorted(Counter(a for k in keys for a in k.answers).items())),
        finals=dict(sorted(Counter(k.final for k in keys).items())),
        created=len(numbers),
        distinct_numbers=len(set(numbers)),
        tickets_stored=Ticket.objects.filter(kind="repair").count(),
        tickets_found=Ticket.objects.filter(number__in=numbers).count(),
        key_rows=len(rows),
        key_rows_mismatched=_mismatched(keys, rows),
        stuck_keys=IdempotencyKey.objects.filter(status_code__isnull=True).count(),
        incidents=Incident.objects.count(),
        etr_answers=dict(sorted(burst.etr_answers.items())),
        outbox_rows=outbox.count(),
        outbox_unsent=outbox.filter(sent_at__isnull=True).count(),
        outbox_retried=outbox.filter(sent_at__isnull=False, attempts__gt=1).count(),
        outbox_queued_while_down=outbox.filter(
            created_at__range=(outages.redis_down, outages.redis_up)
        ).count(),
        kicks_lost=_lines(server.log, "Error calling Task.delay in on_commit"),
        outbox_longest_wait=longest.total_seconds() if longest else 0.0,
        sms_recorded=sum(recorded.values()),
        sms_sent_twice=sum(n - 1 for n in recorded.values() if n > 1),
        sms_sent_not_recorded=sum(1 for pair in sent_sms if pair not in recorded),
        drain_seconds=drain_seconds,
        samples=burst.samples,
        server_errors_logged=server.server_errors(),
        worker_errors_logged=worker.errors(),
        server_exceptions=_exceptions(server.log),
        worker_exceptions=_exceptions(worker.log),
    )


def _mismatched(keys: list[Key], rows: dict) -> int:
    """Keys answered 201 whose stored answer holds another number (or none)."""
    told = {k.key: k.number for k in keys if k.number}
    return sum(1 for key, number in told.items() if (rows.get(key) or {}).get("number") != number)


def _recorded_sms(sms_file: Path) -> Counter:
    """Each (phone, text) the SMS backend was asked to send, with how many times."""
    recorded: Counter = Counter()
    if sms_file.exists():
        for line in sms_file.read_text(encoding="utf-8").splitlines():
            recorded[tuple(json.loads(line))] += 1
    return recorded


def _exceptions(log: Path) -> dict[str, int]:
    found = Counter(
        line[:200]
        for line in log.read_text(errors="replace").splitlines()
        if EXCEPTION_LINE.match(line)
    )
    return dict(found.most_common())


def _lines(log: Path, text: str) -> int:
    return sum(1 for line in log.read_text(errors="replace").splitlines() if text in line)
