"""The complaint pages: the queues and their scope, the complaint page and its step forms,
the agent's form, with query budgets (issue #6, item 4)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from tests.complaints.conftest import PATH_TO, at, record, walk
from tests.factories import PASSWORD
from tickets.callbacks import NOTE_MAX_LENGTH
from tickets.models import Ticket, TimelineEvent

QUEUE = reverse("complaints:queue")
NEW = reverse("complaints:new")


def page(complaint) -> str:
    return reverse("complaints:detail", kwargs={"number": complaint.ticket.number})


def act(complaint, action) -> str:
    return reverse(
        "complaints:action", kwargs={"number": complaint.ticket.number, "action": action}
    )


def state(complaint) -> tuple:
    fresh = Complaint.objects.select_related("ticket").get(pk=complaint.pk)
    events = TimelineEvent.objects.filter(ticket_id=complaint.pk).count()
    return (fresh.status, fresh.ticket.status, fresh.ticket.department_id, events)


@pytest.fixture
def mine_and_theirs(people, other_department, supervisor):
    """One complaint judged to the handler's department, one to another department."""
    mine = walk(record(description="Mine"), PATH_TO["judged"], people=people)
    theirs = walk(
        record(description="Theirs"),
        PATH_TO["judged"],
        people={**people, "department": other_department},
    )
    return mine, theirs


# --- Queues -------------------------------------------------------------------------------------


def test_supervisor_queue_lists_every_complaint(client, supervisor, mine_and_theirs):
    client.force_login(supervisor)

    html = client.get(QUEUE).content.decode()

    for complaint in mine_and_theirs:
        assert complaint.ticket.number in html


def test_a_handler_sees_only_the_departments_complaints(client, handler, mine_and_theirs):
    mine, theirs = mine_and_theirs
    client.force_login(handler)

    html = client.get(QUEUE).content.decode()

    assert mine.ticket.number in html
    assert theirs.ticket.number not in html
    assert "Department complaints" in html


def test_a_handler_of_another_department_gets_404_on_the_page_and_the_step(
    client, other_handler, mine_and_theirs
):
    mine, _theirs = mine_and_theirs
    before = state(mine)
    client.force_login(other_handler)

    assert client.get(page(mine)).status_code == 404
    response = client.post(act(mine, "rectify"), {"cause": "x", "rectification": "y"})

    assert response.status_code == 404
    assert state(mine) == before


def test_stations_have_no_complaint_pages(client, dispatcher_north):
    client.force_login(dispatcher_north)

    assert client.get(QUEUE).status_code == 403


def test_queue_filters(client, supervisor, people):
    now = timezone.now()
    late = record(channel="web", category_code="billing_metering", now=now - timedelta(days=2))
    fresh = record(channel="hotline", now=now)
    contacted = walk(record(now=now), ["contact"], people=people, now=now)
    client.force_login(supervisor)

    def listed(**params):
        html = client.get(QUEUE, params).content.decode()
        return {c.ticket.number for c in (late, fresh, contacted) if c.ticket.number in html}

    assert listed(status="received") == {late.ticket.number, fresh.ticket.number}
    assert listed(channel="web") == {late.ticket.number}
    assert listed(category="billing_metering") == {late.ticket.number}
    assert listed(overdue="on") == {late.ticket.number}
    assert listed(status="nonsense") == {c.ticket.number for c in (late, fresh, contacted)}


def test_overdue_and_major_rows_carry_a_text_marker(client, supervisor):
    record(major=True, now=timezone.now() - timedelta(days=3))
    client.force_login(supervisor)

    html = client.get(QUEUE).content.decode()

    assert "is-overdue" in html
    assert ">Overdue<" in html
    assert ">Major<" in html


@pytest.mark.parametrize("role", ["supervisor", "handler"])
def test_queue_query_count_does_not_grow_with_the_list(
    client, people, role, request, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(role))
    for size in (3, 25):
        while Complaint.objects.count() < size:
            walk(record(), PATH_TO["judged"], people=people)
        # The handler's page also names the department (one more query).
        with django_assert_max_num_queries(7):
            response = client.get(QUEUE)
        assert response.content.decode().count('class="complaint-row') == size


# --- The complaint page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "role", "forms"),
    [
        ("received", "agent", ["contact"]),
        ("received", "supervisor", ["contact"]),
        ("received", "handler", None),  # not the department's yet: 404
        ("contacted", "supervisor", ["judge"]),
        ("contacted", "agent", []),
        ("judged", "handler", ["rectify"]),
        ("judged", "supervisor", ["judge"]),
        ("rectifying", "handler", ["rectify", "reply"]),
        ("rectifying", "supervisor", ["reply"]),
        ("replied", "agent", ["callback"]),
        ("closed", "supervisor", []),
    ],
)
def test_the_page_offers_the_steps_allowed_now_for_the_role(
    client, people, request, status, role, forms
):
    complaint = walk(record(), PATH_TO[status], people=people)
    client.force_login(request.getfixturevalue(role))

    response = client.get(page(complaint))

    if forms is None:
        assert response.status_code == 404
        return
    html = response.content.decode()
    offered = [a for a in ["contact", "judge", "rectify", "reply", "callback"]
               if f'action="{act(complaint, a)}"' in html]  # fmt: skip
    assert offered == forms
    if not forms:
        assert "Waiting for" in html or "Closed: nothing more to do." in html


def test_a_step_from_the_page_redirects_with_a_message(client, agent):
    complaint = record()
    client.force_login(agent)

    response = client.post(act(complaint, "contact"), {"note": "Apologised."}, follow=True)

    assert response.redirect_chain[-1][0] == page(complaint)
    assert "first contact recorded" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == "contacted"


