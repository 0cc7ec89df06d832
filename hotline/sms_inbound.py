"""Two-way SMS (DESIGN §3.12): what the gateway delivers, handled once per `message_id`.

The text, trimmed, case-folded and NFKC-normalised (full-width and half-width alike), is
read as a keyword:

- `状态`/`ZT`/`STATUS`: the sender's open tickets and the outages on their premises.
- `停电`/`TD`/`OUT`: a repair for the sender's premise when the phone has exactly one
  (none or several: asked to call); a premise with an open repair from the last 24 hours
  gets no second one, the sender is sent its status instead.
- `1`/`仍停电`/`STILL OUT` within GRIDLINE_SMS_STILL_OUT_HOURS of a "power restored" text
  to this phone (an incident's, or a single repair's "work done"): a new repair on that
  text's ticket's premise (the nested outage of §3.10; triage's rule raises it).
- Anything else (and the STILL OUT words with no such text): an `sms_received` event on
  the sender's newest open ticket, its holders notified; with no open ticket, the status.
- A number that is no customer's, has no open ticket and got no such text: call the
  hotline.

Every answer is an SMS through the outbox in GRIDLINE_CUSTOMER_LANGUAGE. The InboundSms
row is written first, in the transaction that does the work: a repeat delivered at the
same moment waits on its unique index, then finds the first one's row and does nothing.
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from grid.models import Customer, Premise
from hotline.messages import (
    SMS_ASK_TO_CALL,
    SMS_ATTACHED,
    SMS_NESTED_OUTAGE,
    SMS_RECEIVED,
    SMS_REPAIR_CREATED,
    SMS_STATUS,
    SMS_UNKNOWN_SENDER,
)
from hotline.models import InboundSms
from hotline.selectors.outages import outage_lookup
from repairs.messages import INCIDENT_RESTORED, REPAIR_WORK_DONE
from repairs.services.intake import repair_create
from repairs.triage import Answers
from tickets.messages import Text
from tickets.models import OPEN_STATUSES, Channel, Kind, OutboxMessage, Ticket
from tickets.notify import Notice, notify
from tickets.outbox import Message, outbox_enqueue
from tickets.selectors import DUPLICATE_HOURS
from tickets.services import ticket_holders, timeline_record

Action = InboundSms.Action

STATUS_WORDS = frozenset({"状态", "zt", "status"})
OUT_WORDS = frozenset({"停电", "td", "out"})
STILL_OUT_WORDS = frozenset({"1", "仍停电", "still out"})
# The texts that tell a customer the power is back (repairs/messages.py).
RESTORED_KINDS = (INCIDENT_RESTORED.name, REPAIR_WORK_DONE.name)
# An SMS is short: the status names at most this many tickets and outages.
STATUS_TICKETS = 3
STATUS_OUTAGES = 3


def keyword(text: str) -> str:
    """The text as the keywords are compared: NFKC (Ｓｔａｔｕｓ is status, １ is 1),
    case-folded, trimmed, inner spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class _Answer:
    action: str
    ticket: Ticket | None
    reply: Text


def inbound_sms_record(
    *, message_id: str, sender: str, text: str, at: datetime, now: datetime | None = None
) -> InboundSms:
    """Handle one delivered SMS, once: a repeat returns the first one's row and writes
    nothing. `sender` is a phone in its stored form (grid.phones)."""
    now = now or timezone.now()
    with transaction.atomic():
        # The claim comes first: a second delivery blocks on the unique index until this
        # transaction ends, then get_or_create reads the row it committed.
        row, created = InboundSms.objects.get_or_create(
            message_id=message_id,
            defaults={"sender": sender, "text": text, "at": at, "received_at": now},
        )
        if not created:
            return row
        answer = _handle(row, now)
        row.action = answer.action
        row.ticket = answer.ticket
        row.save(update_fields=["action", "ticket"])
        outbox_enqueue(
            [
                Message(
                    channel=OutboxMessage.Channel.SMS,
                    recipient=sender,
                    text=answer.reply,
                    language=settings.GRIDLINE_CUSTOMER_LANGUAGE,
                    dedup_key=f"sms-inbound:{row.pk}:reply",
                    ticket_id=answer.ticket.pk if answer.ticket else None,
                )
            ],
            now=now,
        )
    return row


def _handle(row: InboundSms, now: datetime) -> _Answer:
    word = keyword(row.text)
    sender = row.sender
    if word in STILL_OUT_WORDS:
        restored = _restored_text(sender, now)
        if restored is not None:
            return _nested_outage(row, restored, now)
    customers = list(Customer.objects.filter(phones__number=sender).distinct())
    premises = list(
        Premise.objects.filter(customer__in=customers)
        .select_related("transformer__feeder__station")
        .order_by("pk")
    )
    open_tickets = _open_tickets(sender, customers, premises)
    if not customers and not open_tickets:
        return _Answer(Action.UNKNOWN_SENDER, None, _hotline(SMS_UNKNOWN_SENDER))
    if word in STATUS_WORDS:
        return _status(sender, open_tickets, now)
    if word in OUT_WORDS:
        if len(premises) != 1:
            return _Answer(Action.ASKED_TO_CALL, None, _hotline(SMS_ASK_TO_CALL))
        return _repair(row, premises[0], Action.REPAIR_CREATED, now)
    if not open_tickets:
        return _status(sender, open_tickets, now)
    return _attach(row, open_tickets[0], now)


