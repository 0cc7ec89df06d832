"""Ticket search in a real browser (DESIGN §3.9): the console finds a caller, their premises
and tickets from part of a name and pages the address matches; the ticket list finds a
ticket by the caller's phone typed with spaces."""

from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import expect

from accounts.models import Role
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
PHONE = "18612171427"


@pytest.fixture
def agent_page(transactional_db, live_server, page, sign_in):
    # transactional_db empties every table after a test: put the knowledge base back.
    import_module("hotline.migrations.0002_knowledge_base").seed(apps, None)
    UserFactory(username="agent1", role=Role.AGENT)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size(DESKTOP)
    sign_in(page, "agent1", PASSWORD)
    yield page
    assert errors == []


@pytest.fixture
def cai(station_north):
    customer = CustomerFactory(account_no="0318000042", name="蔡家乐")
    CustomerPhoneFactory(customer=customer, number=PHONE)
    home = PremiseFactory(
        customer=customer,
        address="城关人民路12号3栋2单元1203室",
        transformer__feeder__station=station_north,
    )
    ticket = ticket_create(
        kind="repair", premise=home, caller_phone=PHONE, description="家里突然停电"
    )
    return customer, home, ticket


def test_an_agent_finds_the_caller_and_the_ticket_from_part_of_the_name(
    agent_page, live_server, shoot, cai
):
    page = agent_page
    _customer, home, ticket = cai
    page.goto(f"{live_server.url}/console/")

    page.keyboard.type("家乐", delay=30)

    results = page.locator("#results")
    expect(results.locator("[data-result]")).to_have_count(1)
    expect(results.locator("[data-result]")).to_contain_text("蔡家乐")
    expect(results.locator("[data-result]")).to_contain_text(home.address)
    expect(results.get_by_role("link", name=ticket.number)).to_be_visible()
    shoot(page, "search-console-name-1280")
    results.get_by_role("link", name=ticket.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.number)


def test_the_console_pages_through_the_premises_of_an_address(agent_page, live_server, shoot):
    page = agent_page
    for n in range(1, 24):
        PremiseFactory(address=f"和平北路{n}号", customer=CustomerFactory(name=f"住户{n:02d}"))
    page.goto(f"{live_server.url}/console/")

    page.keyboard.type("和平北路", delay=30)

    results = page.locator("#results")
    expect(results.get_by_text("23 premises match; showing 1–10.")).to_be_visible()
    expect(results.locator("[data-result]")).to_have_count(10)
    shoot(page, "search-console-address-page-1-1280")
    results.get_by_role("link", name="Next premises").click()
    expect(results.get_by_text("23 premises match; showing 11–20.")).to_be_visible()
    results.get_by_role("link", name="Next premises").click()
    expect(results.get_by_text("23 premises match; showing 21–23.")).to_be_visible()
    expect(results.locator("[data-result]")).to_have_count(3)
    expect(results.get_by_role("link", name="Next premises")).to_have_count(0)
    shoot(page, "search-console-address-page-3-1280")
    results.get_by_role("link", name="Previous").click()
    expect(results.get_by_text("23 premises match; showing 11–20.")).to_be_visible()


def test_the_ticket_list_finds_a_ticket_by_the_phone_typed_with_spaces(
    agent_page, live_server, shoot, cai
):
    page = agent_page
    _customer, _home, ticket = cai
    other = ticket_create(kind="consultation", caller_phone="13800138000")
    page.goto(f"{live_server.url}/tickets/")

    page.get_by_label("Search").fill("+86 186 1217 1427")
    page.get_by_role("button", name="Filter").click()

    table = page.get_by_role("table")
    expect(table.get_by_role("link", name=ticket.number)).to_be_visible()
    expect(table.get_by_role("link", name=other.number)).to_have_count(0)
    expect(page.get_by_text("1 ticket matches.")).to_be_visible()
    expect(page.get_by_label("Search")).to_have_value("+86 186 1217 1427")
    shoot(page, "search-ticket-list-phone-1280")
