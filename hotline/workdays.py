"""Working days for the service-request reply deadline (DESIGN §3.5), counted the way
complaint replies are (complaints/deadlines.py): to the end of the N-th working day
after the day the request arrives, on the complaints app's working-day calendar
(public holidays and make-up working days, 调休)."""

from datetime import datetime, time

from django.utils import timezone

from complaints.calendar import add_working_days
from complaints.selectors import calendar_load

END_OF_DAY = time(23, 59, 59)


def working_days_after(start: datetime, days: int) -> datetime:
    """23:59:59 local time on the `days`-th working day after `start`'s date.

    A year without calendar data counts Monday to Friday (complaints.calendar).
    """
    received_on = timezone.localdate(start)
    # Enough years for any count: a year-end request with a long window spills over.
    calendar = calendar_load(years=range(received_on.year, received_on.year + 2))
    day = add_working_days(received_on, days, calendar).day
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))
