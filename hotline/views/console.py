"""The console: find the caller, take the call, urge their open tickets, finish the call."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.http import AuthenticatedHttpRequest
from config.errors import TransitionNotAllowed
from config.formatting import duration_text
from config.htmx import is_htmx_partial
from hotline import selectors, services
from hotline.forms import CallFinishForm, CallStartForm
from hotline.lookup import phone_for_call, phone_in_query
from hotline.models import Call
from hotline.views.common import CONSOLE_ROLES, call_context
from tickets.forms import UrgeForm
from tickets.search import ticket_search
from tickets.selectors import ticket_get_for_user, ticket_list_for_user

# Tickets the search shows under the callers; the ticket list pages through the rest.
TICKETS_SHOWN = 5


@dataclass(frozen=True)
class CallOfToday:
    """A row of the agent's calls today: the call and how long it took (blank while open)."""

    call: Call
    duration: str


@require_GET
@role_required(*CONSOLE_ROLES)
def console(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The search page. `?phone=` is the telephony system's screen pop: it opens the call
    on the caller at once, unless several customers share the number (the agent picks)."""
    now = timezone.now()
    open_call = selectors.call_get_open(agent=request.user)
    popped = request.GET.get("phone", "").strip()
    if popped:
        call = _screen_pop(request, raw=popped, open_call=open_call)
        if call is not None:
            return redirect(call)
    text = request.GET.get("q", popped).strip()
    calls_today = []
    for call in selectors.call_list_today(agent=request.user, now=now):
        seconds = call.duration_seconds  # None while the call is open
        calls_today.append(CallOfToday(call, "" if seconds is None else duration_text(seconds)))
    context = {
        **_search_context(request, text=text, popped=popped, open_call=open_call),
        **_ring_context(request, now=now),
        "open_call": open_call,
        "calls_today": calls_today,
    }
    return render(request, "hotline/console.html", context)


@require_GET
@role_required(*CONSOLE_ROLES)
def ring(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The telephony's pop (DESIGN §3.15), asked every second by the agent's console: 204
    while what the console shows is still so (one indexed query), else the pop as it is."""
    if request.GET.get("seen") == selectors.call_unended_state(agent=request.user):
        return HttpResponse(status=204)
    return render(request, "hotline/_ring.html", _ring_context(request, now=timezone.now()))


def _ring_context(request: AuthenticatedHttpRequest, *, now) -> dict:
    """The first call popped with its caller's card; how many more rings wait behind it."""
    state = selectors.call_unended_state(agent=request.user)
    popped = selectors.call_list_popped(agent=request.user) if state else []
    pop = popped[0] if popped else None
    card = None
    if pop is not None:
        card = selectors.customer_card_get(
            customer=pop.customer, caller_phone=pop.caller_phone, now=now, exclude_call_id=pop.pk
        )
    return {
        "ring_state": state,
        "ring_poll_seconds": settings.GRIDLINE_CONSOLE_RING_POLL_SECONDS,
        "pop": pop,
        "pop_card": card,
        "rings_waiting": sum(1 for call in popped[1:] if call.ringing),
    }


def _screen_pop(
    request: AuthenticatedHttpRequest, *, raw: str, open_call: Call | None
) -> Call | None:
    phone = phone_for_call(raw)
    if not phone:
        messages.error(request, _("%(phone)s is not a phone number.") % {"phone": raw})
        return None
    if open_call is not None and open_call.caller_phone == phone:
        return open_call  # the same pop again (a reload): the call is already open
    customers = selectors.customer_list_by_phone(phone=raw)
    if len(customers) > 1:
        return None
    customer = customers[0] if customers else None
    return services.call_start(agent=request.user, caller_phone=phone, customer=customer)


@require_GET
@role_required(*CONSOLE_ROLES)
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The results as the agent types, and their further pages (htmx)."""
    text = request.GET.get("q", "").strip()
    popped = request.GET.get("phone", "").strip()
    open_call = selectors.call_get_open(agent=request.user)
    context = _search_context(request, text=text, popped=popped, open_call=open_call)
    return render(request, "hotline/_search_results.html", context)


def _search_context(
    request: AuthenticatedHttpRequest, *, text: str, popped: str, open_call: Call | None
) -> dict:
    results = selectors.caller_search(text=text, page=request.GET.get("page") or 1)
    first_page = results.premises is None or results.premises.number == 1
    tickets = ticket_list_for_user(user=request.user)
    return {
        "q": text,
        "popped": popped,
        "matches": results.matches if text else None,
        "premises": results.premises,
        # The best tickets the text finds, on the first page; the ticket list has them all.
        "tickets": list(ticket_search(tickets, text=text)[:TICKETS_SHOWN])
        if text and first_page
        else [],
        # The number to take the call on when nobody matches: the popped one, or the
        # query itself when it is a phone number.
        "take_phone": phone_for_call(popped) or phone_in_query(text),
        # With a call open (and no new call popping in), a result re-identifies that call.
        "identify_call": open_call if open_call is not None and not popped else None,
    }


@require_POST
@role_required(*CONSOLE_ROLES)
def call_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CallStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect("hotline:console")
    call = services.call_start(
        agent=request.user,
        caller_phone=form.cleaned_data["phone"],
        customer=form.cleaned_data["customer"],
    )
    return redirect(call)


@require_POST
@role_required(*CONSOLE_ROLES)
def call_identify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_agent(agent=request.user, pk=pk)
    form = CallStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(call)
    try:
        call = services.call_identify(
            call=call,
            customer=form.cleaned_data["customer"],
            caller_phone=form.cleaned_data["phone"],
        )
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("hotline:console")
    return redirect(call)


@require_GET
@role_required(*CONSOLE_ROLES)
def call_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_agent(agent=request.user, pk=pk)
    return render(request, "hotline/call_detail.html", call_context(call, now=timezone.now()))


@require_POST
@role_required(*CONSOLE_ROLES)
def call_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_agent(agent=request.user, pk=pk)
    form = CallFinishForm(request.POST)
    if not form.is_valid():
        context = call_context(call, now=timezone.now(), finish_form=form)
        return render(request, "hotline/call_detail.html", context, status=422)
    try:
        call = services.call_finish(call=call, **form.cleaned_data)
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("hotline:console")
    messages.success(
        request,
        _("Call finished: %(reason)s, %(outcome)s.")
        % {"reason": call.get_reason_display(), "outcome": call.get_outcome_display()},
    )
    return redirect("hotline:console")


@require_POST
@role_required(*CONSOLE_ROLES)
def call_urge(request: AuthenticatedHttpRequest, pk: int, number: str) -> HttpResponse:
    """One click: the caller asks after an open ticket (DESIGN §3.7)."""
    call = selectors.call_get_for_agent(agent=request.user, pk=pk)
    ticket = ticket_get_for_user(user=request.user, number=number)
    form = UrgeForm(request.POST)
    error = notice = ""
    try:
        form.is_valid()
        ticket = services.call_urge(
            call=call, ticket=ticket, actor=request.user, note=form.cleaned_data.get("note", "")
        )
        notice = _("%(number)s urged (%(count)d); its holder is told.") % {
            "number": ticket.number,
            "count": ticket.urge_count,
        }
    except TransitionNotAllowed as exc:
        error = exc.message
    if not is_htmx_partial(request):
        (messages.error if error else messages.success)(request, error or notice)
        return redirect(call)
    context = {
        **call_context(call, now=timezone.now()),
        "urge_error": error,
        "urge_notice": notice,
        "from_offer": request.POST.get("from") == "offer",
    }
    return render(request, "hotline/_urged.html", context)
