"""The ticket list counts at most LIST_CAP matches: a million tickets must not cost a
COUNT(*) over the whole table on every page view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ticket_create
from tickets import views


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(views, "LIST_CAP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)


def test_below_the_cap_the_count_is_exact(client, agent, small_cap):
    ticket_create()
    ticket_create()
    client.force_login(agent)

    page = client.get(reverse("tickets:list")).content.decode()

    assert "2 tickets match." in page


def test_above_the_cap_the_list_says_more_than_and_shows_the_newest(client, agent, small_cap):
    tickets = [ticket_create() for _ in range(5)]
    client.force_login(agent)

    first = client.get(reverse("tickets:list")).content.decode()
    last = client.get(reverse("tickets:list"), {"page": 2}).content.decode()
    beyond = client.get(reverse("tickets:list"), {"page": 3}).content.decode()

    assert "More than 3 tickets match" in first
    assert tickets[4].number in first
    assert tickets[3].number in first
    assert tickets[2].number in last
    assert "Page 2 of 2" in last
    assert "Page 2 of 2" in beyond  # pages past the cap are not served: the last one is
    assert tickets[0].number not in first + last


def test_the_count_stops_at_the_cap(client, agent, small_cap):
    for _ in range(5):
        ticket_create()
    client.force_login(agent)

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("tickets:list"), {"status": "open"})

    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"] and "tickets_ticket" in q["sql"]]
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0]
