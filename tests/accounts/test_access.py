"""The role and scope helper that every view and API uses."""

import pytest
from django.urls import reverse

from accounts.access import has_role, scope_queryset
from accounts.models import Role
from tests.factories import PASSWORD, PremiseFactory, UserFactory, ticket_create
from tickets.models import Ticket


@pytest.fixture
def tickets_by_station(station_north, station_south, department):
    north = ticket_create(premise=PremiseFactory(transformer__feeder__station=station_north))
    south = ticket_create(premise=PremiseFactory(transformer__feeder__station=station_south))
    unassigned = ticket_create()
    Ticket.objects.filter(pk=south.pk).update(department=department)
    return {"north": north, "south": south, "none": unassigned}


def visible(user) -> set[str]:
    return set(scope_queryset(Ticket.objects.all(), user).values_list("number", flat=True))


def test_centre_roles_see_every_station(tickets_by_station, agent, supervisor, manager):
    every = {t.number for t in tickets_by_station.values()}

    assert visible(agent) == every
    assert visible(supervisor) == every
    assert visible(manager) == every


def test_dispatcher_and_crew_see_only_their_station(
    tickets_by_station, dispatcher_north, crew_north
):
    assert visible(dispatcher_north) == {tickets_by_station["north"].number}
    assert visible(crew_north) == {tickets_by_station["north"].number}


def test_handler_sees_only_their_department(tickets_by_station, handler):
    assert visible(handler) == {tickets_by_station["south"].number}


def test_station_role_without_a_station_sees_nothing(tickets_by_station):
    orphan = UserFactory(role=Role.DISPATCHER, station=None)

    assert visible(orphan) == set()


def test_inactive_user_sees_nothing_and_has_no_role(tickets_by_station, agent):
    agent.is_active = False

    assert visible(agent) == set()
    assert not has_role(agent, Role.AGENT)


def test_admin_has_every_role(db):
    admin = UserFactory(role=Role.ADMIN)

    assert has_role(admin, Role.CREW)
    assert has_role(admin, Role.HANDLER)


def test_ticket_page_of_another_station_answers_404(client, tickets_by_station, dispatcher_north):
    client.force_login(dispatcher_north)

    own = client.get(reverse("tickets:detail", args=[tickets_by_station["north"].number]))
    other = client.get(reverse("tickets:detail", args=[tickets_by_station["south"].number]))

    assert own.status_code == 200
    assert other.status_code == 404


def test_ticket_list_never_shows_another_station(client, tickets_by_station, dispatcher_south):
    client.force_login(dispatcher_south)

    page = client.get(reverse("tickets:list")).content.decode()

    assert tickets_by_station["south"].number in page
    assert tickets_by_station["north"].number not in page


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("tickets:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_login_with_demo_password_reaches_home(client, agent):
    response = client.post(
        reverse("accounts:login"), {"username": "agent", "password": PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert response.context["user"] == agent


def test_an_htmx_request_after_the_session_ended_is_sent_to_the_login_page(client, db):
    response = client.get(
        "/dispatch/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/dispatch/?status=pending",
        },
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response["HX-Redirect"] == "/accounts/login/?next=/dispatch/%3Fstatus%3Dpending"
