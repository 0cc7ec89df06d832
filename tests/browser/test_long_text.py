"""Text that cannot wrap never breaks a layout (issue "Every message in its reader's
language", point 3): a pasted URL or a Chinese sentence with no breaks wraps inside its
box, and the page is never wider than the window."""

import pytest
from rest_framework.test import APIClient

from tests.factories import (
    PASSWORD,
    CustomerPhoneFactory,
    PremiseFactory,
    ticket_create,
    work_order_create,
)
from tickets.services import ticket_urge

pytestmark = pytest.mark.browser

URL = "https://example.com/" + "a" * 600
SENTENCE = "停电" * 400  # no spaces, no punctuation: nothing to break at


def _page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.django_db(transaction=True)
def test_long_unbroken_text_wraps_on_the_ticket_complaint_and_crew_pages(
    live_server, page, sign_in, shoot, agent, supervisor, crew_north, station_north
):
    premise = PremiseFactory(
        transformer__feeder__station=station_north, address=SENTENCE[:120], meter_no="M1"
    )
    CustomerPhoneFactory(customer=premise.customer, number="13800138000")
    order = work_order_create(
        station=station_north, premise=premise, location=SENTENCE[:300], brief=URL + SENTENCE
    )
    consultation = ticket_create(
        kind="consultation", premise=premise, description=URL + " " + SENTENCE, actor=agent
    )
    ticket_urge(ticket=consultation, actor=agent, note=URL)
    api = APIClient()
    api.force_authenticate(agent)
    complaint = api.post(
        "/api/v1/complaints/",
        {"caller_phone": "13800138000", "channel": "hotline", "category": "service_attitude",
         "description": URL + " " + SENTENCE},
        format="json",
    ).json()  # fmt: skip

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, supervisor.username, PASSWORD)
    for path, name in [
        (f"/tickets/{consultation.number}/", "long-text-ticket"),
        (f"/tickets/{order.ticket.number}/", "long-text-repair"),
        ("/tickets/", "long-text-ticket-list"),
        (f"/complaints/{complaint['number']}/", "long-text-complaint"),
    ]:
        page.goto(live_server.url + path)
        shoot(page, name)
        scroll_width, window_width = _page_width(page)
        assert scroll_width <= window_width, path

    page.get_by_role("button", name="Sign out").click()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, crew_north.username, PASSWORD)
    page.goto(f"{live_server.url}/dispatch/work-orders/{order.pk}/")
    shoot(page, "long-text-work-order-390")
    scroll_width, window_width = _page_width(page)
    assert scroll_width <= window_width
