"""The agent console in a real browser: a call from the search to what it recorded,
with the keyboard for the search, the pick, the tabs and the forms."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from dispatch.models import WorkOrder
from hotline.models import Article, Call, CallTicket
from repairs.models import OutageNotice
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    CustomerPhoneFactory,
    PremiseFactory,
    UserFactory,
    ticket_create,
)
from tickets.models import Deadline, Ticket
from tickets.services import deadline_open

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
CALL_PAGE = re.compile(r"/console/calls/\d+/$")
PHONE = "13800138000"


@pytest.fixture
def agent_page(transactional_db, live_server, page, sign_in):
    # transactional_db empties every table after a test: put the knowledge base back.
    import_module("hotline.migrations.0002_knowledge_base").seed(apps, None)
    UserFactory(username="agent1", role=Role.AGENT, first_name="敏", last_name="陈")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size(DESKTOP)
    sign_in(page, "agent1", PASSWORD)
    yield page
    # A form answered with its errors is a 422 by design; Chromium logs every 4xx.
    assert [e for e in errors if "status of 422" not in e] == []


@pytest.fixture
def caller(station_north):
    customer = CustomerFactory(account_no="0318000001", name="李建华")
    CustomerPhoneFactory(customer=customer, number=PHONE)
    home = PremiseFactory(
        customer=customer,
        meter_no="441800000123",
        address="英德市英城街道和平北路18号",
        transformer__code="YD01-T0315",
        transformer__feeder__code="YD01-F02",
        transformer__feeder__station__code="YD01",
        transformer__feeder__station__name="英德城区供电所",
    )
    shop = PremiseFactory(
        customer=customer,
        meter_no="441800000456",
        address="英德市英城街道人民路7号商铺",
        transformer__code="YD01-T0400",
        transformer__feeder=home.transformer.feeder,
    )
    return customer, home, shop


def test_agent_finds_the_caller_urges_and_answers_a_consultation_by_keyboard(
    agent_page, live_server, shoot, caller
):
    page = agent_page
    _customer, home, _shop = caller
    now = timezone.now()
    repair = ticket_create(
        kind="repair",
        premise=home,
        caller_phone=PHONE,
        description="家里没电，邻居也没电",
        now=now - timedelta(minutes=50),
    )
    deadline_open(
        ticket=repair,
        name=Deadline.Name.ARRIVE_BY,
        starts_at=now - timedelta(minutes=50),
        due_at=now - timedelta(minutes=5),
    )
    notice = OutageNotice.objects.create(
        kind=OutageNotice.Kind.PLANNED,
        reason="更换10kV柱上开关",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=6),
        published_at=now - timedelta(days=6),
    )
    notice.feeders.set([home.transformer.feeder])

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Console").click()

    # The search box has focus on load: the agent just types.
    search = page.get_by_label("Phone, account number, meter number or address")
    expect(search).to_be_focused()
    page.keyboard.type("138 0013 8000", delay=20)
    result = page.locator("#results [data-result]")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("李建华")
    expect(result).to_contain_text("1 open ticket")
    shoot(page, "console-search-1280")
    page.keyboard.press("ArrowDown")
    expect(result).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(CALL_PAGE)
    call = Call.objects.get()
    expect(page).to_have_url(f"{live_server.url}{call.get_absolute_url()}")
    expect(page.get_by_role("heading", name="李建华")).to_be_visible()
    expect(page.locator(".banner")).to_contain_text("更换10kV柱上开关")
    expect(page.locator(".banner")).to_contain_text("Upcoming")
    row = page.locator(".ticket-row", has_text=repair.number)
    expect(row).to_contain_text("overdue")
    shoot(page, "console-call-1280")

    # One click (here: Enter) urges the open repair on this call.
    urge = page.get_by_role("button", name=f"Urge {repair.number}")
    urge.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text=f"{repair.number} urged (1)")).to_be_visible()
    expect(page.locator("#call-tickets")).to_contain_text(repair.number)
    expect(row).to_contain_text("urged on this call")
    expect(row).to_contain_text("urged 1 time")
    repair.refresh_from_db()
    assert (repair.urge_count, repair.priority) == (1, "high")

    # The consultation tab, by keyboard: the question field takes focus.
    page.get_by_role("tab", name="Consultation").focus()
    page.keyboard.press("Enter")
    question = page.get_by_label("Question")
    expect(question).to_be_focused()
    # Submitting with nothing typed shows the errors in place (422), nothing recorded.
    page.get_by_role("button", name="Record and close the consultation").press("Enter")
    form = page.locator("#kind-consultation")
    expect(form.locator(".errorlist").first).to_be_visible()
    assert Ticket.objects.filter(kind="consultation").count() == 0
    page.get_by_label("Question").fill("峰谷电价是怎么分时段的？")
    # The picker searches every time: a first search, then the one that finds it.
    page.get_by_label("Search the knowledge base").fill("电表")
    expect(form.get_by_role("radio", name="怎样读电能表（智能电表）")).to_be_visible()
    page.get_by_label("Search the knowledge base").fill("峰谷")
    choice = form.get_by_role("radio", name="峰谷分时电价时段与价格")
    expect(choice).to_be_visible()
    expect(form.get_by_role("radio", name="怎样读电能表（智能电表）")).to_have_count(0)
    choice.focus()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    # Picking it puts its answer into the reply, to read out or edit.
    summary = Article.objects.get(title="峰谷分时电价时段与价格").summary
    expect(page.get_by_label("Answer given")).to_have_value(summary)
    page.get_by_label("Answer given").fill("高峰10–12点、14–19点，低谷0–8点。")
    shoot(page, "console-consultation-1280")
    page.get_by_role("button", name="Record and close the consultation").press("Enter")

    consultation = Ticket.objects.filter(kind="consultation")
    expect(form.get_by_role("status")).to_contain_text("recorded (Closed)")
    ticket = consultation.get()
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.consultation.article == Article.objects.get(title="峰谷分时电价时段与价格")
    expect(page.locator("#call-tickets")).to_contain_text(ticket.number)
    expect(page.locator("#call-tickets")).to_contain_text("Finishing now records: Consultation")
    shoot(page, "console-recorded-1280")

    # Finish: the reason is chosen with the keyboard, the note typed, Enter sends it.
    page.get_by_label("Reason for the call").focus()
    page.get_by_label("Reason for the call").select_option("consultation")
    page.get_by_label("Note").fill("顺带催办了报修单")
    page.get_by_role("button", name="Finish the call").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/console/")
    expect(page.get_by_text("Call finished: Consultation, Answered on the call.")).to_be_visible()
    expect(page.get_by_label("Phone, account number, meter number or address")).to_be_focused()
    today = page.locator(".calls-today")
    expect(today).to_contain_text(ticket.number)
    expect(today).to_contain_text(repair.number)
    call.refresh_from_db()
    assert (call.reason, call.outcome, call.note) == (
        "consultation",
        "answered",
        "顺带催办了报修单",
    )
    assert set(CallTicket.objects.values_list("action", flat=True)) == {"created", "urged"}
    shoot(page, "console-finished-1280")


def test_a_call_from_an_address_search_to_a_dispatched_repair(
    agent_page, live_server, shoot, caller
):
    page = agent_page
    _customer, home, shop = caller
    ticket_create(kind="repair", premise=home, caller_phone=PHONE)  # open: offers the urge

    page.goto(f"{live_server.url}/console/")
    page.keyboard.type("人民路7号", delay=20)
    result = page.locator("#results [data-result]")
    expect(result).to_contain_text("英德市英城街道人民路7号商铺")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(CALL_PAGE)
    expect(page.get_by_role("heading", name="李建华")).to_be_visible()
    # Found by address, the call has no number yet: the agent asks and types it.
    page.locator(".call-head").get_by_label("Caller's phone").fill("138-0013-8000")
    page.keyboard.press("Enter")
    expect(page.locator(".call-meta")).to_contain_text(PHONE)

    # The premise with an open repair offers the urge first.
    page.get_by_role("button", name="Report a fault at 英德市英城街道和平北路18号").click()
    expect(page.locator(".urge-offer")).to_contain_text("already has an open repair")
    shoot(page, "console-repair-offer-1280")

    # The shop has none: the triage wizard opens with its meter and the caller's phone.
    page.get_by_role("button", name="Report a fault at 英德市英城街道人民路7号商铺").click()
    wizard = page.locator("#repair-work")
    expect(wizard.get_by_role("heading", name="英德市英城街道人民路7号商铺")).to_be_visible()
    expect(wizard.get_by_label("Caller's phone")).to_have_value(PHONE)
    wizard.get_by_label("Neighbours too").check()
    wizard.get_by_label("Not tripped").check()
    expect(wizard.locator("#outcome h2")).to_have_text("Dispatch")
    wizard.get_by_label("Description").fill("整条街都没电")
    shoot(page, "console-repair-wizard-1280")
    wizard.get_by_role("button", name="Record the repair ticket").click()

    expect(page.locator(".messages")).to_contain_text("Repair ticket")
    call = Call.objects.get()
    expect(page).to_have_url(f"{live_server.url}{call.get_absolute_url()}")
    created = Ticket.objects.get(premise=shop)
    expect(page.get_by_text(f"Repair ticket {created.number} recorded: Dispatch.")).to_be_visible()
    expect(page.locator("#call-tickets")).to_contain_text(created.number)
    assert WorkOrder.objects.get(ticket=created).status == WorkOrder.Status.PENDING
    shoot(page, "console-repair-recorded-1280")

    # The ticket page shows its deadline and offers agents the urge too.
    page.get_by_role("link", name=created.number).first.click()
    expect(page.locator(".deadlines")).to_contain_text("Crew on site")
    expect(page.get_by_role("button", name="Urge")).to_be_visible()
    shoot(page, "console-ticket-page-1280")
    page.go_back()

    page.get_by_role("button", name="Finish the call").click()
    expect(page).to_have_url(f"{live_server.url}/console/")
    call.refresh_from_db()
    assert (call.reason, call.outcome) == ("repair", "recorded")


def test_knowledge_base_search(agent_page, live_server, shoot):
    page = agent_page

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Knowledge base").click()
    shoot(page, "kb-index-1280")
    page.keyboard.type("欠费复电")
    page.keyboard.press("Enter")

    first = page.locator(".kb-results li").first
    expect(first).to_contain_text("欠费停电后如何恢复供电")
    first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="欠费停电后如何恢复供电")).to_be_visible()
    expect(page.locator(".kb-body")).to_contain_text("24小时内恢复供电")
    shoot(page, "kb-article-1280")


def test_screen_pop_of_an_unknown_number_takes_the_call_and_records_an_opinion(
    agent_page, live_server, shoot
):
    page = agent_page

    page.goto(f"{live_server.url}/console/?phone=0763-228%201234")

    expect(page.get_by_role("heading", name="Caller without a customer record")).to_be_visible()
    page.get_by_role("tab", name="Opinion").click()
    panel = page.locator("#panel-opinion")
    panel.get_by_label("Topic").fill("路灯")
    panel.get_by_role("button", name="Record the opinion").click()
    # The topic is kept, the missing text is flagged in place.
    expect(panel.locator(".errorlist")).to_contain_text("This field is required")
    expect(panel.get_by_label("Topic")).to_have_value("路灯")
    panel.get_by_label("What the caller said").fill("村口路灯三天不亮")
    panel.get_by_role("button", name="Record the opinion").click()
    expect(panel.get_by_role("status")).to_contain_text("recorded (Open)")
    shoot(page, "console-unknown-caller-1280")
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.caller_phone, ticket.customer) == ("opinion", "07632281234", None)


def test_a_call_taken_with_the_keyboard_alone(agent_page, live_server, shoot, caller):
    """No mouse: the skip link, the search, the caller, a kind by its key, the help, the
    form, and the end of the call; focus is always where the agent types next."""
    page = agent_page
    page.goto(f"{live_server.url}/tickets/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.goto(f"{live_server.url}/console/")
    search = page.get_by_label("Phone, account number, meter number or address")
    expect(search).to_be_focused()
    page.keyboard.type(PHONE, delay=10)
    expect(page.locator("#results [data-result]")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(CALL_PAGE)
    # The caller's number is known: the first kind's tab waits, and each kind has its key.
    expect(page.get_by_role("tab", name="Repair")).to_be_focused()
    expect(page.get_by_role("tab", name="Opinion")).to_have_attribute("aria-keyshortcuts", "5")

    page.keyboard.press("?")
    help = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help).to_be_visible()
    for key, name in [("1", "Repair"), ("5", "Opinion"), ("e", "Finish the call")]:
        expect(help.locator("dt", has_text=key).first).to_be_visible()
        expect(help.locator("dd", has_text=name).first).to_be_visible()
    shoot(page, "console-keyboard-help-1280")
    page.keyboard.press("Escape")
    expect(help).to_be_hidden()

    page.keyboard.press("5")
    expect(page.get_by_role("tab", name="Opinion")).to_have_attribute("aria-selected", "true")
    form = page.locator("#kind-opinion")
    subject = form.get_by_label("Topic")
    expect(subject).to_be_focused()
    # Sent empty, the errors show and the first field with one has focus again.
    page.keyboard.press("Escape")
    form.get_by_role("button", name="Record the opinion").focus()
    page.keyboard.press("Enter")
    expect(form.locator(".errorlist").first).to_be_visible()
    expect(page.locator("#kind-opinion").get_by_label("Topic")).to_be_focused()
    page.keyboard.type("营业厅排队太久")
    page.keyboard.press("Enter")  # a one-line field: Enter does not send the ticket
    page.keyboard.press("Tab")
    page.keyboard.type("希望增加自助缴费机")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.type") != "submit":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#kind-opinion").get_by_role("status")).to_contain_text("recorded")
    assert Ticket.objects.filter(kind="opinion").count() == 1

    # Esc leaves the field, e reaches the end of the call, Enter ends it.
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    finish = page.get_by_role("button", name="Finish the call")
    expect(finish).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/console/")
    expect(page.get_by_label("Phone, account number, meter number or address")).to_be_focused()
    assert Call.objects.get().ended_at is not None


def test_the_repair_tab_keeps_the_call_its_outcome_in_view_and_its_errors_inline(
    agent_page, live_server, shoot, caller
):
    page = agent_page
    page.set_viewport_size({"width": 1366, "height": 768})
    _customer, home, _shop = caller
    page.goto(f"{live_server.url}/console/?q={PHONE}")
    page.locator("#results [data-result]").first.click()
    expect(page).to_have_url(CALL_PAGE)
    call_url = page.url
    page.get_by_role("tab", name="Repair").click()
    page.get_by_role("button", name=f"Report a fault at {home.address}").click()
    wizard = page.locator("#repair-work")
    wizard.get_by_label("Neighbours too").check()
    wizard.get_by_label("Not tripped").check()
    expect(wizard.locator("#outcome h2")).to_have_text("Dispatch")

    # A bad number is refused while it is typed, beside its field.
    phone = wizard.get_by_label("Caller's phone")
    phone.fill("12345")
    expect(wizard.locator("#caller_phone-live")).to_contain_text("phone")
    # The last question is in view, and so is the outcome, beside it.
    description = wizard.get_by_label("Description")
    description.scroll_into_view_if_needed()
    shoot(page, "console-repair-tab-1366")
    outcome = wizard.locator(".wizard-outcome").bounding_box()
    question = description.bounding_box()
    assert outcome["x"] >= question["x"] + question["width"]  # beside, not below
    assert 0 <= outcome["y"] <= 768 - 120  # its heading is on screen

    # Recorded with the bad number: the errors show in the call, which stays open.
    wizard.get_by_role("button", name="Record the repair ticket").click()
    expect(wizard.locator(".wizard-errors")).to_be_visible()
    assert page.url == call_url
    assert not Ticket.objects.filter(kind="repair").exists()
    expect(page.locator(".call-head")).to_be_visible()

    wizard.get_by_label("Caller's phone").fill(PHONE)
    expect(wizard.locator("#caller_phone-live .errorlist")).to_have_count(0)
    wizard.get_by_role("button", name="Record the repair ticket").click()
    created = Ticket.objects.filter(kind="repair")
    expect(page.get_by_text("recorded: Dispatch.")).to_be_visible()
    assert page.url == call_url
    expect(page.locator("#call-tickets")).to_contain_text(created.get().number)
