"""GET /api/v1/tickets/{number}/ builds its output by hand (it is the API's hottest read):
it must say exactly what the documented serializer says, and stay at a fixed query count."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from hotline.api import TicketWithCallsOutput
from tests.dispatch.steps import take_step
from tests.factories import CrewFactory, work_order_create
from tickets.models import Ticket
from tickets.services import deadline_open

HOUR = timedelta(hours=1)


@pytest.fixture
def worked_ticket(station_north, dispatcher_north):
    """A repair with a deadline, timeline events by a person and by the system."""
    crew = CrewFactory(station=station_north, code="N1")
    order = work_order_create(station=station_north)
    Ticket.objects.filter(pk=order.ticket_id).update(caller_phone="13912345678")
    now = timezone.now()
    deadline_open(ticket=order.ticket, name="arrive_by", starts_at=now, due_at=now + HOUR)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    return Ticket.objects.get(pk=order.ticket_id)


@pytest.mark.parametrize("persona", ["agent", "dispatcher_north"])
def test_the_output_is_what_the_serializer_documents(request, api, worked_ticket, persona):
    user = request.getfixturevalue(persona)
    api.force_authenticate(user)
    documented_request = APIRequestFactory().get("/")
    documented_request.user = user
    documented = TicketWithCallsOutput(
        Ticket.objects.get(pk=worked_ticket.pk), context={"request": documented_request}
    ).data

    response = api.get(f"/api/v1/tickets/{worked_ticket.number}/")

    assert response.status_code == 200
    assert response.json() == documented
    assert len(response.json()["events"]) >= 2
    assert response.json()["deadlines"]
    assert {event["actor"] for event in documented["events"]} == {None, "dispatcher_north"}


def test_the_phone_is_masked_for_a_dispatcher(api, worked_ticket, dispatcher_north):
    api.force_authenticate(dispatcher_north)

    body = api.get(f"/api/v1/tickets/{worked_ticket.number}/").json()

    assert body["caller_phone"] != "13912345678"
    assert body["caller_phone"].endswith("5678")


def test_queries_do_not_grow_with_the_timeline(
    api, worked_ticket, agent, django_assert_max_num_queries
):
    api.force_authenticate(agent)
    for _ in range(30):
        api.post(f"/api/v1/tickets/{worked_ticket.number}/urge/", {"note": "again"})

    # Ticket + station, events + actors, deadlines, the calls that touched it.
    with django_assert_max_num_queries(4):
        response = api.get(f"/api/v1/tickets/{worked_ticket.number}/")

    assert len(response.json()["events"]) > 30
