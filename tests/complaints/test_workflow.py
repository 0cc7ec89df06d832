"""The complaint's table (COMPLAINT_TRANSITIONS): every step, every refusal, callbacks, major
complaints, and the deadlines the watch escalates (DESIGN §3.5, §3.6)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from accounts.models import Role
from complaints import services
from complaints.models import COMPLAINT_TRANSITIONS, Complaint
from config.errors import FieldErrors, NotPermitted, TransitionNotAllowed
from tests.complaints.conftest import PATH_TO, STEP_DATA, at, category, record, walk
from tests.conftest import requires_postgres
from tests.factories import CustomerPhoneFactory, PremiseFactory, UserFactory
from tickets.callbacks import callback_record
from tickets.escalation import deadlines_scan
from tickets.models import (
    Callback,
    Deadline,
    Notification,
    OutboxMessage,
    Ticket,
    TimelineEvent,
)

C = Complaint.Status
T = Ticket.Status
NOW = at(2026, 11, 2, 10, 0)


def snapshot(complaint: Complaint) -> tuple:
    """Everything a refused step must leave as it was."""
    row = Complaint.objects.filter(pk=complaint.pk).values().get()
    ticket = Ticket.objects.filter(pk=complaint.pk).values().get()
    events = list(TimelineEvent.objects.filter(ticket_id=complaint.pk).values_list("pk", flat=True))
    deadlines = list(Deadline.objects.filter(ticket_id=complaint.pk).values())
    return row, ticket, events, deadlines


def complaint_in(status: str, people: dict) -> Complaint:
    return walk(record(now=NOW), PATH_TO[status], people=people, now=NOW)


def call_back(complaint: Complaint, *, result: str, actor, note: str = "", now=None) -> Complaint:
    """One callback through the one service (tickets/callbacks.py); the complaint as it is now."""
    callback_record(ticket=complaint.ticket, result=result, note=note, actor=actor, now=now)
    return Complaint.objects.select_related("ticket").get(pk=complaint.pk)


# --- The whole way ------------------------------------------------------------------------------


def test_a_complaint_walks_from_received_to_closed(db, people, handler, department):
    complaint = record(now=NOW)
    assert (complaint.status, complaint.ticket.status) == (C.RECEIVED, T.OPEN)
    expected = {
        "contact": (C.CONTACTED, T.IN_PROGRESS),
        "judge": (C.JUDGED, T.IN_PROGRESS),
        "rectify": (C.RECTIFYING, T.IN_PROGRESS),
        "reply": (C.REPLIED, T.RESOLVED),
        "callback": (C.CLOSED, T.CLOSED),
    }
    for minutes, (action, statuses) in enumerate(expected.items(), start=1):
        complaint = walk(complaint, [action], people=people, now=NOW + timedelta(hours=minutes))
        assert (complaint.status, complaint.ticket.status) == statuses, action

    ticket = complaint.ticket
    kinds = list(TimelineEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [
        "created",
        "contact",
        "start",
        "judge",
        "rectify",
        "reply",
        "resolve",
        "callback",
        "close",
    ]
    assert ticket.department == department
    assert complaint.validity == "valid"
    assert complaint.cause == STEP_DATA["rectify"]["cause"]
    assert complaint.reply_text == STEP_DATA["reply"]["text"]
    assert complaint.closed_as == "satisfied"
    assert complaint.due_at is None
    # Each promise was kept in time and is no longer watched.
    for deadline in Deadline.objects.filter(ticket=ticket):
        assert deadline.is_met_in_time is True, deadline.name
        assert deadline.closed_at is not None
    # The department's handler was told the complaint is theirs.
    assert Notification.objects.filter(user=handler, ticket=ticket).count() == 1


def test_step_events_carry_the_complaints_own_statuses(db, people):
    complaint = complaint_in("judged", people)

    event = TimelineEvent.objects.get(ticket_id=complaint.pk, kind="judge")

    assert event.data["from"] == "contacted"
    assert event.data["to"] == "judged"
    assert event.data["validity"] == "valid"
    assert event.data["department"] == "MKT"
    assert event.actor == people["judge"]
    assert event.note == STEP_DATA["judge"]["reason"]


# --- The table, cell by cell -------------------------------------------------------------------

CASES = [
    (status, action, status in t.sources)
    for status in C.values
    for action, t in COMPLAINT_TRANSITIONS.items()
]


@pytest.mark.parametrize(
    ("status", "action", "allowed"), CASES, ids=[f"{s}-{a}" for s, a, _ in CASES]
)
def test_the_table_is_enforced_and_a_refusal_writes_nothing(db, people, status, action, allowed):
    complaint = complaint_in(status, people)
    before = snapshot(complaint)

    if allowed:
        complaint = walk(complaint, [action], people=people, now=NOW + timedelta(hours=1))
        assert TimelineEvent.objects.filter(ticket_id=complaint.pk, kind=action).exists()
    else:
        # An administrator may take every step: only the table can refuse.
        admin = UserFactory(username="admin", role=Role.ADMIN)
        with pytest.raises(TransitionNotAllowed):
            walk(complaint, [action], people={**people, action: admin}, now=NOW)
        assert snapshot(complaint) == before


def test_allowed_actions_follow_the_table(db, people):
    assert complaint_in("received", people).allowed_actions() == ["contact"]
    assert complaint_in("judged", people).allowed_actions() == ["judge", "rectify"]
    assert complaint_in("rectifying", people).allowed_actions() == ["rectify", "reply"]
    assert complaint_in("closed", people).allowed_actions() == []


# --- Who may act ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "role"),
    [
        ("received", "contact", "handler"),
        ("contacted", "judge", "agent"),
        ("contacted", "judge", "handler"),
        ("judged", "rectify", "agent"),
        ("judged", "rectify", "supervisor"),
        ("rectifying", "reply", "agent"),
        ("replied", "callback", "handler"),
        ("replied", "callback", "manager"),
    ],
)
def test_a_role_that_may_not_take_the_step_is_refused(db, people, status, action, role, request):
    complaint = complaint_in(status, people)
    before = snapshot(complaint)

    with pytest.raises(NotPermitted):
        walk(complaint, [action], people={**people, action: request.getfixturevalue(role)})

    assert snapshot(complaint) == before


def test_a_handler_of_another_department_may_not_rectify(db, people, other_handler):
    complaint = complaint_in("judged", people)
    before = snapshot(complaint)

    with pytest.raises(NotPermitted):
        walk(complaint, ["rectify"], people={**people, "rectify": other_handler})

    assert snapshot(complaint) == before


def test_a_supervisor_may_reply_for_the_department(db, people, supervisor):
    complaint = complaint_in("rectifying", people)

    complaint = walk(complaint, ["reply"], people={**people, "reply": supervisor})

    assert complaint.status == C.REPLIED


def test_an_administrator_may_take_every_step(db, people):
    admin = UserFactory(username="admin", role=Role.ADMIN)
    everyone = {**people, **dict.fromkeys(COMPLAINT_TRANSITIONS, admin)}

    complaint = walk(record(now=NOW), PATH_TO["closed"], people=everyone, now=NOW)

    assert complaint.status == C.CLOSED


# --- Inputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("contact", {"note": "  "}, "note"),
        ("judge", {"validity": "valid", "reason": ""}, "reason"),
        ("judge", {"validity": "maybe", "reason": "x"}, "validity"),
        ("rectify", {"cause": "", "rectification": "Retrained."}, "cause"),
        ("rectify", {"cause": "x", "rectification": "x" * 2001}, "rectification"),
        ("reply", {"text": ""}, "text"),
        ("callback", {"result": "delighted"}, "result"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_written(
    db, people, department, action, data, field
):
    status = {"contact": "received", "judge": "contacted", "rectify": "judged"}.get(
        action, "rectifying" if action == "reply" else "replied"
    )
    complaint = complaint_in(status, people)
    before = snapshot(complaint)
    if action == "judge":
        data = {**data, "department": department}

    with pytest.raises(FieldErrors) as caught:
        services.complaint_act(complaint=complaint, action=action, data=data, actor=people[action])

    assert field in caught.value.errors
    assert snapshot(complaint) == before


def test_every_complaint_is_accepted_with_only_what_it_is(db):
    complaint = record(caller_phone="", account_no="9999999999", meter_no="NO-SUCH-METER")

    ticket = complaint.ticket
    assert ticket.kind == "complaint"
    assert (ticket.customer, ticket.premise, ticket.station) == (None, None, None)
    assert complaint.account_no == "9999999999"  # kept as the caller gave it


def test_a_complaint_without_a_description_is_refused(db):
    with pytest.raises(FieldErrors) as caught:
        record(description="   ")

    assert "description" in caught.value.errors
    assert not Ticket.objects.exists()


def test_the_customer_and_premise_are_attached_when_known(db, station_north):
    premise = PremiseFactory(transformer__feeder__station=station_north)
    CustomerPhoneFactory(customer=premise.customer, number="13800138000")

    by_account = record(account_no=premise.customer.account_no)
    by_phone = record(caller_phone="13800138000")
    by_meter = record(meter_no=premise.meter_no)

    for complaint in (by_account, by_phone, by_meter):
        ticket = complaint.ticket
        assert (ticket.customer, ticket.premise, ticket.station) == (
            premise.customer,
            premise,
            station_north,
        )


def test_judging_again_hands_it_to_another_department(db, people, other_department, other_handler):
    complaint = complaint_in("judged", people)

    complaint = services.complaint_judge(
        complaint=complaint,
        validity="partially_valid",
        reason="Billing, not the hall.",
        department=other_department,
        actor=people["judge"],
        now=NOW + timedelta(hours=2),
    )

    complaint.ticket.refresh_from_db()
    assert complaint.ticket.department == other_department
    assert complaint.validity == "partially_valid"
    reply = Deadline.objects.get(ticket_id=complaint.pk, name="reply_by", closed_at__isnull=True)
    assert reply.department == other_department
    assert Notification.objects.filter(user=other_handler, ticket_id=complaint.pk).count() == 1


def test_judging_names_the_station_at_fault(db, people, department, station_south):
    complaint = complaint_in("contacted", people)

    services.complaint_judge(
        complaint=complaint,
        validity="valid",
        reason="The crew left the site dirty.",
        department=department,
        station=station_south,
        actor=people["judge"],
    )

    assert Ticket.objects.get(pk=complaint.pk).station == station_south


# --- Callbacks ------------------------------------------------------------------------------


@pytest.mark.parametrize("result", ["satisfied", "basically_satisfied"])
def test_a_satisfied_callback_closes_it(db, people, result):
    complaint = complaint_in("replied", people)

    complaint = call_back(complaint, result=result, actor=people["callback"], now=NOW)

    assert (complaint.status, complaint.closed_as) == (C.CLOSED, result)
    assert Ticket.objects.get(pk=complaint.pk).status == T.CLOSED


def test_an_unsatisfied_callback_reopens_it_with_a_new_reply_deadline(db, people, handler):
    complaint = complaint_in("replied", people)
    called = at(2026, 11, 9, 15, 0)  # Monday: Tue 10, Wed 11, Thu 12, Fri 13

    complaint = call_back(
        complaint, result="unsatisfied", note="Still rude.", actor=people["callback"], now=called
    )

    assert complaint.status == C.RECTIFYING
    assert complaint.reopen_count == 1
    assert complaint.reply_by == at(2026, 11, 13, 23, 59, 59)
    assert complaint.due_at == complaint.reply_by
    ticket = Ticket.objects.get(pk=complaint.pk)
    assert ticket.status == T.IN_PROGRESS
    watched = Deadline.objects.get(ticket=ticket, name="reply_by", closed_at__isnull=True)
    assert (watched.starts_at, watched.due_at) == (called, complaint.reply_by)
    assert watched.department_id == ticket.department_id
    event = TimelineEvent.objects.filter(ticket=ticket, kind="callback").get()
    assert event.data["result"] == "unsatisfied"
    assert (event.data["to"], event.data["reply_by"]) == ("rectifying", "2026-11-13T23:59:59+08:00")
    assert event.note == "Still rude."
    assert Notification.objects.filter(user=handler, ticket=ticket).count() == 2  # judge, reopen
    # The department rectifies again and replies again; a satisfied callback closes it.
    complaint = walk(complaint, ["rectify", "reply", "callback"], people=people, now=called)
    assert complaint.status == C.CLOSED


def test_the_third_unreachable_callback_closes_it_as_unreachable(db, people):
    complaint = complaint_in("replied", people)

    for attempt in (1, 2):
        complaint = call_back(complaint, result="unreachable", actor=people["callback"])
        assert (complaint.status, complaint.ticket.unreachable_count) == (C.REPLIED, attempt)
        assert Ticket.objects.get(pk=complaint.pk).status == T.RESOLVED
    complaint = call_back(complaint, result="unreachable", actor=people["callback"])

    assert (complaint.status, complaint.closed_as) == (C.CLOSED, "unreachable")
    assert Ticket.objects.get(pk=complaint.pk).status == T.CLOSED


def test_unreachable_tries_count_from_the_last_reply(db, people):
    complaint = complaint_in("replied", people)
    for result in ["unreachable", "unreachable", "unsatisfied"]:
        complaint = call_back(complaint, result=result, actor=people["callback"])
    complaint = walk(complaint, ["rectify", "reply"], people=people)

    complaint = call_back(complaint, result="unreachable", actor=people["callback"])

    assert (complaint.status, complaint.ticket.unreachable_count) == (C.REPLIED, 1)


def test_the_unreachable_limit_is_a_setting(db, people, settings):
    settings.GRIDLINE_CALLBACK_UNREACHABLE_LIMIT = 1
    complaint = complaint_in("replied", people)

    complaint = call_back(complaint, result="unreachable", actor=people["callback"])

    assert complaint.status == C.CLOSED


def test_a_complaints_callback_event_carries_its_own_statuses_too(db, people):
    complaint = complaint_in("replied", people)

    callback_record(ticket=complaint.ticket, result="satisfied", note="", actor=people["callback"])

    event = TimelineEvent.objects.get(ticket_id=complaint.pk, kind="callback")
    assert event.data == {
        "from": "replied",
        "to": "closed",
        "result": "satisfied",
        "unreachable_count": 0,
    }


def test_a_role_refused_by_the_follow_up_leaves_the_count_the_row_and_the_event(
    db, people, handler
):
    complaint = complaint_in("replied", people)
    before = snapshot(complaint)

    with pytest.raises(NotPermitted):
        callback_record(ticket=complaint.ticket, result="unreachable", note="", actor=handler)

    assert snapshot(complaint) == before
    assert not Callback.objects.filter(ticket_id=complaint.pk).exists()


# --- Major complaints ---------------------------------------------------------------------------


def test_a_major_complaint_emails_management_at_once_and_once(
    db, settings, manager, django_capture_on_commit_callbacks, mailoutbox
):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example", "Board@Utility.example"]
    manager.email = "manager@utility.example"
    manager.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        complaint = record(major=True, major_reason="A child was hurt by a fallen line.")

    rows = OutboxMessage.objects.filter(ticket_id=complaint.pk, channel="email")
    assert sorted(rows.values_list("recipient", flat=True)) == [
        "board@utility.example",
        "manager@utility.example",
    ]
    sent = sorted(m.to[0] for m in mailoutbox)
    assert sent == ["board@utility.example", "manager@utility.example"]
    assert "Major complaint" in mailoutbox[0].subject
    assert "A child was hurt" in mailoutbox[0].body
    assert Notification.objects.filter(user=manager, ticket_id=complaint.pk).count() == 1
    assert complaint.ticket.priority == "high"
    assert TimelineEvent.objects.filter(ticket_id=complaint.pk, kind="major_flagged").count() == 1


def test_flagging_major_at_judgement_tells_management_once(db, settings, people, department):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example"]
    complaint = complaint_in("contacted", people)
    assert not OutboxMessage.objects.exists()

    for _ in range(2):
        complaint = services.complaint_judge(
            complaint=complaint,
            validity="valid",
            reason="On the evening news.",
            department=department,
            major=True,
            major_reason="Media attention",
            actor=people["judge"],
        )

    assert complaint.major is True
    assert OutboxMessage.objects.filter(recipient="board@utility.example").count() == 1
    assert TimelineEvent.objects.filter(ticket_id=complaint.pk, kind="major_flagged").count() == 1


# --- Deadlines and the watch -------------------------------------------------------------------


def test_the_watch_warns_the_department_once_the_complaint_is_theirs(db, people, handler):
    complaint = complaint_in("judged", people)
    allowed = complaint.reply_by - NOW

    deadlines_scan(now=NOW + allowed * 0.8)

    warning = TimelineEvent.objects.get(ticket_id=complaint.pk, kind="sla_warning")
    assert warning.data["deadline"] == "reply_by"
    assert Notification.objects.filter(user=handler, kind="deadline_warning").count() == 1


def test_a_missed_contact_goes_to_the_supervisors(db, supervisor):
    complaint = record(now=NOW)

    deadlines_scan(now=complaint.contact_by)

    overdue = TimelineEvent.objects.get(ticket_id=complaint.pk, kind="sla_overdue")
    assert overdue.data["deadline"] == "contact_by"
    assert Notification.objects.filter(user=supervisor, ticket_id=complaint.pk).exists()


def test_a_late_contact_is_recorded_as_late(db, people):
    complaint = record(now=NOW)

    walk(complaint, ["contact"], people=people, now=complaint.contact_by + timedelta(minutes=5))

    contact = Deadline.objects.get(ticket_id=complaint.pk, name="contact_by")
    assert contact.is_met_in_time is False
    event = TimelineEvent.objects.get(ticket_id=complaint.pk, kind="contact")
    assert event.data["in_time"] is False


# --- Two agents at once -------------------------------------------------------------------------


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_recording_the_first_contact_at_once_only_one_wins():
    from tests.complaints.conftest import reseed

    reseed()
    agents = [UserFactory(username=f"agent_{n}", role=Role.AGENT) for n in (1, 2)]
    complaint = record(now=NOW)
    barrier = threading.Barrier(2, timeout=30)
    outcomes, lock = [], threading.Lock()

    def contact(user):
        try:
            stale = Complaint.objects.select_related("ticket").get(pk=complaint.pk)
            barrier.wait()
            services.complaint_contact(complaint=stale, note=f"by {user.username}", actor=user)
            outcome = "won"
        except TransitionNotAllowed:
            outcome = "refused"
        except BaseException as exc:  # pragma: no cover - reported by the assertion
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=contact, args=(user,)) for user in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["refused", "won"]
    assert TimelineEvent.objects.filter(ticket_id=complaint.pk, kind="contact").count() == 1
    assert TimelineEvent.objects.filter(ticket_id=complaint.pk, kind="start").count() == 1


def test_category_helper_reads_the_seeded_rows(db):
    assert category("other").label == "Other"
