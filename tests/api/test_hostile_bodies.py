"""Inputs that once answered 500 with an HTML page: each now gets a JSON 4xx saying what
is wrong, and nothing is written (issue "Faults", point 5 and 9)."""

import json
import logging

import pytest
from django.db import OperationalError

from complaints.models import Complaint
from config.parsers import MAX_DEPTH
from repairs.models import OutageNotice
from tests.factories import PASSWORD, PremiseFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

# Every JSON-taking endpoint a hostile client reaches first, the token endpoint included.
ENDPOINTS = [
    "/api/v1/auth/token/",
    "/api/v1/repairs/triage/",
    "/api/v1/repairs/",
    "/api/v1/complaints/",
    "/api/v1/outage-notices/",
]
HOSTILE_BODIES = {
    "100,000 open brackets": "[" * 100_000,
    "a field 5,000 deep": '{"meter_no": ' + "[" * 5000 + "]" * 5000 + "}",
    "a lone surrogate in a value": '{"meter_no": "\\ud800", "description": "x"}',
    "a lone surrogate in a key": '{"\\udfff": "x"}',
    "NaN": '{"meter_no": NaN}',
    "not JSON": "{'meter_no': 1}",
    "not UTF-8": b'{"meter_no": "\xff"}',
}


@pytest.fixture
def signed_in(api, supervisor):
    api.raise_request_exception = False
    api.force_authenticate(supervisor)
    return api


def _nothing_written():
    assert Ticket.objects.count() == 0
    assert Complaint.objects.count() == 0
    assert OutageNotice.objects.count() == 0


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
def test_a_hostile_json_body_answers_400_json(signed_in, url, name):
    PremiseFactory(meter_no="M1")

    response = signed_in.generic("POST", url, HOSTILE_BODIES[name], "application/json")

    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    _nothing_written()


def test_nesting_is_allowed_up_to_the_limit(signed_in):
    PremiseFactory(meter_no="M1")
    within = {
        "meter_no": "M1",
        "hazards": json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)),
    }
    beyond = '{"meter_no": "M1", "hazards": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"

    answered = signed_in.post("/api/v1/repairs/triage/", within, format="json")
    refused = signed_in.generic("POST", "/api/v1/repairs/triage/", beyond, "application/json")

    # The form refuses a nested list as hazards: a field error, not the parser's.
    assert answered.status_code == 400
    assert "hazards" in answered.json()
    assert refused.status_code == 400
    assert "levels deep" in refused.json()["detail"]


def test_brackets_inside_strings_do_not_count_as_nesting(signed_in):
    PremiseFactory(meter_no="M1")
    body = {"meter_no": "M1", "equipment_in_use": "[[{" * 15 + '\\"{' * 5}

    response = signed_in.post("/api/v1/repairs/triage/", body, format="json")

    assert response.status_code == 200


@pytest.mark.parametrize("content_type", ["form", "multipart"])
def test_a_nul_in_a_form_or_multipart_body_answers_400_json(signed_in, content_type):
    PremiseFactory(meter_no="M1")
    body = {"channel": "hotline", "description": "The clerk\x00 shouted."}

    if content_type == "form":
        from urllib.parse import urlencode

        response = signed_in.generic(
            "POST", "/api/v1/complaints/", urlencode(body), "application/x-www-form-urlencoded"
        )
    else:
        response = signed_in.post("/api/v1/complaints/", body, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"detail": "Text may not contain NUL characters."}
    _nothing_written()


@pytest.mark.parametrize(
    "url", ["/api/v1/customers/?phone=a%00b", "/api/v1/tickets/?status=open&x%00=1"]
)
def test_a_nul_in_an_api_query_string_answers_400_json(signed_in, url):
    response = signed_in.get(url)

    assert response.status_code == 400
    assert response.json() == {"detail": "Text may not contain NUL characters."}


