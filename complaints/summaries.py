"""Complaint summaries to management (DESIGN §3.5): weekly and monthly numbers, stored, shown,
exported as CSV and emailed.

A period's numbers cover the complaints received in it (by the ticket's creation, local
time), by category, department, station, validity and channel, each beside the previous
period's; the deadlines that fell due in it and were not kept; and the issues that
repeat (the same category at the same station, or the same customer, more than once).

Exactly one summary exists per period: building it again rewrites the same row. Its
email goes to each recipient once, through the outbox (tickets.outbox): one message per
summary and recipient, queued in the transaction that stores the summary, claimed by
compare-and-set and retried with backoff.
"""

import calendar as month_calendar
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Role, User
from complaints.models import Category, Complaint, ComplaintSummary
from complaints.selectors import summary_email_list
from complaints.summary_format import DIMENSIONS, summary_email, summary_email_key
from grid.phones import mask_phone
from tickets.models import Channel, Deadline, Kind, OutboxMessage
from tickets.outbox import Message, outbox_enqueue, outbox_send_pending

Period = ComplaintSummary.Period
# "Repeated" means more than once in the period; the most repeated are listed first.
REPEATED_AT_LEAST = 2
REPEATED_LISTED = 10


# --- Periods (pure) ---------------------------------------------------------------------------


def period_bounds(period: str, on: date) -> tuple[date, date]:
    """The first and last day of the week (Monday to Sunday) or month containing `on`."""
    if period == Period.WEEKLY:
        monday = on - timedelta(days=on.weekday())
        return monday, monday + timedelta(days=6)
    if period == Period.MONTHLY:
        last = month_calendar.monthrange(on.year, on.month)[1]
        return on.replace(day=1), on.replace(day=last)
    raise ValueError(f"Unknown period {period!r}.")


def previous_bounds(period: str, starts_on: date) -> tuple[date, date]:
    return period_bounds(period, starts_on - timedelta(days=1))


def last_complete_bounds(period: str, today: date) -> tuple[date, date]:
    """The period that ended before the one `today` is in (what beat summarises)."""
    return previous_bounds(period, period_bounds(period, today)[0])


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- The numbers ------------------------------------------------------------------------------


def summary_numbers(*, period: str, starts_on: date, ends_on: date, now: datetime) -> dict:
    """The summary's data as stored: codes and names, never translated labels."""
    prev_start, prev_end = previous_bounds(period, starts_on)
    current = _complaints_received(starts_on, ends_on)
    previous = _complaints_received(prev_start, prev_end)
    overdue = _deadlines_missed(starts_on, ends_on, now=now)
    overdue_before = _deadlines_missed(prev_start, prev_end, now=now)
    breakdowns = {dim: _breakdown(dim, current, previous) for dim in DIMENSIONS}
    return {
        "period": period,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "previous": {"starts_on": prev_start.isoformat(), "ends_on": prev_end.isoformat()},
        "built_at": now.isoformat(),
        "totals": {
            "complaints": _pair(len(current), len(previous)),
            "reports": _pair(
                sum(r["is_report"] for r in current), sum(r["is_report"] for r in previous)
            ),
            "major": _pair(sum(r["major"] for r in current), sum(r["major"] for r in previous)),
            "overdue": _pair(
                len({o["number"] for o in overdue}), len({o["number"] for o in overdue_before})
            ),
        },
        "breakdowns": breakdowns,
        "overdue": overdue,
        "repeated": _repeated(current),
    }


def _pair(count: int, previous: int) -> dict[str, int]:
    return {"count": count, "previous": previous}


