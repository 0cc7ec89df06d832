"""POST /api/v1/outage-notices/ (DESIGN §5.2): 201 with id and late_notice; field errors; roles."""

from datetime import timedelta

from django.utils import timezone

from repairs.models import OutageNotice
from tests.factories import FeederFactory, TransformerFactory

URL = "/api/v1/outage-notices/"


def body(**overrides):
    start = timezone.now() + timedelta(days=8)
    return {
        "kind": "planned",
        "feeder_codes": [],
        "transformer_codes": [],
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat(),
        "reason": "Replacing poles",
        **overrides,
    }


def test_supervisor_publishes(api, supervisor):
    transformer = TransformerFactory()
    api.force_authenticate(supervisor)
    response = api.post(URL, body(transformer_codes=[transformer.code]), format="json")
    assert response.status_code == 201, response.data
    notice = OutageNotice.objects.get()
    assert response.data["id"] == notice.pk
    assert response.data["late_notice"] is False
    assert response.data["transformer_codes"] == [transformer.code]


def test_late_notice_is_reported(api, supervisor):
    feeder = FeederFactory()
    api.force_authenticate(supervisor)
    soon = timezone.now() + timedelta(hours=3)
    response = api.post(
        URL,
        body(
            kind="temporary",
            feeder_codes=[feeder.code],
            starts_at=soon.isoformat(),
            ends_at=(soon + timedelta(hours=1)).isoformat(),
        ),
        format="json",
    )
    assert response.status_code == 201
    assert response.data["late_notice"] is True


def test_bad_body_answers_400_per_field_and_writes_nothing(api, supervisor):
    api.force_authenticate(supervisor)
    response = api.post(
        URL, body(kind="soon", feeder_codes=["NOPE"], starts_at="later"), format="json"
    )
    assert response.status_code == 400
    assert set(response.data) >= {"kind", "feeder_codes", "starts_at"}
    assert OutageNotice.objects.count() == 0


def test_dispatcher_only_for_their_station(api, dispatcher_north, station_north, station_south):
    api.force_authenticate(dispatcher_north)
    ours, theirs = FeederFactory(station=station_north), FeederFactory(station=station_south)
    assert api.post(URL, body(feeder_codes=[theirs.code]), format="json").status_code == 400
    assert api.post(URL, body(feeder_codes=[ours.code]), format="json").status_code == 201


def test_agents_and_crews_cannot_publish_but_may_read(api, agent, crew_north):
    for user in (agent, crew_north):
        api.force_authenticate(user)
        assert (
            api.post(URL, body(feeder_codes=[FeederFactory().code]), format="json").status_code
            == 403
        )
        assert api.get(URL).status_code == 200
    assert OutageNotice.objects.count() == 0


def test_cancel_twice_answers_409(api, supervisor):
    api.force_authenticate(supervisor)
    created = api.post(URL, body(feeder_codes=[FeederFactory().code]), format="json").data
    assert api.post(f"{URL}{created['id']}/cancel/").status_code == 200
    assert api.post(f"{URL}{created['id']}/cancel/").status_code == 409
    listed = api.get(URL).data
    assert listed["count"] == 0  # a cancelled notice is no longer current


def test_cancel_of_a_notice_that_is_not_a_number_answers_404(api, supervisor):
    api.force_authenticate(supervisor)
    assert api.post(f"{URL}abc/cancel/").status_code == 404
