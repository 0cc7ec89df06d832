"""An agent works the callback queue in the browser: the row answers in place."""

import pytest
from playwright.sync_api import expect

from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.factories import PASSWORD, PremiseFactory
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def test_agent_records_a_callback_in_place(
    transactional_db, live_server, page, sign_in, shoot, agent
):
    tickets = [
        repair_create(
            premise=PremiseFactory(),
            answers=Answers(scope="self_only", breaker="tripped_reset_ok"),
            actor=agent,
            caller_phone=f"1380000000{i}",
        ).ticket
        for i in range(3)
    ]
    page.set_viewport_size({"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, agent.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Callbacks").click()
    row = page.locator(f"#callback-{tickets[0].number}")
    expect(row).to_contain_text("13800000000")
    shoot(page, "callbacks-1280")

    row.get_by_label("Result").select_option("satisfied")
    row.get_by_role("button", name="Record").click()
    expect(page.locator(f"#callback-{tickets[0].number}")).to_contain_text("Recorded.")
    assert Ticket.objects.get(pk=tickets[0].pk).status == Ticket.Status.CLOSED

    second = page.locator(f"#callback-{tickets[1].number}")
    second.get_by_label("Result").select_option("unsatisfied")
    second.get_by_role("button", name="Record").click()
    expect(page.locator(f"#callback-{tickets[1].number}")).to_contain_text(
        "Say what the customer is unhappy with."
    )
    assert Ticket.objects.get(pk=tickets[1].pk).status == Ticket.Status.RESOLVED
    shoot(page, "callbacks-error-1280")
    assert [e for e in errors if "422" not in e] == []
