"""Working days (DESIGN §3.5): pure functions over the calendar's data, no database.

A year with calendar data knows its public holidays and its make-up working days
(调休, a weekend day worked to bridge a holiday); every other date is a working
day from Monday to Friday. A year without data falls back to Monday to Friday
alone, and the functions say which years did, so the caller can warn.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Calendar:
    """The calendar's data: holidays, make-up working days, and the years they cover."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()


@dataclass(frozen=True)
class WorkingDays:
    """The day reached, and the years counted Monday to Friday for want of data."""

    day: date
    fallback_years: frozenset[int] = field(default_factory=frozenset)


def is_working_day(day: date, calendar: Calendar) -> bool:
    """A make-up working day works, a holiday rests, otherwise Monday to Friday works."""
    if day.year in calendar.years:
        if day in calendar.workdays:
            return True
        if day in calendar.holidays:
            return False
    return day.weekday() < 5


def add_working_days(start: date, days: int, calendar: Calendar) -> WorkingDays:
    """The `days`-th working day after `start`; `start` itself does not count.

    As the Civil Code counts periods in days: the first day is the one after the
    start, so a complaint received on a holiday starts its count on the next
    working day.
    """
    if days < 1:
        raise ValueError("Count at least one working day.")
    fallback: set[int] = set()
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.year not in calendar.years:
            fallback.add(day.year)
        if is_working_day(day, calendar):
            counted += 1
    return WorkingDays(day=day, fallback_years=frozenset(fallback))
