"""DESIGN §3.2: one promise per repair, decided from the triage outcome before anything is
written: priority, when the crew is on site, and how long it has to restore power."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from repairs.deadlines import repair_promise
from repairs.triage import DISPATCHING_OUTCOMES, Outcome
from tickets.models import Priority

NOW = datetime(2026, 5, 12, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
AREA_TYPES = ["urban", "rural", "remote"]
NOT_DISPATCHING = sorted(set(Outcome) - DISPATCHING_OUTCOMES)


def minutes_after(start: datetime, end: datetime) -> float:
    return (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(minutes=1)


@pytest.mark.parametrize(
    ("area_type", "arrive", "restore"),
    [("urban", 45, 180), ("rural", 90, 240), ("remote", 120, 240)],
)
def test_dispatch_follows_the_area_type_at_high_priority(area_type, arrive, restore):
    promise = repair_promise(
        outcome=Outcome.DISPATCH, area_type=area_type, important=False, now=NOW
    )

    assert promise.priority == Priority.HIGH
    assert minutes_after(NOW, promise.arrive_by) == arrive
    assert promise.restore_within == timedelta(minutes=restore)
    assert not promise.urgent


@pytest.mark.parametrize("area_type", AREA_TYPES)
def test_emergency_uses_the_urban_limits_everywhere_at_top_priority(area_type):
    promise = repair_promise(
        outcome=Outcome.EMERGENCY_DISPATCH, area_type=area_type, important=False, now=NOW
    )

    assert promise.priority == Priority.URGENT
    assert minutes_after(NOW, promise.arrive_by) == 45
    assert promise.restore_within == timedelta(minutes=180)
    assert promise.urgent


@pytest.mark.parametrize("area_type", AREA_TYPES)
def test_important_premise_gets_the_urban_limits_and_top_priority(area_type):
    promise = repair_promise(outcome=Outcome.DISPATCH, area_type=area_type, important=True, now=NOW)

    assert promise.priority == Priority.URGENT
    assert minutes_after(NOW, promise.arrive_by) == 45
    assert promise.restore_within == timedelta(minutes=180)
    assert promise.urgent


@pytest.mark.parametrize("outcome", NOT_DISPATCHING)
def test_outcomes_that_send_no_crew_have_no_arrival_time(outcome):
    promise = repair_promise(outcome=outcome, area_type="rural", important=False, now=NOW)

    assert promise.arrive_by is None
    assert promise.priority == Priority.NORMAL


def test_important_premise_answered_on_the_call_still_ranks_top_without_an_arrival():
    promise = repair_promise(
        outcome=Outcome.PLANNED_OUTAGE, area_type="remote", important=True, now=NOW
    )

    assert promise.arrive_by is None
    assert promise.priority == Priority.URGENT


def test_arrival_runs_past_midnight_on_the_wall_clock():
    promise = repair_promise(outcome=Outcome.DISPATCH, area_type="remote", important=False, now=NOW)

    assert promise.arrive_by == datetime(2026, 5, 13, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_limits_are_read_from_settings_at_call_time(settings):
    settings.GRIDLINE_ARRIVAL_MINUTES = {"urban": 30, "rural": 60, "remote": 100}
    settings.GRIDLINE_RESTORE_MINUTES = {"urban": 120, "rural": 150, "remote": 300}

    remote = repair_promise(outcome=Outcome.DISPATCH, area_type="remote", important=False, now=NOW)
    emergency = repair_promise(
        outcome=Outcome.EMERGENCY_DISPATCH, area_type="remote", important=False, now=NOW
    )

    assert minutes_after(NOW, remote.arrive_by) == 100
    assert remote.restore_within == timedelta(minutes=300)
    assert minutes_after(NOW, emergency.arrive_by) == 30
    assert emergency.restore_within == timedelta(minutes=120)
