"""What the console's views share: who may use it, and the call page's context."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from accounts.models import Role
from config.countdown import countdown
from config.formatting import duration_text
from hotline import selectors
from hotline.forms import (
    CallFinishForm,
    ConsultationForm,
    FeedbackForm,
    ServiceRequestForm,
)
from hotline.models import Call, CallTicket
from hotline.services import call_guess_result
from tickets.models import Kind

CONSOLE_ROLES = (Role.AGENT, Role.SUPERVISOR)

# The tabs of the call page, in the order agents meet them most.
KIND_TABS = (
    (Kind.REPAIR, gettext_lazy("Repair")),
    (Kind.COMPLAINT, gettext_lazy("Complaint")),
    (Kind.CONSULTATION, gettext_lazy("Consultation")),
    (Kind.SERVICE_REQUEST, gettext_lazy("Service request")),
    (Kind.OPINION, gettext_lazy("Opinion")),
    (Kind.PRAISE, gettext_lazy("Praise")),
)


def kind_form(kind: str, premises: list, data=None):
    """The form of one kind recorded on the console, blank or bound to what was posted."""
    if kind == Kind.CONSULTATION:
        return ConsultationForm(data, premises=premises, prefix=kind)
    if kind == Kind.SERVICE_REQUEST:
        return ServiceRequestForm(data, premises=premises, prefix=kind)
    return FeedbackForm(data, premises=premises, kind=kind, prefix=kind)


def kind_forms(premises: list, bound: dict | None = None) -> dict:
    """A blank form for every kind recorded on the console, or the bound one given."""
    kinds = (Kind.CONSULTATION, Kind.SERVICE_REQUEST, Kind.OPINION, Kind.PRAISE)
    forms = {kind: kind_form(kind, premises) for kind in kinds}
    forms.update(bound or {})
    return forms


def call_context(
    call: Call,
    *,
    now: datetime,
    forms: dict | None = None,
    active: str = "",
    finish_form: CallFinishForm | None = None,
) -> dict:
    """Everything the call page shows: the card, the call's tickets, a form per kind."""
    card = selectors.customer_card_get(
        customer=call.customer, caller_phone=call.caller_phone, now=now, exclude_call_id=call.pk
    )
    for row in card.open_tickets:
        if row.next_deadline is not None:
            row.countdown = countdown(row.next_deadline.due_at, now)
    links = selectors.call_ticket_list(call=call, now=now)
    guess_reason, guess_outcome = call_guess_result(links)
    started = int((now - call.started_at).total_seconds())
    complaint_query = {"phone": call.caller_phone}
    if call.customer is not None:
        complaint_query["account_no"] = call.customer.account_no
    return {
        "call": call,
        "card": card,
        "links": links,
        "urged_ids": {link.ticket_id for link in links if link.action == CallTicket.Action.URGED},
        "created_ids": {
            link.ticket_id for link in links if link.action == CallTicket.Action.CREATED
        },
        "guess_reason": Call.Reason(guess_reason).label,
        "guess_outcome": Call.Outcome(guess_outcome).label,
        "forms": kind_forms(card.premises, forms),
        "active_kind": active,
        "kind_tabs": KIND_TABS,
        "finish_form": finish_form or CallFinishForm(),
        "complaint_url": reverse("complaints:new"),
        "complaint_query": urlencode(complaint_query),
        "reply_working_days": settings.GRIDLINE_SERVICE_REQUEST_REPLY_WORKING_DAYS,
        "opinion_reply_working_days": settings.GRIDLINE_OPINION_REPLY_WORKING_DAYS,
        "reconnection_hours": settings.GRIDLINE_RECONNECTION_REPLY_HOURS,
        "started_seconds": started,
        "started_text": duration_text(started),
    }
