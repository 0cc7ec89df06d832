"""Personal data (issue #10, item 8): a canary phone number runs through the whole repair
flow; it must never appear unmasked in the logs or in a Celery task's arguments."""

import logging

import pytest
from celery.app.task import Task
from django.test import Client
from django.utils import timezone

from dispatch.models import CauseCode
from dispatch.services import crew_member_set
from grid.phones import mask_phone
from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.dispatch.steps import take_step
from tests.factories import (
    PASSWORD,
    CrewFactory,
    PremiseFactory,
    TransformerFactory,
    UserFactory,
)
from tickets.models import OutboxMessage
from tickets.outbox import outbox_send_pending

CANARY = "13987650123"  # no other test or fixture uses this number

pytestmark = pytest.mark.django_db


@pytest.fixture
def task_messages(monkeypatch):
    """Every task message sent (args and kwargs), as the broker would get them."""
    sent = []
    original = Task.apply_async

    def recording(self, args=None, kwargs=None, *rest, **options):
        sent.append((self.name, args, kwargs))
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", recording)
    return sent


def test_canary_phone_never_reaches_logs_or_task_arguments(
    caplog, task_messages, django_capture_on_commit_callbacks, agent, dispatcher_north,
    station_north, settings,
):  # fmt: skip
    settings.GRIDLINE_SMS_BACKEND = "tickets.sms.LogBackend"
    caplog.set_level(logging.DEBUG)  # the root logger: every logger propagates to it
    crew_user = UserFactory(username="crew_canary", role="crew", station=station_north)
    crew = CrewFactory(code="canary-crew", station=station_north)
    crew_member_set(user=crew_user, crew=crew)
    transformer = TransformerFactory(feeder__station=station_north)
    phones = [CANARY, "13800000001", "13800000002"]

    with django_capture_on_commit_callbacks(execute=True):
        # Three neighbours on one transformer: an incident, whose callers get SMS.
        for phone in phones:
            created = repair_create(premise=PremiseFactory(transformer=transformer),
                                    answers=Answers(scope="neighbours"), actor=agent,
                                    caller_phone=phone, description="Lights out")  # fmt: skip
    incident = created.incident
    assert incident is not None
    order = created.work_order or incident.work_orders.first()
    steps = [
        ("assign", dispatcher_north, {"crew": crew.code}),
        ("accept", crew_user, {}),
        ("depart", crew_user, {}),
        ("arrive", crew_user, {}),
        ("complete", crew_user, {"cause": CauseCode.objects.first().code, "actions": "Fuse"}),
    ]
    for action, actor, data in steps:
        with django_capture_on_commit_callbacks(execute=True):
            order = take_step(order=order, action=action, actor=actor, data=data)
    client = Client()
    client.login(username=agent.username, password=PASSWORD)
    client.get(f"/console/search/?q={CANARY}")

    sms = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS, recipient=CANARY)
    assert sms.exists()
    assert not sms.filter(sent_at=None).exists(), "the SMS went out"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert mask_phone(CANARY) in logged, "the SMS log line names the masked number"
    assert CANARY not in logged
    assert task_messages, "tasks were queued: the argument check is not vacuous"
    assert CANARY not in repr(task_messages)


def test_failed_sms_is_logged_with_the_masked_number(caplog, agent, settings, monkeypatch):
    settings.GRIDLINE_SMS_BACKEND = "tickets.sms.LogBackend"
    caplog.set_level(logging.DEBUG)

    def refuse(self, *, phone, text):
        raise OSError("gateway down")

    monkeypatch.setattr("tickets.sms.LogBackend.send", refuse)
    OutboxMessage.objects.create(channel=OutboxMessage.Channel.SMS, recipient=CANARY,
                                 body="Power is restored.", dedup_key="canary",
                                 created_at=timezone.now())  # fmt: skip

    assert outbox_send_pending() == 0

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert mask_phone(CANARY) in logged
    assert CANARY not in logged
    assert CANARY not in OutboxMessage.objects.get(dedup_key="canary").last_error


def test_task_signatures_take_no_personal_data():
    """Every Gridline task takes ids or nothing (STYLE §8): no phone, name or address."""
    from config.celery import app

    app.loader.import_default_modules()
    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        params = task.run.__code__.co_varnames[: task.run.__code__.co_argcount]
        kwonly = task.run.__code__.co_kwonlyargcount
        names = list(params) + list(
            task.run.__code__.co_varnames[len(params) : len(params) + kwonly]
        )
        for param in names:
            assert param == "self" or param.endswith(("_id", "_ids", "pk", "now")), (
                f"{name}({param}) may carry personal data: pass ids"
            )
