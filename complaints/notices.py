"""Telling people about complaints, in the transaction of the event (tickets.notify and the
outbox): the department a complaint is handed to, management about a major complaint, and
the administrators about a year without a working-day calendar. Each event reaches each
person once. What is stored is the message kind and its values (tickets/messages.py): each
reader gets it in their own language (DESIGN §3.16). The kinds are registered here, at
start-up by ComplaintsConfig.ready()."""

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from complaints.models import Complaint
from tickets.messages import MISSING, choice, local_datetime, message_kind, translated
from tickets.models import Channel, OutboxMessage, Ticket, TimelineEvent
from tickets.notify import Notice, notify
from tickets.outbox import Message, outbox_enqueue

logger = logging.getLogger("gridline.complaints")

_REPLY_BY = {"due": local_datetime("%Y-%m-%d %H:%M")}
# The department's handlers: number, due (the reply deadline, ISO).
COMPLAINT_ASSIGNED = message_kind(
    "complaint_assigned",
    _("Complaint %(number)s is your department's: reply by %(due)s."),
    formats=_REPLY_BY,
)
COMPLAINT_REOPENED = message_kind(
    "complaint_reopened",
    _("Complaint %(number)s was reopened after an unsatisfied callback: reply by %(due)s."),
    formats=_REPLY_BY,
)


def _major_email_body(values: Mapping[str, Any]) -> str:
    lines = [
        gettext("A major complaint was recorded and needs management's attention."),
        "",
        gettext("Number: %(number)s") % values,
        gettext("Channel: %(channel)s") % values,
        gettext("Category: %(category)s") % values,
        gettext("Why it is major: %(reason)s") % {"reason": values.get("reason") or MISSING},
        gettext("Customer: %(customer)s") % {"customer": values.get("customer") or MISSING},
        gettext("Reply to the customer by: %(due)s") % values,
        "",
        values.get("description", ""),
        "",
        gettext("Open it in Gridline: %(path)s") % values,
    ]
    return "\n".join(lines)


# Management: number, category (its name as stored), channel (tickets.Channel), reason,
# customer, due (ISO), description and path; the bell shows the subject, the email the body.
COMPLAINT_MAJOR = message_kind(
    "complaint_major",
    _("Major complaint %(number)s: %(category)s"),
    formats={
        "category": translated,
        "channel": choice(Channel),
        "due": local_datetime("%Y-%m-%d %H:%M"),
    },
    body=_major_email_body,
)
# The administrators: year.
CALENDAR_MISSING = message_kind(
    "calendar_missing",
    _(
        "The working-day calendar has no data for %(year)s: complaint reply deadlines "
        "in %(year)s count Monday to Friday. Add its holidays and make-up working "
        "days in the admin."
    ),
)


def department_notify(complaint: Complaint, event: TimelineEvent, *, now: datetime) -> None:
    """The responsible department's handlers: a complaint is theirs (again)."""
    ticket = complaint.ticket
    if ticket.department_id is None:  # judging gives every complaint its department
        return
    handlers = User.objects.filter(
        is_active=True, role=Role.HANDLER, department_id=ticket.department_id
    )
    kind = COMPLAINT_ASSIGNED if event.kind == "judge" else COMPLAINT_REOPENED
    text = kind(number=ticket.number, due=complaint.reply_by)
    notify(
        [
            Notice(user=user, ticket_id=ticket.pk, text=text, key=f"complaint:{event.pk}")
            for user in handlers
        ],
        now=now,
    )


def management_notify_major(complaint: Complaint, ticket: Ticket, *, now: datetime) -> None:
    """A major complaint (DESIGN §3.5), at once: the managers in the app and by email, and
    GRIDLINE_MANAGEMENT_EMAILS by email, each address once."""
    managers = list(User.objects.filter(is_active=True, role=Role.MANAGER))
    addresses = {a.strip().lower() for a in settings.GRIDLINE_MANAGEMENT_EMAILS if a.strip()}
    addresses |= {m.email.strip().lower() for m in managers if m.email}
    key = f"complaint:{ticket.pk}:major"
    text = COMPLAINT_MAJOR(
        number=ticket.number,
        category=complaint.category.name,
        channel=ticket.channel,
        reason=complaint.major_reason,
        customer=str(ticket.customer) if ticket.customer else "",
        due=complaint.reply_by,
        description=ticket.description,
        path=reverse("complaints:detail", kwargs={"number": ticket.number}),
    )
    # Each address in its reader's language: a manager's own, else the site's.
    languages = {m.email.strip().lower(): m.reading_language for m in managers if m.email}
    # The detailed email is queued first under the keys notify() uses for its short one
    # (key:email:address), so the outbox skips notify's and each address gets one email.
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=address,
                text=text,
                language=languages.get(address, settings.LANGUAGE_CODE),
                dedup_key=f"{key}:email:{address}",
                ticket_id=ticket.pk,
            )
            for address in sorted(addresses)
        ],
        now=now,
    )
    # The bell shows the subject only: it keeps no more of the complaint than that.
    bell = COMPLAINT_MAJOR(number=ticket.number, category=complaint.category.name)
    notify([Notice(user=m, ticket_id=ticket.pk, text=bell, key=key) for m in managers], now=now)


def calendar_missing_warn(*, years: frozenset[int] | set[int], now: datetime) -> None:
    """Tell the administrators, once per year, that a year has no working-day calendar."""
    admins = list(User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True))
    notices = []
    for year in sorted(years):
        logger.warning("No working-day calendar for %s: counting Monday to Friday.", year)
        text = CALENDAR_MISSING(year=year)
        notices += [Notice(user=a, text=text, key=f"calendar_missing:{year}") for a in admins]
    notify(notices, now=now)
