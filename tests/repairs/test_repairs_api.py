"""POST /api/v1/repairs/ and /api/v1/incidents/: the DESIGN §5.2 contract."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, WorkOrder
from dispatch.services import crew_member_set
from repairs.models import Incident, OutageNotice, Repair
from repairs.services.incidents import incident_restore
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import (
    CrewFactory,
    FeederFactory,
    PremiseFactory,
    TransformerFactory,
    UserFactory,
)
from tickets.models import Ticket, TimelineEvent

URL = "/api/v1/repairs/"
INCIDENTS = "/api/v1/incidents/"
NEIGHBOURS = {"scope": "neighbours", "breaker": "not_tripped"}
RESPONSE_FIELDS = {
    "number",
    "outcome",
    "reason",
    "priority",
    "arrive_by",
    "incident",
    "work_order",
    "nested_of",
}
INCIDENT_FIELDS = {"id", "level", "device_code", "station_code", "status", "etr", "ticket_count"}


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30


@pytest.fixture
def transformer(station_north):
    return TransformerFactory(code="T-0315", feeder=FeederFactory(station=station_north))


@pytest.fixture
def premise(transformer):
    return PremiseFactory(meter_no="M1", transformer=transformer, area_type="rural")


def post(api, user, body):
    api.force_authenticate(user)
    return api.post(URL, body, format="json")


def counts() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        Repair.objects.count(),
        WorkOrder.objects.count(),
        TimelineEvent.objects.count(),
    )


def iso_with_offset(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None, value
    return parsed


def incident_on(transformer, n=3):
    """An incident made the way the product makes it: n neighbours-out calls."""
    made = None
    for premise in PremiseFactory.create_batch(n, transformer=transformer):
        made = repair_create(premise=premise, answers=Answers(scope=Scope.NEIGHBOURS), actor=None)
    assert made.incident is not None
    return made.incident


def crew_user(username, station):
    user = UserFactory(username=username, role=Role.CREW, station=station)
    crew_member_set(user=user, crew=CrewFactory(station=station))
    return user


# --- POST /api/v1/repairs/ -----------------------------------------------------------


def test_dispatch_answers_201_with_the_ticket_and_its_work_order(api, agent, premise):
    before = timezone.now()

    response = post(
        api,
        agent,
        {
            "meter_no": "M1",
            "caller_phone": "138-0000-1234",
            "description": "Whole street dark since 19:40",
            **NEIGHBOURS,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == RESPONSE_FIELDS
    ticket = Ticket.objects.get()
    order = WorkOrder.objects.get()
    assert body["number"] == ticket.number
    assert body["outcome"] == "dispatch"
    assert body["reason"] == Repair.objects.get().reason
    assert body["priority"] == "high"
    assert body["work_order"] == order.pk
    assert body["incident"] is None
    arrive_by = iso_with_offset(body["arrive_by"])
    assert arrive_by == order.arrive_by
    assert timedelta(minutes=90) <= arrive_by - before <= timedelta(minutes=91)  # rural
    assert ticket.caller_phone == "13800001234"
    assert ticket.description == "Whole street dark since 19:40"
    assert ticket.created_by == agent
    assert ticket.status == Ticket.Status.IN_PROGRESS


@pytest.mark.parametrize("typed", ["+86 138 0013 8000", "0086 13800138000", "138-0013-8000"])
def test_the_callers_phone_is_stored_in_one_form_however_it_is_typed(api, agent, premise, typed):
    response = post(api, agent, {"meter_no": "M1", "caller_phone": typed, **NEIGHBOURS})

    assert response.status_code == 201
    assert Ticket.objects.get().caller_phone == "13800138000"


def test_emergency_is_urgent_with_the_urban_arrival_limit(api, agent, premise):
    before = timezone.now()

    body = post(api, agent, {"meter_no": "M1", "hazards": ["wire_down", "fire_smoke"]}).json()

    assert body["outcome"] == "emergency_dispatch"
    assert body["priority"] == "urgent"
    assert timedelta(minutes=45) <= iso_with_offset(body["arrive_by"]) - before
    assert iso_with_offset(body["arrive_by"]) - before <= timedelta(minutes=46)
    assert Repair.objects.get().hazards == ["fire_smoke", "wire_down"]


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"scope": "self_only", "breaker": "tripped_reset_ok"}, "resolved_on_call"),
        ({"scope": "self_only", "fault_side": "customer"}, "customer_side"),
    ],
)
def test_outcome_answered_on_the_call_dispatches_nothing(api, agent, premise, answers, outcome):
    response = post(api, agent, {"meter_no": "M1", **answers})

    body = response.json()
    assert response.status_code == 201
    assert body["outcome"] == outcome
    assert body["priority"] == "normal"
    assert body["arrive_by"] is None
    assert body["work_order"] is None
    assert body["incident"] is None
    assert Ticket.objects.get().status == Ticket.Status.RESOLVED
    assert WorkOrder.objects.count() == 0


def test_planned_outage_dispatches_nothing_and_tells_the_window(api, agent, premise):
    now = timezone.now()
    notice = OutageNotice.objects.create(
        kind="planned",
        reason="Replace insulators",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        published_at=now - timedelta(days=8),
    )
    notice.transformers.add(premise.transformer)

    body = post(api, agent, {"meter_no": "M1", **NEIGHBOURS}).json()

    assert body["outcome"] == "planned_outage"
    assert "Replace insulators" in body["reason"]
    assert (body["arrive_by"], body["work_order"], body["incident"]) == (None, None, None)
    assert WorkOrder.objects.count() == 0


def test_known_incident_names_the_incident_and_its_work_order(api, agent, transformer, premise):
    incident = incident_on(transformer)
    orders = WorkOrder.objects.count()

    body = post(api, agent, {"meter_no": "M1", "scope": "self_only"}).json()

    assert body["outcome"] == "known_incident"
    assert body["incident"] == incident.pk
    assert body["work_order"] == incident.work_order_id
    assert body["arrive_by"] is None
    assert body["priority"] == "normal"
    assert WorkOrder.objects.count() == orders
    assert Ticket.objects.get(number=body["number"]).status == Ticket.Status.IN_PROGRESS


def test_the_call_that_completes_the_threshold_names_the_new_incident(
    api, agent, transformer, premise
):
    for other in PremiseFactory.create_batch(2, transformer=transformer):
        post(api, agent, {"meter_no": other.meter_no, **NEIGHBOURS})

    body = post(api, agent, {"meter_no": "M1", **NEIGHBOURS}).json()

    incident = Incident.objects.get()
    assert body["outcome"] == "dispatch"
    assert body["incident"] == incident.pk
    assert body["work_order"] == incident.work_order_id
    assert body["arrive_by"] is not None
    assert list(WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)) == [
        incident.work_order
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"meter_no": "NOPE"}, "meter_no"),
        ({"meter_no": ""}, "meter_no"),
        ({}, "meter_no"),
        ({"meter_no": "M1", "scope": "street"}, "scope"),
        ({"meter_no": "M1", "breaker": "maybe"}, "breaker"),
        ({"meter_no": "M1", "fault_side": "neighbour"}, "fault_side"),
        ({"meter_no": "M1", "high_power_load": "yes"}, "high_power_load"),
        ({"meter_no": "M1", "equipment_in_use": "x" * 201}, "equipment_in_use"),
        ({"meter_no": "M1", "hazards": ["tornado"]}, "hazards"),
        ({"meter_no": "M1", "hazards": "wire_down"}, "hazards"),
        ({"meter_no": "M1", "caller_phone": "call me later"}, "caller_phone"),
        ({"meter_no": "M1", "caller_phone": "123"}, "caller_phone"),
        ({"meter_no": "M1", "caller_phone": 13800001234}, "caller_phone"),
        ({"meter_no": "M1", "description": "x" * 2001}, "description"),
        ({"meter_no": "M1", "description": ["not", "text"]}, "description"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_input_answers_400_for_that_field_and_writes_nothing(api, agent, premise, body, field):
    before = counts()

    response = post(api, agent, body)

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {field}
    assert all(isinstance(m, str) and m for m in errors[field])
    assert counts() == before


def test_every_bad_field_is_named_at_once(api, agent, premise):
    response = post(
        api,
        agent,
        {
            "meter_no": "NOPE",
            "scope": "street",
            "hazards": ["tornado"],
            "caller_phone": "call me",
            "description": "x" * 2001,
        },
    )

    assert response.status_code == 400
    assert set(response.json()) == {"meter_no", "scope", "hazards", "caller_phone", "description"}
    assert counts() == (0, 0, 0, 0)


def test_description_at_the_limit_is_accepted(api, agent, premise):
    response = post(api, agent, {"meter_no": "M1", "description": "x" * 2000})

    assert response.status_code == 201


@pytest.mark.parametrize("persona", ["dispatcher_north", "crew_north", "manager"])
def test_other_roles_may_not_record_a_repair(api, premise, persona, request):
    user = request.getfixturevalue(persona)

    response = post(api, user, {"meter_no": "M1", **NEIGHBOURS})

    assert response.status_code == 403
    assert counts() == (0, 0, 0, 0)


def test_supervisor_may_record_a_repair(api, supervisor, premise):
    assert post(api, supervisor, {"meter_no": "M1", **NEIGHBOURS}).status_code == 201


def test_anonymous_repair_answers_401(api, premise):
    response = api.post(URL, {"meter_no": "M1", **NEIGHBOURS}, format="json")

    assert response.status_code == 401
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("existing", [1, 50])
@pytest.mark.parametrize(
    ("opens_incident", "budget"), [(False, 25), (True, 41)], ids=["dispatch", "opens-incident"]
)
def test_repair_query_count_does_not_grow_with_the_tickets_there_are(
    api,
    agent,
    transformer,
    premise,
    existing,
    opens_incident,
    budget,
    django_assert_max_num_queries,
):
    # Open tickets on the same transformer (which correlation reads) and elsewhere.
    for i in range(existing):
        other = PremiseFactory(transformer=transformer if i % 2 else TransformerFactory())
        repair_create(
            premise=other,
            answers=Answers(scope=Scope.SELF_ONLY, breaker="not_tripped", fault_side="utility"),
            actor=agent,
        )
    if opens_incident:
        for other in PremiseFactory.create_batch(2, transformer=transformer):
            repair_create(premise=other, answers=Answers(scope=Scope.NEIGHBOURS), actor=agent)
    api.force_authenticate(agent)

    with django_assert_max_num_queries(budget):
        response = api.post(URL, {"meter_no": "M1", **NEIGHBOURS}, format="json")

    assert response.status_code == 201
    assert (response.json()["incident"] is not None) is opens_incident


# --- GET /api/v1/incidents/ ----------------------------------------------------------


def test_active_incidents_list_the_contract_fields(api, dispatcher_north, transformer):
    incident = incident_on(transformer)

    api.force_authenticate(dispatcher_north)
    response = api.get(INCIDENTS, {"active": "true"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert {"next", "previous", "results"} <= set(body)
    (row,) = body["results"]
    assert set(row) >= INCIDENT_FIELDS
    assert row["id"] == incident.pk
    assert row["level"] == "transformer"
    assert row["device_code"] == "T-0315"
    assert row["station_code"] == "N01"
    assert row["status"] == "detected"
    # The default of DESIGN §3.10 until someone estimates.
    assert iso_with_offset(row["etr"]) == incident.etr
    assert row["ticket_count"] == 3
    iso_with_offset(row["created_at"])


def test_known_incident_calls_count_in_ticket_count(api, agent, transformer):
    incident_on(transformer)
    repair_create(premise=PremiseFactory(transformer=transformer), answers=Answers(), actor=agent)
    api.force_authenticate(agent)

    (row,) = api.get(INCIDENTS, {"active": "true"}).json()["results"]

    assert row["ticket_count"] == 4


def test_restored_incidents_are_not_active(api, supervisor, transformer):
    incident = incident_on(transformer)
    incident_restore(
        incident=incident, cause=CauseCode.objects.get(code="weather"), note="", actor=None
    )
    api.force_authenticate(supervisor)

    active = api.get(INCIDENTS, {"active": "true"}).json()
    inactive = api.get(INCIDENTS, {"active": "false"}).json()

    assert active["count"] == 0
    assert [row["id"] for row in inactive["results"]] == [incident.pk]
    assert inactive["results"][0]["status"] == "restored"


def test_dispatcher_sees_only_its_stations_incidents(
    api, dispatcher_north, dispatcher_south, transformer, station_south
):
    north = incident_on(transformer)
    south = incident_on(TransformerFactory(feeder=FeederFactory(station=station_south)))

    api.force_authenticate(dispatcher_south)
    seen_by_south = api.get(INCIDENTS, {"active": "true"}).json()
    api.force_authenticate(dispatcher_north)
    seen_by_north = api.get(INCIDENTS, {"active": "true"}).json()

    assert [row["id"] for row in seen_by_south["results"]] == [south.pk]
    assert [row["id"] for row in seen_by_north["results"]] == [north.pk]


def test_incident_list_query_count_is_constant(
    api, supervisor, station_north, django_assert_max_num_queries
):
    for _ in range(5):
        incident_on(TransformerFactory(feeder=FeederFactory(station=station_north)))
    api.force_authenticate(supervisor)

    with django_assert_max_num_queries(3):
        response = api.get(INCIDENTS, {"active": "true"})

    assert response.json()["count"] == 5


def test_anonymous_incident_list_answers_401(api, transformer):
    incident_on(transformer)

    assert api.get(INCIDENTS).status_code == 401


# --- POST /api/v1/incidents/{id}/restore/ --------------------------------------------


def restore_url(incident) -> str:
    return f"{INCIDENTS}{incident.pk}/restore/"


def attached_statuses(incident) -> set[str]:
    return set(Ticket.objects.filter(repair__incident=incident).values_list("status", flat=True))


def test_crew_of_the_station_restores_and_every_ticket_is_resolved(api, crew_north, transformer):
    incident = incident_on(transformer)
    api.force_authenticate(crew_north)

    response = api.post(
        restore_url(incident),
        {"cause": "transformer_fuse", "note": "Replaced the HV fuse"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "restored"
    assert body["cause"] == "transformer_fuse"
    assert body["cause_note"] == "Replaced the HV fuse"
    iso_with_offset(body["restored_at"])
    assert attached_statuses(incident) == {Ticket.Status.RESOLVED}
    resolves = TimelineEvent.objects.filter(kind="resolve", ticket__repair__incident=incident)
    assert resolves.count() == 3
    assert {e.actor for e in resolves} == {crew_north}
    assert {e.data["cause"] for e in resolves} == {"transformer_fuse"}


def test_dispatcher_of_the_station_restores(api, dispatcher_north, transformer):
    incident = incident_on(transformer)
    api.force_authenticate(dispatcher_north)

    response = api.post(restore_url(incident), {"cause": "weather"}, format="json")

    assert response.status_code == 200
    assert attached_statuses(incident) == {Ticket.Status.RESOLVED}


def test_restore_of_another_stations_incident_is_404_and_changes_nothing(
    api, dispatcher_south, transformer, station_south
):
    incident = incident_on(transformer)
    outsider_crew = crew_user("crew_south", station_south)
    before = counts()

    for user in (dispatcher_south, outsider_crew):
        api.force_authenticate(user)
        response = api.post(restore_url(incident), {"cause": "weather"}, format="json")

        assert response.status_code == 404
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DETECTED
    assert attached_statuses(incident) == {Ticket.Status.IN_PROGRESS}
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [{"cause": "aliens"}, {}, {"cause": "weather", "note": "x" * 2001}],
    ids=["unknown-cause", "no-cause", "note-too-long"],
)
def test_restore_with_bad_input_answers_400_and_changes_nothing(
    api, dispatcher_north, transformer, body
):
    incident = incident_on(transformer)
    before = counts()
    api.force_authenticate(dispatcher_north)

    response = api.post(restore_url(incident), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) <= {"cause", "note"}
    assert response.json()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DETECTED
    assert counts() == before


def test_restore_twice_answers_409_and_changes_nothing(api, dispatcher_north, transformer):
    incident = incident_on(transformer)
    api.force_authenticate(dispatcher_north)
    first = api.post(restore_url(incident), {"cause": "weather"}, format="json")
    before = counts()
    restored_at = Incident.objects.get().restored_at

    second = api.post(restore_url(incident), {"cause": "tree_contact"}, format="json")

    assert first.status_code == 200
    assert second.status_code == 409
    assert "action" in second.json()
    incident.refresh_from_db()
    assert incident.cause.code == "weather"
    assert incident.restored_at == restored_at
    assert counts() == before


@pytest.mark.parametrize("persona", ["agent", "manager"])
def test_roles_that_do_not_restore_get_403(api, transformer, persona, request):
    incident = incident_on(transformer)
    api.force_authenticate(request.getfixturevalue(persona))

    response = api.post(restore_url(incident), {"cause": "weather"}, format="json")

    assert response.status_code == 403
    assert Incident.objects.get().status == Incident.Status.DETECTED
    assert attached_statuses(incident) == {Ticket.Status.IN_PROGRESS}


def test_anonymous_restore_answers_401(api, transformer):
    incident = incident_on(transformer)

    response = api.post(restore_url(incident), {"cause": "weather"}, format="json")

    assert response.status_code == 401
    assert Incident.objects.get().status == Incident.Status.DETECTED


def test_restore_of_an_unknown_incident_is_404(api, dispatcher_north, db):
    api.force_authenticate(dispatcher_north)

    assert api.post(f"{INCIDENTS}999999/restore/", {"cause": "weather"}).status_code == 404


# --- POST /api/v1/incidents/{id}/etr/ ------------------------------------------------


def test_etr_is_set_and_each_attached_caller_sees_it(api, dispatcher_north, transformer):
    incident = incident_on(transformer)
    etr = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    api.force_authenticate(dispatcher_north)

    response = api.post(f"{INCIDENTS}{incident.pk}/etr/", {"etr": etr.isoformat()}, format="json")

    assert response.status_code == 200
    assert iso_with_offset(response.json()["etr"]) == etr
    incident.refresh_from_db()
    assert incident.etr == etr
    events = TimelineEvent.objects.filter(kind="etr_changed")
    assert events.count() == 3
    assert {e.ticket_id for e in events} == set(
        Ticket.objects.filter(repair__incident=incident).values_list("pk", flat=True)
    )
    listed = api.get(INCIDENTS, {"active": "true"}).json()["results"][0]
    assert iso_with_offset(listed["etr"]) == etr


def test_etr_by_a_crew_of_the_station(api, crew_north, transformer):
    incident = incident_on(transformer)
    etr = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    api.force_authenticate(crew_north)

    response = api.post(f"{INCIDENTS}{incident.pk}/etr/", {"etr": etr.isoformat()}, format="json")

    assert response.status_code == 200


def test_bad_etr_answers_400(api, dispatcher_north, transformer):
    incident = incident_on(transformer)
    api.force_authenticate(dispatcher_north)

    response = api.post(f"{INCIDENTS}{incident.pk}/etr/", {"etr": "soon"}, format="json")

    assert response.status_code == 400
    assert "etr" in response.json()
    assert Incident.objects.get().etr == incident.etr
    assert not TimelineEvent.objects.filter(kind="etr_changed").exists()


def test_etr_on_a_restored_incident_answers_409(api, dispatcher_north, transformer):
    incident = incident_on(transformer)
    api.force_authenticate(dispatcher_north)
    api.post(restore_url(incident), {"cause": "weather"}, format="json")
    etr = timezone.now() + timedelta(hours=1)

    response = api.post(f"{INCIDENTS}{incident.pk}/etr/", {"etr": etr.isoformat()}, format="json")

    assert response.status_code == 409
    assert Incident.objects.get().etr == incident.etr


def test_etr_of_another_stations_incident_is_404(api, dispatcher_south, transformer):
    incident = incident_on(transformer)
    api.force_authenticate(dispatcher_south)
    etr = timezone.now() + timedelta(hours=1)

    response = api.post(f"{INCIDENTS}{incident.pk}/etr/", {"etr": etr.isoformat()}, format="json")

    assert response.status_code == 404
    assert Incident.objects.get().etr == incident.etr
