"""Absurd times are refused (issue "Faults", points 5 and 7): an ETR lies ahead of now and
not far off, a notice's window lies near now, and a year outside 2000-2099 is a typo, not
a server error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from repairs.models import Incident, OutageNotice
from tests.factories import PASSWORD, FeederFactory
from tests.repairs.test_repairs_api import INCIDENTS, incident_on

NOTICES = "/api/v1/outage-notices/"
ABSURD = ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z"]


def _iso(moment) -> str:
    return moment.replace(microsecond=0).isoformat()


def _from_now(**delta) -> str:
    return _iso(timezone.now() + timedelta(**delta))


@pytest.fixture
def transformer(station_north):
    from tests.factories import TransformerFactory

    return TransformerFactory(feeder__station=station_north)


@pytest.mark.parametrize(
    "etr",
    [*ABSURD, _from_now(minutes=-5), _from_now(days=31)],
)
def test_an_etr_in_the_past_or_far_off_is_refused(api, dispatcher_north, transformer, etr):
    incident = incident_on(transformer)
    api.force_authenticate(dispatcher_north)

    response = api.post(f"{INCIDENTS}{incident.pk}/etr/", {"etr": etr}, format="json")

    assert response.status_code == 400
    assert "etr" in response.json()
    assert Incident.objects.get(pk=incident.pk).etr == incident.etr


def _notice(starts, ends, feeder):
    return {
        "kind": "temporary",
        "feeder_codes": [feeder.code],
        "starts_at": starts,
        "ends_at": ends,
        "reason": "Line repair",
    }


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        ("0001-01-01T00:00:00+08:00", "2030-01-01T00:00:00Z", "starts_at"),
        ("2030-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "ends_at"),
        ("1970-01-01T00:00:00Z", _from_now(hours=2), "starts_at"),
        (_from_now(days=-8), _from_now(hours=2), "starts_at"),
        (_from_now(days=366), _from_now(days=367), "starts_at"),
        (_from_now(hours=1), _from_now(days=32), "ends_at"),
    ],
    ids=["year-1", "year-9999", "1970", "8-days-ago", "a-year-ahead", "32-days-long"],
)
def test_a_notice_far_from_now_is_refused(api, supervisor, starts, ends, field):
    api.force_authenticate(supervisor)

    response = api.post(NOTICES, _notice(starts, ends, FeederFactory()), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert OutageNotice.objects.count() == 0


def test_a_temporary_outage_noticed_late_is_still_published(api, supervisor):
    api.force_authenticate(supervisor)
    starts = _from_now(hours=-3)
    ends = _from_now(hours=2)

    response = api.post(NOTICES, _notice(starts, ends, FeederFactory()), format="json")

    assert response.status_code == 201


def test_a_long_running_notice_keeps_its_old_start_when_changed(client, supervisor):
    api_feeder = FeederFactory()
    started = timezone.now() - timedelta(days=10)
    from repairs.forms import OutageNoticeForm
    from repairs.services.notices import notice_publish

    data = OutageNoticeForm(
        data=_notice(_iso(started), _from_now(days=5), api_feeder),
        user=supervisor,
        now=started,
    ).notice_input()
    notice = notice_publish(data=data, actor=supervisor, now=started)
    client.login(username=supervisor.username, password=PASSWORD)

    response = client.post(
        f"/repairs/notices/{notice.pk}/edit/",
        {
            "kind": "temporary",
            "feeder_codes": api_feeder.code,
            "starts_at": timezone.localtime(notice.starts_at).strftime("%Y-%m-%dT%H:%M:%S"),
            "ends_at": timezone.localtime(notice.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Line repair, a crane on site",
        },
    )

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.reason == "Line repair, a crane on site"


def test_the_notice_page_states_the_rules_from_the_settings(client, supervisor, settings):
    settings.GRIDLINE_NOTICE_MAX_DAYS = 12
    settings.GRIDLINE_PLANNED_NOTICE_DAYS = 5
    client.login(username=supervisor.username, password=PASSWORD)

    page = client.get("/repairs/notices/new/").content.decode()

    assert "lasts at most 12 days" in page
    assert "at least 5 days ahead" in page
