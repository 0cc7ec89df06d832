import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import PASSWORD, PremiseFactory, UserFactory, ticket_create
from tickets.notify import TICKET_URGED, Notice, notify

pytestmark = pytest.mark.browser


def test_agent_signs_in_and_switches_to_simplified_chinese(
    transactional_db, live_server, page, sign_in, shoot
):
    UserFactory(username="agent1", role=Role.AGENT, first_name="Mei", last_name="Lin")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, "agent1", PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Tickets", exact=True)).to_be_visible()
    shoot(page, "home-en")

    page.get_by_label("Language").select_option("zh-hans")

    expect(
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="工单", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    shoot(page, "home-zh")
    assert errors == []


def test_the_chosen_language_follows_the_user_to_another_browser_with_their_notifications(
    transactional_db, live_server, page, browser, sign_in, shoot
):
    supervisor = UserFactory(username="sup1", role=Role.SUPERVISOR)
    ticket = ticket_create()
    with translation.override("en"):
        notify(
            [Notice(user=supervisor, text=TICKET_URGED(number=ticket.number, count=1), key="u")],
            now=timezone.now(),
        )
    sign_in(page, "sup1", PASSWORD)
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    context = browser.new_context(locale="en-US")
    try:
        other = context.new_page()
        sign_in(other, "sup1", PASSWORD)
        expect(other.locator("html")).to_have_attribute("lang", "zh-hans")
        other.goto(f"{live_server.url}/tickets/notifications/")
        expect(other.get_by_text(f"{ticket.number} 客户催办（第 1 次）。")).to_be_visible()
        shoot(other, "notifications-zh")
    finally:
        context.close()


def test_wrong_password_shows_an_error_and_stays_on_login(
    transactional_db, live_server, page, sign_in
):
    UserFactory(username="agent1", role=Role.AGENT)

    sign_in(page, "agent1", "wrong")

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_ticket_list_on_a_phone_has_no_horizontal_page_scroll(
    transactional_db, live_server, page, sign_in, shoot
):
    UserFactory(username="agent1", role=Role.AGENT)
    for _ in range(3):
        ticket_create(premise=PremiseFactory())
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, "agent1", PASSWORD)
    page.goto(f"{live_server.url}/tickets/")

    expect(page.get_by_role("table")).to_be_visible()
    shoot(page, "ticket-list-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
