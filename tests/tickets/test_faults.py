"""Faults that once turned stored work into errors (issue "Faults", points 1 and 3): a
broker that is down, and a request that dies while it holds its Idempotency-Key."""

import logging
import multiprocessing
import os
import signal
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

import complaints.services
from complaints.models import Complaint
from config.celery import app as celery_app
from tests.conftest import requires_postgres
from tests.factories import UserFactory
from tickets.models import IdempotencyKey, OutboxMessage
from tickets.outbox import outbox_send_pending

URL = "/api/v1/complaints/"
MAJOR = {
    "caller_phone": "138-0013-8000",
    "channel": "hotline",
    "category": "service_attitude",
    "description": "The clerk refused to explain my bill and shouted at me.",
    "major": True,
    "major_reason": "On TV",
}


@pytest.fixture
def broker_down():
    """Celery publishing for real to a broker nobody listens on (port 1)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.task_publish_retry_policy
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:1/0"
    conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0}
    _forget_connections()
    yield
    conf.task_always_eager, conf.broker_url, conf.task_publish_retry_policy = saved
    _forget_connections()


def _forget_connections():
    # The next publish connects anew, to whichever broker the configuration names now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_write_is_stored_once_and_its_message_waits(
    broker_down, settings, caplog
):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example"]
    agent = UserFactory(username="agent", role="agent")
    client = _client(agent)
    headers = {"Idempotency-Key": "storm-night-1"}

    with caplog.at_level(logging.ERROR):
        first = client.post(URL, MAJOR, format="json", headers=headers)
        retry = client.post(URL, MAJOR, format="json", headers=headers)

    assert first.status_code == 201
    assert retry.status_code == 201
    assert retry.json()["number"] == first.json()["number"]
    assert Complaint.objects.count() == 1
    # The failed kick is logged; the message is safe in the outbox for the sweep.
    assert "on_commit" in caplog.text
    message = OutboxMessage.objects.get(recipient="board@utility.example")
    assert message.sent_at is None

    assert outbox_send_pending() == 1
    assert outbox_send_pending() == 0
    message.refresh_from_db()
    assert message.sent_at is not None


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_whose_process_dies_holding_its_key_leaves_the_key_free(monkeypatch):
    """The first request's process is killed (SIGKILL) while it holds the key; the retry
    with the same key records the complaint instead of answering 409 for a day."""
    agent = UserFactory(username="agent", role="agent")
    headers = {"Idempotency-Key": "dies-1"}
    inside = multiprocessing.get_context("fork").Event()

    def hang(**kwargs):
        inside.set()
        time.sleep(60)

    def first_request():
        # The parent's database session is not ours to use: open a new one.
        connection.connection = None
        monkeypatch.setattr(complaints.services, "complaint_create", hang)
        _client(agent).post(URL, MAJOR, format="json", headers=headers)

    process = multiprocessing.get_context("fork").Process(target=first_request)
    process.start()
    assert inside.wait(20)
    os.kill(process.pid, signal.SIGKILL)
    process.join(10)

    retry = _client(agent).post(URL, MAJOR, format="json", headers=headers)

    assert retry.status_code == 201
    assert Complaint.objects.count() == 1
    assert IdempotencyKey.objects.get().status_code == 201
