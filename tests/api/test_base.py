"""The API base: token auth, the error shape, pagination, scoping, the schema and docs."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, PremiseFactory, ticket_create
from tickets.models import Kind
from tickets.services import ticket_transition

TOKEN_URL = "/api/v1/auth/token/"


def test_token_for_good_credentials_opens_the_api(api, agent):
    token = api.post(TOKEN_URL, {"username": "agent", "password": PASSWORD}, format="json")

    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    response = api.get("/api/v1/tickets/")

    assert token.status_code == 200
    assert response.status_code == 200


def test_token_for_bad_credentials_is_refused_with_a_message(api, agent):
    response = api.post(TOKEN_URL, {"username": "agent", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_token_request_missing_fields_names_them(api, db):
    response = api.post(TOKEN_URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_api_without_credentials_answers_401(api, db):
    response = api.get("/api/v1/tickets/")

    assert response.status_code == 401


def test_ticket_detail_has_timeline_and_iso_timestamps_with_offset(api, agent):
    ticket = ticket_create(kind=Kind.REPAIR, premise=PremiseFactory(), actor=agent)
    ticket_transition(ticket=ticket, action="start", actor=agent)
    api.force_authenticate(agent)

    body = api.get(f"/api/v1/tickets/{ticket.number}/").json()

    assert body["number"] == ticket.number
    assert body["status"] == "in_progress"
    assert body["urge_count"] == 0
    assert body["station_code"] == ticket.station.code
    assert [e["kind"] for e in body["events"]] == ["created", "start"]
    assert body["events"][1]["actor"] == "agent"
    assert body["created_at"].endswith("+08:00")


def test_ticket_of_another_station_answers_404(api, dispatcher_south, station_north):
    ticket = ticket_create(premise=PremiseFactory(transformer__feeder__station=station_north))
    api.force_authenticate(dispatcher_south)

    assert api.get(f"/api/v1/tickets/{ticket.number}/").status_code == 404


def test_lists_paginate(api, agent):
    for _ in range(3):
        ticket_create()
    api.force_authenticate(agent)

    body = api.get("/api/v1/tickets/?page_size=2").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2


@pytest.mark.parametrize("size", [5, 40])
def test_ticket_list_query_count_is_constant(api, agent, django_assert_max_num_queries, size):
    for _ in range(size):
        ticket_create(premise=PremiseFactory())
    api.force_authenticate(agent)

    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/tickets/").status_code == 200


def test_status_cannot_be_written_through_the_api(api, agent):
    ticket = ticket_create()
    api.force_authenticate(agent)

    response = api.patch(f"/api/v1/tickets/{ticket.number}/", {"status": "closed"}, format="json")

    ticket.refresh_from_db()
    assert response.status_code == 405
    assert ticket.status == "open"


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get(reverse("schema"))
    docs = client.get(reverse("api-docs")).content.decode()

    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()
