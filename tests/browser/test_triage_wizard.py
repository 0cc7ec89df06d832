"""The agent's triage wizard in a real browser: the outcome follows the answers live (htmx)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from repairs.models import OutageNotice
from tests.factories import PASSWORD, PremiseFactory, UserFactory
from tickets.models import Ticket

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def agent_page(transactional_db, live_server, page, sign_in):
    UserFactory(username="agent1", role=Role.AGENT, first_name="Mei", last_name="Lin")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size(DESKTOP)
    sign_in(page, "agent1", PASSWORD)
    yield page
    # A form answered with its errors is a 422 by design; Chromium logs every 4xx.
    assert [e for e in errors if "status of 422" not in e] == []


def premise_on(station_name: str, **kwargs):
    return PremiseFactory(
        transformer__feeder__station__name=station_name,
        transformer__feeder__station__code=station_name[:3].upper(),
        **kwargs,
    )


def test_planned_outage_is_shown_before_submitting_and_the_ticket_recorded(
    agent_page, live_server, shoot
):
    page = agent_page
    premise = premise_on(
        "Riverside station",
        meter_no="YD01000123",
        address="12 Riverside Road, Yangdong",
        important=True,
        transformer__code="YD01-T0315",
        transformer__feeder__code="YD01-F02",
    )
    now = timezone.now()
    notice = OutageNotice.objects.create(
        kind=OutageNotice.Kind.PLANNED,
        reason="Replace pole-mounted switch",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        published_at=now - timedelta(days=8),
    )
    notice.feeders.set([premise.transformer.feeder])

    page.goto(f"{live_server.url}/repairs/new/?meter_no=YD01000123&phone=13800001234")

    expect(page.get_by_role("heading", name="12 Riverside Road, Yangdong")).to_be_visible()
    expect(page.get_by_label("Caller's phone")).to_have_value("13800001234")
    outcome = page.locator("#outcome")
    # Shown for the page's default answers already, before anything is touched.
    expect(outcome).to_contain_text("Planned outage")
    page.get_by_label("Only this premise").check()
    page.get_by_label("Tripped; trips again or won't reset").check()
    page.get_by_label("What was running").fill("electric water heater")
    # The devices are the agent's; the caller is read the window and the reason.
    expect(outcome.locator(".facts")).to_contain_text("YD01-F02")
    expect(outcome.locator(".script-meaning")).to_contain_text(
        "There is planned maintenance in your area from"
    )
    expect(outcome.locator(".script-say")).to_contain_text("Replace pole-mounted switch")
    expect(outcome.locator(".script-out")).not_to_contain_text("YD01")
    expect(outcome).to_contain_text("No crew is sent")
    assert Ticket.objects.count() == 0
    shoot(page, "triage-planned-outage-1280")

    page.get_by_role("button", name="Record the repair ticket").click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(f"{live_server.url}{ticket.get_absolute_url()}")
    expect(page.get_by_role("heading", name=re.compile(ticket.number))).to_be_visible()
    expect(
        page.get_by_text(f"Repair ticket {ticket.number} recorded: Planned outage.")
    ).to_be_visible()
    assert ticket.repair.outcome == "planned_outage"
    assert ticket.repair.equipment_in_use == "electric water heater"
    shoot(page, "triage-planned-outage-ticket")


def test_neighbours_out_with_the_breaker_on_dispatches(agent_page, live_server, shoot):
    page = agent_page
    premise_on("Hilltop station", meter_no="YD02000456", address="3 Hilltop Lane")

    page.goto(f"{live_server.url}/repairs/new/")
    page.get_by_label("Meter number").fill("YD02000456")
    page.get_by_role("button", name="Find the premise").click()

    outcome = page.locator("#outcome")
    page.get_by_label("Neighbours too").check()
    page.get_by_label("Not tripped").check()
    expect(outcome.locator("h2")).to_have_text("Dispatch")
    expect(outcome).to_contain_text("sends a work order to Hilltop station")
    page.get_by_label("Wire down").check()
    expect(outcome).to_contain_text("Emergency dispatch")
    shoot(page, "triage-danger-1280")
    page.get_by_label("Wire down").uncheck()
    expect(outcome.locator("h2")).to_have_text("Dispatch")
    page.get_by_label("Description").fill("Whole street dark since 19:40")
    # The outcome sits beside the questions and stays in sight at the last one.
    assert page.evaluate("window.scrollY") > 100
    expect(outcome).to_be_in_viewport(ratio=1)
    outcome_box = outcome.bounding_box()
    form_box = page.locator("#repair-form").bounding_box()
    assert outcome_box["x"] > form_box["x"] + form_box["width"]
    shoot(page, "triage-dispatch-1280")

    page.get_by_role("button", name="Record the repair ticket").click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(f"{live_server.url}{ticket.get_absolute_url()}")
    expect(page.get_by_text(f"Repair ticket {ticket.number} recorded: Dispatch.")).to_be_visible()
    assert ticket.repair.outcome == "dispatch"
    assert ticket.repair.hazards == []


def test_bad_phone_keeps_the_answers_and_shows_the_error_at_the_field(
    agent_page, live_server, shoot
):
    page = agent_page
    premise_on("Hilltop station", meter_no="YD02000456")

    page.goto(f"{live_server.url}/repairs/new/?meter_no=YD02000456")
    page.get_by_label("Neighbours too").check()
    page.get_by_label("Caller's phone").fill("call me back")
    page.get_by_role("button", name="Record the repair ticket").click()

    expect(page.locator("#caller_phone-errors")).to_contain_text("is not a phone number")
    expect(page.get_by_label("Neighbours too")).to_be_checked()
    expect(page.get_by_label("Caller's phone")).to_have_value("call me back")
    assert Ticket.objects.count() == 0
    shoot(page, "triage-bad-phone-1280")


def test_unknown_meter_number_is_explained_at_the_field(agent_page, live_server, shoot):
    page = agent_page

    page.goto(f"{live_server.url}/repairs/new/")
    page.get_by_label("Meter number").fill("NOPE")
    page.get_by_role("button", name="Find the premise").click()

    expect(page.locator("#meter_no-errors")).to_have_text("No premise has meter number NOPE.")
    shoot(page, "triage-unknown-meter-1280")


def test_wizard_on_a_narrow_screen_has_no_horizontal_page_scroll(agent_page, live_server, shoot):
    page = agent_page
    premise_on("Hilltop station", meter_no="YD02000456")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/repairs/new/?meter_no=YD02000456")

    expect(page.locator("#outcome")).to_contain_text("Dispatch")
    shoot(page, "triage-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_second_repair_for_the_premise_shows_the_first_and_asks(
    transactional_db, live_server, page, sign_in, shoot
):
    UserFactory(username="agent_dup", role="agent")
    PremiseFactory(meter_no="M77")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "agent_dup", PASSWORD)
    for _ in range(2):
        page.goto(f"{live_server.url}/repairs/new/?meter_no=M77")
        page.get_by_label("Only this premise").check()
        page.get_by_role("button", name="Record the repair ticket").click()
    first = Ticket.objects.get()

    warning = page.get_by_role("alert").filter(has_text="already has an open ticket")
    expect(warning.get_by_role("link", name=first.number)).to_be_visible()
    expect(page.get_by_role("button", name="Record the repair ticket")).to_have_count(0)
    shoot(page, "triage-duplicate-1280")
    warning.get_by_role("button", name="It is another one: record it").click()

    expect(page.locator(".messages")).to_contain_text("recorded")
    assert Ticket.objects.count() == 2


def test_enter_in_a_one_line_answer_does_not_record_the_repair(
    transactional_db, live_server, page, sign_in
):
    UserFactory(username="agent_enter", role="agent")
    PremiseFactory(meter_no="M78")
    sign_in(page, "agent_enter", PASSWORD)
    page.goto(f"{live_server.url}/repairs/new/?meter_no=M78")

    page.get_by_label("Only this premise").check()
    field = page.get_by_role("textbox", name="What was running")
    field.fill("electric water heater")
    field.press("Enter")  # before the fix: the form was sent and the repair recorded

    expect(page.locator("#outcome h2")).to_be_visible()
    page.wait_for_timeout(500)  # a submit would have navigated by now
    assert Ticket.objects.count() == 0
    assert page.url.endswith("/repairs/new/?meter_no=M78")
