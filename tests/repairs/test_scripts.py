"""What the agent reads out (repairs.scripts): a sentence for every outcome with the real
promise, the safety advice first, the ticket number once recorded, never a device code, in
the customer language with the agent's meaning beside it."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from grid.models import AreaType
from repairs.deadlines import repair_promise
from repairs.scripts import SAFETY_ADVICE, decision_script, repair_script, spoken
from repairs.triage import (
    Answers,
    Breaker,
    Facts,
    FaultSide,
    IncidentFact,
    NoticeFact,
    Outcome,
    Scope,
    decide,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 13, 0, tzinfo=TZ)
# What a device code looks like (a station, a feeder, a transformer): YD01, YD01-F02-T01.
DEVICE_CODE = re.compile(r"[A-Z]{2}\d{2}(-[A-Z]\d+)*")
NUMBER = "R20261203-000042"

NOTICE = NoticeFact(
    id=7,
    kind="planned",
    starts_at=NOW - timedelta(hours=1),
    ends_at=NOW + timedelta(hours=4),
    reason="Replacing a pole-mounted switch",
    device_codes="YD01-F02, YD01-F02-T01",
)


def incident(stage="reported", *, etr=None, dispatched_at=None):
    return IncidentFact(
        id=3, level="transformer", device_code="YD01-F02-T01", status="open",
        etr=etr, dispatched_at=dispatched_at, stage=stage,
    )  # fmt: skip


def script(answers: Answers, facts: Facts, *, area=AreaType.URBAN, important=False, **kw):
    """decide, promise and script, as the wizard does them, in English."""
    decision = decide(answers, facts)
    promise = repair_promise(outcome=decision.outcome, area_type=area, important=important, now=NOW)
    return decision, " ".join(
        decision_script(
            decision, hazards=answers.hazards, arrive_by=promise.arrive_by, now=NOW, **kw
        )
    )


@pytest.fixture(autouse=True)
def english_in_shanghai(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override("en"):
        yield


OUTCOMES = {
    "emergency": (Answers(hazards=frozenset({"wire_down", "fire_smoke"})), Facts()),
    "planned_outage": (Answers(), Facts(planned_outage=NOTICE)),
    "temporary_outage": (
        Answers(),
        Facts(planned_outage=NoticeFact(**{**NOTICE.__dict__, "kind": "temporary"})),
    ),
    "supply_restriction": (
        Answers(),
        Facts(supply_restriction=NoticeFact(**{**NOTICE.__dict__, "kind": "restriction"})),
    ),
    "incident_reported": (Answers(), Facts(incident=incident())),
    "incident_assigned": (
        Answers(),
        Facts(incident=incident("crew_assigned", dispatched_at=NOW - timedelta(minutes=20))),
    ),
    "incident_en_route": (Answers(), Facts(incident=incident("en_route", etr=NOW))),
    "incident_on_site": (
        Answers(),
        Facts(incident=incident("on_site", etr=NOW + timedelta(hours=3, minutes=30))),
    ),
    "resolved_on_call": (
        Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_RESET_OK),
        Facts(),
    ),
    "customer_side": (
        Answers(scope=Scope.SELF_ONLY, fault_side=FaultSide.CUSTOMER),
        Facts(),
    ),
    "dispatch": (Answers(scope=Scope.NEIGHBOURS), Facts()),
}


def test_an_emergency_gives_the_safety_advice_first_then_the_urban_promise():
    answers = Answers(hazards=frozenset({"fire_smoke", "wire_down"}))
    decision, said = script(answers, Facts(), area=AreaType.REMOTE, ticket_number=NUMBER)

    assert decision.outcome == Outcome.EMERGENCY_DISPATCH
    assert said == (
        "Keep away from the fallen wire and keep others away; do not touch it. "
        "Keep away from the fire or smoke, and leave the building and call 119 if it spreads; "
        "do not pour water on anything electrical. "
        f"Your repair number is {NUMBER}. "
        "An emergency crew is being sent and will be with you by 13:45."
    )


def test_every_hazard_has_its_safety_advice():
    from dispatch.models import Hazard

    assert set(SAFETY_ADVICE) == set(Hazard.values)


def test_a_planned_outage_gives_the_window_and_the_reason():
    assert script(*OUTCOMES["planned_outage"])[1] == (
        "There is planned maintenance in your area from 12:00 until 17:00: "
        "Replacing a pole-mounted switch."
    )
    assert script(*OUTCOMES["temporary_outage"])[1] == (
        "There is a temporary power cut in your area from 12:00 until 17:00: "
        "Replacing a pole-mounted switch."
    )


def test_a_window_past_midnight_gives_the_date_of_its_end():
    late = NoticeFact(**{**NOTICE.__dict__, "ends_at": NOW + timedelta(hours=13)})
    assert "from 12:00 until 2026-12-04 02:00" in script(Answers(), Facts(planned_outage=late))[1]


def test_a_supply_restriction_gives_its_window():
    assert script(*OUTCOMES["supply_restriction"])[1] == (
        "Supply in your area is restricted from 12:00 until 17:00: Replacing a pole-mounted switch."
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "incident_reported",
            "We know about the power cut in your area and are sending a repair crew. "
            "There is no restoration time yet.",
        ),
        (
            "incident_assigned",
            "We know about the power cut in your area: a repair crew was sent at 12:40. "
            "There is no restoration time yet.",
        ),
        (
            "incident_en_route",
            "We know about the power cut in your area: the repair crew is on its way. "
            "Power is expected back by 13:00.",
        ),
        (
            "incident_on_site",
            "We know about the power cut in your area: the repair crew is on site. "
            "Power is expected back by 16:30.",
        ),
    ],
)
def test_a_known_incident_gives_the_crews_stage_and_the_etr(case, expected):
    assert script(*OUTCOMES[case])[1] == expected


def test_resolved_on_the_call_and_the_customers_side():
    assert script(*OUTCOMES["resolved_on_call"])[1] == (
        "Power is back now that the breaker is reset. If it trips again, please call us again."
    )
    assert script(*OUTCOMES["customer_side"])[1] == (
        "The fault seems to be in your own wiring or appliances, past the meter: please call "
        "a qualified electrician or the appliance dealer."
    )


@pytest.mark.parametrize(
    ("area", "important", "by"),
    [
        (AreaType.URBAN, False, "13:45"),
        (AreaType.RURAL, False, "14:30"),
        (AreaType.REMOTE, False, "15:00"),
        (AreaType.RURAL, True, "13:45"),  # an important customer gets the urban limit
    ],
)
def test_a_dispatch_promises_the_arrival_time_of_its_area(area, important, by):
    decision, said = script(*OUTCOMES["dispatch"], area=area, important=important)

    assert decision.outcome == Outcome.DISPATCH
    assert said == f"A crew will be with you by {by}."


def test_an_arrival_on_another_day_gives_its_date():
    late = NOW.replace(hour=23, minute=30)
    said = repair_script(outcome=Outcome.DISPATCH, arrive_by=late + timedelta(hours=1), now=late)
    assert said == ["A crew will be with you by 2026-12-04 00:30."]


@pytest.mark.parametrize("case", sorted(OUTCOMES))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_script_names_a_device_and_every_one_reads_the_number_once_recorded(case, language):
    with translation.override(language):
        _decision, said = script(*OUTCOMES[case], ticket_number=NUMBER)

    assert DEVICE_CODE.findall(said.replace(NUMBER, "")) == []
    assert said.count(NUMBER) == 1


def test_every_outcome_has_its_own_script():
    outcomes = {script(*OUTCOMES[case])[0].outcome for case in OUTCOMES}
    assert outcomes == set(Outcome.values)


@override_settings(GRIDLINE_CUSTOMER_LANGUAGE="zh-hans")
def test_an_english_agent_reads_the_chinese_sentence_and_sees_its_meaning():
    promise = NOW + timedelta(minutes=45)
    said = spoken(
        lambda: repair_script(
            outcome=Outcome.DISPATCH, arrive_by=promise, ticket_number=NUMBER, now=NOW
        )
    )

    with translation.override("zh-hans"):
        expected = [
            _("Your repair number is %(number)s.") % {"number": NUMBER},
            _("A crew will be with you by %(time)s.") % {"time": "13:45"},
        ]
    assert said.lines == tuple(expected)
    # A Chinese sentence follows its full stop with no space, any other with one.
    assert said.text == ("" if expected[0].endswith("。") else " ").join(expected)
    assert said.lang == "zh-Hans"
    assert said.meaning_text == f"Your repair number is {NUMBER}. A crew will be with you by 13:45."
    assert said.meaning_lang == "en"


@override_settings(GRIDLINE_CUSTOMER_LANGUAGE="zh-hans")
def test_sentences_are_joined_as_their_language_writes_them():
    from repairs.scripts import Spoken

    assert Spoken(
        lines=("您的报修单号是R1。", "抢修人员将在13:45前到达。"), lang="zh-Hans"
    ).text == ("您的报修单号是R1。抢修人员将在13:45前到达。")
    assert Spoken(lines=("Your number is R1.", "A crew comes."), lang="en").text == (
        "Your number is R1. A crew comes."
    )


@override_settings(GRIDLINE_CUSTOMER_LANGUAGE="zh-hans")
def test_an_agent_reading_the_customer_language_sees_no_second_version():
    with translation.override("zh-hans"):
        said = spoken(lambda: repair_script(outcome=Outcome.RESOLVED_ON_CALL, now=NOW))

    assert said.lines
    assert said.meaning == ()
