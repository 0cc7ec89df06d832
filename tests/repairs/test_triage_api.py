"""POST /api/v1/repairs/triage/: selectors + decide, saving nothing (DESIGN §5.2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from repairs.models import Incident, OutageNotice, Repair
from tests.factories import PremiseFactory
from tickets.models import Ticket, TimelineEvent

URL = "/api/v1/repairs/triage/"
SELF_TRIPPED = {"scope": "self_only", "breaker": "tripped_no_reset", "fault_side": "unknown"}


@pytest.fixture
def premise(db):
    return PremiseFactory(meter_no="M1", transformer__code="T1", transformer__feeder__code="F1")


def notice(*, kind="planned", feeders=(), transformers=(), starts=-1, ends=2, cancelled=False):
    now = timezone.now()
    n = OutageNotice.objects.create(
        kind=kind,
        reason="Replace pole-mounted switch",
        starts_at=now + timedelta(hours=starts),
        ends_at=now + timedelta(hours=ends),
        published_at=now - timedelta(days=8),
        cancelled_at=now if cancelled else None,
    )
    n.feeders.set(feeders)
    n.transformers.set(transformers)
    return n


def incident_on(premise, *, level="transformer", status="detected"):
    transformer = premise.transformer
    return Incident.objects.create(
        level=level,
        status=status,
        station=transformer.feeder.station,
        feeder=transformer.feeder,
        transformer=transformer if level == "transformer" else None,
        created_at=timezone.now(),
    )


def post(api, agent, body):
    api.force_authenticate(agent)
    return api.post(URL, body, format="json")


def test_plain_fault_dispatches_and_describes_the_premise(api, agent, premise):
    body = post(api, agent, {"meter_no": "M1", "scope": "neighbours"}).json()

    assert body["outcome"] == "dispatch"
    assert body["dispatches"] is True
    assert body["premise"]["transformer_code"] == "T1"
    assert body["premise"]["station_code"] == premise.transformer.feeder.station.code
    assert body["notice"] is None
    assert body["incident"] is None


def test_planned_outage_on_the_feeder_is_found_with_its_window(api, agent, premise):
    found = notice(feeders=[premise.transformer.feeder])

    body = post(api, agent, {"meter_no": "M1", **SELF_TRIPPED}).json()

    assert body["outcome"] == "planned_outage"
    assert body["notice"]["id"] == found.pk
    assert "F1" in body["reason"]
    assert body["dispatches"] is False


@pytest.mark.parametrize(
    ("starts", "ends", "cancelled"),
    [(1, 3, False), (-3, -1, False), (-1, 2, True)],
    ids=["upcoming", "over", "cancelled"],
)
def test_notices_not_in_force_are_ignored(api, agent, premise, starts, ends, cancelled):
    notice(transformers=[premise.transformer], starts=starts, ends=ends, cancelled=cancelled)

    body = post(api, agent, {"meter_no": "M1", "scope": "area"}).json()

    assert body["outcome"] == "dispatch"


def test_notice_on_another_transformer_does_not_cover_the_premise(api, agent, premise):
    notice(transformers=[PremiseFactory().transformer])

    assert post(api, agent, {"meter_no": "M1"}).json()["outcome"] == "dispatch"


def test_restriction_gives_supply_restriction(api, agent, premise):
    notice(kind="restriction", transformers=[premise.transformer])

    assert post(api, agent, {"meter_no": "M1"}).json()["outcome"] == "supply_restriction"


def test_active_incident_is_found(api, agent, premise):
    active = incident_on(premise)

    body = post(api, agent, {"meter_no": "M1", "scope": "neighbours"}).json()

    assert body["outcome"] == "known_incident"
    assert body["incident"]["id"] == active.pk


def test_restored_incident_no_longer_covers_the_premise(api, agent, premise):
    incident_on(premise, status="restored")

    assert post(api, agent, {"meter_no": "M1"}).json()["outcome"] == "dispatch"


def test_feeder_incident_covers_every_transformer_on_the_feeder(api, agent, premise):
    neighbour = PremiseFactory(meter_no="M2", transformer__feeder=premise.transformer.feeder)
    feeder_incident = incident_on(premise, level="feeder")

    body = post(api, agent, {"meter_no": neighbour.meter_no}).json()

    assert body["incident"]["id"] == feeder_incident.pk
    assert body["incident"]["level"] == "feeder"


def test_hazard_beats_a_planned_outage(api, agent, premise):
    notice(feeders=[premise.transformer.feeder])

    body = post(api, agent, {"meter_no": "M1", "hazards": ["wire_down"]}).json()

    assert body["outcome"] == "emergency_dispatch"


def test_overload_is_reported(api, agent, premise):
    body = post(
        api, agent, {"meter_no": "M1", "breaker": "tripped_no_reset", "high_power_load": True}
    ).json()

    assert body["likely_overload"] is True


def test_bad_input_names_every_bad_field_and_saves_nothing(api, agent, premise):
    response = post(api, agent, {"meter_no": "NOPE", "scope": "street", "hazards": ["tornado"]})

    assert response.status_code == 400
    assert set(response.json()) == {"meter_no", "scope", "hazards"}
    assert Ticket.objects.count() == 0


def test_missing_meter_number_is_a_field_error(api, agent, db):
    response = post(api, agent, {"scope": "self_only"})

    assert response.status_code == 400
    assert "meter_no" in response.json()


def test_triage_saves_nothing(api, agent, premise):
    post(api, agent, {"meter_no": "M1", "hazards": ["fire_smoke"]})

    assert (Ticket.objects.count(), TimelineEvent.objects.count(), Repair.objects.count()) == (
        0,
        0,
        0,
    )


def test_crew_may_not_triage(api, crew_north, premise):
    assert post(api, crew_north, {"meter_no": "M1"}).status_code == 403


@pytest.mark.parametrize("notices", [1, 10])
def test_query_count_is_constant(api, agent, premise, django_assert_max_num_queries, notices):
    for _ in range(notices):
        notice(transformers=[premise.transformer], starts=-2, ends=5)
    incident_on(premise)

    with django_assert_max_num_queries(7):
        assert post(api, agent, {"meter_no": "M1"}).status_code == 200
