"""Contact and reply deadlines by channel (DESIGN §3.5), on the seeded 2026 calendar."""

from datetime import date, timedelta

import pytest

from accounts.models import Role
from complaints.calendar import Calendar
from complaints.deadlines import complaint_deadlines
from tests.complaints.conftest import at, record
from tests.factories import UserFactory
from tickets.models import Deadline, Notification

MONDAY = at(2026, 11, 2, 10, 0)  # an ordinary week: no holiday until New Year


def end_of(year, month, day):
    return at(year, month, day, 23, 59, 59)


@pytest.mark.parametrize(
    ("channel", "is_report", "reply_by"),
    [
        # 4 working days: Tue 3, Wed 4, Thu 5, Fri 6.
        ("hotline", False, end_of(2026, 11, 6)),
        ("web", False, end_of(2026, 11, 6)),
        ("app", False, end_of(2026, 11, 6)),
        # A report through the hotline, web or app: 9 working days, to Fri 13.
        ("hotline", True, end_of(2026, 11, 13)),
        ("app", True, end_of(2026, 11, 13)),
        # 12398: 10 working days, to Mon 16; a report there keeps the channel's window.
        ("regulator_12398", False, end_of(2026, 11, 16)),
        ("regulator_12398", True, end_of(2026, 11, 16)),
        # 12345: 7 calendar days; other: 10 calendar days.
        ("government_12345", False, end_of(2026, 11, 9)),
        ("government_12345", True, end_of(2026, 11, 9)),
        ("other", False, end_of(2026, 11, 12)),
    ],
    ids=[
        "hotline",
        "web",
        "app",
        "hotline-report",
        "app-report",
        "12398",
        "12398-report",
        "12345",
        "12345-report",
        "other",
    ],
)
def test_deadlines_by_channel(db, channel, is_report, reply_by):
    complaint = record(channel=channel, is_report=is_report, now=MONDAY)

    assert complaint.contact_by == at(2026, 11, 3, 10, 0)  # 24 hours
    assert complaint.reply_by == reply_by
    assert complaint.reply_by_fallback is False
    assert complaint.due_at == complaint.contact_by


def test_reply_window_crosses_national_day_and_its_make_up_saturday(db):
    # Wed Sep 30 15:00. Oct 1–7 off; Thu 8 (1), Fri 9 (2), Sat 10 worked (3), Mon 12 (4).
    complaint = record(channel="hotline", now=at(2026, 9, 30, 15, 0))

    assert complaint.reply_by == end_of(2026, 10, 12)
    # Contacting the customer is wall time: holidays do not stop the 24 hours.
    assert complaint.contact_by == at(2026, 10, 1, 15, 0)


def test_report_window_crosses_spring_festival_and_both_make_up_saturdays(db):
    # Fri Feb 13: Sat 14 worked (1); Feb 15–23 off; Tue 24 (2) … Fri 27 (5), Sat 28 worked (6),
    # Mon Mar 2 (7), Tue 3 (8), Wed 4 (9).
    complaint = record(channel="web", is_report=True, now=at(2026, 2, 13, 9, 0))

    assert complaint.reply_by == end_of(2026, 3, 4)


def test_make_up_sunday_counts_as_a_working_day(db):
    # Fri Sep 18: Sun 20 worked (1), Mon 21 (2), Tue 22 (3), Wed 23 (4).
    complaint = record(channel="app", now=at(2026, 9, 18, 16, 0))

    assert complaint.reply_by == end_of(2026, 9, 23)


def test_calendar_days_ignore_holidays(db):
    complaint = record(channel="government_12345", now=at(2026, 9, 30, 15, 0))

    assert complaint.reply_by == end_of(2026, 10, 7)


def test_a_complaint_received_late_at_night_counts_from_the_next_day(db):
    # Received Friday 23:50: the day itself never counts, whatever the hour.
    complaint = record(channel="hotline", now=at(2026, 11, 6, 23, 50))

    assert complaint.contact_by == at(2026, 11, 7, 23, 50)
    assert complaint.reply_by == end_of(2026, 11, 12)  # Mon 9, Tue 10, Wed 11, Thu 12


def test_year_without_calendar_falls_back_to_weekdays_and_warns_the_admins_once(db, caplog):
    admin = UserFactory(username="admin", role=Role.ADMIN)
    # Wed Dec 30 2026: Thu 31 (1); 2027 has no data, so Fri Jan 1 counts (2), Mon 4 (3), Tue 5 (4).
    first = record(channel="hotline", now=at(2026, 12, 30, 11, 0))
    second = record(channel="web", now=at(2026, 12, 30, 12, 0))

    assert first.reply_by == end_of(2027, 1, 5)
    assert first.reply_by_fallback is True
    assert second.reply_by_fallback is True
    warnings = Notification.objects.filter(user=admin)
    assert warnings.count() == 1  # once per year and person
    assert "2027" in warnings.get().message
    assert "No working-day calendar for 2027" in caplog.text


def test_settings_are_read_at_call_time(db, settings):
    settings.GRIDLINE_COMPLAINT_CONTACT_HOURS = 12
    settings.GRIDLINE_COMPLAINT_REPLY_WORKING_DAYS = {
        **settings.GRIDLINE_COMPLAINT_REPLY_WORKING_DAYS,
        "hotline": 2,
    }

    complaint = record(channel="hotline", now=MONDAY)

    assert complaint.contact_by == MONDAY + timedelta(hours=12)
    assert complaint.reply_by == end_of(2026, 11, 4)


def test_both_deadlines_are_watched_from_the_start(db):
    complaint = record(channel="hotline", now=MONDAY)

    deadlines = {d.name: d for d in Deadline.objects.filter(ticket=complaint.ticket)}
    contact, reply = deadlines[Deadline.Name.CONTACT_BY], deadlines[Deadline.Name.REPLY_BY]
    assert (contact.starts_at, contact.due_at) == (MONDAY, complaint.contact_by)
    assert (reply.starts_at, reply.due_at) == (MONDAY, complaint.reply_by)
    # The deadline watch's first step: the warning at 80% of the time allowed.
    assert contact.next_step == "warning"
    assert contact.next_step_at == MONDAY + timedelta(hours=24) * 0.8
    assert contact.station_id is None
    assert contact.department_id is None


def test_pure_rule_needs_an_aware_time():
    from datetime import datetime

    with pytest.raises(ValueError, match="aware"):
        complaint_deadlines(
            datetime(2026, 11, 2, 10),  # noqa: DTZ001 - naive on purpose
            channel="hotline",
            is_report=False,
            calendar=Calendar(),
        )


def test_pure_rule_with_an_empty_calendar_reports_the_fallback():
    deadlines = complaint_deadlines(MONDAY, channel="hotline", is_report=False, calendar=Calendar())

    assert deadlines.reply_by.date() == date(2026, 11, 6)
    assert deadlines.fallback_years == frozenset({2026})
