"""DESIGN.md §3.2: arrival and restoration limits come from settings; wall-clock minutes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from repairs.deadlines import arrive_by, repair_priority, restore_by
from repairs.triage import Outcome
from tickets.models import Priority

CREATED = datetime(2026, 5, 12, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def minutes_after(start: datetime, end: datetime) -> float:
    return (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(minutes=1)


@pytest.mark.parametrize(("area_type", "minutes"), [("urban", 45), ("rural", 90), ("remote", 120)])
def test_arrive_by_follows_the_area_type(area_type, minutes):
    deadline = arrive_by(CREATED, area_type, important=False, emergency=False)

    assert deadline == CREATED + timedelta(minutes=minutes)


def test_arrive_by_runs_past_midnight_on_the_wall_clock():
    deadline = arrive_by(CREATED, "remote", important=False, emergency=False)

    assert deadline == datetime(2026, 5, 13, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("area_type", ["urban", "rural", "remote"])
def test_emergency_arrival_uses_the_urban_limit_everywhere(area_type):
    deadline = arrive_by(CREATED, area_type, important=False, emergency=True)

    assert minutes_after(CREATED, deadline) == 45


@pytest.mark.parametrize("area_type", ["urban", "rural", "remote"])
def test_important_customer_arrival_uses_the_urban_limit(area_type):
    deadline = arrive_by(CREATED, area_type, important=True, emergency=False)

    assert minutes_after(CREATED, deadline) == 45


@pytest.mark.parametrize(
    ("area_type", "minutes"), [("urban", 180), ("rural", 240), ("remote", 240)]
)
def test_restore_by_counts_from_arrival_by_area_type(area_type, minutes):
    deadline = restore_by(CREATED, area_type, important=False)

    assert deadline == CREATED + timedelta(minutes=minutes)


@pytest.mark.parametrize("area_type", ["urban", "rural", "remote"])
def test_important_customer_restoration_uses_the_urban_limit(area_type):
    deadline = restore_by(CREATED, area_type, important=True)

    assert minutes_after(CREATED, deadline) == 180


def test_arrival_limits_are_read_from_settings_at_call_time(settings):
    settings.GRIDLINE_ARRIVAL_MINUTES = {"urban": 30, "rural": 60, "remote": 100}

    rural = arrive_by(CREATED, "rural", important=False, emergency=False)
    emergency = arrive_by(CREATED, "remote", important=False, emergency=True)

    assert minutes_after(CREATED, rural) == 60
    assert minutes_after(CREATED, emergency) == 30


def test_restore_limits_are_read_from_settings_at_call_time(settings):
    settings.GRIDLINE_RESTORE_MINUTES = {"urban": 120, "rural": 150, "remote": 300}

    remote = restore_by(CREATED, "remote", important=False)
    important = restore_by(CREATED, "remote", important=True)

    assert minutes_after(CREATED, remote) == 300
    assert minutes_after(CREATED, important) == 120


def test_deadline_counts_elapsed_minutes_across_a_daylight_saving_change():
    london = ZoneInfo("Europe/London")
    # 01:30 BST on the night the clocks go back at 02:00 BST to 01:00 GMT.
    created = datetime(2026, 10, 25, 1, 30, tzinfo=london)

    deadline = arrive_by(created, "urban", important=False, emergency=False)

    assert minutes_after(created, deadline) == 45
    assert (deadline.hour, deadline.minute, deadline.utcoffset()) == (1, 15, timedelta(0))


def test_deadline_refuses_a_naive_start():
    with pytest.raises(ValueError, match="aware"):
        arrive_by(datetime(2026, 5, 12, 9, 0), "urban", important=False, emergency=False)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("outcome", "important", "priority"),
    [
        pytest.param(Outcome.EMERGENCY_DISPATCH, False, Priority.URGENT, id="emergency"),
        pytest.param(Outcome.EMERGENCY_DISPATCH, True, Priority.URGENT, id="emergency-important"),
        pytest.param(Outcome.DISPATCH, False, Priority.HIGH, id="dispatch"),
        pytest.param(Outcome.DISPATCH, True, Priority.URGENT, id="dispatch-important"),
        pytest.param(Outcome.PLANNED_OUTAGE, False, Priority.NORMAL, id="planned-outage"),
        pytest.param(Outcome.SUPPLY_RESTRICTION, False, Priority.NORMAL, id="supply-restriction"),
        pytest.param(Outcome.KNOWN_INCIDENT, False, Priority.NORMAL, id="known-incident"),
        pytest.param(Outcome.RESOLVED_ON_CALL, False, Priority.NORMAL, id="resolved-on-call"),
        pytest.param(Outcome.CUSTOMER_SIDE, False, Priority.NORMAL, id="customer-side"),
        pytest.param(Outcome.CUSTOMER_SIDE, True, Priority.URGENT, id="customer-side-important"),
    ],
)
def test_repair_priority_follows_outcome_and_importance(outcome, important, priority):
    assert repair_priority(outcome=outcome, important=important) == priority
