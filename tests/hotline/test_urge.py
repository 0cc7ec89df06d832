"""Urges (DESIGN §3.7): from the console on the call, from the ticket page, through the API."""

import pytest

from config.errors import TransitionNotAllowed
from hotline import services
from hotline.models import CallTicket
from tests.factories import UserFactory, ticket_create
from tickets.models import Notification, Ticket, TimelineEvent
from tickets.services import ticket_transition


@pytest.fixture
def repair(home):
    return ticket_create(kind="repair", premise=home, caller_phone="13800138000")


def test_urge_on_a_call_records_the_event_raises_priority_and_tells_the_holder(
    agent, call, repair, dispatcher_north, dispatcher_south
):
    ticket = services.call_urge(call=call, ticket=repair, actor=agent, note="还没来人")

    assert (ticket.priority, ticket.urge_count) == ("high", 1)
    event = TimelineEvent.objects.get(ticket=repair, kind="urged")
    assert (event.actor, event.note) == (agent, "还没来人")
    assert event.data == {"urge_count": 1, "priority": ["normal", "high"]}
    assert list(Notification.objects.values_list("user", flat=True)) == [dispatcher_north.pk]
    assert CallTicket.objects.get().action == "urged"


def test_urges_raise_priority_one_step_and_cap_at_urgent(agent, repair):
    seen = []
    for _ in range(4):
        call = services.call_start(agent=agent, caller_phone="13800138000", customer=None)
        seen.append(services.call_urge(call=call, ticket=repair, actor=agent).priority)

    assert seen == ["high", "urgent", "urgent", "urgent"]
    repair.refresh_from_db()
    assert repair.urge_count == 4


def test_a_second_urge_on_the_same_call_is_refused_and_writes_nothing(agent, call, repair):
    services.call_urge(call=call, ticket=repair, actor=agent)

    with pytest.raises(TransitionNotAllowed, match="already urged on this call"):
        services.call_urge(call=call, ticket=repair, actor=agent)

    repair.refresh_from_db()
    assert (repair.urge_count, repair.priority) == (1, "high")
    assert TimelineEvent.objects.filter(kind="urged").count() == 1


def test_a_closed_ticket_cannot_be_urged(agent, call, repair):
    ticket_transition(ticket=repair, action="resolve", actor=None)

    with pytest.raises(TransitionNotAllowed, match="nothing to urge"):
        services.call_urge(call=call, ticket=repair, actor=agent)

    repair.refresh_from_db()
    assert (repair.urge_count, repair.priority) == (0, "normal")
    assert not CallTicket.objects.exists()
    assert not TimelineEvent.objects.filter(kind="urged").exists()


