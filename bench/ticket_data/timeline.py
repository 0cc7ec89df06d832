"""The rows every kind of ticket leaves behind: timeline events, the resolve and close, and
deadlines (met, or open with the escalation steps so far).
"""

import json
from datetime import datetime, timedelta

from bench.ticket_data.year import NewTicket, Rows, Year

EMPTY = "{}"
SLA_EVENT = {"warning": "sla_warning", "overdue": "sla_overdue", "management": "sla_escalated"}


def event(
    rows: Rows,
    t: NewTicket,
    kind: str,
    at: datetime,
    actor=None,
    note="",
    old="",
    new="",
    data=EMPTY,
) -> None:
    rows.events.append((t.id, kind, at, actor, note, old, new, data))


def close(year: Year, rows: Rows, t: NewTicket, resolved: datetime, rng, note="") -> None:
    """Resolved at `resolved`; closed after the callback unless that is still to come."""
    resolved = min(resolved, year.as_of)
    event(rows, t, "resolve", resolved, t.agent, note, t.status, "resolved")
    t.status, t.resolved, t.updated = "resolved", resolved, resolved
    closed = resolved + timedelta(hours=rng.uniform(2, 48))
    if closed < year.as_of:
        event(rows, t, "close", closed, t.agent, "", "resolved", "closed")
        t.status, t.closed, t.updated = "closed", closed, closed


def met_deadline(year: Year, rows, t, name, starts, due, met, station=None, department=None):
    year.counters.deadline += 1
    rows.deadlines.append(
        (
            year.counters.deadline,
            t.id,
            name,
            starts,
            due,
            station,
            department,
            met,
            met,
            "",
            None,
        )
    )


def open_deadline(year: Year, rows, t, name, starts, due, *, station=None, department=None):
    """Open, with the escalation steps a scan 30 seconds ago would have recorded."""
    year.counters.deadline += 1
    did = year.counters.deadline
    scanned = year.as_of - timedelta(seconds=30)
    next_step, next_at = "", None
    for step, fraction in year.fractions:
        at = starts + (due - starts) * fraction
        if at > scanned:
            next_step, next_at = step, at
            break
        rows.steps.append((did, step, at))
        event(
            rows,
            t,
            SLA_EVENT[step],
            at,
            data=json.dumps({"deadline": name, "due_at": due.isoformat(), "step": step}),
        )
    rows.deadlines.append(
        (did, t.id, name, starts, due, station, department, None, None, next_step, next_at)
    )
