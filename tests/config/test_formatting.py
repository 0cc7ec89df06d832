"""Durations as the countdowns show them: a deadline days away reads in days (issue 21)."""

import pytest
from django.utils import translation

from config.formatting import duration_text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (309, "5:09"),
        (-309, "5:09"),
        (3909, "1:05:09"),
        (86399, "23:59:59"),
        (86400, "1d 0:00:00"),
        (643871, "7d 10:51:11"),
    ],
)
def test_a_duration_reads_in_minutes_hours_or_days(seconds, text):
    with translation.override("en"):
        assert duration_text(seconds) == text


def test_days_read_in_chinese():
    with translation.override("zh-hans"):
        assert duration_text(643871) == "7天 10:51:11"
