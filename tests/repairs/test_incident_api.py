"""The incident rows of DESIGN §5.2 version 1.1: POST /incidents/ (declare),
/incidents/{id}/dismiss/, /incidents/{id}/restore/ with transformer_codes, and `source` and
`parts` in every incident's output."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, WorkOrder
from repairs.models import Incident, IncidentPart, Repair
from repairs.services.declarations import incident_declare
from repairs.services.incidents import incident_restore
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import (
    CustomerPhoneFactory,
    FeederFactory,
    PremiseFactory,
    TransformerFactory,
)
from tickets.models import OutboxMessage, Ticket, TimelineEvent

INCIDENTS = "/api/v1/incidents/"


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30


@pytest.fixture
def feeder(station_north):
    return FeederFactory(station=station_north, code="F-12")


@pytest.fixture
def t1(feeder):
    return TransformerFactory(feeder=feeder, code="T-01")


@pytest.fixture
def t2(feeder):
    return TransformerFactory(feeder=feeder, code="T-02")


@pytest.fixture
def south_transformer(station_south):
    return TransformerFactory(feeder=FeederFactory(station=station_south), code="S-01")


def as_user(api, user):
    api.force_authenticate(user)
    return api


def counts() -> dict[str, int]:
    return {
        "incidents": Incident.objects.count(),
        "parts": IncidentPart.objects.count(),
        "orders": WorkOrder.objects.count(),
        "events": TimelineEvent.objects.count(),
        "outbox": OutboxMessage.objects.count(),
    }


def iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None, value
    return parsed


def calls_on(transformer, n=3):
    for premise in PremiseFactory.create_batch(n, transformer=transformer):
        made = repair_create(premise=premise, answers=Answers(scope=Scope.NEIGHBOURS), actor=None)
    return made


# --- POST /api/v1/incidents/ ---------------------------------------------------------------


def test_a_dispatcher_declares_an_incident_on_a_transformer_of_its_station(
    api, dispatcher_north, t1
):
    etr = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)

    response = as_user(api, dispatcher_north).post(
        INCIDENTS,
        {
            "level": "transformer",
            "device_code": "T-01",
            "etr": etr.isoformat(),
            "note": "Seen on patrol",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    incident = Incident.objects.get()
    assert body["id"] == incident.pk
    assert body["source"] == "declared"
    assert body["level"] == "transformer"
    assert body["device_code"] == "T-01"
    assert body["station_code"] == "N01"
    assert body["status"] == "detected"
    assert body["note"] == "Seen on patrol"
    assert iso(body["etr"]) == etr
    assert body["parts"] == []
    assert body["work_order"] == incident.work_order_id
    assert WorkOrder.objects.get(pk=body["work_order"]).is_open


def test_a_supervisor_declares_a_feeder_incident_with_its_parts(api, supervisor, t1, t2):
    response = as_user(api, supervisor).post(
        INCIDENTS, {"level": "feeder", "device_code": "F-12"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["parts"] == [
        {"transformer_code": "T-01", "restored_at": None},
        {"transformer_code": "T-02", "restored_at": None},
    ]


def test_notify_premises_texts_every_phone_under_the_device(api, dispatcher_north, t1):
    for number in ("13800000001", "13800000002"):
        CustomerPhoneFactory(customer=PremiseFactory(transformer=t1).customer, number=number)

    response = as_user(api, dispatcher_north).post(
        INCIDENTS,
        {"level": "transformer", "device_code": "T-01", "notify_premises": True},
        format="json",
    )

    assert response.status_code == 201
    texted = OutboxMessage.objects.filter(kind="incident_declared")
    assert sorted(texted.values_list("recipient", flat=True)) == ["13800000001", "13800000002"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "transformer", "device_code": "S-01"}, "device_code"),  # another station's
        ({"level": "transformer", "device_code": "NOPE"}, "device_code"),
        ({"level": "feeder", "device_code": "T-01"}, "device_code"),  # a transformer's code
        ({"level": "substation", "device_code": "T-01"}, "level"),
        ({"device_code": "T-01"}, "level"),
        ({"level": "transformer"}, "device_code"),
        ({"level": "transformer", "device_code": "T-01", "etr": "2001-01-01T00:00:00Z"}, "etr"),
        (
            {"level": "transformer", "device_code": "T-01", "notify_premises": "yes"},
            "notify_premises",
        ),
        ({"level": "transformer", "device_code": "T-01", "note": "x" * 2001}, "note"),
    ],
    ids=[
        "other-station",
        "unknown-code",
        "wrong-level",
        "bad-level",
        "no-level",
        "no-device",
        "etr-in-the-past",
        "flag-not-boolean",
        "note-too-long",
    ],
)
def test_a_bad_declaration_answers_400_on_its_field_and_writes_nothing(
    api, dispatcher_north, t1, south_transformer, body, field
):
    before = counts()

    response = as_user(api, dispatcher_north).post(INCIDENTS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert counts() == before


def test_declaring_on_a_device_with_an_active_incident_answers_409(api, dispatcher_north, t1):
    existing = calls_on(t1).incident
    before = counts()

    response = as_user(api, dispatcher_north).post(
        INCIDENTS, {"level": "transformer", "device_code": "T-01"}, format="json"
    )

    assert response.status_code == 409
    assert f"#{existing.pk}" in response.json()["device_code"][0]
    assert counts() == before


@pytest.mark.parametrize("persona", ["agent", "crew_north", "manager"])
def test_roles_that_do_not_declare_get_403(api, t1, persona, request):
    response = as_user(api, request.getfixturevalue(persona)).post(
        INCIDENTS, {"level": "transformer", "device_code": "T-01"}, format="json"
    )

    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_anonymous_declaration_answers_401(api, t1):
    response = api.post(INCIDENTS, {"level": "transformer", "device_code": "T-01"}, format="json")

    assert response.status_code == 401


# --- POST /api/v1/incidents/{id}/dismiss/ -----------------------------------------------------


def dismiss_url(incident) -> str:
    return f"{INCIDENTS}{incident.pk}/dismiss/"


def test_dismissing_answers_the_dismissed_incident_and_dispatches_each_ticket(api, supervisor, t1):
    incident = calls_on(t1).incident

    response = as_user(api, supervisor).post(
        dismiss_url(incident), {"reason": "One house's service line"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "dismissed"
    assert body["dismiss_reason"] == "One house's service line"
    iso(body["dismissed_at"])
    open_orders = WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)
    assert open_orders.count() == 3
    assert set(open_orders.values_list("ticket", flat=True)) == set(
        Repair.objects.values_list("ticket", flat=True)
    )
    assert api.get(INCIDENTS, {"active": "true"}).json()["count"] == 0


def test_dismissing_without_a_reason_answers_400(api, dispatcher_north, t1):
    incident = calls_on(t1).incident
    before = counts()

    response = as_user(api, dispatcher_north).post(dismiss_url(incident), {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert counts() == before


def test_dismissing_twice_answers_409(api, dispatcher_north, t1):
    incident = calls_on(t1).incident
    as_user(api, dispatcher_north).post(dismiss_url(incident), {"reason": "x"}, format="json")
    before = counts()

    response = api.post(dismiss_url(incident), {"reason": "y"}, format="json")

    assert response.status_code == 409
    assert counts() == before


def test_another_stations_dispatcher_gets_404_and_a_crew_403(api, dispatcher_south, crew_north, t1):
    incident = calls_on(t1).incident

    outsider = as_user(api, dispatcher_south).post(
        dismiss_url(incident), {"reason": "x"}, format="json"
    )
    crew = as_user(api, crew_north).post(dismiss_url(incident), {"reason": "x"}, format="json")

    assert outsider.status_code == 404
    assert crew.status_code == 403
    assert Incident.objects.get().is_active


# --- POST /api/v1/incidents/{id}/restore/ with transformer_codes ------------------------------


@pytest.fixture
def feeder_incident(dispatcher_north, feeder, t1, t2):
    incident = incident_declare(feeder=feeder, transformer=None, actor=dispatcher_north)
    for transformer in (t1, t2):
        repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope=Scope.SELF_ONLY),
            actor=None,
        )
    return incident


def restore_url(incident) -> str:
    return f"{INCIDENTS}{incident.pk}/restore/"


def test_a_crew_restores_one_transformer_of_a_feeder_incident(api, crew_north, feeder_incident):
    response = as_user(api, crew_north).post(
        restore_url(feeder_incident),
        {"cause": "tree_contact", "note": "Branch cleared", "transformer_codes": ["T-01"]},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "detected"
    (first, second) = body["parts"]
    assert first["transformer_code"] == "T-01"
    iso(first["restored_at"])
    assert second == {"transformer_code": "T-02", "restored_at": None}
    statuses = dict(
        Ticket.objects.values_list("premise__transformer__code", "status").order_by("pk")
    )
    assert statuses == {"T-01": Ticket.Status.RESOLVED, "T-02": Ticket.Status.IN_PROGRESS}


def test_restoring_the_last_transformer_restores_the_incident(
    api, dispatcher_north, feeder_incident
):
    as_user(api, dispatcher_north).post(
        restore_url(feeder_incident),
        {"cause": "weather", "transformer_codes": ["T-01"]},
        format="json",
    )

    response = api.post(
        restore_url(feeder_incident),
        {"cause": "weather", "transformer_codes": ["T-02"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "restored"
    assert all(part["restored_at"] for part in response.json()["parts"])


@pytest.mark.parametrize(
    ("codes", "status"),
    [(["T-99"], 400), (["T-01", "NOPE"], 400), ("T-01", 400)],
    ids=["not-on-the-feeder", "one-unknown", "not-a-list"],
)
def test_bad_transformer_codes_answer_400_and_change_nothing(
    api, dispatcher_north, feeder_incident, codes, status
):
    TransformerFactory(code="T-99")
    before = counts()

    response = as_user(api, dispatcher_north).post(
        restore_url(feeder_incident),
        {"cause": "weather", "transformer_codes": codes},
        format="json",
    )

    assert response.status_code == status
    assert "transformer_codes" in response.json()
    assert counts() == before
    assert not IncidentPart.objects.filter(restored_at__isnull=False).exists()


def test_a_restored_part_named_again_answers_409(api, dispatcher_north, feeder_incident):
    as_user(api, dispatcher_north).post(
        restore_url(feeder_incident),
        {"cause": "weather", "transformer_codes": ["T-01"]},
        format="json",
    )
    before = counts()

    response = api.post(
        restore_url(feeder_incident),
        {"cause": "weather", "transformer_codes": ["T-01"]},
        format="json",
    )

    assert response.status_code == 409
    assert "transformer_codes" in response.json()
    assert counts() == before


def test_a_transformer_incident_refuses_transformer_codes(api, dispatcher_north, t1):
    incident = calls_on(t1).incident

    response = as_user(api, dispatcher_north).post(
        restore_url(incident), {"cause": "weather", "transformer_codes": ["T-01"]}, format="json"
    )

    assert response.status_code == 400
    assert "restored whole" in response.json()["transformer_codes"][0]
    assert Incident.objects.get().is_active


# --- The output: source and parts ----------------------------------------------------------


def test_the_list_says_where_each_incident_came_from(api, supervisor, dispatcher_north, t1, t2):
    calls_on(t1)
    incident_declare(feeder=t2.feeder, transformer=t2, actor=dispatcher_north)

    rows = as_user(api, supervisor).get(INCIDENTS).json()["results"]

    assert {(row["device_code"], row["source"]) for row in rows} == {
        ("T-01", "calls"),
        ("T-02", "declared"),
    }


@pytest.mark.parametrize("size", [2, 8])
def test_the_list_with_parts_keeps_its_query_count(
    api, supervisor, station_north, django_assert_max_num_queries, size
):
    for _ in range(size):
        feeder = FeederFactory(station=station_north)
        TransformerFactory.create_batch(2, feeder=feeder)
        incident_declare(feeder=feeder, transformer=None, actor=None)
    as_user(api, supervisor)

    # The count, the page of incidents, their parts with their transformers.
    with django_assert_max_num_queries(3):
        response = api.get(INCIDENTS)

    assert response.json()["count"] == size
    assert all(len(row["parts"]) == 2 for row in response.json()["results"])


def test_a_nested_outage_names_its_incident_in_the_repair_answer(api, agent, t1):
    incident = calls_on(t1).incident
    incident_restore(
        incident=incident, cause=CauseCode.objects.get(code="weather"), note="", actor=None
    )
    PremiseFactory(transformer=t1, meter_no="M-AGAIN")

    response = as_user(api, agent).post(
        "/api/v1/repairs/", {"meter_no": "M-AGAIN", "scope": "self_only"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["outcome"] == "dispatch"
    assert response.json()["nested_of"] == incident.pk


def test_the_triage_answer_names_the_incident_a_nested_outage_follows(api, agent, t1):
    incident = calls_on(t1).incident
    incident_restore(
        incident=incident, cause=CauseCode.objects.get(code="weather"), note="", actor=None
    )
    PremiseFactory(transformer=t1, meter_no="M-AGAIN")

    response = as_user(api, agent).post(
        "/api/v1/repairs/triage/", {"meter_no": "M-AGAIN", "scope": "self_only"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["nested_of"]["id"] == incident.pk
    assert response.json()["nested_of"]["device_code"] == "T-01"
