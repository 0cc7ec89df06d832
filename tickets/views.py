from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import has_role, role_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role
from config.errors import FieldErrors, GridlineError
from config.paging import CappedPaginator
from tickets import search, selectors
from tickets.attachments import attachment_response
from tickets.forms import UrgeForm
from tickets.models import Kind, Ticket
from tickets.panels import panels_for
from tickets.services import notifications_mark_read, ticket_urge
from tickets.timeline import timeline_items

URGE_ROLES = (Role.AGENT, Role.SUPERVISOR)

PAGE_SIZE = 50
# The list counts and pages through at most the newest 1,000 matches; filters narrow it.
LIST_CAP = 1000


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
    context = {
        "ticket": ticket,
        "panels": panels_for(ticket, user=request.user),
        "timeline": timeline_items(ticket.events.all()),
        "attachments": selectors.attachment_list_for_ticket(user=request.user, ticket=ticket),
        "may_urge": ticket.is_open and has_role(request.user, *URGE_ROLES),
        "now": timezone.now(),
    }
    return render(request, "tickets/ticket_detail.html", context)


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
