"""The outbox: queued once per dedup key, sent once, retried after a failure."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tickets.models import OutboxMessage
from tickets.outbox import Message, outbox_enqueue, outbox_send_pending

NOW = timezone.now()


def sms(key="k1", phone="13800000001"):
    return Message(channel="sms", recipient=phone, body="Power is back", dedup_key=key)


def test_the_same_dedup_key_is_queued_once(db):
    outbox_enqueue([sms(), sms()], now=NOW)
    outbox_enqueue([sms()], now=NOW)
    assert OutboxMessage.objects.count() == 1


def test_sending_marks_rows_sent_and_a_second_pass_sends_nothing(db, caplog):
    outbox_enqueue([sms("a"), sms("b", "13800000002")], now=NOW)
    with caplog.at_level("INFO", logger="gridline.sms"):
        assert outbox_send_pending(now=NOW) == 2
    assert "138****0002" in caplog.text  # logged, masked (issue #10 item 8)
    assert "13800000002" not in caplog.text
    assert outbox_send_pending(now=NOW) == 0
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_email_goes_through_django_mail(db):
    outbox_enqueue(
        [
            Message(
                channel="email",
                recipient="boss@example.com",
                subject="Major complaint",
                body="Details",
                dedup_key="e1",
            )
        ],
        now=NOW,
    )
    outbox_send_pending(now=NOW)
    assert [(m.subject, m.to) for m in mail.outbox] == [("Major complaint", ["boss@example.com"])]


class Broken:
    def send(self, *, phone, text):
        raise OSError("gateway down")


def test_a_failed_send_is_kept_and_retried(db, settings, monkeypatch):
    monkeypatch.setattr("tickets.outbox.sms_backend", Broken)
    outbox_enqueue([sms()], now=NOW)
    assert outbox_send_pending(now=NOW) == 0
    row = OutboxMessage.objects.get()
    assert (row.sent_at, row.claimed_at, row.attempts) == (None, None, 1)
    assert "gateway down" in row.last_error
    assert row.retry_at == NOW + timedelta(minutes=1)

    monkeypatch.undo()
    assert outbox_send_pending(now=NOW + timedelta(seconds=59)) == 0  # backing off
    assert outbox_send_pending(now=NOW + timedelta(minutes=1)) == 1
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_row_claimed_by_a_dead_worker_is_claimed_again_later(db, settings):
    settings.GRIDLINE_OUTBOX_RECLAIM_MINUTES = 10
    outbox_enqueue([sms()], now=NOW)
    OutboxMessage.objects.update(claimed_at=NOW)  # a worker took it and died
    assert outbox_send_pending(now=NOW + timedelta(minutes=9)) == 0
    assert outbox_send_pending(now=NOW + timedelta(minutes=11)) == 1


def test_a_row_that_keeps_failing_stops_after_the_attempt_limit(db, settings, monkeypatch):
    settings.GRIDLINE_OUTBOX_MAX_ATTEMPTS = 2
    monkeypatch.setattr("tickets.outbox.sms_backend", Broken)
    outbox_enqueue([sms()], now=NOW)
    for hours in range(4):
        outbox_send_pending(now=NOW + timedelta(hours=hours))
    assert OutboxMessage.objects.get().attempts == 2


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_when_the_transaction_rolls_back():
    from django.db import transaction

    def enqueue_then_fail():
        with transaction.atomic():
            outbox_enqueue([sms()], now=NOW)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        enqueue_then_fail()
    assert OutboxMessage.objects.count() == 0


def test_backoff_doubles_up_to_an_hour():
    from tickets.outbox import backoff

    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 7, 8, 20)] == [1, 2, 4, 60, 60, 60]
