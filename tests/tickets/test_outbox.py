"""The outbox: queued once per dedup key, sent once, retried after a failure."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from tests.conftest import requires_postgres
from tickets.models import OutboxMessage
from tickets.outbox import Attachment, Message, outbox_enqueue, outbox_send_pending
from tickets.tasks import outbox_send

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


def test_an_email_carries_its_html_part_and_attachments(db):
    outbox_enqueue(
        [
            Message(
                channel="email",
                recipient="boss@example.com",
                subject="Weekly summary",
                body="5 complaints",
                html_body="<p>5 complaints</p>",
                attachments=(Attachment("summary.csv", "total,5\n", "text/csv"),),
                dedup_key="e1",
            )
        ],
        now=NOW,
    )

    outbox_send_pending(now=NOW)

    (message,) = mail.outbox
    assert message.body == "5 complaints"
    assert message.alternatives == [("<p>5 complaints</p>", "text/html")]
    assert message.attachments == [("summary.csv", "total,5\n", "text/csv")]


def email(key="e1", body="First draft"):
    return Message(
        channel="email", recipient="boss@example.com", subject=body, body=body, dedup_key=key
    )


def test_replace_unsent_rewrites_only_what_no_worker_holds_or_sent(db):
    outbox_enqueue([email("waiting"), email("claimed"), email("sent")], now=NOW)
    OutboxMessage.objects.filter(dedup_key="claimed").update(claimed_at=NOW)
    OutboxMessage.objects.filter(dedup_key="sent").update(sent_at=NOW)

    keys = ["waiting", "claimed", "sent", "new"]
    outbox_enqueue([email(key, "Final") for key in keys], now=NOW, replace_unsent=True)

    bodies = dict(OutboxMessage.objects.values_list("dedup_key", "body"))
    assert bodies == {
        "waiting": "Final",
        "claimed": "First draft",
        "sent": "First draft",
        "new": "Final",
    }


def test_without_replace_unsent_a_queued_message_keeps_its_content(db):
    outbox_enqueue([email()], now=NOW)

    outbox_enqueue([email(body="Final")], now=NOW)

    assert OutboxMessage.objects.get().body == "First draft"


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


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_drains_send_a_backlog_once_each_without_stalling():
    """Two send tasks started together claim disjoint batches (SKIP LOCKED) and each keeps
    re-queueing itself while messages are due: the whole backlog goes out in their chains,
    not at the next sweep, and no message twice."""
    backlog = 5000
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            channel="email", recipient=f"m{i}@utility.example", subject="s", body="b",
            dedup_key=f"backlog:{i}", created_at=NOW,
        )
        for i in range(backlog)
    )  # fmt: skip
    start = threading.Barrier(2)

    def drain():
        try:
            start.wait()
            outbox_send()  # eager: each re-queue runs at once, in this thread
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    assert len(mail.outbox) == backlog
    assert len({m.to[0] for m in mail.outbox}) == backlog