def _restored_text(sender: str, now: datetime) -> OutboxMessage | None:
    """The newest "power restored" text to this phone within the window."""
    since = now - timedelta(hours=settings.GRIDLINE_SMS_STILL_OUT_HOURS)
    return (
        OutboxMessage.objects.filter(
            channel=OutboxMessage.Channel.SMS,
            recipient=sender,
            kind__in=RESTORED_KINDS,
            created_at__gte=since,
        )
        .select_related("ticket__premise__transformer__feeder__station")
        .order_by("-created_at", "-pk")
        .first()
    )


def _open_tickets(sender: str, customers: list[Customer], premises: list[Premise]) -> list[Ticket]:
    """The sender's open tickets, newest first: called in from this phone, or of one of
    the phone's customers or their premises."""
    mine = Q(caller_phone=sender)
    if customers:
        mine |= Q(customer__in=customers) | Q(premise__in=premises)
    return list(
        Ticket.objects.filter(mine, status__in=OPEN_STATUSES)
        .select_related("station", "department")
        .order_by("-created_at", "-pk")[:10]
    )


def _status(sender: str, open_tickets: list[Ticket], now: datetime) -> _Answer:
    lookup = outage_lookup(phone=sender, now=now)
    outages = [
        {
            "tail": premise.meter_tail,
            "status": premise.status,
            # Nested values are stored as they are: the times as ISO text, as JSON keeps them.
            "ends": premise.ends_at.isoformat() if premise.ends_at else None,
            "etr": premise.etr.isoformat() if premise.etr else None,
        }
        for premise in lookup.premises
        if premise.status != "none"
    ]
    tickets = [{"number": t.number, "status": t.status} for t in open_tickets[:STATUS_TICKETS]]
    reply = SMS_STATUS(tickets=tickets, outages=outages[:STATUS_OUTAGES])
    return _Answer(Action.STATUS_SENT, open_tickets[0] if open_tickets else None, reply)


def _repair(row: InboundSms, premise: Premise, action: str, now: datetime) -> _Answer:
    """A repair on the premise from the SMS; one already open there from the last 24 hours
    is the one the sender means (§3.9): they are sent its status instead."""
    # Two texts at once for one premise (two message ids) must not make two repairs.
    Premise.objects.select_for_update().filter(pk=premise.pk).exists()
    recent = list(
        Ticket.objects.filter(
            kind=Kind.REPAIR,
            premise=premise,
            status__in=OPEN_STATUSES,
            created_at__gte=now - timedelta(hours=DUPLICATE_HOURS),
        ).order_by("-created_at", "-pk")
    )
    if recent:
        return _status(row.sender, recent, now)
    created = repair_create(
        premise=premise,
        answers=Answers(),
        actor=None,
        caller_phone=row.sender,
        description=f"SMS: {row.text.strip()}",
        channel=Channel.OTHER,
        now=now,
    )
    kind = SMS_NESTED_OUTAGE if action == Action.NESTED_OUTAGE else SMS_REPAIR_CREATED
    return _Answer(action, created.ticket, kind(number=created.ticket.number))


def _nested_outage(row: InboundSms, restored: OutboxMessage, now: datetime) -> _Answer:
    """The power is off again where it was restored: a repair on that ticket's premise,
    else on the sender's only premise; else they are asked to call."""
    premise = restored.ticket.premise if restored.ticket is not None else None
    if premise is None:
        premises = list(Premise.objects.filter(customer__phones__number=row.sender)[:2])
        premise = premises[0] if len(premises) == 1 else None
    if premise is None:
        return _Answer(Action.ASKED_TO_CALL, None, _hotline(SMS_ASK_TO_CALL))
    return _repair(row, premise, Action.NESTED_OUTAGE, now)


def _attach(row: InboundSms, ticket: Ticket, now: datetime) -> _Answer:
    """The text on the ticket's timeline, and its holders told."""
    event = timeline_record(
        ticket=ticket,
        kind="sms_received",
        actor=None,
        at=now,
        note=row.text,
        data={"message_id": row.message_id},
    )
    text = SMS_RECEIVED(number=ticket.number, text=row.text)
    notify(
        [
            Notice(user=user, ticket_id=ticket.pk, key=f"sms_received:{event.pk}", text=text)
            for user in ticket_holders(ticket)
        ],
        now=now,
    )
    return _Answer(Action.ATTACHED, ticket, SMS_ATTACHED(number=ticket.number))


def _hotline(kind) -> Text:
    return kind(hotline=settings.GRIDLINE_HOTLINE_NUMBER)
