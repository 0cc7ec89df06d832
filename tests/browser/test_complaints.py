"""A complaint from the agent's form to a callback in the browser (issue #6): the agent
records and contacts, the supervisor judges, the department's handler rectifies and
replies, the agent calls back; and the summary page a manager reads."""

from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Complaint
from complaints.summaries import complaint_summary_build
from complaints.summary_format import summary_email
from tests.factories import PASSWORD, CustomerPhoneFactory, PremiseFactory
from tickets.models import Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(transactional_db):
    """The categories and calendar the data migration seeds; a transactional test's flush
    removes them."""
    from importlib import import_module

    seed = import_module("complaints.migrations.0002_categories_and_calendar")
    seed.seed_categories(apps)
    seed.seed_calendar(apps)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def nav(page, name):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def test_a_complaint_from_the_agents_form_to_the_callback(
    seeded, live_server, page, sign_in, shoot, agent, supervisor, handler, department,
    station_north,
):  # fmt: skip
    premise = PremiseFactory(
        transformer__feeder__station=station_north,
        customer__name="陈晓敏",
        address="城南路 18 号",
    )
    CustomerPhoneFactory(customer=premise.customer, number="13800138000")
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # The agent records it: a blank description comes back with the error, then it is kept.
    sign_in(page, agent.username, PASSWORD)
    nav(page, "Record a complaint")
    page.get_by_label("Channel").select_option("hotline")
    page.get_by_label("Category").select_option(label="Service attitude")
    page.get_by_label("Caller's phone").fill("138 0013 8000")
    page.get_by_role("button", name="Record the complaint").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("What the customer complains about").fill(
        "营业厅工作人员态度恶劣，拒绝解释电费账单。"
    )
    shoot(page, "complaint-new-1280")
    page.get_by_role("button", name="Record the complaint").click()

    complaint = Complaint.objects.select_related("ticket").get()
    number = complaint.ticket.number
    expect(page.locator(".messages")).to_contain_text(f"Complaint {number} recorded")
    expect(page.get_by_role("heading", name=f"Complaint {number}")).to_be_visible()
    expect(page.get_by_text("陈晓敏")).to_be_visible()  # found by the caller's phone
    page.get_by_label("What the customer was told").fill("已致歉，承诺 4 个工作日内答复。")
    page.get_by_role("button", name="Customer contacted").click()
    expect(page.locator(".messages")).to_contain_text("first contact recorded")
    expect(page.get_by_text("Waiting for a supervisor's judgement.")).to_be_visible()
    sign_out(page)

    # The supervisor finds it in the queue and judges it.
    sign_in(page, supervisor.username, PASSWORD)
    nav(page, "Complaints")
    expect(page.locator(f"#complaint-{number}")).to_contain_text("Customer contacted")
    shoot(page, "complaint-queue-1280")
    page.get_by_role("link", name=number).click()
    page.get_by_label("Valid", exact=True).check()
    page.get_by_label("Reason").fill("Call recording confirms the clerk's tone.")
    page.get_by_label("Responsible department").select_option(label="Marketing")
    shoot(page, "complaint-judge-1280")
    page.get_by_role("button", name="Save judgement").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Complaint {number} judged and handed to Marketing."
    )
    sign_out(page)

    # The department's handler sees it in the department's queue, rectifies and replies.
    sign_in(page, handler.username, PASSWORD)
    nav(page, "Complaints")
    expect(page.get_by_role("heading", name="Department complaints")).to_be_visible()
    page.get_by_role("link", name=number).click()
    page.get_by_label("Cause").fill("The clerk had not been trained on the new tariff.")
    page.get_by_label("Rectification").fill("Clerk retrained; bills explained at the counter.")
    page.get_by_role("button", name="Save rectification").click()
    expect(page.locator(".messages")).to_contain_text("rectification recorded")
    page.get_by_label("The reply, as the customer was given it").fill(
        "We apologise; the clerk has been retrained."
    )
    shoot(page, "complaint-rectifying-1280")
    page.get_by_role("button", name="Reply sent").click()
    expect(page.locator(".messages")).to_contain_text("reply recorded; a callback follows")
    sign_out(page)

    # The agent calls back: satisfied closes it.
    sign_in(page, agent.username, PASSWORD)
    page.goto(f"{live_server.url}/complaints/{number}/")
    page.get_by_label("Satisfied", exact=True).check()
    page.get_by_role("button", name="Save callback").click()
    expect(page.locator(".messages")).to_contain_text("callback recorded (Satisfied)")
    expect(page.locator(".complaint-head .cstatus")).to_have_text("Closed")
    shoot(page, "complaint-closed-1280")

    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_as) == ("closed", "satisfied")
    assert Ticket.objects.get(pk=complaint.pk).status == "closed"
    assert complaint.validity == "valid"
    # The blank form's 422 is the one error the browser logs.
    assert [e for e in errors if "422" not in e] == []


