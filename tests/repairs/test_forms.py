"""The repairs' input forms, shared by the pages and the API: the triage answers read from a
JSON body and from the wizard's posted form alike, every bad field reported at once."""

import pytest
from django.http import QueryDict

from config.errors import FieldErrors, GridlineError
from repairs.forms import RepairForm, TriageForm
from repairs.triage import Answers, Breaker, FaultSide, Hazard, Scope
from tests.factories import PremiseFactory


@pytest.fixture
def premise(db):
    return PremiseFactory(meter_no="M1")


def posted(fields):
    """The QueryDict a browser posts: a list for checkboxes, text for the rest."""
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def triage(data):
    form = TriageForm(data={"meter_no": "M1", **data})
    form.is_valid()
    return form


def test_triage_form_reads_a_full_body(premise):
    form = triage(
        {
            "scope": "self_only",
            "breaker": "tripped_no_reset",
            "high_power_load": True,
            "equipment_in_use": "  electric water heater ",
            "fault_side": "customer",
            "hazards": ["fire_smoke", "fire_smoke", "flooding"],
        }
    )

    assert form.is_valid(), form.errors
    assert form.premise == premise
    assert form.answers() == Answers(
        scope=Scope.SELF_ONLY,
        breaker=Breaker.TRIPPED_NO_RESET,
        high_power_load=True,
        equipment_in_use="electric water heater",
        fault_side=FaultSide.CUSTOMER,
        hazards=frozenset({Hazard.FIRE_SMOKE, Hazard.FLOODING}),
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="missing"),
        pytest.param(
            {
                "scope": None,
                "breaker": None,
                "high_power_load": None,
                "equipment_in_use": None,
                "fault_side": None,
                "hazards": None,
            },
            id="null",
        ),
        pytest.param({"scope": "", "breaker": "", "fault_side": "", "hazards": []}, id="empty"),
    ],
)
def test_triage_form_defaults_missing_answers_to_unknown(premise, data):
    form = triage(data)

    assert form.is_valid(), form.errors
    assert form.answers() == Answers(
        scope=Scope.UNKNOWN,
        breaker=Breaker.UNKNOWN,
        high_power_load=False,
        equipment_in_use="",
        fault_side=FaultSide.UNKNOWN,
        hazards=frozenset(),
    )


def test_triage_form_accepts_equipment_text_at_the_limit(premise):
    form = triage({"equipment_in_use": "x" * 200})

    assert form.is_valid()
    assert len(form.answers().equipment_in_use) == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"meter_no": "NOPE"}, "meter_no", id="unknown-meter"),
        pytest.param({"meter_no": " "}, "meter_no", id="blank-meter"),
        pytest.param({"meter_no": 1}, "meter_no", id="meter-not-text"),
        pytest.param({"scope": "street"}, "scope", id="unknown-scope"),
        pytest.param({"scope": 1}, "scope", id="scope-not-text"),
        pytest.param({"breaker": "off"}, "breaker", id="unknown-breaker"),
        pytest.param({"fault_side": "meter"}, "fault_side", id="unknown-fault-side"),
        pytest.param({"hazards": ["wire_down", "lightning"]}, "hazards", id="unknown-hazard"),
        pytest.param({"hazards": [7]}, "hazards", id="hazard-not-text"),
        pytest.param({"hazards": "wire_down"}, "hazards", id="hazards-a-string"),
        pytest.param({"hazards": {"wire_down": True}}, "hazards", id="hazards-an-object"),
        pytest.param({"high_power_load": "yes"}, "high_power_load", id="load-a-string"),
        pytest.param({"high_power_load": "on"}, "high_power_load", id="load-on-in-json"),
        pytest.param({"high_power_load": 1}, "high_power_load", id="load-a-number"),
        pytest.param({"equipment_in_use": 42}, "equipment_in_use", id="equipment-not-text"),
        pytest.param({"equipment_in_use": "x" * 201}, "equipment_in_use", id="equipment-too-long"),
    ],
)
def test_triage_form_refuses_bad_input_naming_the_field(premise, data, field):
    form = triage(data)

    assert list(form.errors) == [field]
    assert form.errors[field]


def test_triage_form_reports_every_bad_field_at_once(premise):
    form = triage({"scope": "street", "breaker": "off", "high_power_load": "no", "hazards": "fire"})

    assert set(form.errors) == {"scope", "breaker", "high_power_load", "hazards"}


def test_triage_form_names_each_bad_value_and_the_choices(premise):
    form = triage({"hazards": ["wire_down", "lightning", "hail"]})

    assert form.errors["hazards"] == [
        "“lightning” is not a valid choice; expected one of wire_down, fire_smoke, "
        "electric_shock, flooding, other_danger.",
        "“hail” is not a valid choice; expected one of wire_down, fire_smoke, "
        "electric_shock, flooding, other_danger.",
    ]


def test_triage_form_errors_are_a_400_domain_error_with_a_message_per_field(premise):
    form = triage({"scope": "street", "high_power_load": "yes"})

    error = FieldErrors.from_form(form)

    assert isinstance(error, GridlineError)
    assert error.status_code == 400
    assert error.as_dict() == error.errors
    assert set(error.as_dict()) == {"scope", "high_power_load"}


def test_the_wizards_posted_form_gives_the_same_answers_as_json(premise):
    data = posted(
        {
            "meter_no": "M1",
            "scope": "self_only",
            "high_power_load": "on",
            "hazards": ["wire_down", "flooding"],
        }
    )

    form = TriageForm(data=data)

    assert form.is_valid(), form.errors
    assert form.answers() == Answers(
        scope=Scope.SELF_ONLY,
        high_power_load=True,
        hazards=frozenset({Hazard.WIRE_DOWN, Hazard.FLOODING}),
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({}, False, id="unticked"),
        pytest.param({"high_power_load": "on"}, True, id="ticked"),
        pytest.param({"high_power_load": "true"}, True, id="ticked-with-a-value"),
    ],
)
def test_the_wizards_checkbox_is_read_as_a_browser_sends_it(premise, fields, expected):
    form = TriageForm(data=posted({"meter_no": "M1", **fields}))

    assert form.is_valid(), form.errors
    assert form.answers().high_power_load is expected


def test_repair_form_stores_the_phone_in_one_form_and_refuses_a_bad_one(premise):
    good = RepairForm(data={"meter_no": "M1", "caller_phone": "138 0000 1234"})
    bad = RepairForm(data={"meter_no": "M1", "caller_phone": "call me", "description": 5})

    assert good.is_valid(), good.errors
    assert good.cleaned_data["caller_phone"] == "13800001234"
    assert bad.errors == {
        "caller_phone": ["call me is not a phone number."],
        "description": ["Give the description as text."],
    }
