"""POST /api/v1/repairs/ with an Idempotency-Key: a retry records one ticket, not two."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import requires_postgres
from tests.factories import PremiseFactory, UserFactory
from tickets.models import IdempotencyKey, Ticket

URL = "/api/v1/repairs/"


@pytest.fixture
def premise(db):
    return PremiseFactory(meter_no="M1")


def body(**overrides):
    return {"meter_no": "M1", "scope": "neighbours", "caller_phone": "13800001234", **overrides}


def post(api, data, key):
    return api.post(URL, data, format="json", headers={"Idempotency-Key": key})


def test_the_same_key_and_body_answer_the_first_response(api, agent, premise):
    api.force_authenticate(agent)
    first = post(api, body(), "k-1")
    again = post(api, body(), "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Ticket.objects.count() == 1


def test_a_different_body_with_the_key_answers_422(api, agent, premise):
    api.force_authenticate(agent)
    post(api, body(), "k-1")
    response = post(api, body(scope="area"), "k-1")
    assert response.status_code == 422
    assert Ticket.objects.count() == 1


def test_a_bad_request_is_kept_too_and_other_keys_are_independent(api, agent, premise):
    api.force_authenticate(agent)
    bad = post(api, body(meter_no="NOPE"), "k-bad")
    assert bad.status_code == 400
    assert post(api, body(meter_no="NOPE"), "k-bad").json() == bad.json()
    assert post(api, body(), "k-2").status_code == 201
    assert post(api, body(), "k-3").status_code == 201
    assert Ticket.objects.count() == 2


def test_keys_belong_to_their_user(api, agent, premise):
    other = UserFactory(username="agent2", role="agent")
    api.force_authenticate(agent)
    post(api, body(), "shared")
    api.force_authenticate(other)
    assert post(api, body(), "shared").status_code == 201
    assert Ticket.objects.count() == 2


def test_keys_are_kept_24_hours(api, agent, premise):
    api.force_authenticate(agent)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = post(api, body(), "k-1").json()
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        assert post(api, body(), "k-1").json() == first
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        later = post(api, body(), "k-1").json()
    assert later["number"] != first["number"]
    assert IdempotencyKey.objects.count() == 1


def test_a_failure_frees_the_key(api, agent, premise, monkeypatch):
    api.force_authenticate(agent)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("repairs.api.repair_create", broken)
    with pytest.raises(RuntimeError):
        post(api, body(), "k-1")
    monkeypatch.undo()
    assert post(api, body(), "k-1").status_code == 201
    assert Ticket.objects.count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_record_one_ticket():
    agent = UserFactory(username="agent", role="agent")
    PremiseFactory(meter_no="M1")
    barrier = threading.Barrier(6)
    statuses = []

    def send():
        try:
            client = APIClient()
            client.force_authenticate(agent)
            barrier.wait()
            response = post(client, body(), "storm-1")
            statuses.append((response.status_code, response.json().get("number")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Ticket.objects.count() == 1
    number = Ticket.objects.get().number
    # The duplicates wait for the first and answer its response.
    assert statuses == [(201, number)] * 6