def test_a_handler_of_another_department_sees_nothing_of_it(
    seeded, live_server, page, sign_in, people_other_department, supervisor, department
):
    from complaints.models import Category
    from complaints.services import complaint_contact, complaint_create, complaint_judge

    complaint = complaint_create(
        channel="web", category=Category.objects.get(code="other"), description="x", actor=None
    )
    complaint = complaint_contact(complaint=complaint, note="ok", actor=supervisor)
    complaint_judge(complaint=complaint, validity="valid", reason="r", department=department,
                    actor=supervisor)  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_in(page, people_other_department.username, PASSWORD)
    response = page.goto(f"{live_server.url}/complaints/{complaint.ticket.number}/")

    assert response.status == 404


@pytest.fixture
def people_other_department(transactional_db):
    from accounts.models import Role
    from tests.factories import DepartmentFactory, UserFactory

    return UserFactory(
        username="handler_ops",
        role=Role.HANDLER,
        department=DepartmentFactory(code="OPS", name="Operations"),
    )


# (days before this Monday, category, channel, premise, validity): the last full week and the
# week before it.
SAMPLE = [
    (7, "service_attitude", "hotline", "north", "valid"),
    (6, "service_attitude", "web", "north", "partially_valid"),
    (5, "service_attitude", "hotline", "north", ""),
    (5, "billing_metering", "app", "south", "not_valid"),
    (4, "billing_metering", "government_12345", "", ""),
    (3, "power_quality", "hotline", "south", "valid"),
    (2, "other", "regulator_12398", "", ""),
    (14, "service_attitude", "hotline", "north", "valid"),
    (12, "billing_metering", "hotline", "south", "valid"),
    (11, "billing_metering", "web", "", ""),
    (9, "grid_construction", "other", "", ""),
]


def test_the_summary_page_with_its_charts(
    seeded, live_server, page, sign_in, shoot, manager, supervisor, department, station_north,
    station_south, people_other_department,
):  # fmt: skip
    from complaints.models import Category
    from complaints.services import complaint_contact, complaint_create, complaint_judge

    premises = {
        "north": PremiseFactory(transformer__feeder__station=station_north),
        "south": PremiseFactory(transformer__feeder__station=station_south),
    }
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for days, code, channel, where, validity in SAMPLE:
        moment = timezone.make_aware(datetime.combine(monday - timedelta(days=days), time(10)))
        complaint = complaint_create(
            channel=channel,
            category=Category.objects.get(code=code),
            description="Summary sample",
            meter_no=premises[where].meter_no if where else "",
            actor=None,
            now=moment,
        )
        if validity:
            complaint = complaint_contact(complaint=complaint, note="ok", actor=supervisor,
                                          now=moment)  # fmt: skip
            complaint_judge(
                complaint=complaint,
                validity=validity,
                reason="Sample",
                department=department if where == "north" else people_other_department.department,
                actor=supervisor,
                now=moment,
            )
    summary = complaint_summary_build(period="weekly", on=monday - timedelta(days=7))
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, manager.username, PASSWORD)
    nav(page, "Complaint summaries")
    page.locator(".summary-row").first.get_by_role("link", name="Weekly").click()
    expect(page.get_by_role("heading", name="Weekly complaint summary")).to_be_visible()
    expect(page.locator(".total-complaints .total-count")).to_have_text("7")
    # Chart.js drew into every canvas.
    page.wait_for_function(
        "Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".every(c => window.Chart && Chart.getChart(c))"
    )
    shoot(page, "complaint-summary-1280")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"complaint-summary-weekly-{summary.starts_on}.csv"
    assert errors == []

    # The email management receives, as a mail client would show its HTML part.
    html = summary_email(summary).html
    page.set_content(html)
    expect(page.get_by_text("Most repeated issues")).to_be_visible()
    shoot(page, "complaint-summary-email-1280")


