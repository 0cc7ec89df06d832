"""The complaint API (DESIGN §5.2): POST /complaints/ and its steps; errors, roles, scope."""

from datetime import datetime

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from complaints.models import Complaint
from tests.complaints.conftest import PATH_TO, STEP_DATA, record, walk
from tests.factories import CustomerPhoneFactory, PremiseFactory
from tickets.callbacks import NOTE_MAX_LENGTH
from tickets.models import (
    Callback,
    Deadline,
    OutboxMessage,
    Ticket,
    TicketCounter,
    TimelineEvent,
)

URL = "/api/v1/complaints/"
BODY = {
    "caller_phone": "138-0013-8000",
    "channel": "hotline",
    "category": "service_attitude",
    "description": "The clerk refused to explain my bill and shouted at me.",
}


def step(number: str, action: str) -> str:
    return f"{URL}{number}/{action}/"


def written() -> tuple:
    return (
        Ticket.objects.count(),
        Complaint.objects.count(),
        TimelineEvent.objects.count(),
        Deadline.objects.count(),
        OutboxMessage.objects.count(),
    )


def state(complaint) -> tuple:
    fresh = Complaint.objects.select_related("ticket").get(pk=complaint.pk)
    events = TimelineEvent.objects.filter(ticket_id=complaint.pk).count()
    return (fresh.status, fresh.ticket.status, fresh.ticket.department_id, events)


# --- Recording ---------------------------------------------------------------------------------


def test_post_records_the_complaint_and_answers_201_with_its_deadlines(api, agent):
    api.force_authenticate(agent)

    response = api.post(URL, BODY, format="json")

    assert response.status_code == 201
    body = response.json()
    complaint = Complaint.objects.select_related("ticket").get()
    assert body["number"] == complaint.ticket.number
    assert body["number"].startswith("C")
    assert datetime.fromisoformat(body["contact_by"]) == complaint.contact_by
    assert datetime.fromisoformat(body["reply_by"]) == complaint.reply_by
    assert body["contact_by"].endswith("+08:00")
    assert body["reply_by"].endswith("+08:00")
    assert (body["status"], body["ticket_status"]) == ("received", "open")
    assert (body["channel"], body["category"], body["is_report"]) == (
        "hotline",
        "service_attitude",
        False,
    )
    assert body["caller_phone"] == "13800138000"  # stored in the canonical form
    assert complaint.ticket.created_by == agent


@pytest.mark.parametrize("typed", ["+86 138 0013 8000", "0086 13800138000", "138-0013-8000"])
def test_the_callers_phone_in_any_form_is_stored_once_and_finds_the_customer(api, agent, typed):
    customer = CustomerPhoneFactory(number="13800138000").customer
    api.force_authenticate(agent)

    response = api.post(URL, {**BODY, "caller_phone": typed}, format="json")

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.caller_phone, ticket.customer) == ("13800138000", customer)


def test_only_what_the_complaint_is_is_needed(api, agent):
    api.force_authenticate(agent)
    body = {"channel": "app", "category": "other", "description": "Anonymous: meter tampering.",
            "is_report": True}  # fmt: skip

    response = api.post(URL, body, format="json")

    assert response.status_code == 201
    assert response.json()["is_report"] is True
    assert response.json()["caller_phone"] == ""