def test_a_nul_in_a_page_query_string_answers_a_400_page(client, agent):
    client.raise_request_exception = False
    client.login(username=agent.username, password=PASSWORD)

    response = client.get("/repairs/new/?meter_no=a%00b")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_the_nul_refusal_speaks_the_readers_language(signed_in):
    response = signed_in.get("/api/v1/tickets/?q=%00", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert response.json()["detail"] != "Text may not contain NUL characters."


def test_a_body_over_the_limit_answers_413_json(signed_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"meter_no": "M1", "description": "x" * 20_000})

    response = signed_in.generic("POST", "/api/v1/repairs/", body, "application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    _nothing_written()


def test_a_page_body_over_the_limit_answers_413(client, agent, settings):
    client.raise_request_exception = False
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.login(username=agent.username, password=PASSWORD)

    response = client.post("/repairs/new/preview/", {"description": "x" * 20_000})

    assert response.status_code == 413


def _crash(*args, **kwargs):
    raise RuntimeError("the secret detail of a bug")


def test_a_crash_in_an_api_view_answers_500_json_with_a_reference(signed_in, monkeypatch, caplog):
    from repairs.api import TriageView

    monkeypatch.setattr(TriageView, "post", _crash)

    with caplog.at_level(logging.ERROR, logger="config.errorpages"):
        response = signed_in.post("/api/v1/repairs/triage/", {}, format="json")

    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"detail", "reference"}
    assert "secret" not in response.content.decode()
    # The reference in the answer is the one in the log, so an operator can find the error.
    assert body["reference"] in caplog.text


def test_a_crash_in_a_page_answers_500_with_a_reference(client, agent, monkeypatch, caplog):
    client.raise_request_exception = False
    client.login(username=agent.username, password=PASSWORD)
    monkeypatch.setattr("tickets.selectors.ticket_list_for_user", _crash)

    with caplog.at_level(logging.ERROR, logger="config.errorpages"):
        response = client.get("/tickets/")

    assert response.status_code == 500
    assert "secret" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "config.errorpages"]
    reference = record.args[0]
    assert reference in response.content.decode()


def _database_gone(*args, **kwargs):
    raise OperationalError("connection failed: connection to server at 127.0.0.1 refused")


def test_a_database_outage_in_an_api_view_answers_503_with_retry_after(signed_in, monkeypatch):
    from repairs.api import TriageView

    monkeypatch.setattr(TriageView, "post", _database_gone)

    response = signed_in.post("/api/v1/repairs/triage/", {}, format="json")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert set(response.json()) == {"detail"}
    assert "127.0.0.1" not in response.content.decode()


def test_a_database_outage_in_a_page_answers_a_503_page(client, agent, monkeypatch):
    client.raise_request_exception = False
    client.login(username=agent.username, password=PASSWORD)
    monkeypatch.setattr("tickets.selectors.ticket_list_for_user", _database_gone)

    response = client.get("/tickets/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.content.decode()


def test_an_unknown_api_url_answers_404_json(signed_in):
    response = signed_in.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- Wrong types are refused, not coerced (point 6) ---------------------------------------

COMPLAINT = {
    "caller_phone": "13800138000",
    "channel": "hotline",
    "category": "service_attitude",
    "description": "The clerk shouted at me.",
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"major": "no"}, "major"),
        ({"major": 1}, "major"),
        ({"is_report": "yes please"}, "is_report"),
        ({"description": ["a", "list"]}, "description"),
        ({"description": 42}, "description"),
        ({"major_reason": {"a": 1}}, "major_reason"),
        ({"caller_phone": 13800138000}, "caller_phone"),
    ],
    ids=str,
)
def test_a_complaint_field_takes_only_its_json_type(signed_in, change, field):
    response = signed_in.post("/api/v1/complaints/", {**COMPLAINT, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    _nothing_written()


def test_a_complaint_step_note_takes_only_text(signed_in, agent):
    signed_in.force_authenticate(agent)
    number = signed_in.post("/api/v1/complaints/", COMPLAINT, format="json").json()["number"]

    response = signed_in.post(
        f"/api/v1/complaints/{number}/contact/", {"note": {"a": 1}}, format="json"
    )

    assert response.status_code == 400
    assert "note" in response.json()
    assert Complaint.objects.get().status == Complaint.Status.RECEIVED


def test_the_complaint_page_still_reads_a_ticked_box(client, agent):
    client.login(username=agent.username, password=PASSWORD)

    client.post("/complaints/new/", {**COMPLAINT, "is_report": "on"})

    assert Complaint.objects.get().is_report is True
