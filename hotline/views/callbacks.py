"""The callback queue: agents call customers back after a repair or a complaint's reply,
oldest first, and record the result through the one callback input (tickets/forms.py) and
service; the kind's own app decides what follows (tickets/callbacks.py)."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.http import AuthenticatedHttpRequest
from config.errors import FieldErrors, GridlineError
from hotline import selectors
from hotline.views.common import CONSOLE_ROLES
from tickets import callbacks
from tickets.forms import CallbackForm
from tickets.models import CallbackResult, Ticket

PAGE_SIZE = 30


@require_GET
@role_required(*CONSOLE_ROLES)
def callback_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.callback_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {**_row_context(), "page": page}
    return render(request, "hotline/callback_queue.html", context)


@require_POST
@role_required(*CONSOLE_ROLES)
def callback_record(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    try:
        ticket = selectors.callback_ticket_get(number=number)
    except Ticket.DoesNotExist:
        raise Http404(_("No such ticket is waiting for a callback.")) from None
    form = CallbackForm(request.POST)
    if not form.is_valid():
        return _refused(request, ticket, form, FieldErrors.from_form(form))
    result = form.cleaned_data["result"]
    try:
        callbacks.callback_record(
            ticket=ticket, result=result, note=form.cleaned_data["note"], actor=request.user
        )
    except FieldErrors as exc:
        return _refused(request, ticket, form, exc)
    except GridlineError as exc:
        messages.error(request, exc.message)
        return redirect("hotline:callbacks")
    label = CallbackResult(result).label
    if request.htmx:
        return render(request, "hotline/_callback_done.html", {"ticket": ticket, "label": label})
    messages.success(
        request, _("%(number)s: %(result)s.") % {"number": ticket.number, "result": label}
    )
    return redirect("hotline:callbacks")


def _refused(
    request: AuthenticatedHttpRequest, ticket: Ticket, form: CallbackForm, exc: FieldErrors
) -> HttpResponse:
    """htmx: the row again, 422, with the messages and what was typed; else the queue."""
    errors = exc.as_dict()
    if request.htmx:
        context = {
            **_row_context(),
            "ticket": ticket,
            "errors": errors,
            "values": {"result": form.data.get("result", ""), "note": form.data.get("note", "")},
        }
        return render(request, "hotline/_callback_row.html", context, status=422)
    for messages_ in errors.values():
        for message in messages_:
            messages.error(request, f"{ticket.number}: {message}")
    return redirect("hotline:callbacks")


def _row_context() -> dict[str, Any]:
    """What every callback row needs, besides its ticket: the results and the note's limit."""
    return {"results": CallbackResult.choices, "note_max_length": callbacks.NOTE_MAX_LENGTH}
