"""Every bell updates itself (DESIGN §3.10): it asks every few seconds; a poll that finds
nothing new is a 204 for the price of one indexed query, else the bell as it is now."""

import re

from django.utils import timezone

from tests.factories import PASSWORD
from tickets.models import Notification
from tickets.notify import TICKET_URGED, Notice, notify

BELL = "/tickets/notifications/bell/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def seen(html: str) -> str:
    match = re.search(r'id="bell"[^>]*"seen": "([^"]*)"', html)
    assert match is not None
    return match.group(1)


def tell(user, key: str) -> None:
    notify([Notice(user=user, text=TICKET_URGED(number=key, count=1), key=key)], now=timezone.now())


def test_a_bell_poll_that_finds_nothing_new_is_a_204(
    client, supervisor, django_assert_max_num_queries
):
    for key in ("a", "b", "c"):
        tell(supervisor, key)
    client.login(username=supervisor.username, password=PASSWORD)
    state = seen(client.get("/").content.decode())

    # The session, the user and one count on the unread index; the floor is the first two.
    with django_assert_max_num_queries(3):
        response = client.get(BELL, {"seen": state}, **HTMX)

    assert response.status_code == 204
    assert response.content == b""


def test_a_new_notification_comes_with_the_next_poll(client, supervisor):
    tell(supervisor, "a")
    client.login(username=supervisor.username, password=PASSWORD)
    state = seen(client.get("/").content.decode())

    tell(supervisor, "b")
    response = client.get(BELL, {"seen": state}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="bell-count">2<' in html
    assert "<html" not in html
    assert seen(html) != state
    assert client.get(BELL, {"seen": seen(html)}, **HTMX).status_code == 204


def test_reading_them_empties_the_bell_at_the_next_poll(client, supervisor):
    tell(supervisor, "a")
    client.login(username=supervisor.username, password=PASSWORD)
    state = seen(client.get("/").content.decode())

    Notification.objects.filter(user=supervisor).update(read_at=timezone.now())
    response = client.get(BELL, {"seen": state}, **HTMX)

    assert response.status_code == 200
    assert "bell-count" not in response.content.decode()


def test_a_read_and_a_new_one_at_once_still_change_the_bell(client, supervisor):
    tell(supervisor, "a")
    client.login(username=supervisor.username, password=PASSWORD)
    state = seen(client.get("/").content.decode())

    Notification.objects.filter(user=supervisor).update(read_at=timezone.now())
    tell(supervisor, "b")  # one unread, as before, but another one

    assert client.get(BELL, {"seen": state}, **HTMX).status_code == 200


def test_signed_out_the_bell_poll_takes_the_page_to_the_sign_in_page(client):
    response = client.get(BELL, {"seen": "0-0"}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")
    assert b"bell" not in response.content
