"""Notice pages: publish, change and cancel, by supervisors and their own station's dispatcher."""

from datetime import timedelta

import pytest
from django.utils import timezone

from repairs.models import OutageNotice
from tests.factories import PASSWORD, FeederFactory, PremiseFactory
from tickets.models import OutboxMessage


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form(feeder, **overrides):
    start = timezone.now() + timedelta(days=8)
    return {
        "kind": "planned",
        "feeder_codes": feeder.code,
        "transformer_codes": "",
        "starts_at": local(start),
        "ends_at": local(start + timedelta(hours=8)),
        "reason": "Replacing poles",
        **overrides,
    }


@pytest.fixture
def north_feeder(station_north):
    feeder = FeederFactory(station=station_north)
    PremiseFactory(transformer__feeder=feeder, important=True, customer__name="County Hospital")
    return feeder


def test_dispatcher_publishes_for_their_station_and_sees_whom_to_call(
    client, dispatcher_north, north_feeder
):
    client.login(username=dispatcher_north.username, password=PASSWORD)
    response = client.post("/repairs/notices/new/", form(north_feeder), follow=True)

    notice = OutageNotice.objects.get()
    assert response.redirect_chain[-1][0] == f"/repairs/notices/{notice.pk}/edit/"
    page = response.content.decode()
    assert "County Hospital" in page  # important customers, to call individually
    assert not notice.late_notice
    assert notice.station_id == north_feeder.station_id


def test_late_publication_warns_and_flags(client, supervisor, north_feeder):
    client.login(username=supervisor.username, password=PASSWORD)
    soon = timezone.now() + timedelta(days=2)
    response = client.post(
        "/repairs/notices/new/",
        form(north_feeder, starts_at=local(soon), ends_at=local(soon + timedelta(hours=2))),
        follow=True,
    )
    assert OutageNotice.objects.get().late_notice
    assert "flagged as late" in response.content.decode()


def test_bad_input_rerenders_with_errors_and_writes_nothing(client, supervisor, north_feeder):
    client.login(username=supervisor.username, password=PASSWORD)
    response = client.post(
        "/repairs/notices/new/", form(north_feeder, feeder_codes="NOPE", reason="")
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Unknown: NOPE." in page
    assert "Give the reason the customers will read." in page
    assert 'value="planned"' in page  # what was typed is kept
    assert OutageNotice.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_other_stations_dispatcher_cannot_touch_the_notice(
    client, supervisor, dispatcher_south, north_feeder
):
    client.login(username=supervisor.username, password=PASSWORD)
    client.post("/repairs/notices/new/", form(north_feeder))
    notice = OutageNotice.objects.get()

    client.login(username=dispatcher_south.username, password=PASSWORD)
    assert client.get(f"/repairs/notices/{notice.pk}/edit/").status_code == 404
    assert client.post(f"/repairs/notices/{notice.pk}/cancel/").status_code == 404
    notice.refresh_from_db()
    assert notice.cancelled_at is None
    # The list is public to staff, without the edit link.
    page = client.get("/repairs/notices/").content.decode()
    assert "Replacing poles" in page
    assert f"/repairs/notices/{notice.pk}/edit/" not in page


def test_edit_and_cancel(client, supervisor, north_feeder):
    client.login(username=supervisor.username, password=PASSWORD)
    client.post("/repairs/notices/new/", form(north_feeder))
    notice = OutageNotice.objects.get()

    response = client.post(
        f"/repairs/notices/{notice.pk}/edit/", form(north_feeder, reason="Replacing a transformer")
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.reason == "Replacing a transformer"

    client.post(f"/repairs/notices/{notice.pk}/cancel/")
    notice.refresh_from_db()
    assert notice.cancelled_at is not None
    assert "Replacing a transformer" not in client.get("/repairs/notices/").content.decode()
    assert "Replacing a transformer" in client.get("/repairs/notices/?past=1").content.decode()


def test_agents_read_notices_but_cannot_publish(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    assert client.get("/repairs/notices/").status_code == 200
    assert client.get("/repairs/notices/new/").status_code == 403


def test_notice_list_query_count_is_constant(client, supervisor, django_assert_max_num_queries):
    client.login(username=supervisor.username, password=PASSWORD)
    start = timezone.now() + timedelta(days=1)
    for n in range(12):
        notice = OutageNotice.objects.create(
            kind="planned", reason=f"Work {n}", starts_at=start, ends_at=start + timedelta(hours=2),
            published_at=timezone.now(),
        )  # fmt: skip
        notice.feeders.add(FeederFactory())
        if n == 2:
            with django_assert_max_num_queries(10):
                client.get("/repairs/notices/")
    with django_assert_max_num_queries(10):
        client.get("/repairs/notices/")
