"""The telephony's ring reaches the right agent's console, and no other, within 2 seconds
(DESIGN §3.15); the ticket page lists the call with its recording; the agent figures page."""

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from accounts.models import Role
from hotline.models import Call
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    CustomerPhoneFactory,
    PremiseFactory,
    UserFactory,
    ticket_create,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = "13800138000"
RECORDING = "https://recordings.example.com/pbx-0042.mp3"


@pytest.fixture
def two_agents(transactional_db, live_server, browser, sign_in, station_north):
    """Two agents, each signed in to the console in a browser of their own."""
    pages = {}
    for username, name in (("agent1", "陈敏"), ("agent2", "王芳")):
        UserFactory(username=username, role=Role.AGENT, first_name=name[1:], last_name=name[0])
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        sign_in(page, username, PASSWORD)
        page.goto(f"{live_server.url}/console/")
        pages[username] = page
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.fixture
def telephony(playwright, live_server, transactional_db):
    machine = UserFactory(username="pbx", role=Role.INTEGRATION)
    token = Token.objects.create(user=machine).key
    request = playwright.request.new_context(
        base_url=live_server.url,
        extra_http_headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )

    def post(event: str, *, agent: str, **extra) -> dict:
        body = {"event": event, "call_id": "pbx-0042", "caller": PHONE, "agent": agent,
                "at": timezone.now().isoformat(), **extra}  # fmt: skip
        response = request.post("/api/v1/cti/events/", data=json.dumps(body))
        assert response.status == 200, response.text()
        return response.json()

    yield post
    request.dispose()


@pytest.fixture
def caller(station_north):
    customer = CustomerFactory(account_no="0318000001", name="李建华")
    CustomerPhoneFactory(customer=customer, number=PHONE)
    home = PremiseFactory(customer=customer, address="英德市英城街道和平北路18号",
                          transformer__feeder__station=station_north)  # fmt: skip
    return customer, home


def test_the_ring_pops_the_callers_card_in_that_agents_console_only(
    two_agents, telephony, caller, shoot, live_server
):
    customer, home = caller
    mine, theirs = two_agents["agent1"], two_agents["agent2"]

    telephony("ring", agent="agent1")

    pop = mine.locator(".ring-pop")
    expect(pop).to_be_visible(timeout=2000)
    expect(pop).to_contain_text(customer.name)
    expect(pop).to_contain_text(home.address)
    shoot(mine, "telephony-ring-pop")
    theirs.wait_for_timeout(1500)
    expect(theirs.locator(".ring-pop")).to_have_count(0)

    telephony("answer", agent="agent1")
    expect(mine.get_by_role("link", name="Open the call")).to_be_visible(timeout=2000)
    mine.get_by_role("link", name="Open the call").click()
    expect(mine.locator("h1")).to_contain_text(customer.name)
    agent = Call.objects.get().agent
    ticket = ticket_create(kind="repair", premise=home, actor=agent)
    telephony("hangup", agent="agent1", recording_url=RECORDING)

    mine.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    recording = mine.get_by_role("link", name="Recording")
    expect(recording).to_have_attribute("href", RECORDING)
    expect(recording).to_have_attribute("rel", "noopener noreferrer")
    shoot(mine, "telephony-ticket-calls")


def test_the_agent_figures_page(transactional_db, live_server, page, sign_in, telephony, shoot):
    UserFactory(username="lead", role=Role.SUPERVISOR)
    UserFactory(username="agent1", role=Role.AGENT, first_name="敏", last_name="陈")
    telephony("ring", agent="agent1")
    telephony("answer", agent="agent1")
    telephony("hangup", agent="agent1", recording_url=RECORDING)
    page.set_viewport_size(DESKTOP)
    sign_in(page, "lead", PASSWORD)

    page.goto(f"{live_server.url}/dashboard/agents/")

    table = page.locator("#table-agents")
    expect(table).to_contain_text("陈敏")
    expect(
        page.get_by_role("link", name="Download “Agent figures in the period” as CSV")
    ).to_be_visible()
    shoot(page, "telephony-agent-figures")
