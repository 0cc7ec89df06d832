"""Writes of the dashboards app: keeping the daily rollup (dashboards/models.py) current.

Why a periodic recount rather than updates from the services that change the data: the
numbers of a day keep moving after it ends (a crew arrives after midnight, a complaint
is judged a week later), and the services that move them belong to other apps. A recount
of recent days from the source tables, on a schedule, needs no hook in any of them, can
never drift (it overwrites), and a rebuild is the same code over a longer range. Today is
never stored: the dashboard counts it live, exactly, from indexed columns.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dashboards import daily
from dashboards.models import ComplaintDay, RollupDay, RollupState, TicketDay, WorkOrderDay

# A rebuild writes this many days per transaction, so no transaction holds a year.
REBUILD_CHUNK_DAYS = 31


@dataclass(frozen=True)
class Recounted:
    first: date | None
    last: date | None
    days: int


def rollup_refresh(*, now: datetime | None = None, days: int | None = None) -> Recounted:
    """Recount the last `days` closed days (GRIDLINE_ROLLUP_RECENT_DAYS by default), and every
    closed day since the last refresh when the worker was away. Safe to run at any time, on
    any number of workers: they take turns on the state row, and a recount overwrites.

    The first refresh of an empty rollup counts every day since the oldest ticket.
    """
    now = now or timezone.now()
    last = daily.local_today(now) - timedelta(days=1)
    days = days or settings.GRIDLINE_ROLLUP_RECENT_DAYS
    with transaction.atomic():
        state = _state_locked()
        first = last - timedelta(days=days - 1)
        if state.fresh_through is None:
            first = min(first, daily.first_day() or first)
        elif state.fresh_through < first - timedelta(days=1):
            first = state.fresh_through + timedelta(days=1)
        _write(first=first, last=last, now=now)
        _mark(state, last=last, now=now)
    return Recounted(first, last, (last - first).days + 1)


def rollup_rebuild(*, since: date | None = None, now: datetime | None = None) -> Recounted:
    """Recount every closed day from `since` (default: the oldest ticket's day) through
    yesterday, a month per transaction. Use it after a data repair or an import."""
    now = now or timezone.now()
    last = daily.local_today(now) - timedelta(days=1)
    first = since or daily.first_day()
    if first is None or first > last:
        with transaction.atomic():
            _mark(_state_locked(), last=last, now=now)
        return Recounted(None, None, 0)
    chunk_first = first
    while chunk_first <= last:
        chunk_last = min(chunk_first + timedelta(days=REBUILD_CHUNK_DAYS - 1), last)
        with transaction.atomic():
            state = _state_locked()
            _write(first=chunk_first, last=chunk_last, now=now)
            if chunk_last == last:
                _mark(state, last=last, now=now)
        chunk_first = chunk_last + timedelta(days=1)
    return Recounted(first, last, (last - first).days + 1)


def _state_locked() -> RollupState:
    # get_or_create survives two workers creating the row at once (it re-reads on conflict).
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def _mark(state: RollupState, *, last: date, now: datetime) -> None:
    state.fresh_through = last
    state.refreshed_at = now
    state.save(update_fields=["fresh_through", "refreshed_at"])


def _write(*, first: date, last: date, now: datetime) -> None:
    """Replace the rows of days first..last with a fresh count. Call inside a transaction."""
    if first > last:
        return
    start, end = daily.day_start(first), daily.day_start(last + timedelta(days=1))
    tickets = daily.ticket_days(start=start, end=end)
    work_orders = daily.work_order_days(start=start, end=end, now=now)
    complaints = daily.complaint_days(start=start, end=end)
    _replace(TicketDay, tickets, first=first, last=last)
    _replace(WorkOrderDay, work_orders, first=first, last=last)
    _replace(ComplaintDay, complaints, first=first, last=last)


def _replace(model: type[RollupDay], rows: list[RollupDay], *, first: date, last: date) -> None:
    model.objects.filter(day__gte=first, day__lte=last).delete()
    model.objects.bulk_create(rows, batch_size=1000)
