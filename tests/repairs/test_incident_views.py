"""The incident pages of DESIGN §3.10: declare (/repairs/incidents/declare/), and the actions
panel that dismisses an incident or restores it, whole or a feeder's transformer at a time."""

import pytest
from django.utils import translation

from dispatch.models import OPEN_WORK_ORDER_STATUSES, WorkOrder
from repairs.models import Incident, IncidentPart
from repairs.services.declarations import incident_declare
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import FeederFactory, PremiseFactory, TransformerFactory
from tickets.models import Ticket

DECLARE = "/repairs/incidents/declare/"


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def feeder(station_north):
    return FeederFactory(station=station_north, code="F-12")


@pytest.fixture
def t1(feeder):
    return TransformerFactory(feeder=feeder, code="T-01")


@pytest.fixture
def t2(feeder):
    return TransformerFactory(feeder=feeder, code="T-02")


def actions_url(incident) -> str:
    return f"/repairs/incidents/{incident.pk}/"


def calls_on(transformer, n=3):
    for premise in PremiseFactory.create_batch(n, transformer=transformer):
        made = repair_create(premise=premise, answers=Answers(scope=Scope.NEIGHBOURS), actor=None)
    return made.incident


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


# --- Declare -------------------------------------------------------------------------------


def test_the_declare_page_asks_for_the_device(client, dispatcher_north):
    client.force_login(dispatcher_north)

    response = client.get(DECLARE)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="device_code"' in page
    assert 'name="notify_premises"' in page
    assert 'value="transformer" checked' in page


