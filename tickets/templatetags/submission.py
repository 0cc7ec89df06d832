"""`{% submission_field %}`: the one-time token of a form that creates a ticket
(tickets.idempotency.ticket_once_per_form)."""

import uuid

from django import template
from django.utils.html import format_html

from tickets.idempotency import SUBMISSION_FIELD

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_field(context, form=None) -> str:
    """A new token for a new form; the sent one again when `form` comes back with errors,
    so that correcting it and sending it once more still creates one ticket. (A form shown
    fresh after a ticket was recorded gets a new one: it is the next ticket's.)"""
    request = context.get("request")
    sent = ""
    if request is not None and form is not None and form.is_bound and form.errors:
        sent = request.POST.get(SUBMISSION_FIELD, "")[:64]
    token = sent or uuid.uuid4().hex
    # The Back button brings the sent token back (static/js/gridline.js).
    return format_html(
        '<input type="hidden" name="{}" value="{}" data-submission>',
        SUBMISSION_FIELD,
        token,
    )
