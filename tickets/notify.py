"""Telling staff: an in-app notification (the bell) and, where there is an address, an email
through the outbox. Written in the caller's transaction; each event reaches each person once."""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from tickets.models import Notification, OutboxMessage
from tickets.outbox import Message, outbox_enqueue


@dataclass(frozen=True)
class Notice:
    """One event for one person (`user`) or one address (`email`); `key` names the event."""

    text: str
    key: str
    ticket_id: int | None = None
    user: User | None = None
    email: str = ""


def notify(notices: list[Notice], *, now: datetime) -> None:
    Notification.objects.bulk_create(
        [
            Notification(
                user=n.user,
                ticket_id=n.ticket_id,
                text=n.text[:500],
                dedup_key=f"{n.key}:{n.user.pk}"[:200],
                created_at=now,
            )
            for n in notices
            if n.user is not None
        ],
        ignore_conflicts=True,
    )
    emails = []
    for n in notices:
        address = n.email or (n.user.email if n.user is not None else "")
        if address:
            emails.append(
                Message(
                    channel=OutboxMessage.Channel.EMAIL,
                    recipient=address,
                    subject=n.text[:255],
                    body=n.text,
                    dedup_key=f"{n.key}:email:{address}",
                    ticket_id=n.ticket_id,
                )
            )
    outbox_enqueue(emails, now=now)
