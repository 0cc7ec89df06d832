"""DESIGN.md §3.1 as a table: one case per rule, then each precedence pair. No database."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from repairs.triage import (
    Answers,
    Breaker,
    Facts,
    FaultSide,
    Hazard,
    IncidentFact,
    NoticeFact,
    Outcome,
    Scope,
    decide,
)

LOCAL = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE


def at(hour: int, minute: int = 0, *, day: int = 12) -> datetime:
    return datetime(2026, 5, day, hour, minute, tzinfo=LOCAL)


PLANNED = NoticeFact(
    id=1,
    kind="planned",
    starts_at=at(8),
    ends_at=at(17),
    reason="replacing insulators",
    device_codes="YD01-F02",
)
TEMPORARY = NoticeFact(
    id=2,
    kind="temporary",
    starts_at=at(13),
    ends_at=at(15, 30),
    reason="urgent repair of a cable joint",
    device_codes="YD01-T0315",
)
RESTRICTION = NoticeFact(
    id=3,
    kind="restriction",
    starts_at=at(9),
    ends_at=at(21),
    reason="grid shortage",
    device_codes="YD01-F02, YD01-F03",
)
INCIDENT = IncidentFact(
    id=4,
    level="transformer",
    device_code="YD01-T0315",
    status="in_progress",
    etr=at(16, 30),
    dispatched_at=at(14, 5),
)

NOTHING = Facts()
ALL_FACTS = Facts(planned_outage=PLANNED, supply_restriction=RESTRICTION, incident=INCIDENT)
WIRE_DOWN = frozenset({Hazard.WIRE_DOWN})

SELF_RESET_OK = Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_RESET_OK)
SELF_CUSTOMER_SIDE = Answers(
    scope=Scope.SELF_ONLY, breaker=Breaker.NOT_TRIPPED, fault_side=FaultSide.CUSTOMER
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


CASES = [
    # One case per rule.
    pytest.param(Answers(hazards=WIRE_DOWN), NOTHING, Outcome.EMERGENCY_DISPATCH, id="1-hazard"),
    pytest.param(
        Answers(), Facts(planned_outage=PLANNED), Outcome.PLANNED_OUTAGE, id="2-planned-outage"
    ),
    pytest.param(
        Answers(),
        Facts(planned_outage=TEMPORARY),
        Outcome.PLANNED_OUTAGE,
        id="2-temporary-outage",
    ),
    pytest.param(
        Answers(),
        Facts(supply_restriction=RESTRICTION),
        Outcome.SUPPLY_RESTRICTION,
        id="3-supply-restriction",
    ),
    pytest.param(Answers(), Facts(incident=INCIDENT), Outcome.KNOWN_INCIDENT, id="4-incident"),
    pytest.param(SELF_RESET_OK, NOTHING, Outcome.RESOLVED_ON_CALL, id="5-resolved-on-call"),
    pytest.param(SELF_CUSTOMER_SIDE, NOTHING, Outcome.CUSTOMER_SIDE, id="6-customer-side"),
    pytest.param(
        Answers(scope=Scope.NEIGHBOURS, breaker=Breaker.NOT_TRIPPED, fault_side=FaultSide.UTILITY),
        NOTHING,
        Outcome.DISPATCH,
        id="7-dispatch",
    ),
    # Precedence: the earlier rule wins.
    pytest.param(
        Answers(hazards=WIRE_DOWN),
        Facts(planned_outage=PLANNED),
        Outcome.EMERGENCY_DISPATCH,
        id="hazard-beats-planned-outage",
    ),
    pytest.param(
        Answers(hazards=frozenset({Hazard.FIRE_SMOKE})),
        Facts(incident=INCIDENT),
        Outcome.EMERGENCY_DISPATCH,
        id="hazard-beats-incident",
    ),
    pytest.param(
        Answers(hazards=frozenset({Hazard.OTHER_DANGER})),
        ALL_FACTS,
        Outcome.EMERGENCY_DISPATCH,
        id="hazard-beats-every-fact",
    ),
    pytest.param(
        Answers(
            scope=Scope.SELF_ONLY,
            breaker=Breaker.TRIPPED_NO_RESET,
            fault_side=FaultSide.CUSTOMER,
            hazards=frozenset({Hazard.ELECTRIC_SHOCK}),
        ),
        NOTHING,
        Outcome.EMERGENCY_DISPATCH,
        id="hazard-on-customer-side-still-dispatches",
    ),
    pytest.param(
        Answers(),
        Facts(planned_outage=PLANNED, supply_restriction=RESTRICTION),
        Outcome.PLANNED_OUTAGE,
        id="planned-outage-beats-restriction",
    ),
    pytest.param(
        Answers(),
        Facts(supply_restriction=RESTRICTION, incident=INCIDENT),
        Outcome.SUPPLY_RESTRICTION,
        id="restriction-beats-incident",
    ),
    pytest.param(
        SELF_RESET_OK,
        Facts(incident=INCIDENT),
        Outcome.KNOWN_INCIDENT,
        id="incident-beats-breaker-reset",
    ),
    pytest.param(
        SELF_CUSTOMER_SIDE,
        Facts(incident=INCIDENT),
        Outcome.KNOWN_INCIDENT,
        id="incident-beats-customer-side",
    ),
    pytest.param(
        Answers(
            scope=Scope.SELF_ONLY,
            breaker=Breaker.TRIPPED_RESET_OK,
            fault_side=FaultSide.CUSTOMER,
        ),
        NOTHING,
        Outcome.RESOLVED_ON_CALL,
        id="resolved-on-call-beats-customer-side",
    ),
    # Where rules 5 and 6 do not apply, the report falls through to a dispatch.
    pytest.param(
        Answers(scope=Scope.UNKNOWN, breaker=Breaker.TRIPPED_RESET_OK),
        NOTHING,
        Outcome.DISPATCH,
        id="unknown-scope-with-breaker-reset-dispatches",
    ),
    pytest.param(
        Answers(scope=Scope.NEIGHBOURS, fault_side=FaultSide.CUSTOMER),
        NOTHING,
        Outcome.DISPATCH,
        id="neighbours-with-customer-side-dispatches",
    ),
    pytest.param(
        Answers(scope=Scope.AREA, breaker=Breaker.TRIPPED_NO_RESET),
        NOTHING,
        Outcome.DISPATCH,
        id="area-with-breaker-no-reset-dispatches",
    ),
    pytest.param(
        Answers(
            scope=Scope.SELF_ONLY,
            breaker=Breaker.TRIPPED_NO_RESET,
            fault_side=FaultSide.UTILITY,
        ),
        NOTHING,
        Outcome.DISPATCH,
        id="breaker-no-reset-on-utility-side-dispatches",
    ),
    pytest.param(
        Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_NO_RESET),
        NOTHING,
        Outcome.CUSTOMER_SIDE,
        id="breaker-no-reset-on-unknown-side-is-customer-side",
    ),
    pytest.param(
        Answers(scope=Scope.SELF_ONLY, breaker=Breaker.NOT_TRIPPED),
        NOTHING,
        Outcome.DISPATCH,
        id="self-only-not-tripped-unknown-side-dispatches",
    ),
    pytest.param(Answers(), NOTHING, Outcome.DISPATCH, id="all-unknown-dispatches"),
]


@pytest.mark.parametrize(("answers", "facts", "outcome"), CASES)
def test_decide_follows_the_rules_first_match_wins(answers, facts, outcome):
    decision = decide(answers, facts)

    assert decision.outcome == outcome


def test_outcome_has_exactly_the_seven_designed_values():
    assert set(Outcome.values) == {
        "emergency_dispatch",
        "planned_outage",
        "supply_restriction",
        "known_incident",
        "resolved_on_call",
        "customer_side",
        "dispatch",
    }


@pytest.mark.parametrize(
    ("answers", "facts", "notice", "incident"),
    [
        pytest.param(Answers(), Facts(planned_outage=PLANNED), PLANNED, None, id="planned"),
        pytest.param(
            Answers(), Facts(supply_restriction=RESTRICTION), RESTRICTION, None, id="restriction"
        ),
        pytest.param(Answers(), Facts(incident=INCIDENT), None, INCIDENT, id="incident"),
        pytest.param(Answers(hazards=WIRE_DOWN), ALL_FACTS, None, None, id="emergency"),
        pytest.param(Answers(), NOTHING, None, None, id="dispatch"),
    ],
)
def test_decision_names_the_notice_or_incident_it_is_based_on(answers, facts, notice, incident):
    decision = decide(answers, facts)

    assert (decision.notice, decision.incident) == (notice, incident)


@pytest.mark.parametrize(
    ("answers", "facts", "dispatches"),
    [
        pytest.param(Answers(hazards=WIRE_DOWN), NOTHING, True, id="emergency_dispatch"),
        pytest.param(Answers(), NOTHING, True, id="dispatch"),
        pytest.param(Answers(), Facts(planned_outage=PLANNED), False, id="planned_outage"),
        pytest.param(
            Answers(), Facts(supply_restriction=RESTRICTION), False, id="supply_restriction"
        ),
        pytest.param(Answers(), Facts(incident=INCIDENT), False, id="known_incident"),
        pytest.param(SELF_RESET_OK, NOTHING, False, id="resolved_on_call"),
        pytest.param(SELF_CUSTOMER_SIDE, NOTHING, False, id="customer_side"),
    ],
)
def test_only_the_two_dispatch_outcomes_dispatch(answers, facts, dispatches):
    assert decide(answers, facts).dispatches is dispatches


def test_planned_outage_reason_gives_devices_window_and_reason():
    decision = decide(Answers(), Facts(planned_outage=PLANNED))

    assert decision.reason == (
        "Planned maintenance on YD01-F02 from 08:00 until 17:00: replacing insulators"
    )


def test_temporary_outage_reason_says_temporary():
    decision = decide(Answers(), Facts(planned_outage=TEMPORARY))

    assert decision.reason == (
        "Temporary outage on YD01-T0315 from 13:00 until 15:30: urgent repair of a cable joint"
    )


def test_supply_restriction_reason_gives_devices_window_and_reason():
    decision = decide(Answers(), Facts(supply_restriction=RESTRICTION))

    assert decision.reason == (
        "Supply restriction on YD01-F02, YD01-F03 from 09:00 until 21:00: grid shortage"
    )


def test_notice_window_past_midnight_shows_the_end_date():
    overnight = NoticeFact(
        id=5,
        kind="planned",
        starts_at=at(22),
        ends_at=at(6, day=13),
        reason="transformer replacement",
        device_codes="YD01-T0315",
    )

    decision = decide(Answers(), Facts(planned_outage=overnight))

    assert "from 22:00 until 2026-05-13 06:00" in decision.reason


def test_reason_times_are_in_local_time():
    notice = NoticeFact(
        id=6,
        kind="planned",
        starts_at=datetime(2026, 5, 12, 0, 0, tzinfo=UTC),
        ends_at=datetime(2026, 5, 12, 9, 0, tzinfo=UTC),
        reason="line work",
        device_codes="YD01-F02",
    )

    decision = decide(Answers(), Facts(planned_outage=notice))

    assert "from 08:00 until 17:00" in decision.reason


@pytest.mark.parametrize(
    ("stage", "etr", "expected"),
    [
        pytest.param(
            "crew_assigned",
            at(16, 30),
            "Known outage on YD01-T0315 (incident #7): crew assigned; ETR 16:30.",
            id="with-etr",
        ),
        pytest.param(
            "reported",
            None,
            "Known outage on YD01-T0315 (incident #7): no crew yet; ETR —.",
            id="without-etr",
        ),
        pytest.param(
            "on_site",
            at(2, day=13),
            "Known outage on YD01-T0315 (incident #7): crew on site; ETR 2026-05-13 02:00.",
            id="etr-after-midnight",
        ),
    ],
)
def test_the_incident_note_tells_the_agent_the_device_stage_and_etr(stage, etr, expected):
    """The agent's note; repairs/scripts.py writes what the caller hears (tests/repairs/
    test_scripts.py)."""
    incident = IncidentFact(
        id=7,
        level="transformer",
        device_code="YD01-T0315",
        status="open",
        etr=etr,
        dispatched_at=at(23, 10),
        stage=stage,
    )

    assert decide(Answers(), Facts(incident=incident)).reason == expected


def test_emergency_reason_names_the_hazards_in_a_stable_order():
    answers = Answers(hazards=frozenset({Hazard.FLOODING, Hazard.WIRE_DOWN}))

    decision = decide(answers, NOTHING)

    assert decision.reason == (
        "Danger reported (Wire down, Flooding): dispatch at once and keep people away."
    )


def test_customer_side_reason_advises_an_electrician():
    decision = decide(SELF_CUSTOMER_SIDE, NOTHING)

    assert "qualified electrician or the appliance dealer" in decision.reason


@pytest.mark.parametrize(
    ("high_power_load", "breaker", "likely"),
    [
        pytest.param(True, Breaker.TRIPPED_RESET_OK, True, id="load-tripped-reset-ok"),
        pytest.param(True, Breaker.TRIPPED_NO_RESET, True, id="load-tripped-no-reset"),
        pytest.param(True, Breaker.NOT_TRIPPED, False, id="load-not-tripped"),
        pytest.param(True, Breaker.UNKNOWN, False, id="load-breaker-unknown"),
        pytest.param(False, Breaker.TRIPPED_NO_RESET, False, id="no-load-tripped"),
    ],
)
def test_likely_overload_needs_high_power_load_and_a_tripped_breaker(
    high_power_load, breaker, likely
):
    answers = Answers(breaker=breaker, high_power_load=high_power_load)

    assert answers.likely_overload is likely


# --- Nested outage (DESIGN §3.10): a dispatch after a restoration is linked to it ---------

RESTORED = IncidentFact(
    id=9,
    level="feeder",
    device_code="YD01-F02",
    status="restored",
    restored_at=at(11, 20),
)
NEIGHBOURS_OUT = Answers(scope=Scope.NEIGHBOURS)


@pytest.mark.parametrize(
    ("answers", "facts", "outcome", "nested"),
    [
        pytest.param(
            NEIGHBOURS_OUT, Facts(restored_incident=RESTORED), Outcome.DISPATCH, True, id="nested"
        ),
        pytest.param(
            Answers(hazards=WIRE_DOWN),
            Facts(restored_incident=RESTORED),
            Outcome.EMERGENCY_DISPATCH,
            True,
            id="emergency-is-linked-too",
        ),
        pytest.param(
            NEIGHBOURS_OUT,
            Facts(planned_outage=PLANNED, restored_incident=RESTORED),
            Outcome.PLANNED_OUTAGE,
            False,
            id="planned-outage-beats-nested",
        ),
        pytest.param(
            NEIGHBOURS_OUT,
            Facts(incident=INCIDENT, restored_incident=RESTORED),
            Outcome.KNOWN_INCIDENT,
            False,
            id="active-incident-beats-nested",
        ),
        pytest.param(
            SELF_RESET_OK,
            Facts(restored_incident=RESTORED),
            Outcome.RESOLVED_ON_CALL,
            False,
            id="breaker-reset-beats-nested",
        ),
        pytest.param(
            SELF_CUSTOMER_SIDE,
            Facts(restored_incident=RESTORED),
            Outcome.CUSTOMER_SIDE,
            False,
            id="customer-side-beats-nested",
        ),
        pytest.param(NEIGHBOURS_OUT, NOTHING, Outcome.DISPATCH, False, id="no-restoration"),
    ],
)
def test_a_dispatch_after_a_restoration_is_a_nested_outage(answers, facts, outcome, nested):
    decision = decide(answers, facts)

    assert decision.outcome == outcome
    assert decision.nested_of == (RESTORED if nested else None)


def test_nested_reason_names_the_incident_and_when_it_was_restored():
    decision = decide(NEIGHBOURS_OUT, Facts(restored_incident=RESTORED))

    assert decision.reason == (
        "Power is off again after incident #9 on YD01-F02 was restored at 11:20: "
        "a nested outage; send a crew from its supply station."
    )
