from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.access import MACHINE_ROLES, has_role, role_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role, User
from config.errors import FieldErrors, GridlineError, NotPermitted
from config.htmx import is_htmx_partial
from config.paging import CappedPaginator
from tickets import handling, search, selectors
from tickets.attachments import attachment_response
from tickets.forms import UrgeForm, handling_form
from tickets.models import Kind, Ticket
from tickets.panels import panels_for
from tickets.services import notifications_mark_read, ticket_urge
from tickets.timeline import timeline_items

URGE_ROLES = (Role.AGENT, Role.SUPERVISOR)
QUEUE_ROLES = (Role.DISPATCHER, Role.HANDLER, Role.SUPERVISOR)

HANDLING_TITLES = {
    "take": gettext_lazy("Take it in hand"),
    "transfer": gettext_lazy("Transfer to another station or department"),
    "reply": gettext_lazy("Reply to the customer"),
    "return": gettext_lazy("Return to the supervisors"),
    "cancel": gettext_lazy("Cancel, or cancel as a duplicate"),
}
HANDLING_BUTTONS = {
    "take": gettext_lazy("Take it"),
    "transfer": gettext_lazy("Transfer"),
    "reply": gettext_lazy("Reply sent"),
    "return": gettext_lazy("Return it"),
    "cancel": gettext_lazy("Cancel the ticket"),
}
HANDLING_DONE = {
    "take": gettext_lazy("%(number)s is in your hands."),
    "transfer": gettext_lazy("%(number)s transferred to %(holder)s; they are told."),
    "reply": gettext_lazy("%(number)s: reply recorded, the ticket is resolved."),
    "return": gettext_lazy("%(number)s returned to the supervisors."),
    "cancel": gettext_lazy("%(number)s cancelled."),
}

PAGE_SIZE = 50
# The list counts and pages through at most the newest 1,000 matches; filters narrow it.
LIST_CAP = 1000

# Everyone who signs in to the pages (a machine account never does).
STAFF_ROLES = tuple(role for role in Role if role not in MACHINE_ROLES)


@login_required
def ticket_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = {name: request.GET.get(name, "").strip() for name in ("q", "status", "kind")}
    tickets = selectors.ticket_list_for_user(user=request.user)
    if chosen["status"] in Ticket.Status.values:
        tickets = tickets.filter(status=chosen["status"])
    if chosen["kind"] in Kind.values:
        tickets = tickets.filter(kind=chosen["kind"])
    cap = LIST_CAP
    if chosen["q"]:
        tickets, cap = search.ticket_search(tickets, text=chosen["q"]), search.CAP
    page = CappedPaginator(tickets, PAGE_SIZE, cap=cap).get_page(request.GET.get("page"))
    context = {
        "page": page,
        **chosen,
        # The same filters on every page of the list.
        "query": urlencode({name: value for name, value in chosen.items() if value}),
        "statuses": Ticket.Status.choices,
        "kinds": Kind.choices,
    }
    return render(request, "tickets/ticket_list.html", context)


@login_required
def ticket_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_user(user=request.user, number=number)
    context = _detail_context(request, ticket, _handling_panel(ticket, request.user))
    return render(request, "tickets/ticket_detail.html", context)


def _detail_context(request: AuthenticatedHttpRequest, ticket: Ticket, panel: dict) -> dict:
    return {
        "ticket": ticket,
        "panels": panels_for(ticket, user=request.user),
        "timeline": timeline_items(ticket.events.all()),
        "attachments": selectors.attachment_list_for_ticket(user=request.user, ticket=ticket),
        "may_urge": ticket.is_open and has_role(request.user, *URGE_ROLES),
        "now": timezone.now(),
        "holder": holder_name(ticket),
        "handling": panel,
    }


@role_required(*QUEUE_ROLES)
def ticket_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My open tickets, the nearest deadline first (DESIGN §3.9): a dispatcher's station's,
    a handler's department's, the supervisors' those nobody else holds."""
    tickets = selectors.ticket_queue_for_user(user=request.user)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "now": timezone.now(), "holder": selectors.queue_title(request.user)}
    return render(request, "tickets/queue.html", context)


