"""The outbox: messages are queued in the transaction that causes them and sent after commit.

`outbox_enqueue` writes the rows (a duplicate dedup key is skipped, so a retried
transaction or a second worker never queues a message twice) and kicks the
sender once the transaction commits. A short message is queued as what happened (a
message kind and its values) with its reader's language, and written in that language
when it is sent (DESIGN §3.16); the row then keeps what went out.

`outbox_send_pending` claims a batch of rows with SKIP LOCKED, so two workers take
disjoint batches and never send one message twice; a row whose worker died is claimed
again after GRIDLINE_OUTBOX_RECLAIM_MINUTES.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from grid.phones import mask_phone
from tickets.messages import Rendered, Text
from tickets.models import OutboxMessage
from tickets.sms import sms_backend

logger = logging.getLogger("gridline.outbox")

SEND_BATCH = 200


class Attachment(NamedTuple):
    """A text file attached to an email (stored as JSON, so text only)."""

    filename: str
    content: str
    mimetype: str


@dataclass(frozen=True)
class Message:
    """One message to queue: a `text` (kind and values) written in `language` when sent, or
    a document already written (`subject`, `body`, the HTML part and attachments)."""

    channel: str
    recipient: str
    dedup_key: str
    text: Text | None = None
    language: str = ""
    body: str = ""
    subject: str = ""
    ticket_id: int | None = None
    html_body: str = ""
    attachments: tuple[Attachment, ...] = ()


def outbox_enqueue(
    messages: list[Message], *, now: datetime | None = None, replace_unsent: bool = False
) -> None:
    """Queue the messages in the current transaction; the sender runs after commit.

    With `replace_unsent`, a message already queued under the same key that no worker
    holds and none has sent takes the new content (a rebuilt report goes out as it now
    stands); its attempts and backoff are kept, and a sent one is never queued again.
    """
    if not messages:
        return
    now = now or timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                channel=m.channel,
                recipient=m.recipient,
                dedup_key=m.dedup_key[:200],
                ticket_id=m.ticket_id,
                created_at=now,
                **_content(m),
            )
            for m in messages
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    if replace_unsent:
        for m in messages:
            OutboxMessage.objects.filter(
                dedup_key=m.dedup_key[:200], sent_at__isnull=True, claimed_at__isnull=True
            ).update(**_content(m))
    from tickets.tasks import outbox_send  # tasks imports this module

    # Robust: with the broker down the send is logged and left to the periodic sweep
    # (the messages are safe in the table); the committed request still succeeds.
    transaction.on_commit(outbox_send.delay, robust=True)


def outbox_send_pending(*, now: datetime | None = None, limit: int = SEND_BATCH) -> int:
    """Send up to `limit` due messages; returns how many went out."""
    now = now or timezone.now()
    sent = 0
    for message in _claim_batch(now=now, limit=limit):
        try:
            content = _deliver(message)
        except Exception as exc:  # any failure: keep the row, let a later pass retry
            recipient = message.recipient
            if message.channel == OutboxMessage.Channel.SMS:
                recipient = mask_phone(recipient)  # logs never hold a customer's full number
            logger.warning("outbox %s to %s failed: %s", message.pk, recipient, exc)
            OutboxMessage.objects.filter(pk=message.pk).update(
                claimed_at=None,
                retry_at=now + backoff(message.attempts),
                last_error=str(exc)[:2000],
            )
            continue
        written = {}
        if message.kind:  # the row keeps what went out, in the words it was sent in
            written = {
                "subject": _subject(content) if _is_email(message) else "",
                "body": content.body,
            }
        OutboxMessage.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(), last_error="", **written
        )
        sent += 1
    return sent


def outbox_has_due(*, now: datetime | None = None) -> bool:
    return OutboxMessage.objects.filter(_due(now or timezone.now())).exists()


def _due(now: datetime) -> Q:
    stale = now - timedelta(minutes=settings.GRIDLINE_OUTBOX_RECLAIM_MINUTES)
    return (
        Q(sent_at__isnull=True, attempts__lt=settings.GRIDLINE_OUTBOX_MAX_ATTEMPTS)
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        & (Q(retry_at__isnull=True) | Q(retry_at__lte=now))
    )


def _claim_batch(*, now: datetime, limit: int) -> list[OutboxMessage]:
    """Up to `limit` due rows, claimed for this worker alone: rows another worker is
    claiming are skipped (SKIP LOCKED), so two drains running at once take disjoint
    batches, each a full one while enough are due."""
    with transaction.atomic():
        pks = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_due(now))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=pks).update(claimed_at=now, attempts=F("attempts") + 1)
    return list(OutboxMessage.objects.filter(pk__in=pks).order_by("pk"))


def _content(message: Message) -> dict:
    if message.text is not None:
        return {
            "kind": message.text.kind,
            "params": message.text.params,
            "language": message.language,
            "subject": "",
            "body": "",
            "html_body": "",
            "attachments": [],
        }
    return {
        "kind": "",
        "params": {},
        "language": "",
        "subject": message.subject[:255],
        "body": message.body,
        "html_body": message.html_body,
        "attachments": [list(a) for a in message.attachments],
    }


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the first, second, third … failure; at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def _is_email(message: OutboxMessage) -> bool:
    return message.channel == OutboxMessage.Channel.EMAIL


def _subject(content: Rendered) -> str:
    """A subject is one line, at most as long as the column keeps."""
    return " ".join(content.text.split())[:255]


def _deliver(message: OutboxMessage) -> Rendered:
    """Send the message, written in its reader's language; returns what was sent."""
    content = message.content()
    if message.channel == OutboxMessage.Channel.SMS:
        sms_backend().send(phone=message.recipient, text=content.body)
    else:
        email = EmailMultiAlternatives(
            _subject(content),
            content.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient],
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        for filename, content, mimetype in message.attachments:
            email.attach(filename, content, mimetype)
        email.send(fail_silently=False)
    return content
