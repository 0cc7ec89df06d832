"""The faults run's section of bench/RESULTS.md (bench.report puts it in place)."""

import time
from datetime import datetime

from bench.faults.counting import FaultsResult


def render(r: FaultsResult, started_all: float) -> str:
    """The section: what ran, the faults, the counts, whether the guarantees held."""
    from bench.report import FAULTS_HEADING

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
        *_table(r),
        "",
        f"**Guarantees held:** {'**yes**' if r.held else '**NO**'}.",
        *_details(r),
    ]
    return "\n".join(lines)


def _table(r: FaultsResult) -> list[str]:
    return [
        "| measured | count |",
        "| --- | ---: |",
        f"| requests sent (retries included) | {r.requests:,} |",
        f"| Idempotency-Keys used | {r.keys:,} |",
        f"| every answer, by status | {_counts(r.answers)} |",
        f"| each key's last answer, by status | {_counts(r.finals)} |",
        f"| keys given up on (still 5xx or dropped after {r.retry_seconds:g} s) | {r.gave_up} |",
        f"| 201s | {r.created:,} |",
        f"| tickets stored for the 201s | {r.tickets_found:,} |",
        f"| repair tickets stored in all | {r.tickets_stored:,} |",
        f"| duplicates (numbers given twice + tickets without a 201) | {r.duplicates} |",
        f"| stored answer differs from the 201 the client got | {r.key_rows_mismatched} |",
        f"| stuck keys (status_code null at the end) | {r.stuck_keys} |",
        f"| incidents opened | {r.incidents} |",
        f"| ETR updates, every answer | {_counts(r.etr_answers)} |",
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
    ]


def _details(r: FaultsResult) -> list[str]:
    """The first few answers other than 2xx, and the exceptions in the logs."""
    lines: list[str] = []
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
    return lines


def _counts(d: dict[int, int]) -> str:
    return ", ".join(f"{'dropped' if k == 0 else k} {v:,}" for k, v in d.items()) or "none"
