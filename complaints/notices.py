"""Telling people about complaints, in the transaction of the event (tickets.notify and the
outbox): the department a complaint is handed to, management about a major complaint, and
the administrators about a year without a working-day calendar. Each event reaches each
person once; the texts are in LANGUAGE_CODE, as the deadline watch writes its own."""

import logging
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from complaints.models import Complaint
from tickets.models import OutboxMessage, Ticket, TimelineEvent
from tickets.notify import Notice, notify
from tickets.outbox import Message, outbox_enqueue

logger = logging.getLogger("gridline.complaints")


def department_notify(complaint: Complaint, event: TimelineEvent, *, now: datetime) -> None:
    """The responsible department's handlers: a complaint is theirs (again)."""
    ticket = complaint.ticket
    if ticket.department_id is None:  # judging gives every complaint its department
        return
    handlers = User.objects.filter(
        is_active=True, role=Role.HANDLER, department_id=ticket.department_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        if event.kind == "judge":
            text = _("Complaint %(number)s is your department's: reply by %(due)s.")
        else:
            text = _(
                "Complaint %(number)s was reopened after an unsatisfied callback: reply by %(due)s."
            )
        text %= {"number": ticket.number, "due": _local(complaint.reply_by)}
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
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Major complaint %(number)s: %(category)s") % {
            "number": ticket.number,
            "category": complaint.category.label,
        }
        body = _major_email_body(complaint, ticket)
    # The detailed email is queued first under the keys notify() uses for its short one
    # (key:email:address), so the outbox skips notify's and each address gets one email.
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=address,
                subject=subject,
                body=body,
                dedup_key=f"{key}:email:{address}",
                ticket_id=ticket.pk,
            )
            for address in sorted(addresses)
        ],
        now=now,
    )
    notify([Notice(user=m, ticket_id=ticket.pk, text=subject, key=key) for m in managers], now=now)


def _major_email_body(complaint: Complaint, ticket: Ticket) -> str:
    lines = [
        _("A major complaint was recorded and needs management's attention."),
        "",
        _("Number: %(number)s") % {"number": ticket.number},
        _("Channel: %(channel)s") % {"channel": ticket.get_channel_display()},
        _("Category: %(category)s") % {"category": complaint.category.label},
        _("Why it is major: %(reason)s") % {"reason": complaint.major_reason or "—"},
        _("Customer: %(customer)s") % {"customer": ticket.customer or "—"},
        _("Reply to the customer by: %(due)s") % {"due": _local(complaint.reply_by)},
        "",
        ticket.description,
        "",
        _("Open it in Gridline: %(path)s")
        % {"path": reverse("complaints:detail", kwargs={"number": ticket.number})},
    ]
    return "\n".join(lines)


def calendar_missing_warn(*, years: frozenset[int] | set[int], now: datetime) -> None:
    """Tell the administrators, once per year, that a year has no working-day calendar."""
    admins = list(User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True))
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for year in sorted(years):
            logger.warning("No working-day calendar for %s: counting Monday to Friday.", year)
            text = _(
                "The working-day calendar has no data for %(year)s: complaint reply deadlines "
                "in %(year)s count Monday to Friday. Add its holidays and make-up working "
                "days in the admin."
            ) % {"year": year}
            notices += [Notice(user=a, text=text, key=f"calendar_missing:{year}") for a in admins]
    notify(notices, now=now)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
