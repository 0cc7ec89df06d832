"""Telling staff: an in-app notification (the bell) and, where there is an address, an email
through the outbox. Written in the caller's transaction; each event reaches each person once.

Both store what happened (a message kind and its values, tickets/messages.py), never a
sentence: the bell writes it in the reader's language when it is shown, the outbox in the
recipient's when it is sent (DESIGN §3.16). The kinds of tickets' own events are here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.messages import Text, choice, local_datetime, message_kind
from tickets.models import Deadline, Notification, OutboxMessage
from tickets.outbox import Message, outbox_enqueue

# The deadline watch (tickets/escalation.py): number, deadline (Deadline.Name), due (ISO).
_DEADLINE_FORMATS = {"deadline": choice(Deadline.Name), "due": local_datetime("%m-%d %H:%M")}
DEADLINE_WARNING = message_kind(
    "deadline_warning",
    _("%(number)s: %(deadline)s %(due)s is near."),
    formats=_DEADLINE_FORMATS,
)
DEADLINE_OVERDUE = message_kind(
    "deadline_overdue",
    _("%(number)s is overdue: %(deadline)s %(due)s was missed."),
    formats=_DEADLINE_FORMATS,
)
DEADLINE_MANAGEMENT = message_kind(
    "deadline_management",
    _("%(number)s escalated to management: %(deadline)s %(due)s was missed."),
    formats=_DEADLINE_FORMATS,
)
# An urge (tickets.services.ticket_urge): number, count.
TICKET_URGED = message_kind("ticket_urged", _("%(number)s urged by the customer (%(count)d)."))
# The handling steps (tickets/handling.py): number, reason (as typed).
TICKET_TRANSFERRED = message_kind(
    "ticket_transferred", _("%(number)s was transferred to you: %(reason)s")
)
TICKET_RETURNED = message_kind(
    "ticket_returned", _("%(number)s was returned to the supervisors: %(reason)s")
)


@dataclass(frozen=True)
class Notice:
    """One event for one person (`user`) or one address (`email`); `key` names the event."""

    text: Text
    key: str
    ticket_id: int | None = None
    user: User | None = None
    email: str = ""


def notify(notices: list[Notice], *, now: datetime) -> None:
    """The bell for each user, and an email to each address (a user's own, or one given),
    in the user's language; an address without a user reads the site's LANGUAGE_CODE."""
    Notification.objects.bulk_create(
        [
            Notification(
                user=n.user,
                ticket_id=n.ticket_id,
                kind=n.text.kind,
                params=n.text.params,
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
                    text=n.text,
                    language=n.user.reading_language if n.user else settings.LANGUAGE_CODE,
                    dedup_key=f"{n.key}:email:{address}",
                    ticket_id=n.ticket_id,
                )
            )
    outbox_enqueue(emails, now=now)