@pytest.mark.parametrize("persona", ["agent", "crew_north", "manager"])
def test_roles_that_do_not_declare_get_403(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(DECLARE).status_code == 403
    assert client.post(DECLARE, {"level": "feeder", "device_code": "F-12"}).status_code == 403


def test_declaring_records_the_incident_and_shows_its_actions(client, dispatcher_north, t1):
    client.force_login(dispatcher_north)

    response = client.post(
        DECLARE,
        {"level": "transformer", "device_code": "T-01", "note": "Seen on patrol"},
        follow=True,
    )

    incident = Incident.objects.get()
    assert incident.source == Incident.Source.DECLARED
    assert incident.note == "Seen on patrol"
    assert not incident.premises_notified
    assert response.redirect_chain[-1][0] == actions_url(incident)
    page = response.content.decode()
    assert f"Incident #{incident.pk} declared on T-01" in page
    assert "Declared" in page  # its source


def test_the_checkbox_texts_the_premises(client, supervisor, t1):
    client.force_login(supervisor)

    client.post(DECLARE, {"level": "transformer", "device_code": "T-01", "notify_premises": "on"})

    assert Incident.objects.get().premises_notified


def test_declaring_follows_a_next_of_this_site_only(client, supervisor, t1, t2):
    client.force_login(supervisor)

    inside = client.post(
        DECLARE, {"level": "transformer", "device_code": "T-01", "next": "/dispatch/"}
    )
    outside = client.post(
        DECLARE, {"level": "transformer", "device_code": "T-02", "next": "https://evil.example/"}
    )

    assert inside.url == "/dispatch/"
    assert outside.url == actions_url(Incident.objects.get(transformer=t2))


def test_a_bad_declaration_answers_422_with_the_errors_beside_the_fields(
    client, dispatcher_south, t1
):
    client.force_login(dispatcher_south)

    response = client.post(DECLARE, {"level": "transformer", "device_code": "T-01"})

    assert response.status_code == 422
    assert "Not in your station: T-01." in response.content.decode()
    assert 'value="T-01"' in response.content.decode()  # what was typed stays
    assert not Incident.objects.exists()


def test_declaring_a_covered_device_answers_409_and_names_the_incident(
    client, dispatcher_north, t1
):
    existing = calls_on(t1)
    client.force_login(dispatcher_north)

    response = client.post(DECLARE, {"level": "feeder", "device_code": "F-12"})
    again = client.post(DECLARE, {"level": "transformer", "device_code": "T-01"})

    assert response.status_code == 302  # declared: the feeder absorbs the incident
    assert again.status_code == 409
    feeder_incident = Incident.objects.get(level=Incident.Level.FEEDER)
    assert f"Incident #{feeder_incident.pk}" in again.content.decode()
    existing.refresh_from_db()
    assert existing.status == Incident.Status.ABSORBED


# --- The actions panel ---------------------------------------------------------------------


def test_the_actions_of_a_feeder_incident_offer_its_unrestored_transformers(
    client, dispatcher_north, feeder_incident
):
    client.force_login(dispatcher_north)

    page = client.get(actions_url(feeder_incident)).content.decode()

    assert 'name="transformer_codes" value="T-01"' in page
    assert 'name="transformer_codes" value="T-02"' in page
    assert 'name="reason"' in page  # a dispatcher may dismiss


def test_a_crew_may_restore_but_not_dismiss(client, crew_north, feeder_incident):
    client.force_login(crew_north)

    page = client.get(actions_url(feeder_incident)).content.decode()

    assert 'name="cause"' in page
    assert 'name="reason"' not in page
    response = client.post(
        f"/repairs/incidents/{feeder_incident.pk}/dismiss/", {"reason": "Not an outage"}
    )
    assert response.status_code == 403
    assert Incident.objects.get(pk=feeder_incident.pk).is_active


def test_another_stations_dispatcher_gets_404(client, dispatcher_south, feeder_incident):
    client.force_login(dispatcher_south)

    assert client.get(actions_url(feeder_incident)).status_code == 404
    dismiss = client.post(f"/repairs/incidents/{feeder_incident.pk}/dismiss/", {"reason": "x"})
    assert dismiss.status_code == 404


def test_restoring_ticked_transformers_resolves_their_tickets_only(
    client, dispatcher_north, feeder_incident
):
    client.force_login(dispatcher_north)

    response = client.post(
        f"/repairs/incidents/{feeder_incident.pk}/restore/",
        {"cause": "weather", "note": "", "transformer_codes": ["T-01"]},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == actions_url(feeder_incident)
    page = response.content.decode()
    assert 'name="transformer_codes" value="T-01"' not in page  # restored
    assert 'name="transformer_codes" value="T-02"' in page
    assert IncidentPart.objects.get(transformer__code="T-01").restored_at is not None
    assert dict(Ticket.objects.values_list("premise__transformer__code", "status")) == {
        "T-01": Ticket.Status.RESOLVED,
        "T-02": Ticket.Status.IN_PROGRESS,
    }


def test_restoring_both_checkboxes_restores_the_incident(client, dispatcher_north, feeder_incident):
    client.force_login(dispatcher_north)

    client.post(
        f"/repairs/incidents/{feeder_incident.pk}/restore/",
        {"cause": "weather", "transformer_codes": ["T-01", "T-02"]},
    )

    assert Incident.objects.get(pk=feeder_incident.pk).status == Incident.Status.RESTORED


def test_a_bad_restore_comes_back_in_the_panel_with_422(client, dispatcher_north, feeder_incident):
    client.force_login(dispatcher_north)

    response = client.post(
        f"/repairs/incidents/{feeder_incident.pk}/restore/",
        {"cause": "aliens", "transformer_codes": ["T-01"]},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert page.lstrip().startswith("<section")  # the panel alone
    assert "Unknown cause aliens." in page
    assert 'value="T-01" checked' in page  # the ticks stay
    assert Incident.objects.get(pk=feeder_incident.pk).is_active


def test_restoring_a_transformer_incident_whole(client, crew_north, t1):
    incident = calls_on(t1)
    client.force_login(crew_north)

    response = client.post(f"/repairs/incidents/{incident.pk}/restore/", {"cause": "weather"})

    assert response.status_code == 302
    assert Incident.objects.get().status == Incident.Status.RESTORED


def test_dismissing_by_htmx_redirects_to_next_and_dispatches_each_ticket(client, supervisor, t1):
    incident = calls_on(t1)
    client.force_login(supervisor)

    response = client.post(
        f"/repairs/incidents/{incident.pk}/dismiss/",
        {"reason": "Street lights only", "next": "/dashboard/"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/dashboard/"
    assert Incident.objects.get().status == Incident.Status.DISMISSED
    assert WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES).count() == 3


def test_dismissing_without_a_reason_answers_422_in_the_panel(client, supervisor, t1):
    incident = calls_on(t1)
    client.force_login(supervisor)

    response = client.post(
        f"/repairs/incidents/{incident.pk}/dismiss/", {"reason": ""}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert "Say why it is not an outage." in response.content.decode()
    assert Incident.objects.get().is_active


def test_a_dismissed_incident_offers_nothing_more(client, supervisor, t1):
    incident = calls_on(t1)
    client.force_login(supervisor)
    client.post(f"/repairs/incidents/{incident.pk}/dismiss/", {"reason": "x"})

    page = client.get(actions_url(incident)).content.decode()
    again = client.post(f"/repairs/incidents/{incident.pk}/dismiss/", {"reason": "y"}, follow=True)

    assert 'name="cause"' not in page
    assert "there is nothing more to do" in page
    assert "cannot be dismissed" in again.content.decode()
    assert Incident.objects.get().dismiss_reason == "x"


def test_the_admin_shows_a_feeder_incidents_parts(client, feeder_incident):
    from tests.factories import UserFactory

    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(root)

    page = client.get(f"/admin/repairs/incident/{feeder_incident.pk}/change/")

    assert page.status_code == 200
    assert "T-01" in page.content.decode()
    assert "T-02" in page.content.decode()
