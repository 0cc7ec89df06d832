"""Time left on a deadline, as every page shows it (and static/js/countdown.js ticks it)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from config.formatting import days_format, duration_text


@dataclass(frozen=True)
class Countdown:
    """One deadline's clock; templates/components/_countdown.html renders it."""

    label: str
    deadline: datetime
    overdue: bool
    text: str
    # countdown.js fills "%(time)s" in these every second; past a day, the time is
    # days_text with its "%(days)s" and "%(time)s".
    left_text: str
    overdue_text: str
    days_text: str

    @property
    def iso(self) -> str:
        return self.deadline.isoformat(timespec="seconds")


def countdown(deadline: datetime, now: datetime, *, label: str = "") -> Countdown:
    """The clock of `deadline` as of `now`: time left, or time overdue."""
    seconds = int((deadline - now).total_seconds())
    left_text, overdue_text = _("%(time)s left"), _("%(time)s overdue")
    text = (overdue_text if seconds < 0 else left_text) % {"time": duration_text(seconds)}
    return Countdown(label, deadline, seconds < 0, text, left_text, overdue_text, days_format())
