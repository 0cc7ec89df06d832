"""Stored XSS in a real browser (issue #10, item 7): pages full of hostile text open
without a single dialog."""

import pytest

from tests.factories import PASSWORD
from tests.security.hostile import build_hostile
from tests.security.test_xss import pages

pytestmark = pytest.mark.browser

# Three payloads in one (it fits a customer's 100-character name): script, event, SVG.
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>"


def test_pages_with_hostile_text_raise_no_dialog(transactional_db, live_server, browser):
    world = build_hostile(PAYLOAD)
    dialogs = []
    by_role: dict[str, list[str]] = {}
    for role, path in pages(world):
        by_role.setdefault(role, []).append(path)

    for role, paths in by_role.items():
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(world.users[role].username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{role} {path}"
            page.wait_for_load_state("networkidle")
            if path == f"/tickets/{world.repair.number}/":
                # Not vacuous: the payload is on the page, shown as text.
                assert page.get_by_text("alert(2)").count() >= 1
        context.close()

    assert dialogs == []
