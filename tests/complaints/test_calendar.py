"""Working days (complaints/calendar.py) and the seeded 2026 calendar (DESIGN §3.5)."""

import json
from datetime import date
from pathlib import Path

import pytest

from complaints.calendar import Calendar, add_working_days, is_working_day
from complaints.models import CalendarDay, CalendarYear
from complaints.selectors import calendar_load

DATA = Path(__file__).resolve().parents[2] / "complaints" / "data" / "calendar_cn.json"

# A small calendar: National Day 2026 (Oct 1–7 off, Sat Oct 10 worked, Sun Sep 20 worked).
NATIONAL_DAY = Calendar(
    holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
    years=frozenset({2026}),
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 18), True),  # Friday
        (date(2026, 9, 19), False),  # Saturday
        (date(2026, 9, 20), True),  # Sunday worked (调休)
        (date(2026, 10, 1), False),  # Thursday, National Day
        (date(2026, 10, 8), True),  # Thursday after the holiday
        (date(2026, 10, 10), True),  # Saturday worked (调休)
        (date(2026, 10, 11), False),  # Sunday
    ],
    ids=["fri", "sat", "makeup-sun", "holiday-thu", "after", "makeup-sat", "sun"],
)
def test_working_day_follows_holidays_and_make_up_days(day, working):
    assert is_working_day(day, NATIONAL_DAY) is working


def test_count_crosses_a_holiday_and_a_make_up_saturday():
    # Wed Sep 30: Oct 1–7 off; Thu 8 (1), Fri 9 (2), Sat 10 worked (3), Sun 11 off, Mon 12 (4).
    reached = add_working_days(date(2026, 9, 30), 4, NATIONAL_DAY)

    assert reached.day == date(2026, 10, 12)
    assert reached.fallback_years == frozenset()


def test_count_starts_the_day_after_even_on_a_holiday():
    # Received on Oct 3 (a holiday): Oct 8 is the first working day.
    assert add_working_days(date(2026, 10, 3), 1, NATIONAL_DAY).day == date(2026, 10, 8)


def test_make_up_sunday_counts():
    # Fri Sep 18: Sun 20 worked (1), Mon 21 (2), Tue 22 (3), Wed 23 (4).
    assert add_working_days(date(2026, 9, 18), 4, NATIONAL_DAY).day == date(2026, 9, 23)


def test_a_year_without_data_counts_monday_to_friday_and_says_so():
    # Thu Dec 31 2026 (1), 2027 unknown: Fri Jan 1 (2), Mon 4 (3), Tue 5 (4).
    reached = add_working_days(date(2026, 12, 30), 4, NATIONAL_DAY)

    assert reached.day == date(2027, 1, 5)
    assert reached.fallback_years == frozenset({2027})


def test_an_empty_calendar_is_monday_to_friday():
    reached = add_working_days(date(2026, 10, 1), 4, Calendar())

    assert reached.day == date(2026, 10, 7)
    assert reached.fallback_years == frozenset({2026})


def test_zero_days_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        add_working_days(date(2026, 10, 1), 0, NATIONAL_DAY)


def test_data_file_names_its_source_and_only_weekend_make_up_days():
    data = json.loads(DATA.read_text(encoding="utf-8"))

    for year in data["years"]:
        assert "国务院办公厅" in year["source"]
        for workday in year["workdays"]:
            assert date.fromisoformat(workday["date"]).weekday() >= 5, workday


def test_seeded_2026_matches_the_state_council_notice(db):
    year = CalendarYear.objects.get(year=2026)
    days = CalendarDay.objects.filter(year=year)

    holidays = {d.date for d in days if d.kind == CalendarDay.Kind.HOLIDAY}
    workdays = {d.date for d in days if d.kind == CalendarDay.Kind.WORKDAY}
    assert "2026" in year.source
    # 元旦 3, 春节 9, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7 days.
    assert len(holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert {date(2026, 2, 15), date(2026, 2, 23), date(2026, 10, 7)} <= holidays
    assert workdays == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }


def test_calendar_load_reads_the_years_asked_for(db, django_assert_num_queries):
    with django_assert_num_queries(2):
        calendar = calendar_load(years=[2026, 2027])

    assert calendar.years == frozenset({2026})
    assert date(2026, 10, 10) in calendar.workdays
    assert date(2026, 10, 1) in calendar.holidays
