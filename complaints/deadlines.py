"""Complaint deadlines by channel (DESIGN §3.5): pure arithmetic on settings and the calendar.

- contact_by: GRIDLINE_COMPLAINT_CONTACT_HOURS of wall time after the complaint arrives.
- reply_by: by the end (24:00, stored as 23:59:59 local time) of the N-th working day after
  the day it arrives (GRIDLINE_COMPLAINT_REPLY_WORKING_DAYS: hotline, web, app, the
  regulator's 12398), or of the N-th calendar day (GRIDLINE_COMPLAINT_REPLY_CALENDAR_DAYS:
  the city government's 12345, other). The day of arrival never counts, as the Civil Code
  counts periods in days. A report (举报) through the hotline, web or app has
  GRIDLINE_REPORT_REPLY_WORKING_DAYS; through another channel, that channel's own window.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from complaints.calendar import Calendar, add_working_days
from tickets.models import Channel

# The channels whose table row carries the report (举报) window (DESIGN §3.5).
REPORT_CHANNELS = frozenset({Channel.HOTLINE, Channel.WEB, Channel.APP})
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class ComplaintDeadlines:
    contact_by: datetime
    reply_by: datetime
    # Years counted Monday to Friday because the calendar has no data for them.
    fallback_years: frozenset[int] = field(default_factory=frozenset)


def contact_by(received_at: datetime) -> datetime:
    """Wall time: the hours are elapsed hours, whatever the local clock does."""
    _require_aware(received_at)
    hours = settings.GRIDLINE_COMPLAINT_CONTACT_HOURS
    return (received_at.astimezone(UTC) + timedelta(hours=hours)).astimezone(received_at.tzinfo)


def reply_by(
    received_at: datetime, *, channel: str, is_report: bool, calendar: Calendar
) -> tuple[datetime, frozenset[int]]:
    """The end of the last day to reply, and the years counted without calendar data."""
    _require_aware(received_at)
    received_on = timezone.localdate(received_at)
    working = settings.GRIDLINE_COMPLAINT_REPLY_WORKING_DAYS
    calendar_days = settings.GRIDLINE_COMPLAINT_REPLY_CALENDAR_DAYS
    if is_report and channel in REPORT_CHANNELS:
        reached = add_working_days(
            received_on, settings.GRIDLINE_REPORT_REPLY_WORKING_DAYS, calendar
        )
        last_day, fallback = reached.day, reached.fallback_years
    elif channel in working:
        reached = add_working_days(received_on, working[channel], calendar)
        last_day, fallback = reached.day, reached.fallback_years
    elif channel in calendar_days:
        last_day, fallback = received_on + timedelta(days=calendar_days[channel]), frozenset()
    else:
        raise ValueError(f"No reply window is set for channel {channel!r}.")
    return timezone.make_aware(datetime.combine(last_day, END_OF_DAY)), fallback


def complaint_deadlines(
    received_at: datetime, *, channel: str, is_report: bool, calendar: Calendar
) -> ComplaintDeadlines:
    """Both promises of a complaint arriving at `received_at` through `channel`."""
    reply, fallback = reply_by(received_at, channel=channel, is_report=is_report, calendar=calendar)
    return ComplaintDeadlines(
        contact_by=contact_by(received_at), reply_by=reply, fallback_years=fallback
    )


def _require_aware(moment: datetime) -> None:
    if timezone.is_naive(moment):
        raise ValueError("A deadline needs an aware datetime to start from.")
