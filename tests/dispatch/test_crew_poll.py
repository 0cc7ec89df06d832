"""The crew's list updates itself (DESIGN §3.10): it asks every few seconds, and a poll that
finds nothing new is a 204 for the price of one indexed query; a new or changed order, or one
that left, gives the cards as they are now. A returned order leaves the crew's list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dispatch.steps import take_step
from tests.factories import PremiseFactory, ticket_create, work_order_create

HTMX = {"HTTP_HX_REQUEST": "true"}
WORDS = "The wire on the pole by the door fell down and is still sparking"


def seen(html: str) -> str:
    """The cards' token (the bell has its own)."""
    match = re.search(r'id="crew-cards"[^>]*"seen": "([^"]*)"', html)
    assert match is not None
    return match.group(1)


def repair_order(station, **kwargs):
    premise = PremiseFactory(transformer__feeder__station=station)
    ticket = ticket_create(kind="repair", premise=premise, description=WORDS)
    return work_order_create(ticket=ticket, premise=premise, **kwargs)


@pytest.fixture
def crew_client(client, crew_north):
    client.force_login(crew_north)
    return client


def test_the_crew_page_shows_the_callers_words_and_the_hazards(
    crew_client, station_north, dispatcher_north, crew_north
):
    order = repair_order(station_north, hazards=["wire_down"])
    crew = crew_north.crew_membership.crew
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})

    html = crew_client.get("/dispatch/crew/").content.decode()

    assert "The caller&#x27;s words" in html or "The caller's words" in html
    assert WORDS in html
    assert "Wire down" in html


def test_a_poll_that_finds_nothing_new_is_a_204_with_no_rendering(
    crew_client, station_north, dispatcher_north, crew_north, django_assert_max_num_queries
):
    crew = crew_north.crew_membership.crew
    for _ in range(3):
        order = repair_order(station_north)
        take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    state = seen(crew_client.get("/dispatch/crew/").content.decode())

    # The session, the user and the state (the floor is the first two): nothing rendered.
    with django_assert_max_num_queries(3):
        response = crew_client.get("/dispatch/crew/", {"seen": state}, **HTMX)

    assert response.status_code == 204
    assert response.content == b""


def test_a_poll_costs_the_same_whatever_the_list_holds(
    crew_client, station_north, dispatcher_north, crew_north
):
    crew = crew_north.crew_membership.crew

    def idle_poll_queries() -> int:
        state = seen(crew_client.get("/dispatch/crew/").content.decode())
        with CaptureQueriesContext(connection) as queries:
            assert crew_client.get("/dispatch/crew/", {"seen": state}, **HTMX).status_code == 204
        return len(queries)

    order = repair_order(station_north)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    one = idle_poll_queries()
    for _ in range(5):
        order = repair_order(station_north)
        take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})

    assert idle_poll_queries() == one


def test_an_order_assigned_after_the_page_loaded_comes_with_the_next_poll(
    crew_client, station_north, dispatcher_north, crew_north
):
    crew = crew_north.crew_membership.crew
    state = seen(crew_client.get("/dispatch/crew/").content.decode())
    order = repair_order(station_north)

    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    response = crew_client.get("/dispatch/crew/", {"seen": state}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="crew-cards"' in html
    assert "<html" not in html  # the cards alone, swapped in place
    assert f"#{order.pk}" in html
    assert "Assigned" in html
    assert seen(html) != state


def test_a_step_on_a_listed_order_changes_the_state(
    crew_client, station_north, dispatcher_north, crew_north
):
    crew = crew_north.crew_membership.crew
    order = repair_order(station_north)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    state = seen(crew_client.get("/dispatch/crew/").content.decode())

    take_step(order=order, action="accept", actor=crew_north)

    response = crew_client.get("/dispatch/crew/", {"seen": state}, **HTMX)
    assert response.status_code == 200
    assert "Accepted" in response.content.decode()


def test_a_returned_order_leaves_the_crews_list(crew_client, station_north, crew_north, settings):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True
    order = repair_order(station_north)
    take_step(order=order, action="accept", actor=crew_north)
    assert f"#{order.pk}" in crew_client.get("/dispatch/crew/").content.decode()

    take_step(order=order, action="return", actor=crew_north, data={"reason": "Needs a truck"})

    html = crew_client.get("/dispatch/crew/").content.decode()
    assert f"#{order.pk}" not in html
    assert "No open work orders" in html


def test_the_queue_shows_the_callers_words_and_the_hazards(client, station_north, dispatcher_north):
    order = repair_order(station_north, hazards=["wire_down"], brief="Sparks at the pole")
    client.force_login(dispatcher_north)

    html = client.get("/dispatch/").content.decode()

    row = html[html.index(f'id="work-order-{order.pk}"') :]
    assert WORDS in row
    assert "Wire down" in row
    assert "Sparks at the pole" in row


def test_the_work_order_page_shows_the_callers_words(client, station_north, dispatcher_north):
    order = repair_order(station_north, hazards=["fire_smoke"])
    client.force_login(dispatcher_north)

    html = client.get(f"/dispatch/work-orders/{order.pk}/").content.decode()

    assert WORDS in html
    assert "Fire or smoke" in html
