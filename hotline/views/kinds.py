"""Ticket kinds recorded on a call: consultation, service request, opinion, praise here;
repair through the triage wizard (offering an urge when the premise has an open repair)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.http import AuthenticatedHttpRequest
from config.errors import TransitionNotAllowed
from config.htmx import is_htmx_partial
from hotline import selectors, services
from hotline.models import Call
from hotline.views.common import CONSOLE_ROLES, call_context, kind_form
from tickets.idempotency import SUBMISSION_FIELD, ticket_once_per_form
from tickets.models import Kind, Ticket

RECORDED_HERE = (Kind.CONSULTATION, Kind.SERVICE_REQUEST, Kind.OPINION, Kind.PRAISE)


@require_POST
@role_required(*CONSOLE_ROLES)
def kind_new(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Record one ticket of `kind` on the call; 422 with every typed value on an error."""
    if kind not in RECORDED_HERE:
        raise Http404(_("No such form."))
    call = selectors.call_get_for_agent(agent=request.user, pk=pk)
    form = kind_form(kind, selectors.premise_list_for_call(call=call), request.POST)
    if not form.is_valid():
        return _kind_response(request, call, kind, form=form, status=422)
    try:
        ticket = ticket_once_per_form(
            user=request.user,
            token=request.POST.get(SUBMISSION_FIELD, ""),
            create=lambda: _record(kind, call, request.user, form.cleaned_data),
        ).ticket
    except TransitionNotAllowed as exc:
        form.add_error(None, exc.message)
        return _kind_response(request, call, kind, form=form, status=422)
    return _kind_response(request, call, kind, recorded=ticket)


def _record(kind: str, call: Call, actor, data: dict) -> Ticket:
    common = {"call": call, "actor": actor, "premise": data.get("premise")}
    if kind == Kind.CONSULTATION:
        return services.consultation_record(
            **common, question=data["question"], answer=data["answer"], article=data["article"]
        )
    if kind == Kind.SERVICE_REQUEST:
        return services.service_request_record(
            **common, request_type=data["request_type"], description=data["description"]
        )
    return services.feedback_record(
        **common, kind=kind, subject=data["subject"], description=data["description"]
    )


def _kind_response(
    request: AuthenticatedHttpRequest,
    call: Call,
    kind: str,
    *,
    form=None,
    recorded: Ticket | None = None,
    status: int = 200,
) -> HttpResponse:
    """htmx: the kind's panel (and, once recorded, the call's and the card's tickets out of
    band). Without htmx: back to the call page, or the whole page with the form's errors."""
    if not is_htmx_partial(request):
        if recorded is not None:
            messages.success(request, _recorded_text(recorded))
            return redirect(call)
        context = call_context(call, now=timezone.now(), forms={kind: form}, active=kind)
        return render(request, "hotline/call_detail.html", context, status=status)
    context = call_context(
        call, now=timezone.now(), forms={kind: form} if form else None, active=kind
    )
    context.update(
        kind=kind,
        form=context["forms"][kind],
        recorded=recorded,
        recorded_text=_recorded_text(recorded) if recorded else "",
    )
    return render(request, "hotline/_kind_response.html", context, status=status)


def _recorded_text(ticket: Ticket) -> str:
    return _("%(kind)s %(number)s recorded (%(status)s).") % {
        "kind": ticket.get_kind_display(),
        "number": ticket.number,
        "status": ticket.get_status_display(),
    }


@require_GET
@role_required(*CONSOLE_ROLES)
def repair_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The repair tab for a premise (htmx): an urge offer when the premise already has an
    open repair (DESIGN §3.7), else the triage wizard with the meter and phone filled in."""
    call = selectors.call_get_for_agent(agent=request.user, pk=pk)
    premise = open_repair = None
    if request.GET.get("premise"):
        premise = selectors.premise_get_for_call(call=call, pk=request.GET["premise"])
        if request.GET.get("new") != "1":
            open_repair = selectors.repair_get_open_for_premise(premise=premise)
    query = {"phone": call.caller_phone, "next": call.get_absolute_url()}
    if premise is not None:
        query["meter_no"] = premise.meter_no
    context = {
        "call": call,
        "premise": premise,
        "open_repair": open_repair,
        "wizard_query": urlencode(query),
    }
    return render(request, "hotline/kinds/_repair_start.html", context)