def test_an_unknown_account_never_blocks_a_complaint(api, agent, station_north):
    premise = PremiseFactory(transformer__feeder__station=station_north)
    api.force_authenticate(agent)

    unknown = api.post(URL, {**BODY, "account_no": "0000000000"}, format="json")
    known = api.post(URL, {**BODY, "account_no": premise.customer.account_no}, format="json")

    assert unknown.status_code == 201
    assert unknown.json()["customer_account_no"] is None
    assert unknown.json()["account_no"] == "0000000000"
    assert known.json()["customer_account_no"] == premise.customer.account_no
    assert known.json()["meter_no"] == premise.meter_no
    assert known.json()["station_code"] == "N01"


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"channel": None, "category": None, "description": None},
         {"channel", "category", "description"}),
        ({"channel": "fax"}, {"channel"}),
        ({"category": "no_such_category"}, {"category"}),
        ({"description": "   "}, {"description"}),
        ({"description": "x" * 2001}, {"description"}),
        ({"caller_phone": "call me maybe"}, {"caller_phone"}),
        ({"channel": "fax", "caller_phone": "12"}, {"channel", "caller_phone"}),
    ],
    ids=["missing", "channel", "category", "blank", "too-long", "phone", "two-at-once"],
)  # fmt: skip
def test_bad_input_answers_400_per_field_and_writes_nothing(api, agent, change, fields):
    api.force_authenticate(agent)
    body = {k: v for k, v in {**BODY, **change}.items() if v is not None}
    before = written()

    response = api.post(URL, body, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == fields
    assert all(isinstance(m, list) and m and all(isinstance(x, str) for x in m)
               for m in errors.values())  # fmt: skip
    assert written() == before
    assert not TicketCounter.objects.exists()  # no number was handed out


@pytest.mark.parametrize("role", ["handler", "dispatcher_north", "manager"])
def test_only_agents_and_supervisors_record(api, role, request):
    api.force_authenticate(request.getfixturevalue(role))

    response = api.post(URL, BODY, format="json")

    assert response.status_code == 403
    assert written() == (0, 0, 0, 0, 0)


def test_signed_out_is_401(api, db):
    assert api.post(URL, BODY, format="json").status_code == 401


def test_a_token_works(api, agent):
    token = Token.objects.create(user=agent)

    response = api.post(URL, BODY, format="json", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 201


def test_a_major_complaint_queues_management_email(api, agent, settings):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example"]
    api.force_authenticate(agent)

    response = api.post(URL, {**BODY, "major": True, "major_reason": "On TV"}, format="json")

    assert response.json()["major"] is True
    assert OutboxMessage.objects.filter(recipient="board@utility.example").count() == 1


# --- The steps ----------------------------------------------------------------------------------


def test_the_whole_workflow_through_the_api(api, agent, supervisor, handler, department):
    api.force_authenticate(agent)
    number = api.post(URL, BODY, format="json").json()["number"]
    steps = [
        (agent, "contact", {"note": "Apologised; we will call back."}, "contacted"),
        (supervisor, "judge", {"validity": "valid", "reason": "Recording confirms it.",
                               "department": "MKT"}, "judged"),
        (handler, "rectify", {"cause": "Untrained clerk.", "rectification": "Retrained."},
         "rectifying"),
        (handler, "reply", {"text": "Sorry; the clerk was retrained."}, "replied"),
        (agent, "callback", {"result": "basically_satisfied"}, "closed"),
    ]  # fmt: skip
    for user, action, body, status in steps:
        api.force_authenticate(user)
        response = api.post(step(number, action), body, format="json")
        assert response.status_code == 200, (action, response.json())
        assert response.json()["status"] == status

    body = response.json()
    assert body["ticket_status"] == "closed"
    assert body["closed_as"] == "basically_satisfied"
    assert body["department"] == "MKT"
    assert body["validity"] == "valid"
    events = api.get(f"/api/v1/tickets/{number}/").json()["events"]
    kinds = [e["kind"] for e in events]
    assert [k for k in kinds if k in STEP_DATA] == [
        "contact",
        "judge",
        "rectify",
        "reply",
        "callback",
    ]


def test_a_step_the_state_does_not_allow_answers_409_and_changes_nothing(api, agent, people):
    complaint = walk(record(), PATH_TO["contacted"], people=people)
    before = state(complaint)
    api.force_authenticate(agent)

    response = api.post(step(complaint.ticket.number, "contact"), {"note": "again"}, format="json")

    assert response.status_code == 409
    assert list(response.json()) == ["action"]
    assert state(complaint) == before


def test_a_role_that_may_not_take_the_step_gets_403(api, agent, people):
    complaint = walk(record(), PATH_TO["contacted"], people=people)
    before = state(complaint)
    api.force_authenticate(agent)

    response = api.post(
        step(complaint.ticket.number, "judge"),
        {"validity": "valid", "reason": "x", "department": "MKT"},
        format="json",
    )

    assert response.status_code == 403
    assert state(complaint) == before


def test_judge_with_an_unknown_department_is_400(api, supervisor, people):
    complaint = walk(record(), PATH_TO["contacted"], people=people)
    before = state(complaint)
    api.force_authenticate(supervisor)

    response = api.post(
        step(complaint.ticket.number, "judge"),
        {"validity": "sort_of", "reason": "", "department": "NOPE"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"validity", "reason", "department"}
    assert state(complaint) == before


def test_a_handler_of_another_department_gets_404_and_nothing_changes(api, people, other_handler):
    complaint = walk(record(), PATH_TO["judged"], people=people)
    before = state(complaint)
    api.force_authenticate(other_handler)

    response = api.post(
        step(complaint.ticket.number, "rectify"),
        {"cause": "x", "rectification": "y"},
        format="json",
    )

    assert response.status_code == 404
    assert state(complaint) == before


def test_a_handler_cannot_reach_a_complaint_not_yet_given_to_a_department(api, handler, people):
    complaint = walk(record(), PATH_TO["contacted"], people=people)

    api.force_authenticate(handler)
    response = api.post(step(complaint.ticket.number, "reply"), {"text": "x"}, format="json")

    assert response.status_code == 404


def test_stations_have_no_complaint_endpoints(api, dispatcher_north, people):
    complaint = walk(record(), PATH_TO["contacted"], people=people)
    api.force_authenticate(dispatcher_north)

    response = api.post(step(complaint.ticket.number, "contact"), {"note": "x"}, format="json")

    assert response.status_code == 403


def test_a_callback_with_an_unknown_result_is_400(api, agent, people):
    complaint = walk(record(), PATH_TO["replied"], people=people)
    before = state(complaint)
    api.force_authenticate(agent)

    response = api.post(step(complaint.ticket.number, "callback"), {"result": "meh"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"result"}
    assert state(complaint) == before


@pytest.mark.parametrize(
    "note",
    ["x" * (NOTE_MAX_LENGTH + 1), 42],
    ids=["over-the-limit", "not-text"],
)
def test_a_callback_note_too_long_or_not_text_is_400_and_nothing_written(api, agent, people, note):
    complaint = walk(record(), PATH_TO["replied"], people=people)
    before = state(complaint)
    api.force_authenticate(agent)

    response = api.post(
        step(complaint.ticket.number, "callback"),
        {"result": "satisfied", "note": note},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"note"}
    assert state(complaint) == before
    assert not Callback.objects.filter(ticket_id=complaint.pk).exists()


def test_an_unsatisfied_callback_reopens_with_a_new_reply_by(api, agent, people):
    complaint = walk(record(), PATH_TO["replied"], people=people)
    api.force_authenticate(agent)

    body = api.post(
        step(complaint.ticket.number, "callback"), {"result": "unsatisfied"}, format="json"
    ).json()

    assert (body["status"], body["ticket_status"], body["reopen_count"]) == (
        "rectifying",
        "in_progress",
        1,
    )
    assert datetime.fromisoformat(body["reply_by"]) > complaint.reply_by


# --- The contract --------------------------------------------------------------------------------


def test_the_schema_documents_exactly_the_complaint_endpoints(client, db):
    schema = client.get(reverse("schema"), {"format": "json"}).json()

    paths = {p: set(ops) for p, ops in schema["paths"].items() if p.startswith(URL)}
    assert paths == {
        URL: {"post"},
        **{f"{URL}{{number}}/{a}/": {"post"} for a in STEP_DATA},
        f"{URL}{{number}}/attachments/": {"post"},
    }
    create = schema["paths"][URL]["post"]
    assert {"201", "400", "403"} <= set(create["responses"])
    for action in STEP_DATA:
        responses = schema["paths"][f"{URL}{{number}}/{action}/"]["post"]["responses"]
        assert {"200", "400", "403", "404", "409"} <= set(responses), action


def test_no_complaint_is_listed_or_read_here(api, agent):
    api.force_authenticate(agent)
    complaint = record()

    assert api.get(URL).status_code == 405
    assert api.get(f"{URL}{complaint.ticket.number}/").status_code == 404


def test_recording_a_complaint_is_idempotent_with_a_key(api, agent):
    from complaints.models import Complaint

    api.force_authenticate(agent)
    body = {"channel": "hotline", "category": "service_attitude", "description": "Rude clerk."}
    headers = {"Idempotency-Key": "c-1"}
    first = api.post("/api/v1/complaints/", body, format="json", headers=headers)
    again = api.post("/api/v1/complaints/", body, format="json", headers=headers)
    other = api.post(
        "/api/v1/complaints/", {**body, "description": "Other"}, format="json", headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert other.status_code == 422
    assert Complaint.objects.count() == 1