def _complaints_received(first: date, last: date) -> list[dict[str, Any]]:
    rows = Complaint.objects.filter(
        ticket__created_at__gte=_day_start(first),
        ticket__created_at__lt=_day_start(last + timedelta(days=1)),
    ).values(
        "ticket__number",
        "category__code",
        "category__name",
        "ticket__department__code",
        "ticket__department__name",
        "ticket__station__code",
        "ticket__station__name",
        "validity",
        "ticket__channel",
        "is_report",
        "major",
        "ticket__customer_id",
        "ticket__customer__name",
        "ticket__caller_phone",
    )
    return [
        {
            "number": r["ticket__number"],
            "category": (r["category__code"], r["category__name"]),
            "department": (
                r["ticket__department__code"] or "",
                r["ticket__department__name"] or "",
            ),
            "station": (r["ticket__station__code"] or "", r["ticket__station__name"] or ""),
            "validity": (r["validity"], ""),
            "channel": (r["ticket__channel"], ""),
            "is_report": r["is_report"],
            "major": r["major"],
            "customer": r["ticket__customer_id"],
            "customer_name": r["ticket__customer__name"] or "",
            "phone": r["ticket__caller_phone"],
        }
        for r in rows.order_by("ticket__created_at", "pk")
    ]


def _breakdown(dimension: str, current: list[dict], previous: list[dict]) -> list[dict]:
    """Rows of (key, name, count, previous), most complaints first. Every active category,
    validity and channel has a row, at zero too, so two summaries line up."""
    now_counts = Counter(r[dimension][0] for r in current)
    before_counts = Counter(r[dimension][0] for r in previous)
    # The name as it is now wins (a department renamed between the periods is one row).
    names = {r[dimension][0]: r[dimension][1] for r in [*previous, *current]}
    if dimension == "category":
        for code, name in Category.objects.filter(active=True).values_list("code", "name"):
            names.setdefault(code, name)
    elif dimension == "validity":
        for key in [*Complaint.Validity.values, ""]:
            names.setdefault(key, "")
    elif dimension == "channel":
        for key in Channel.values:
            names.setdefault(key, "")
    rows = [
        {"key": key, "name": name, "count": now_counts[key], "previous": before_counts[key]}
        for key, name in names.items()
    ]
    return sorted(
        rows,
        key=lambda row: (
            -row["count"],
            -row["previous"],
            row["key"] == "",
            row["name"] or row["key"],
        ),
    )


def _deadlines_missed(first: date, last: date, *, now: datetime) -> list[dict[str, Any]]:
    """Complaint deadlines that fell due in the period (by now) and were not kept in time."""
    end = min(_day_start(last + timedelta(days=1)), now)
    missed = (
        Deadline.objects.filter(
            ticket__kind=Kind.COMPLAINT,
            name__in=[Deadline.Name.CONTACT_BY, Deadline.Name.REPLY_BY],
            due_at__gte=_day_start(first),
            due_at__lt=end,
        )
        .filter(Q(met_at__isnull=True, closed_at__isnull=True) | Q(met_at__gt=F("due_at")))
        .values(
            "ticket__number",
            "ticket__complaint__category__name",
            "ticket__department__name",
            "name",
            "due_at",
            "met_at",
        )
        .order_by("due_at", "pk")
    )
    return [
        {
            "number": d["ticket__number"],
            "category": d["ticket__complaint__category__name"] or "",
            "department": d["ticket__department__name"] or "",
            "deadline": d["name"],
            "due_at": d["due_at"].isoformat(),
            "met_at": d["met_at"].isoformat() if d["met_at"] else None,
        }
        for d in missed
    ]


