"""Repair deadlines and priority (DESIGN.md §3.2): pure arithmetic on settings.

The clock is wall time (repairs run 24/7): a deadline is a fixed number of minutes
after its start, with no working hours or holidays.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from grid.models import AreaType
from repairs.triage import DISPATCHING_OUTCOMES, Outcome
from tickets.models import Priority


def arrive_by(
    created_at: datetime, area_type: str, *, important: bool, emergency: bool
) -> datetime:
    """When the crew must be on site; emergencies and important customers get the urban limit."""
    limits = settings.GRIDLINE_ARRIVAL_MINUTES
    minutes = limits[AreaType.URBAN] if emergency or important else limits[area_type]
    return _after(created_at, minutes)


def restore_within(area_type: str, *, important: bool) -> timedelta:
    """How long the crew has to restore power once on site; important customers get urban."""
    limits = settings.GRIDLINE_RESTORE_MINUTES
    return timedelta(minutes=limits[AreaType.URBAN] if important else limits[area_type])


def restore_by(arrived_at: datetime, area_type: str, *, important: bool) -> datetime:
    """When power must be back, counted from the crew's arrival."""
    minutes = restore_within(area_type, important=important) // timedelta(minutes=1)
    return _after(arrived_at, minutes)


def repair_priority(*, outcome: str, important: bool) -> str:
    """Urgent for emergencies and important customers, high for a dispatch, else normal."""
    if outcome == Outcome.EMERGENCY_DISPATCH or important:
        return Priority.URGENT
    if outcome == Outcome.DISPATCH:
        return Priority.HIGH
    return Priority.NORMAL


@dataclass(frozen=True)
class Promise:
    """What a repair is promised when it is recorded: its priority and its crew's limits."""

    priority: str
    # None when no crew is sent.
    arrive_by: datetime | None
    # Counted from the crew's arrival.
    restore_within: timedelta

    @property
    def urgent(self) -> bool:
        """An emergency or an important customer: the station sees it flagged."""
        return self.priority == Priority.URGENT


def repair_promise(*, outcome: str, area_type: str, important: bool, now: datetime) -> Promise:
    """DESIGN §3.2 for one triage outcome: an emergency or an important premise gets the
    urban limits and top priority; only a dispatching outcome has an arrival time."""
    emergency = outcome == Outcome.EMERGENCY_DISPATCH
    return Promise(
        priority=repair_priority(outcome=outcome, important=important),
        arrive_by=(
            arrive_by(now, area_type, important=important, emergency=emergency)
            if outcome in DISPATCHING_OUTCOMES
            else None
        ),
        restore_within=restore_within(area_type, important=important or emergency),
    )


def incident_default_etr(created_at: datetime, area_types: Iterable[str]) -> datetime:
    """DESIGN §3.10: the crew's expected arrival for the device's area (the slowest area of
    the premises under it), plus GRIDLINE_INCIDENT_DEFAULT_ETR_HOURS."""
    limits = settings.GRIDLINE_ARRIVAL_MINUTES
    arrival = max((limits[area] for area in area_types), default=limits[AreaType.URBAN])
    return _after(created_at, arrival + settings.GRIDLINE_INCIDENT_DEFAULT_ETR_HOURS * 60)


def _after(start: datetime, minutes: int) -> datetime:
    if timezone.is_naive(start):
        raise ValueError("A deadline needs an aware datetime to start from.")
    # Add in UTC: aware arithmetic in a zone with daylight saving would otherwise
    # add local clock time, and a deadline promises elapsed minutes.
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)
