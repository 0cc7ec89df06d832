"""The Content Security Policy holds: scripts from this site only, and no page breaks it."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/tickets/",
    "/dashboard/",
    "/dashboard/stations/",
    "/dispatch/",
    "/console/",
    "/console/callbacks/",
    "/console/kb/",
    "/complaints/",
    "/repairs/notices/",
    "/repairs/new/",
    "/api/docs/",
]


def test_no_page_trips_the_policy(transactional_db, live_server, page, sign_in, supervisor):
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    sign_in(page, supervisor.username, PASSWORD)
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_language_switch_works_without_inline_handlers(
    transactional_db, live_server, page, sign_in, agent
):
    sign_in(page, agent.username, PASSWORD)
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