@require_POST
@login_required
def ticket_handle(request: AuthenticatedHttpRequest, number: str, step: str) -> HttpResponse:
    """One handling step from the ticket's panel; a refusal comes back in the panel (422)."""
    if step not in handling.STEPS:
        raise Http404(_("No such step."))
    ticket = selectors.ticket_get_for_user(user=request.user, number=number)
    try:
        handling.handling_check(user=request.user, ticket=ticket, step=step)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    form = handling_form(step, user=request.user, data=request.POST, auto_id=f"id_{step}_%s")
    try:
        if form is not None and not form.is_valid():
            raise FieldErrors.from_form(form)
        done = handling.ticket_handle(
            ticket=ticket, step=step, data=form.cleaned_data if form else {}, actor=request.user
        )
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except GridlineError as exc:
        # Re-read: a double-pressed button fails because the ticket has moved on.
        ticket = selectors.ticket_get_for_user(user=request.user, number=number)
        return _handling_refused(request, ticket, step, form, exc)
    holder = holder_name(done)
    messages.success(request, HANDLING_DONE[step] % {"number": done.number, "holder": holder})
    # A transfer or a return may leave the ticket outside the user's scope: their queue then.
    still_reads = selectors.ticket_list_for_user(user=request.user).filter(pk=done.pk).exists()
    url = done.get_absolute_url() if still_reads else _queue_url(request.user)
    if is_htmx_partial(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _queue_url(user: User) -> str:
    return reverse("tickets:queue" if has_role(user, *QUEUE_ROLES) else "tickets:list")


def _handling_refused(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    step: str,
    form: forms.Form | None,
    exc: GridlineError,
) -> HttpResponse:
    """The panel (htmx) or the page again, with the refusal beside its input: 422."""
    error = ""
    if form is not None and not isinstance(exc, FieldErrors):
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            error = exc.message
    elif form is None:
        error = exc.message
    panel = _handling_panel(ticket, request.user, failed=step, form=form, error=error)
    if not panel["error"] and step not in {offered["step"] for offered in panel["steps"]}:
        panel["error"] = exc.message  # the step is no longer offered: say why at the top
    if is_htmx_partial(request):
        context = {"ticket": ticket, "handling": panel}
        return render(request, "tickets/_handling.html", context, status=422)
    context = _detail_context(request, ticket, panel)
    return render(request, "tickets/ticket_detail.html", context, status=422)


def _handling_panel(
    ticket: Ticket,
    user: User,
    *,
    failed: str = "",
    form: forms.Form | None = None,
    error: str = "",
) -> dict:
    """The holder's panel: the steps the user may take now, each with its form."""
    steps = []
    for step in handling.handling_steps_for(user=user, ticket=ticket):
        step_form = (
            form if step == failed else handling_form(step, user=user, auto_id=f"id_{step}_%s")
        )
        steps.append(
            {
                "step": step,
                "form": step_form,
                "title": HANDLING_TITLES[step],
                "button": HANDLING_BUTTONS[step],
                "open": step == failed,
            }
        )
    return {"steps": steps, "error": error, "failed": failed}


def holder_name(ticket: Ticket) -> str:
    """Who holds the ticket, in words: its station, its department, or the supervisors."""
    holder = ticket.holder
    if holder.station_id is not None and ticket.station is not None:
        return ticket.station.name
    if holder.department_id is not None and ticket.department is not None:
        return ticket.department.name
    return _("the supervisors")


@require_POST
@role_required(*URGE_ROLES)
def ticket_urge_view(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The caller asks after this ticket again (DESIGN §3.7)."""
    ticket = selectors.ticket_get_for_user(user=request.user, number=number)
    form = UrgeForm(request.POST)
    try:
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        ticket = ticket_urge(ticket=ticket, actor=request.user, note=form.cleaned_data["note"])
    except GridlineError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(number)s urged (%(count)d); its holder is told.")
            % {"number": ticket.number, "count": ticket.urge_count},
        )
    return redirect(ticket)


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = selectors.notification_list_for_user(user=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/notification_list.html", {"page": page})


@require_GET
@role_required(*STAFF_ROLES)
def notification_bell(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every page's bell asks here (GRIDLINE_BELL_POLL_SECONDS), in the way of the console's
    ring: 204 while what it shows is still so (one indexed query), else the bell as it is.
    A session that ended takes the whole page to the sign-in page (role_required)."""
    bell = selectors.notification_bell(user=request.user)
    if request.GET.get("seen") == bell.state:
        return HttpResponse(status=204)
    context = {"bell": bell, "bell_poll_seconds": settings.GRIDLINE_BELL_POLL_SECONDS}
    return render(request, "components/_bell.html", context)


@require_POST
@login_required
def notifications_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("tickets:notifications")


@login_required
def attachment_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file, to whoever may read what it belongs to (404 for anyone else)."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    return attachment_response(attachment)


@login_required
def attachment_thumbnail(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """An image's thumbnail, by the same scope as the file."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    return attachment_response(attachment, thumbnail=True)