def test_console_urge_is_one_click_and_answers_with_the_tickets(client, agent, call, repair):
    client.force_login(agent)

    response = client.post(
        f"/console/calls/{call.pk}/urge/{repair.number}/", headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{repair.number} urged (1)" in html
    assert "urged on this call" in html
    assert 'id="call-tickets"' in html
    assert 'hx-swap-oob="true"' in html
    repair.refresh_from_db()
    assert repair.urge_count == 1


def test_console_urge_of_a_closed_ticket_says_why(client, agent, call, repair):
    ticket_transition(ticket=repair, action="cancel", actor=None)
    client.force_login(agent)

    response = client.post(
        f"/console/calls/{call.pk}/urge/{repair.number}/", headers={"HX-Request": "true"}
    )

    assert "nothing to urge" in response.content.decode()
    repair.refresh_from_db()
    assert repair.urge_count == 0


def test_the_card_shows_the_urge_count(client, agent, call, repair):
    Ticket.objects.filter(pk=repair.pk).update(urge_count=2)
    client.force_login(agent)

    html = client.get(call.get_absolute_url()).content.decode()

    assert "urged 2 times" in html


def test_a_new_repair_on_a_premise_with_an_open_one_offers_the_urge(
    client, agent, call, home, repair
):
    client.force_login(agent)

    response = client.get(
        f"/console/calls/{call.pk}/repair/",
        {"premise": home.pk},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert f"This premise already has an open repair, {repair.number}" in html
    assert f"/console/calls/{call.pk}/urge/{repair.number}/" in html
    assert "Record a new repair anyway" in html


def test_a_premise_without_an_open_repair_gets_the_wizard(client, agent, call, shop, repair):
    client.force_login(agent)

    response = client.get(f"/console/calls/{call.pk}/repair/", {"premise": shop.pk})

    html = response.content.decode()
    assert "/repairs/new/?" in html
    assert f"meter_no={shop.meter_no}" in html
    assert "phone=13800138000" in html
    assert "next=%2Fconsole%2Fcalls%2F" in html


def test_record_a_new_repair_anyway_skips_the_offer(client, agent, call, home, repair):
    client.force_login(agent)

    response = client.get(f"/console/calls/{call.pk}/repair/", {"premise": home.pk, "new": "1"})

    assert "/repairs/new/?" in response.content.decode()


def test_another_customers_premise_is_not_offered(client, agent, call):
    from tests.factories import PremiseFactory

    client.force_login(agent)

    response = client.get(f"/console/calls/{call.pk}/repair/", {"premise": PremiseFactory().pk})

    assert response.status_code == 404


def test_the_wizard_returns_to_the_call_once_the_repair_is_recorded(client, agent, call, shop):
    client.force_login(agent)

    response = client.post(
        "/repairs/new/",
        {
            "meter_no": shop.meter_no,
            "scope": "neighbours",
            "breaker": "not_tripped",
            "fault_side": "unknown",
            "caller_phone": call.caller_phone,
            "next": call.get_absolute_url(),
        },
    )

    assert response.url == call.get_absolute_url()
    page = client.get(response.url)
    (link,) = page.context["links"]
    assert (link.ticket.kind, link.action) == ("repair", "created")


def test_the_wizard_ignores_a_next_to_another_site(client, agent, shop):
    client.force_login(agent)

    response = client.post(
        "/repairs/new/",
        {"meter_no": shop.meter_no, "scope": "area", "next": "https://evil.example/"},
    )

    assert response.url.startswith("/tickets/R")


# --- The ticket page ----------------------------------------------------------------------


def test_ticket_page_offers_the_urge_to_agents_and_records_it(client, agent, repair):
    client.force_login(agent)

    page = client.get(repair.get_absolute_url())
    response = client.post(f"/tickets/{repair.number}/urge/", {"note": "第二次来电"})

    assert f"/tickets/{repair.number}/urge/" in page.content.decode()
    assert response.url == repair.get_absolute_url()
    repair.refresh_from_db()
    assert repair.urge_count == 1
    assert TimelineEvent.objects.get(kind="urged").note == "第二次来电"


def test_ticket_page_urge_of_an_ended_call_is_explained(client, agent, repair):
    ticket_transition(ticket=repair, action="resolve", actor=None)
    client.force_login(agent)

    page = client.get(repair.get_absolute_url())
    response = client.post(f"/tickets/{repair.number}/urge/", follow=True)

    assert f"/tickets/{repair.number}/urge/" not in page.content.decode()
    assert "nothing to urge" in response.content.decode()


def test_dispatchers_cannot_urge_from_the_ticket_page(client, dispatcher_north, repair):
    client.force_login(dispatcher_north)

    assert (
        f"/tickets/{repair.number}/urge/"
        not in client.get(repair.get_absolute_url()).content.decode()
    )
    assert client.post(f"/tickets/{repair.number}/urge/").status_code == 403


# --- The API ------------------------------------------------------------------------------


def test_api_urge_records_it_and_answers_with_the_ticket(api, agent, repair):
    api.force_authenticate(agent)

    response = api.post(f"/api/v1/tickets/{repair.number}/urge/", {"note": "催"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["urge_count"], body["priority"]) == (1, "high")
    assert body["events"][-1]["kind"] == "urged"
    assert body["events"][-1]["note"] == "催"


def test_api_urge_of_a_closed_ticket_is_409_and_writes_nothing(api, agent, repair):
    ticket_transition(ticket=repair, action="resolve", actor=None)
    api.force_authenticate(agent)

    response = api.post(f"/api/v1/tickets/{repair.number}/urge/", format="json")

    assert response.status_code == 409
    assert "action" in response.json()
    repair.refresh_from_db()
    assert repair.urge_count == 0


@pytest.mark.parametrize("persona", ["dispatcher_north", "crew_north", "handler", "manager"])
def test_api_urge_is_for_agents_and_supervisors(api, persona, request, repair):
    api.force_authenticate(request.getfixturevalue(persona))

    response = api.post(f"/api/v1/tickets/{repair.number}/urge/", format="json")

    assert response.status_code == 403
    repair.refresh_from_db()
    assert repair.urge_count == 0


def test_api_urge_by_a_supervisor(api, supervisor, repair):
    api.force_authenticate(supervisor)

    assert api.post(f"/api/v1/tickets/{repair.number}/urge/").status_code == 200


def test_api_urge_of_an_unknown_ticket_is_404(api, agent, db):
    api.force_authenticate(agent)

    assert api.post("/api/v1/tickets/R20990101-000001/urge/").status_code == 404


def test_api_urge_needs_a_signed_in_user(api, repair):
    assert api.post(f"/api/v1/tickets/{repair.number}/urge/").status_code in (401, 403)


def test_ticket_detail_lists_its_deadlines(api, agent, repair):
    from datetime import timedelta

    from django.utils import timezone

    from tickets.services import deadline_open

    now = timezone.now()
    deadline_open(
        ticket=repair, name="arrive_by", starts_at=now, due_at=now + timedelta(minutes=45)
    )
    api.force_authenticate(agent)

    body = api.get(f"/api/v1/tickets/{repair.number}/").json()

    (deadline,) = body["deadlines"]
    assert deadline["name"] == "arrive_by"
    assert set(deadline) == {"name", "starts_at", "due_at", "met_at", "closed_at"}
    assert deadline["met_at"] is None


def test_urged_elsewhere_during_the_call_is_linked_to_it(agent, call, repair):
    from tickets.services import ticket_urge

    UserFactory(username="other-agent")
    ticket_urge(ticket=repair, actor=agent)

    links = services.call_collect(call=call)

    assert [(link.ticket, link.action) for link in links] == [(repair, "urged")]
