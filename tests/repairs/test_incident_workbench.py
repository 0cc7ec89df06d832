"""The incident workbench (DESIGN §3.10): the default ETR, when callers hear of an ETR, its
history, the incident's pages and GET /incidents/{id}/."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role
from dispatch.services import crew_member_set
from dispatch.steps import work_order_accept, work_order_assign, work_order_depart
from repairs.models import EtrChange, Incident, Stage
from repairs.services.incidents import incident_etr_set
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import (
    CrewFactory,
    CustomerFactory,
    CustomerPhoneFactory,
    FeederFactory,
    PremiseFactory,
    TransformerFactory,
    UserFactory,
)
from tickets.models import OutboxMessage, TimelineEvent

NOW = timezone.now().replace(microsecond=0)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def transformer(station_north):
    return TransformerFactory(code="T-0315", feeder=FeederFactory(station=station_north))


def incident_on(transformer, *, area_type="urban", phones=("13800000001", "13800000002", "")):
    made = None
    for i, phone in enumerate(phones):
        made = repair_create(
            premise=PremiseFactory(transformer=transformer, area_type=area_type),
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=None,
            caller_phone=phone,
            now=NOW + i * MINUTE,
        )
    assert made is not None
    assert made.incident is not None
    return made.incident


def etr_texts():
    return list(
        OutboxMessage.objects.filter(dedup_key__contains=":etr:").values_list(
            "recipient", flat=True
        )
    )


# --- The default ETR ------------------------------------------------------------------


@pytest.mark.parametrize(("area_type", "arrival"), [("urban", 45), ("rural", 90)])
def test_a_new_incident_gets_the_default_etr(transformer, area_type, arrival):
    incident = incident_on(transformer, area_type=area_type)

    # Opened by the third call, at NOW + 2 minutes: the arrival limit plus two hours.
    opened = NOW + 2 * MINUTE
    assert incident.etr == opened + timedelta(minutes=arrival) + 2 * HOUR
    (change,) = incident.etr_changes.all()
    assert change.is_default
    assert not change.notified
    assert change.actor is None
    assert etr_texts() == []  # the rules' guess is not texted


@override_settings(GRIDLINE_INCIDENT_DEFAULT_ETR_HOURS=5)
def test_the_default_etr_is_a_setting(transformer):
    incident = incident_on(transformer)

    assert incident.etr == NOW + 2 * MINUTE + 45 * MINUTE + 5 * HOUR


def test_the_slowest_area_under_the_device_sets_the_default(transformer):
    PremiseFactory(transformer=transformer, area_type="remote")

    incident = incident_on(transformer)

    assert incident.etr == NOW + 2 * MINUTE + 120 * MINUTE + 2 * HOUR


# --- When callers hear an ETR -----------------------------------------------------------


def test_the_first_estimate_is_texted_to_each_caller_once(transformer, dispatcher_north):
    incident = incident_on(transformer, phones=("13800000001", "13800000002", "13800000002"))

    incident_etr_set(incident=incident, etr=NOW + 3 * HOUR, actor=dispatcher_north, now=NOW)

    assert sorted(etr_texts()) == ["13800000001", "13800000002"]


@pytest.mark.parametrize(("move", "texted"), [(29, False), (30, True), (-30, True), (-29, False)])
def test_a_move_is_texted_from_30_minutes(transformer, dispatcher_north, move, texted):
    incident = incident_on(transformer)
    first = NOW + 3 * HOUR
    incident_etr_set(incident=incident, etr=first, actor=dispatcher_north, now=NOW)
    before = len(etr_texts())

    incident_etr_set(
        incident=incident, etr=first + move * MINUTE, actor=dispatcher_north, now=NOW + MINUTE
    )

    assert len(etr_texts()) - before == (2 if texted else 0)
    latest = incident.etr_changes.order_by("-pk").first()
    assert latest.notified is texted
    assert Incident.objects.get(pk=incident.pk).etr == first + move * MINUTE
    # Every attached caller's timeline shows the move, texted or not.
    assert TimelineEvent.objects.filter(kind="etr_changed").count() == 2 * 3


def test_small_moves_add_up_to_a_text(transformer, dispatcher_north):
    """Measured from what callers were last told, not from the last small nudge."""
    incident = incident_on(transformer)
    first = NOW + 3 * HOUR
    incident_etr_set(incident=incident, etr=first, actor=dispatcher_north, now=NOW)
    incident_etr_set(incident=incident, etr=first + 20 * MINUTE, actor=None, now=NOW + MINUTE)
    assert len(etr_texts()) == 2

    incident_etr_set(incident=incident, etr=first + 40 * MINUTE, actor=None, now=NOW + 2 * MINUTE)

    assert len(etr_texts()) == 4
    assert [c.notified for c in incident.etr_changes.order_by("pk")] == [False, True, False, True]


@override_settings(GRIDLINE_ETR_NOTIFY_MINUTES=60)
def test_the_move_that_is_texted_is_a_setting(transformer, dispatcher_north):
    incident = incident_on(transformer)
    incident_etr_set(incident=incident, etr=NOW + 3 * HOUR, actor=dispatcher_north, now=NOW)

    incident_etr_set(incident=incident, etr=NOW + 3 * HOUR + 45 * MINUTE, actor=None, now=NOW)

    assert len(etr_texts()) == 2


# --- GET /api/v1/incidents/{id}/ ----------------------------------------------------------


def test_the_detail_has_the_workbench_fields(api, dispatcher_north, transformer):
    incident = incident_on(transformer)
    PremiseFactory(transformer=transformer, important=True)
    etr = NOW + 4 * HOUR
    incident_etr_set(incident=incident, etr=etr, actor=dispatcher_north, now=NOW + 5 * MINUTE)
    api.force_authenticate(dispatcher_north)

    body = api.get(f"/api/v1/incidents/{incident.pk}/").json()

    assert body["premise_count"] == 4
    assert body["important_premise_count"] == 1
    assert body["tickets"] == list(
        incident.repairs.order_by("ticket__created_at").values_list("ticket__number", flat=True)
    )
    assert body["stage"] == Stage.REPORTED
    assert body["work_order"] == incident.work_order_id
    latest, default = body["etr_history"]
    assert latest["actor"] == "dispatcher_north"
    assert latest["texted"] is True
    assert latest["default"] is False
    assert default["actor"] is None
    assert default["default"] is True


def test_the_detail_of_another_stations_incident_is_404(api, dispatcher_south, transformer):
    incident = incident_on(transformer)
    api.force_authenticate(dispatcher_south)

    assert api.get(f"/api/v1/incidents/{incident.pk}/").status_code == 404


def test_the_stage_follows_the_crew(transformer, dispatcher_north, station_north):
    incident = incident_on(transformer)
    crew = CrewFactory(station=station_north)
    crew_user = UserFactory(username="crew_x", role=Role.CREW, station=station_north)
    crew_member_set(user=crew_user, crew=crew)
    order = work_order_assign(order=incident.work_order, crew=crew, actor=dispatcher_north)
    assert Incident.objects.get(pk=incident.pk).stage == Stage.CREW_ASSIGNED

    order = work_order_accept(order=order, actor=crew_user)
    work_order_depart(order=order, actor=crew_user)

    assert Incident.objects.select_related("work_order").get(pk=incident.pk).stage == (
        Stage.EN_ROUTE
    )


# --- The pages ------------------------------------------------------------------------------


def test_the_list_shows_the_stations_active_incidents(client, dispatcher_north, transformer):
    incident = incident_on(transformer)
    client.force_login(dispatcher_north)

    page = client.get("/repairs/incidents/")

    assert page.status_code == 200
    assert f'href="/repairs/incidents/{incident.pk}/"' in page.text
    assert "T-0315" in page.text


def test_another_station_sees_neither_list_row_nor_page(client, dispatcher_south, transformer):
    incident = incident_on(transformer)
    client.force_login(dispatcher_south)

    assert "T-0315" not in client.get("/repairs/incidents/").text
    assert client.get(f"/repairs/incidents/{incident.pk}/").status_code == 404


def test_the_page_lists_important_customers_first_with_whether_they_called(
    client, dispatcher_north, transformer
):
    incident = incident_on(transformer)
    hospital = CustomerFactory(name="City Hospital")
    CustomerPhoneFactory(customer=hospital, number="13900000009")
    PremiseFactory(transformer=transformer, important=True, customer=hospital, address="1 Ward")
    client.force_login(dispatcher_north)

    page = client.get(incident.get_absolute_url()).text

    premises = page[page.index('id="incident-premises"') :]
    assert premises.index("City Hospital") < premises.index("Riverside Road")
    assert "13900000009" in premises  # a dispatcher calls the important customers
    assert premises.count(">called<") == 3
    for number in incident.repairs.values_list("ticket__number", flat=True):
        assert number in page


def test_a_crew_sees_the_phones_masked(client, crew_north, transformer):
    incident = incident_on(transformer)
    customer = CustomerFactory()
    CustomerPhoneFactory(customer=customer, number="13900000009")
    PremiseFactory(transformer=transformer, customer=customer)
    client.force_login(crew_north)

    page = client.get(incident.get_absolute_url()).text

    assert "13900000009" not in page
    assert "139****0009" in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_takes_a_fixed_number_of_queries(
    size, client, dispatcher_north, transformer, django_assert_max_num_queries
):
    incident = incident_on(transformer)
    for i in range(size):
        premise = PremiseFactory(transformer=transformer)
        CustomerPhoneFactory(customer=premise.customer)
        # Each a later caller attached to the incident, with its call.
        repair_create(
            premise=premise,
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=None,
            caller_phone=f"1370000{i:04d}",
            now=NOW + (3 + i) * MINUTE,
        )
    assert incident.repairs.count() == 3 + size
    client.force_login(dispatcher_north)
    client.get(incident.get_absolute_url())

    # session, user, the incident (with its parts), the counts, the premises (count, page,
    # phones), the tickets (count, page), the history, the actions' transformers still out
    # and causes, the bell.
    with django_assert_max_num_queries(14):
        assert client.get(incident.get_absolute_url()).status_code == 200


def test_the_dispatcher_sets_the_etr_on_the_page(client, dispatcher_north, transformer):
    incident = incident_on(transformer)
    client.force_login(dispatcher_north)
    local = timezone.localtime(NOW + 5 * HOUR).strftime("%Y-%m-%dT%H:%M")

    response = client.post(f"/repairs/incidents/{incident.pk}/etr/", {"etr": local})

    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    incident.refresh_from_db()
    assert timezone.localtime(incident.etr).strftime("%Y-%m-%dT%H:%M") == local
    assert EtrChange.objects.filter(incident=incident, actor=dispatcher_north).exists()
    page = client.get(incident.get_absolute_url()).text
    assert "callers texted" in page


@pytest.mark.parametrize("value", ["", "soon", "2020-01-01T10:00"])
def test_a_bad_etr_comes_back_with_the_error(client, dispatcher_north, transformer, value):
    incident = incident_on(transformer)
    before = incident.etr
    client.force_login(dispatcher_north)

    response = client.post(f"/repairs/incidents/{incident.pk}/etr/", {"etr": value})

    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    assert Incident.objects.get(pk=incident.pk).etr == before
    assert incident.etr_changes.count() == 1


def test_an_agent_reads_the_page_but_cannot_set_the_etr(client, agent, transformer):
    incident = incident_on(transformer)
    client.force_login(agent)

    page = client.get(incident.get_absolute_url())
    assert page.status_code == 200
    assert "/etr/" not in page.text
    local = timezone.localtime(NOW + 5 * HOUR).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/repairs/incidents/{incident.pk}/etr/", {"etr": local}).status_code == 403


def test_the_crew_sets_the_etr_from_the_work_order(client, crew_north, transformer):
    incident = incident_on(transformer)
    order_url = incident.work_order.get_absolute_url()
    client.force_login(crew_north)

    page = client.get(order_url).text
    assert f"/repairs/incidents/{incident.pk}/etr/" in page
    local = timezone.localtime(NOW + 6 * HOUR).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/repairs/incidents/{incident.pk}/etr/", {"etr": local, "next": order_url}
    )

    assert response.status_code == 302
    assert response["Location"] == order_url
    assert EtrChange.objects.filter(incident=incident, actor=crew_north).exists()


def test_a_bad_etr_from_the_work_order_returns_there_with_the_message(
    client, crew_north, transformer
):
    incident = incident_on(transformer)
    order_url = incident.work_order.get_absolute_url()
    client.force_login(crew_north)

    response = client.post(
        f"/repairs/incidents/{incident.pk}/etr/",
        {"etr": "2020-01-01T10:00", "next": order_url},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == order_url
    assert "must lie in the future" in response.text


def test_the_queue_the_ticket_and_the_dashboard_link_the_incident(
    client, dispatcher_north, supervisor, transformer
):
    incident = incident_on(transformer)
    link = f'href="{incident.get_absolute_url()}"'
    client.force_login(dispatcher_north)
    assert link in client.get("/dispatch/").text
    ticket = incident.repairs.first().ticket
    assert link in client.get(ticket.get_absolute_url()).text
    client.force_login(supervisor)
    assert link in client.get("/dashboard/").text