def test_the_queue_marks_overdue_and_major_complaints(
    seeded, live_server, page, sign_in, shoot, supervisor, people_other_department, department
):
    from complaints.models import Category
    from complaints.services import complaint_contact, complaint_create, complaint_judge

    now = timezone.now()
    rows = [
        # (hours ago, channel, category, major, report, judged to)
        (30, "hotline", "repair_timeliness", False, False, None),  # contact overdue
        (20, "government_12345", "outage_restoration", True, False, None),
        (3, "web", "billing_metering", False, True, None),
        (50, "regulator_12398", "power_quality", False, False, department),
        (2, "app", "service_attitude", False, False, people_other_department.department),
    ]
    for hours, channel, code, major, report, judged_to in rows:
        moment = now - timedelta(hours=hours)
        complaint = complaint_create(
            channel=channel,
            category=Category.objects.get(code=code),
            description="Queue sample",
            is_report=report,
            major=major,
            major_reason="Local paper called" if major else "",
            actor=None,
            now=moment,
        )
        if judged_to is not None:
            complaint = complaint_contact(complaint=complaint, note="ok", actor=supervisor,
                                          now=moment)  # fmt: skip
            complaint_judge(complaint=complaint, validity="valid", reason="r",
                            department=judged_to, actor=supervisor, now=moment)  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_in(page, supervisor.username, PASSWORD)
    nav(page, "Complaints")

    expect(page.locator(".complaint-row")).to_have_count(5)
    expect(page.locator(".complaint-row.is-overdue")).to_have_count(1)
    expect(page.locator(".complaint-row .marker-major")).to_have_count(1)
    expect(page.locator(".complaint-row .marker-report")).to_have_count(1)
    shoot(page, "complaint-queue-busy-1280")
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".complaint-row")).to_have_count(1)


def test_back_and_send_again_records_one_complaint(seeded, live_server, page, sign_in, agent):
    """The agent files a complaint, presses Back and sends the same form again: the page
    says it was recorded the first time, and there is one complaint."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, agent.username, PASSWORD)
    nav(page, "Record a complaint")
    page.get_by_label("Channel").select_option("hotline")
    page.get_by_label("Category").select_option(label="Service attitude")
    page.get_by_label("Caller's phone").fill("138 0013 8000")
    page.get_by_label("What the customer complains about").fill("The clerk shouted at me.")
    page.get_by_role("button", name="Record the complaint").click()
    expect(page.locator(".messages")).to_contain_text("recorded")
    number = Complaint.objects.get().ticket.number

    page.go_back()
    page.get_by_role("button", name="Record the complaint").click()

    expect(page.locator(".messages")).to_contain_text(f"complaint {number} was recorded then")
    expect(page.get_by_role("heading", name=f"Complaint {number}")).to_be_visible()
    assert Complaint.objects.count() == 1


def test_a_second_complaint_by_the_same_caller_shows_the_first_and_asks(
    seeded, live_server, page, sign_in, shoot, agent
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, agent.username, PASSWORD)
    for attempt in range(2):
        nav(page, "Record a complaint")
        page.get_by_label("Channel").select_option("hotline")
        page.get_by_label("Caller's phone").fill("138 0013 8000")
        page.get_by_label("What the customer complains about").fill(f"Rude clerk ({attempt})")
        page.get_by_role("button", name="Record the complaint").click()
    first = Complaint.objects.get().ticket

    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("already has an open ticket of this kind")
    expect(warning.get_by_role("link", name=first.number)).to_be_visible()
    shoot(page, "complaint-duplicate-1280")
    warning.get_by_role("button", name="It is another one: record it").click()

    expect(page.locator(".messages")).to_contain_text("recorded")
    assert Complaint.objects.count() == 2
