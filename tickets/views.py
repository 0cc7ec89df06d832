from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tickets import selectors
from tickets.models import Kind, Ticket
from tickets.panels import panels_for
from tickets.services import notifications_mark_read

PAGE_SIZE = 50


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    tickets = selectors.ticket_list_for_user(user=request.user)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    if status in Ticket.Status.values:
        tickets = tickets.filter(status=status)
    if kind in Kind.values:
        tickets = tickets.filter(kind=kind)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "kind": kind,
        "statuses": Ticket.Status.choices,
        "kinds": Kind.choices,
    }
    return render(request, "tickets/ticket_list.html", context)


@login_required
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_user(user=request.user, number=number)
    context = {"ticket": ticket, "panels": panels_for(ticket)}
    return render(request, "tickets/ticket_detail.html", context)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notification_list_for_user(user=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/notification_list.html", {"page": page})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("tickets:notifications")