def _repeated(current: list[dict]) -> list[dict[str, Any]]:
    """The same category at the same station, or the same customer (by account, else by the
    caller's phone), more than once in the period; the most repeated first."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in current:
        if row["station"][0]:
            groups[("category_station", row["category"][0], row["station"][0])].append(row)
        if row["customer"] is not None:
            groups[("customer", row["customer"])].append(row)
        elif row["phone"]:
            groups[("phone", row["phone"])].append(row)
    repeated = []
    for key, rows in groups.items():
        if len(rows) < REPEATED_AT_LEAST:
            continue
        first = rows[0]
        item: dict[str, Any] = {
            "kind": key[0],
            "count": len(rows),
            "numbers": [r["number"] for r in rows],
        }
        if key[0] == "category_station":
            item |= {"category": first["category"][1], "station": first["station"][1]}
        else:
            # Management sees who, not a number to dial.
            item |= {
                "kind": "customer",
                "customer": first["customer_name"] or mask_phone(first["phone"]),
            }
        repeated.append(item)
    repeated.sort(key=lambda item: (-item["count"], item["numbers"][0]))
    return repeated[:REPEATED_LISTED]


# --- Building and sending ----------------------------------------------------------------------


def summary_recipients() -> dict[str, str]:
    """GRIDLINE_MANAGEMENT_EMAILS and every active manager with an email address, each with
    the language it reads: a manager's own, else the site's LANGUAGE_CODE."""
    recipients = {
        a.strip().lower(): settings.LANGUAGE_CODE
        for a in settings.GRIDLINE_MANAGEMENT_EMAILS
        if a.strip()
    }
    managers = User.objects.filter(is_active=True, role=Role.MANAGER).exclude(email="")
    for email, language in managers.values_list("email", "language"):
        recipients[email.strip().lower()] = language or settings.LANGUAGE_CODE
    return dict(sorted(recipients.items()))


def complaint_summary_build(
    *, period: str, on: date, now: datetime | None = None
) -> ComplaintSummary:
    """Build (or rebuild, in place) the summary of the period containing `on`, and queue its
    email to each recipient not sent it yet. Safe to run any number of times."""
    now = now or timezone.now()
    starts_on, ends_on = period_bounds(period, on)
    data = summary_numbers(period=period, starts_on=starts_on, ends_on=ends_on, now=now)
    with transaction.atomic():
        summary = _summary_for_update(period=period, starts_on=starts_on, ends_on=ends_on, now=now)
        summary.data = data
        summary.built_at = now
        summary.save(update_fields=["data", "built_at"])
        recipients = summary_recipients()
        # A report, not a short message: written when queued, once per language read
        # (DESIGN §3.16), rather than stored as values.
        emails = {
            language: summary_email(summary, language=language)
            for language in set(recipients.values())
        }
        # A rebuild sends nobody the summary twice; an email still waiting goes out
        # with the numbers as rebuilt.
        outbox_enqueue(
            [
                Message(
                    channel=OutboxMessage.Channel.EMAIL,
                    recipient=recipient,
                    subject=emails[language].subject,
                    body=emails[language].text,
                    html_body=emails[language].html,
                    attachments=(emails[language].csv,),
                    dedup_key=summary_email_key(summary_id=summary.pk, recipient=recipient),
                )
                for recipient, language in recipients.items()
            ],
            now=now,
            replace_unsent=True,
        )
    return summary


def _summary_for_update(
    *, period: str, starts_on: date, ends_on: date, now: datetime
) -> ComplaintSummary:
    """The period's one row, locked; created when missing (a racing creator's row wins)."""
    existing = ComplaintSummary.objects.select_for_update().filter(
        period=period, starts_on=starts_on
    )
    summary = existing.first()
    if summary is not None:
        return summary
    try:
        with transaction.atomic():
            return ComplaintSummary.objects.create(
                period=period, starts_on=starts_on, ends_on=ends_on, created_at=now, built_at=now
            )
    except IntegrityError:
        return existing.get()


@dataclass(frozen=True)
class SummaryRun:
    summary: ComplaintSummary
    sent: int  # the summary's emails that went out during the run


def complaint_summary_run(
    *, period: str, on: date | None = None, now: datetime | None = None
) -> SummaryRun:
    """What beat and the command do: build the period's summary (by default the last complete
    one), then send what the outbox holds. Running it again sends nothing twice."""
    now = now or timezone.now()
    if on is None:
        on = last_complete_bounds(period, timezone.localdate(now))[0]
    starts_on = period_bounds(period, on)[0]
    sent_before = _emails_sent(period=period, starts_on=starts_on)
    summary = complaint_summary_build(period=period, on=on, now=now)
    # The commit already kicked the outbox's sender; this pass sends without a worker too.
    outbox_send_pending(now=now)
    sent = _emails_sent(period=period, starts_on=starts_on) - sent_before
    return SummaryRun(summary=summary, sent=sent)


def _emails_sent(*, period: str, starts_on: date) -> int:
    summary_id = (
        ComplaintSummary.objects.filter(period=period, starts_on=starts_on)
        .values_list("pk", flat=True)
        .first()
    )
    if summary_id is None:
        return 0
    return summary_email_list(summary_id=summary_id).filter(sent_at__isnull=False).count()
