"""The customers' self-service pages on a phone (390×844, DESIGN §3.12)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import CustomerPhoneFactory, PremiseFactory, TransformerFactory
from tickets.models import OutboxMessage

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def signed_in(page, live_server, account_no: str) -> None:
    """Through the sign-in pages, switching them to English first."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/self/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_label("语言").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Account number").fill(account_no)
    page.get_by_role("button", name="Text me a code").click()
    expect(page.get_by_text("If the account number is ours")).to_be_visible()
    code = OutboxMessage.objects.get(kind="self_sign_in_code").params["code"]
    page.get_by_label("Code from the SMS").fill(code)
    page.get_by_role("button", name="Sign in").click()


def test_a_customer_under_a_known_incident_signs_in_and_sees_it_with_the_stage(
    transactional_db, live_server, page, shoot
):
    now = timezone.now()
    transformer = TransformerFactory()
    premise = PremiseFactory(transformer=transformer, address="8 Riverside Road")
    CustomerPhoneFactory(customer=premise.customer, number="13800138000")
    for i in range(3):
        last = repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=None,
            now=now - timedelta(minutes=3 - i),
        )
    assert last.incident is not None
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    signed_in(page, live_server, premise.customer.account_no)

    card = page.locator(".self-card", has_text="8 Riverside Road")
    expect(card.get_by_text("We know about a power cut here.")).to_be_visible()
    expect(card.get_by_text("Power is expected back by")).to_be_visible()
    expect(card.get_by_text("Reported, no crew yet")).to_be_visible()
    expect(page.get_by_role("link", name="Tickets")).to_have_count(0)  # no staff navigation
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    shoot(page, "self-home-incident")
    assert errors == []


def test_a_customer_reports_a_fallen_wire_and_reads_the_safety_advice_first(
    transactional_db, live_server, page, shoot
):
    premise = PremiseFactory(address="8 Riverside Road")
    CustomerPhoneFactory(customer=premise.customer, number="13800138000")
    signed_in(page, live_server, premise.customer.account_no)

    page.get_by_role("link", name="Report a fault").click()
    expect(page.get_by_text("In danger? Keep safe first")).to_be_visible()
    page.get_by_label("Wire down").check()
    page.get_by_label("Only my home").check()
    shoot(page, "self-fault-form")
    page.get_by_role("button", name="Send the report").click()

    alert = page.get_by_role("alert")
    expect(alert.get_by_text("Keep away from the fallen wire")).to_be_visible()
    expect(page.get_by_text("An emergency crew is being sent")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "self-fault-hazard")


def test_a_customer_under_a_known_incident_reports_and_is_told_it_is_known(
    transactional_db, live_server, page, shoot
):
    transformer = TransformerFactory()
    premise = PremiseFactory(transformer=transformer, address="8 Riverside Road")
    CustomerPhoneFactory(customer=premise.customer, number="13800138000")
    for _n in range(3):
        repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=None,
        )
    signed_in(page, live_server, premise.customer.account_no)

    page.get_by_role("link", name="Report a fault").click()
    page.get_by_label("My neighbours too").check()
    page.get_by_role("button", name="Send the report").click()

    expect(page.get_by_text("We know about the power cut in your area")).to_be_visible()
    page.get_by_role("link", name="My tickets").click()
    expect(page.locator(".self-card", has_text="Repair").first).to_be_visible()
    shoot(page, "self-fault-incident")
