"""The kinds without a dispatch or a complaint's steps: consultations and praise, answered on
the call; service requests and opinions, replied to within days.
"""

from datetime import timedelta

from bench.ticket_data.shares import REPLY_DAYS
from bench.ticket_data.timeline import close, event, met_deadline, open_deadline
from bench.ticket_data.year import NewTicket, Rows, Year


def answered(year: Year, rows: Rows, t: NewTicket, rng) -> None:
    """Consultations and praise: answered and closed on the call."""
    year.caller(t, None, rng)
    t.priority = "normal" if t.kind == "consultation" else "low"
    event(rows, t, "created", t.created, t.agent, new="open")
    t.status = "open"
    at = min(year.as_of, t.created + timedelta(minutes=rng.uniform(2, 9)))
    event(rows, t, "resolve", at, t.agent, "已在通话中答复", "open", "resolved")
    event(rows, t, "close", at, t.agent, "", "resolved", "closed")
    t.status, t.resolved, t.closed, t.updated = "closed", at, at, at


def reply_kind(year: Year, rows: Rows, t: NewTicket, is_open: bool, rng) -> None:
    """Service requests and opinions: a reply within days (the reply_by deadline)."""
    premise = year.caller(t, None, rng)
    t.premise = premise.id if premise and t.kind == "service_request" else None
    t.station = premise.station_id if premise else None
    event(rows, t, "created", t.created, t.agent, new="open")
    t.status = "open"
    due = t.created + timedelta(days=REPLY_DAYS[t.kind])
    if is_open:
        if rng.random() < 0.6:
            event(
                rows,
                t,
                "start",
                t.created + timedelta(hours=1),
                t.agent,
                old="open",
                new="in_progress",
            )
            t.status = "in_progress"
        open_deadline(year, rows, t, "reply_by", t.created, due, station=t.station)
        return
    done = t.created + timedelta(days=rng.uniform(0.5, REPLY_DAYS[t.kind] * 1.1))
    met_deadline(year, rows, t, "reply_by", t.created, due, min(done, year.as_of), t.station)
    close(year, rows, t, done, rng, "已办结")
