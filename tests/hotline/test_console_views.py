"""The console pages: screen pop, search, taking and finishing calls, an agent's own calls."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline import services
from hotline.models import Call, CallTicket
from tests.factories import CustomerPhoneFactory, UserFactory, ticket_create

from .conftest import PHONE

CONSOLE = "/console/"


def test_console_page_has_the_search_box_focused(client, agent):
    client.force_login(agent)

    response = client.get(CONSOLE)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="caller-q"' in html
    assert "autofocus" in html.split('id="caller-q"')[1].split(">")[0]


@pytest.mark.parametrize("persona", ["dispatcher_north", "crew_north", "handler", "manager"])
def test_only_agents_and_supervisors_use_the_console(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(CONSOLE).status_code == 403


@pytest.mark.parametrize("popped", ["+86 138 0013 8000", "0086 13800138000", "138-0013-8000"])
def test_screen_pop_opens_the_call_on_the_caller(client, agent, customer, home, popped):
    client.force_login(agent)

    response = client.get(CONSOLE, {"phone": popped})

    call = Call.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("hotline:call", kwargs={"pk": call.pk})
    assert (call.agent, call.customer, call.caller_phone) == (agent, customer, PHONE)
    assert call.ended_at is None
    page = client.get(response.url)
    assert customer.name in page.content.decode()


def test_screen_pop_of_an_unknown_number_still_takes_the_call(client, agent, customer):
    client.force_login(agent)

    response = client.get(CONSOLE, {"phone": "139 1111 2222"})

    call = Call.objects.get()
    assert response.status_code == 302
    assert (call.customer, call.caller_phone) == (None, "13911112222")
    assert "Caller without a customer record" in client.get(response.url).content.decode()


def test_screen_pop_again_for_the_same_number_reopens_the_same_call(client, agent, customer):
    client.force_login(agent)

    first = client.get(CONSOLE, {"phone": PHONE})
    second = client.get(CONSOLE, {"phone": PHONE})

    assert first.url == second.url
    assert Call.objects.count() == 1


def test_screen_pop_of_a_number_several_customers_share_lets_the_agent_pick(
    client, agent, customer, home
):
    CustomerPhoneFactory(number=PHONE)  # a second account on the family's phone
    client.force_login(agent)

    response = client.get(CONSOLE, {"phone": PHONE})

    assert response.status_code == 200
    assert len(response.context["matches"]) == 2
    assert Call.objects.count() == 0
    assert f'name="phone" value="{PHONE}"' in response.content.decode()


def test_a_new_call_finishes_the_one_left_open(client, agent, customer, home):
    left_open = services.call_start(agent=agent, caller_phone="13911112222", customer=None)
    client.force_login(agent)

    client.get(CONSOLE, {"phone": PHONE})

    left_open.refresh_from_db()
    assert left_open.ended_at is not None
    assert (left_open.reason, left_open.outcome) == ("other", "nothing")
    assert Call.objects.filter(ended_at__isnull=True).get().caller_phone == PHONE


def test_search_answers_with_the_results_fragment(client, agent, customer, home):
    client.force_login(agent)

    response = client.get("/console/search/", {"q": "和平北路"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert customer.name in html
    assert "英德市英城街道和平北路18号" in html
    assert reverse("hotline:call_start") in html


def test_no_match_offers_to_take_the_call_on_the_typed_number(client, agent):
    client.force_login(agent)

    response = client.get("/console/search/", {"q": "139-1111-2222"})

    html = response.content.decode()
    assert "No customer matches" in html
    assert 'value="13911112222"' in html
    assert "Take the call without a customer record" in html


def test_picking_a_result_starts_the_call(client, agent, customer, home):
    client.force_login(agent)

    response = client.post("/console/calls/start/", {"customer": customer.pk, "phone": PHONE})

    call = Call.objects.get()
    assert response.url == call.get_absolute_url()
    assert (call.customer, call.caller_phone, call.agent) == (customer, PHONE, agent)
    assert call.started_at is not None


def test_with_a_call_open_a_result_reidentifies_that_call(client, agent, customer, home):
    call = services.call_start(agent=agent, caller_phone="13911112222", customer=None)
    client.force_login(agent)

    results = client.get("/console/search/", {"q": "0318000001"})
    client.post(f"/console/calls/{call.pk}/identify/", {"customer": customer.pk})

    assert reverse("hotline:call_identify", kwargs={"pk": call.pk}) in results.content.decode()
    call.refresh_from_db()
    assert (call.customer, call.caller_phone) == (customer, "13911112222")
    assert Call.objects.count() == 1


def test_finishing_records_reason_outcome_and_end(client, agent, call):
    client.force_login(agent)

    response = client.post(
        f"/console/calls/{call.pk}/finish/",
        {"reason": "consultation", "outcome": "answered", "note": "问电价"},
    )

    assert response.url == CONSOLE
    call.refresh_from_db()
    assert (call.reason, call.outcome, call.note) == ("consultation", "answered", "问电价")
    assert call.ended_at is not None


def test_finishing_with_blank_reason_takes_it_from_what_the_call_recorded(
    client, agent, call, home
):
    client.force_login(agent)
    open_repair = ticket_create(kind="repair", premise=home)
    services.call_urge(call=call, ticket=open_repair, actor=agent)

    client.post(f"/console/calls/{call.pk}/finish/", {"reason": "", "outcome": ""})

    call.refresh_from_db()
    assert (call.reason, call.outcome) == ("urge", "urged")


def test_finishing_twice_is_refused_and_changes_nothing(client, agent, call):
    client.force_login(agent)
    client.post(f"/console/calls/{call.pk}/finish/", {"reason": "other", "outcome": "nothing"})
    call.refresh_from_db()
    ended = call.ended_at

    response = client.post(f"/console/calls/{call.pk}/finish/", {"reason": "praise"})

    call.refresh_from_db()
    assert response.status_code == 302
    assert (call.ended_at, call.reason) == (ended, "other")


def test_an_invalid_finish_is_shown_again_with_its_values(client, agent, call):
    client.force_login(agent)

    response = client.post(
        f"/console/calls/{call.pk}/finish/", {"reason": "nonsense", "note": "客户说明天再打"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "客户说明天再打" in html
    assert 'aria-invalid="true"' in html
    call.refresh_from_db()
    assert call.ended_at is None


def test_an_agent_sees_only_their_own_calls_today(client, agent, customer):
    other = UserFactory(username="agent2")
    mine = services.call_start(agent=agent, caller_phone=PHONE, customer=customer)
    services.call_start(agent=other, caller_phone=PHONE, customer=customer)
    yesterday = timezone.now() - timedelta(days=1)
    Call.objects.create(agent=agent, caller_phone=PHONE, started_at=yesterday, ended_at=yesterday)
    client.force_login(agent)

    response = client.get(CONSOLE)

    assert [row.call for row in response.context["calls_today"]] == [mine]


def test_another_agents_call_is_not_found(client, agent, customer):
    theirs = services.call_start(
        agent=UserFactory(username="agent2"), caller_phone=PHONE, customer=customer
    )
    client.force_login(agent)

    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_the_call_page_lists_what_the_agent_recorded_elsewhere_during_the_call(
    client, agent, call, home
):
    # The triage wizard records the repair through repairs; the call still shows it.
    repair = ticket_create(kind="repair", premise=home, actor=agent)
    client.force_login(agent)

    response = client.get(call.get_absolute_url())

    assert [link.ticket for link in response.context["links"]] == [repair]
    client.post(f"/console/calls/{call.pk}/finish/", {})
    link = CallTicket.objects.get()
    assert (link.call, link.ticket, link.action) == (call, repair, "created")
    call.refresh_from_db()
    assert (call.reason, call.outcome) == ("repair", "recorded")


def test_a_complaint_given_as_plus_86_shows_when_the_number_pops_as_0086(client, api, agent):
    api.force_authenticate(agent)
    body = {
        "caller_phone": "+86 139 1111 2222",
        "channel": "hotline",
        "category": "service_attitude",
        "description": "Nobody called me back.",
    }
    number = api.post("/api/v1/complaints/", body, format="json").json()["number"]
    client.force_login(agent)

    response = client.get(CONSOLE, {"phone": "0086 139-1111-2222"}, follow=True)

    call = Call.objects.get()
    assert (call.customer, call.caller_phone) == (None, "13911112222")
    assert number in response.content.decode()
