"""Text shared by every app's pages."""

from django.utils.translation import gettext

DAY = 24 * 3600


def days_format() -> str:
    """How a duration of a day or more reads; static/js/countdown.js gets it from the page."""
    # Translators: a duration of days and a clock, e.g. "7d 10:51:11".
    return gettext("%(days)sd %(time)s")


def duration_text(seconds: int) -> str:
    """'5:09', '1:05:09', or past a day '7d 10:51:11' (a reply deadline five working days
    away is days, not 178 hours), as static/js/countdown.js writes it."""
    days, rest = divmod(abs(seconds), DAY)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{seconds:02d}" if hours or days else f"{minutes}:{seconds:02d}"
    if days:
        return days_format() % {"days": days, "time": clock}
    return clock
