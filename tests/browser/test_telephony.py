"""The telephony's ring reaches the right agent's console, and no other, within 2 seconds
(DESIGN §3.15); the ticket page lists the call with its recording; the agent figures page."""

import json
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
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
from tickets.models import Ticket

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


def _tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Tab (never a click) until the element matching `selector` has focus."""
    for _press in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _choose(page, name: str, value: str) -> None:
    """A radio answer by the keyboard: Tab into its group, arrows to the answer."""
    _tab_to(page, f"input[name={name}]")
    wanted = page.locator(f"input[name={name}][value={value}]")
    for _press in range(8):
        if wanted.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"No arrow reached {name}={value}")


def _in_customer_language(text: str, **params) -> str:
    with translation.override(settings.GRIDLINE_CUSTOMER_LANGUAGE):
        return _(text) % params


def test_a_repair_call_from_the_ring_to_the_hang_up_with_the_keyboard_alone(
    transactional_db, live_server, page, telephony, caller, shoot
):
    """No mouse from the sign-in to the end: the ring pops the caller, o opens the answered
    call, the repair tab and the triage are answered with Tab, arrows and typing, Enter
    records it, the agent reads the promise with the ticket number, e and Enter end it."""
    customer, home = caller
    UserFactory(username="agent1", role=Role.AGENT, first_name="敏", last_name="陈")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.type("agent1")  # the username field has focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/console/")
    expect(page.get_by_label("Phone, account number, meter number or address")).to_be_focused()

    telephony("ring", agent="agent1")
    pop = page.locator(".ring-pop")
    expect(pop).to_be_visible(timeout=2000)
    expect(pop).to_contain_text(customer.name)
    telephony("answer", agent="agent1")
    opener = page.get_by_role("link", name="Open the call")
    expect(opener).to_be_visible(timeout=2000)
    expect(opener).to_have_attribute("aria-keyshortcuts", "o")

    # Esc leaves the search box, o opens the call; its repair tab waits for Enter.
    page.keyboard.press("Escape")
    page.keyboard.press("o")
    call = Call.objects.get()
    expect(page).to_have_url(f"{live_server.url}{call.get_absolute_url()}")
    page.wait_for_load_state()  # the page's keys are the console script's, loaded deferred
    expect(page.get_by_role("tab", name="Repair")).to_be_focused()
    page.keyboard.press("Enter")
    wizard = page.locator("#repair-work")
    expect(wizard.get_by_role("heading", name=home.address)).to_be_visible()
    expect(wizard.get_by_label("Caller's phone")).to_have_value(PHONE)

    _choose(page, "scope", "neighbours")
    _choose(page, "breaker", "not_tripped")
    expect(wizard.locator("#outcome h2")).to_have_text("Dispatch")
    # Before recording the caller hears when the crew will come, in the customer language.
    say = wizard.locator("#outcome .script-say")
    lang = settings.GRIDLINE_CUSTOMER_LANGUAGE
    expect(say).to_have_attribute("lang", re.compile(f"^{lang}$", re.IGNORECASE))
    coming = _in_customer_language("A crew will be with you by %(time)s.", time="@").split("@")
    expect(say).to_contain_text(coming[0])
    expect(wizard.locator("#outcome .script-meaning")).to_contain_text("A crew will be with you by")
    _tab_to(page, "#id_description")
    page.keyboard.type("整条街都没电")
    _tab_to(page, "button.wizard-submit")
    page.keyboard.press("Enter")

    # Back on the call: the script with the ticket number and the promised time.
    expect(page.locator(".messages")).to_contain_text("recorded: Dispatch.")
    ticket = Ticket.objects.get(kind="repair")
    by = timezone.localtime(ticket.repair.arrive_by).strftime("%H:%M")
    number = _in_customer_language("Your repair number is %(number)s.", number=ticket.number)
    coming_by = _in_customer_language("A crew will be with you by %(time)s.", time=by)
    # A Chinese full stop is followed with no space, an untranslated one with a space.
    expected = number + ("" if number.endswith("。") else " ") + coming_by
    expect(page.locator(".messages .script-say")).to_have_text(expected)
    expect(page.locator(".messages .script-meaning")).to_contain_text(
        f"Your repair number is {ticket.number}. A crew will be with you by {by}."
    )
    expect(page.locator("#call-tickets")).to_contain_text(ticket.number)
    shoot(page, "telephony-keyboard-walk-recorded-1366")

    # e reaches the end of the call, Enter ends it; then the telephony hangs up.
    page.wait_for_load_state()
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    expect(page.get_by_role("button", name="Finish the call")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/console/")
    telephony("hangup", agent="agent1", recording_url=RECORDING)

    call.refresh_from_db()
    assert call.ended_at is not None
    assert (call.reason, call.outcome) == ("repair", "recorded")
    assert call.recording_url == RECORDING
    assert list(call.call_tickets.values_list("ticket__number", flat=True)) == [ticket.number]
