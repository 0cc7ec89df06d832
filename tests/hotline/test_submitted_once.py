"""A form that creates a ticket creates one, however often it is sent (DESIGN §3.9): the
Back button and a second press, a double click, two requests at once. Each form carries a
one-time token (tickets.idempotency.ticket_once_per_form)."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint
from tests.conftest import requires_postgres
from tests.factories import PremiseFactory
from tickets.models import Kind, Ticket

TOKEN = re.compile(r'name="submission" value="([0-9a-f]{32})"')
COMPLAINT = {
    "caller_phone": "13800138000",
    "channel": "hotline",
    "category": "service_attitude",
    "description": "The clerk shouted at me.",
}
REPAIR = {
    "meter_no": "M1",
    "scope": "self_only",
    "breaker": "not_tripped",
    "equipment_in_use": "",
    "fault_side": "unknown",
    "caller_phone": "",
    "description": "",
}


def token_in(response) -> str:
    (token,) = TOKEN.findall(response.content.decode())
    return token


def test_a_complaint_sent_twice_from_the_same_page_is_recorded_once(client, agent):
    client.force_login(agent)
    body = {**COMPLAINT, "submission": token_in(client.get("/complaints/new/"))}

    first = client.post("/complaints/new/", body, follow=True)
    again = client.post("/complaints/new/", body, follow=True)  # Back, then Send again

    (complaint,) = Complaint.objects.all()
    assert first.redirect_chain == again.redirect_chain
    assert complaint.ticket.number in first.redirect_chain[-1][0]
    assert "was recorded then" in again.content.decode()


def test_a_second_complaint_by_the_same_caller_is_asked_about_first(client, agent):
    client.force_login(agent)
    client.post(
        "/complaints/new/", {**COMPLAINT, "submission": token_in(client.get("/complaints/new/"))}
    )
    first = Complaint.objects.get().ticket
    body = {**COMPLAINT, "submission": token_in(client.get("/complaints/new/"))}

    asked = client.post("/complaints/new/", body)

    assert asked.status_code == 409
    html = asked.content.decode()
    assert first.get_absolute_url() in html
    assert "already has an open ticket of this kind" in html
    assert Complaint.objects.count() == 1
    # The form came back with its values: "it is another one" records it.
    assert "The clerk shouted at me." in html
    client.post(
        "/complaints/new/",
        {**body, "submission": token_in(asked), "duplicate_confirmed": "1"},
    )
    assert Complaint.objects.count() == 2


def test_an_older_or_finished_complaint_is_not_asked_about(client, agent):
    client.force_login(agent)
    for _ in range(2):
        client.post(
            "/complaints/new/",
            {**COMPLAINT, "submission": token_in(client.get("/complaints/new/"))},
        )
        Ticket.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert Complaint.objects.count() == 2


def test_a_second_repair_for_the_premise_is_asked_about_first(client, agent):
    PremiseFactory(meter_no="M1")
    client.force_login(agent)
    for _ in range(2):
        token = token_in(client.get("/repairs/new/", {"meter_no": "M1"}))
        response = client.post("/repairs/new/", {**REPAIR, "submission": token})

    assert response.status_code == 409
    assert Ticket.objects.filter(kind=Kind.REPAIR).count() == 1
    assert 'name="duplicate_confirmed"' in response.content.decode()


def test_a_form_sent_back_with_errors_keeps_its_token_and_then_records_once(client, agent):
    client.force_login(agent)
    token = token_in(client.get("/complaints/new/"))

    refused = client.post("/complaints/new/", {**COMPLAINT, "description": "", "submission": token})
    assert refused.status_code == 422
    assert token_in(refused) == token
    for _ in range(2):
        client.post("/complaints/new/", {**COMPLAINT, "submission": token})

    assert Complaint.objects.count() == 1


def test_a_repair_sent_twice_is_recorded_once(client, agent):
    PremiseFactory(meter_no="M1")
    client.force_login(agent)
    body = {**REPAIR, "submission": token_in(client.get("/repairs/new/", {"meter_no": "M1"}))}

    client.post("/repairs/new/", body)
    again = client.post("/repairs/new/", body, follow=True)

    (ticket,) = Ticket.objects.filter(kind=Kind.REPAIR)
    assert again.redirect_chain[-1][0] == ticket.get_absolute_url()
    assert "was recorded then" in again.content.decode()


def test_a_consultation_clicked_twice_is_recorded_once_and_the_next_form_is_new(
    client, agent, call
):
    client.force_login(agent)
    page = client.get(call.get_absolute_url())
    token = re.search(
        r'id="kind-consultation".*?name="submission" value="(\w+)"', page.content.decode(), re.S
    )
    body = {
        "consultation-question": "峰谷电价怎么算？",
        "consultation-answer": "按时段计价。",
        "submission": token.group(1),
    }
    url = f"/console/calls/{call.pk}/record/consultation/"

    first = client.post(url, body, headers={"HX-Request": "true"})
    client.post(url, body, headers={"HX-Request": "true"})

    assert Ticket.objects.filter(kind=Kind.CONSULTATION).count() == 1
    # The fresh form shown after the recording is for the next question: a new token.
    assert token_in(first) != token.group(1)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_once_record_one_complaint(agent):
    from django.test import Client

    clients = [Client(), Client()]
    for c in clients:
        c.force_login(agent)
    body = {**COMPLAINT, "submission": token_in(clients[0].get("/complaints/new/"))}
    start = threading.Barrier(2)
    answers = []

    def send(c):
        start.wait()
        answers.append(c.post("/complaints/new/", body).status_code)
        connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert answers == [302, 302]
    assert Complaint.objects.count() == 1