def test_a_form_error_comes_back_422_with_the_message_and_nothing_written(
    client, supervisor, people
):
    complaint = walk(record(), ["contact"], people=people)
    before = state(complaint)
    client.force_login(supervisor)

    response = client.post(act(complaint, "judge"), {"validity": "valid", "reason": ""})

    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html
    assert 'aria-invalid="true"' in html
    assert state(complaint) == before


def test_a_callback_note_over_the_limit_comes_back_422_kept_whole(client, agent, people):
    complaint = walk(record(), PATH_TO["replied"], people=people)
    before = state(complaint)
    note = "x" * (NOTE_MAX_LENGTH + 1)
    client.force_login(agent)

    response = client.post(act(complaint, "callback"), {"result": "satisfied", "note": note})

    assert response.status_code == 422
    html = response.content.decode()
    assert f"Keep the note to {NOTE_MAX_LENGTH} characters; it has {NOTE_MAX_LENGTH + 1}." in html
    assert f"{note}</textarea>" in html
    assert state(complaint) == before


def test_a_double_press_answers_409_with_the_page_and_writes_nothing(client, agent, people):
    complaint = walk(record(), ["contact"], people=people)
    before = state(complaint)
    client.force_login(agent)

    response = client.post(act(complaint, "contact"), {"note": "again"})

    assert response.status_code == 409
    assert "this step is not possible now" in response.content.decode()
    assert state(complaint) == before


def test_a_role_that_may_not_take_the_step_gets_403(client, agent, people):
    complaint = walk(record(), ["contact"], people=people)
    before = state(complaint)
    client.force_login(agent)

    response = client.post(act(complaint, "judge"), {"validity": "valid", "reason": "x"})

    assert response.status_code == 403
    assert state(complaint) == before


def test_the_page_shows_the_timeline_and_deadlines(
    client, supervisor, people, django_assert_max_num_queries
):
    complaint = walk(record(now=at(2026, 9, 30, 15)), PATH_TO["rectifying"], people=people,
                     now=at(2026, 9, 30, 16))  # fmt: skip
    client.force_login(supervisor)

    with django_assert_max_num_queries(10):
        html = client.get(page(complaint)).content.decode()

    assert "2026-10-12 23:59" in html  # reply by, across National Day
    assert "Complaint judged" in html
    assert "Customer contacted" in html
    assert "Marketing" in html


def test_the_ticket_page_links_to_the_complaint(client, supervisor):
    complaint = record()
    client.force_login(supervisor)

    html = client.get(complaint.ticket.get_absolute_url()).content.decode()

    assert page(complaint) in html


# --- The agent's form --------------------------------------------------------------------------


def test_the_form_shows_the_channel_rules_from_the_settings(client, agent, settings):
    settings.GRIDLINE_COMPLAINT_REPLY_CALENDAR_DAYS = {"government_12345": 5, "other": 10}
    client.force_login(agent)

    html = client.get(NEW).content.decode()

    assert "within 24 hours" in html
    assert "within 4 working days" in html
    assert "within 5 calendar days" in html
    assert "(a report: 9 working days)" in html


def test_recording_from_the_form(client, agent):
    client.force_login(agent)

    response = client.post(
        NEW,
        {"channel": "web", "category": "power_quality", "description": "Lights flicker nightly.",
         "caller_phone": "", "is_report": ""},
    )  # fmt: skip

    complaint = Complaint.objects.select_related("ticket").get()
    assert response.status_code == 302
    assert response["Location"] == page(complaint)
    assert complaint.category.code == "power_quality"
    assert complaint.ticket.channel == "web"


def test_a_bad_form_comes_back_422_and_records_nothing(client, agent):
    client.force_login(agent)

    response = client.post(NEW, {"channel": "web", "category": "other", "description": ""})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Ticket.objects.exists()


def test_only_agents_and_supervisors_record(client, handler):
    client.force_login(handler)

    assert client.get(NEW).status_code == 403


@pytest.mark.parametrize(
    ("role", "entries"),
    [
        ("agent", {"Complaints", "Record a complaint"}),
        ("handler", {"Complaints"}),
        ("manager", {"Complaints", "Complaint summaries"}),
        # The supervisor's navigation is long: recording and summaries are on the queue page.
        ("supervisor", {"Complaints"}),
    ],
)
def test_navigation(client, request, role, entries):
    user = request.getfixturevalue(role)
    client.login(username=user.username, password=PASSWORD)

    html = client.get(reverse("home")).content.decode()

    for label in {"Complaints", "Record a complaint", "Complaint summaries"}:
        assert (f">{label}<" in html) is (label in entries), label


def test_the_queue_shows_open_complaints_by_deadline_and_closed_ones_on_request(
    client, supervisor, people
):
    now = timezone.now()
    later = record(channel="other", now=now - timedelta(hours=1))  # contact by +23 h
    sooner = record(channel="hotline", now=now - timedelta(hours=5))  # contact by +19 h
    closed = walk(record(now=now), PATH_TO["closed"], people=people, now=now)
    client.force_login(supervisor)

    html = client.get(QUEUE).content.decode()
    everything = client.get(QUEUE, {"status": "all"}).content.decode()

    assert closed.ticket.number not in html
    assert html.index(sooner.ticket.number) < html.index(later.ticket.number)
    assert closed.ticket.number in everything
    assert everything.index(later.ticket.number) < everything.index(closed.ticket.number)


def test_the_queue_links_supervisors_to_the_summaries(client, supervisor, agent):
    client.force_login(supervisor)
    assert reverse("complaints:summaries") in client.get(QUEUE).content.decode()

    client.force_login(agent)
    assert reverse("complaints:summaries") not in client.get(QUEUE).content.decode()
