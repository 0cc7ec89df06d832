"""A department's handler works their queue (DESIGN §3.9): takes an opinion, transfers a
service request to another department with a reason (refused inline without one), and
replies to another opinion."""

import pytest
from playwright.sync_api import expect

from hotline.services import feedback_record, service_request_record
from tests.factories import PASSWORD, DepartmentFactory, PremiseFactory
from tickets.handling import ticket_transfer
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def held_by(department, ticket, supervisor):
    return ticket_transfer(ticket=ticket, to=department, reason="Paperwork", actor=supervisor)


def test_a_handler_takes_transfers_and_replies_from_the_queue(
    transactional_db, live_server, page, sign_in, shoot, agent, supervisor, handler, department
):
    DepartmentFactory(code="OPS", name="Operations")
    opinions = [
        held_by(
            department,
            feedback_record(
                call=None, actor=agent, kind="opinion", subject=subject, description=text
            ),
            supervisor,
        )
        for subject, text in [
            ("营业厅周六开放", "希望城南营业厅周六也能办理业务。"),
            ("电费短信", "电费通知短信能否提前三天发送？"),
        ]
    ]
    request = held_by(
        department,
        service_request_record(
            call=None,
            actor=agent,
            request_type="capacity_change",
            description="店铺增容到 50 kVA，需要现场勘查。",
            premise=PremiseFactory(customer__name="陈晓敏"),
        ),
        supervisor,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, handler.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My tickets").click()
    queue = page.locator("#holder-queue")
    for ticket in [*opinions, request]:
        expect(queue).to_contain_text(ticket.number)
    shoot(page, "holders-queue-1280")

    # Take the first opinion in hand.
    page.get_by_role("link", name=opinions[0].number).click()
    page.get_by_role("button", name="Take it").click()
    expect(page.locator(".messages")).to_contain_text(f"{opinions[0].number} is in your hands")
    expect(page.locator("h1")).to_contain_text("In progress")

    # Transfer the service request: without a reason it is refused beside the field.
    page.goto(f"{live_server.url}{request.get_absolute_url()}")
    page.get_by_text("Transfer to another station or department").click()
    page.get_by_label("To a department").select_option(label="Operations")
    page.get_by_role("button", name="Transfer", exact=True).click()
    expect(page.locator("#handling")).to_contain_text("Say why the ticket goes there.")
    expect(page.get_by_label("To a department")).to_have_value("OPS")
    shoot(page, "holders-panel-error-1280")
    page.get_by_label("Why it goes there").fill("增容需营销部审批，转运检部现场勘查。")
    page.get_by_role("button", name="Transfer", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"{request.number} transferred to Operations")
    expect(page.locator("#holder-queue")).not_to_contain_text(request.number)

    # Reply to the second opinion.
    page.get_by_role("link", name=opinions[1].number).click()
    shoot(page, "holders-panel-1280")
    page.get_by_label("The reply, as the customer was given it").fill(
        "已与客户沟通：自下月起提前三天发送电费短信。"
    )
    page.get_by_role("button", name="Reply sent").click()
    expect(page.locator(".messages")).to_contain_text("reply recorded")

    statuses = dict(
        Ticket.objects.filter(pk__in=[t.pk for t in [*opinions, request]]).values_list(
            "number", "status"
        )
    )
    assert statuses == {
        opinions[0].number: "in_progress",
        opinions[1].number: "resolved",
        request.number: "open",
    }
    assert Ticket.objects.get(pk=request.pk).department.code == "OPS"
    # The panel answered with its error is a 422 by design; Chromium logs every 4xx.
    assert [e for e in errors if "status of 422" not in e] == []
