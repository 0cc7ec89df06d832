"""Dispatch pages: the station queue (desktop) and the crew's work orders (phone).

Thin: selectors read, the step forms validate, the step services write, these views pick
the template.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import has_role, role_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role, User
from config.countdown import Countdown, countdown
from config.errors import FieldErrors, GridlineError, NotPermitted, TransitionNotAllowed
from config.htmx import is_htmx_partial
from config.redirects import next_url
from dispatch import selectors, services, steps
from dispatch.forms import STEP_FORMS, PhotoForm, QueueFilterForm
from dispatch.hooks import work_order_panels_for
from dispatch.models import PHOTO_STATUSES, WORK_ORDER_TRANSITIONS, Crew, WorkOrder
from grid.phones import mask_phone
from tickets.evidence import megabytes, too_large_text
from tickets.models import Attachment, TimelineEvent
from tickets.timeline import timeline_items

QUEUE_PAGE_SIZE = 50
QUEUE_ROLES = (Role.DISPATCHER, Role.SUPERVISOR)
ORDER_PAGE_ROLES = (Role.CREW, Role.DISPATCHER, Role.SUPERVISOR)

CREW_STEP_LABELS = {
    "accept": gettext_lazy("Accept"),
    "depart": gettext_lazy("Depart"),
    "arrive": gettext_lazy("Arrive"),
    "complete": gettext_lazy("Complete"),
}
# The crew's photo buttons: the stage and what the button says.
PHOTO_STAGES = [
    (Attachment.Stage.BEFORE, gettext_lazy("Before work")),
    (Attachment.Stage.AFTER, gettext_lazy("After work")),
    (Attachment.Stage.OTHER, gettext_lazy("Other")),
]
STEP_DONE_MESSAGES = {
    "assign": gettext_lazy("Work order %(id)s assigned to %(crew)s."),
    "accept": gettext_lazy("Work order %(id)s accepted."),
    "depart": gettext_lazy("Work order %(id)s: on the way."),
    "arrive": gettext_lazy("Work order %(id)s: on site."),
    "complete": gettext_lazy("Work order %(id)s completed."),
    "return": gettext_lazy("Work order %(id)s returned to the station."),
    "cancel": gettext_lazy("Work order %(id)s cancelled."),
}


@dataclass(frozen=True)
class QueueRow:
    order: WorkOrder
    countdown: Countdown | None
    crews: list[Crew]
    can_assign: bool
    hazards: list[str]
    error: str = ""
    notice: str = ""


@dataclass(frozen=True)
class OrderCard:
    """An order as the crew's phone shows it: the caller's phone only to the assigned crew."""

    order: WorkOrder
    countdown: Countdown | None
    phone: str
    phone_dialable: bool
    hazards: list[str] = field(default_factory=list)


def countdown_for(order: WorkOrder, now: datetime) -> Countdown | None:
    """On site, the clock is the restoration deadline; before that, the arrival deadline."""
    if not order.is_open:
        return None
    if order.status == WorkOrder.Status.ON_SITE and order.restore_by is not None:
        label, deadline = _("Restore by"), order.restore_by
    else:
        label, deadline = _("Arrive by"), order.arrive_by
    return countdown(deadline, now, label=label)


def order_card(order: WorkOrder, user: User, now: datetime) -> OrderCard:
    phone = order.ticket.caller_phone if order.ticket else ""
    dialable = bool(phone) and selectors.is_assigned_crew_member(user=user, order=order)
    return OrderCard(
        order=order,
        countdown=countdown_for(order, now),
        phone=phone if dialable else mask_phone(phone) if phone else "",
        phone_dialable=dialable,
        hazards=order.hazard_labels,
    )


@vary_on_headers("HX-Request")
@role_required(*QUEUE_ROLES)
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The station's open orders by deadline; the htmx refresh gets the table body alone."""
    all_stations = has_role(request.user, Role.SUPERVISOR)
    filters = QueueFilterForm(request.GET, all_stations=all_stations)
    orders = selectors.with_incident(selectors.work_order_open_list_for_user(user=request.user))
    if status := filters.value("status"):
        orders = orders.filter(status=status)
    if station := filters.value("station"):
        orders = orders.filter(station=station)
    page = Paginator(orders, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "rows": _queue_rows(list(page.object_list)),
        "filters": filters,
        "show_station": all_stations,
        "next_url": request.get_full_path(),
        "query": f"{params.urlencode()}&" if params else "",
    }
    template = "dispatch/_queue_rows.html" if is_htmx_partial(request) else "dispatch/queue.html"
    return render(request, template, context)


@require_POST
@role_required(*QUEUE_ROLES)
def work_order_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Assign or reassign; htmx gets the queue row back, a plain form a redirect."""
    order = selectors.work_order_get_for_user(user=request.user, pk=pk)
    back = next_url(request, default=reverse("dispatch:queue"))
    try:
        _act(request, order, "assign")
    except GridlineError as exc:
        if is_htmx_partial(request):
            return _queue_row_response(request, order, back, error=exc.message, status=422)
        messages.error(request, exc.message)
        return redirect(back)
    # Re-read: the service's copy lacks the related rows the row shows.
    order = selectors.work_order_get_for_user(user=request.user, pk=pk)
    done = STEP_DONE_MESSAGES["assign"] % {"id": order.pk, "crew": order.crew}
    if is_htmx_partial(request):
        return _queue_row_response(request, order, back, notice=done)
    messages.success(request, done)
    return redirect(back)


@vary_on_headers("HX-Request")
@role_required(Role.CREW)
def crew_work_orders(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The crew's open orders as cards for a phone, earliest deadline first. The list asks
    again every few seconds, in the way of the console's ring: 204 while what it shows is
    still so (one indexed query), else the cards as they are now."""
    state = selectors.work_order_crew_page_state(user=request.user)
    partial = is_htmx_partial(request)
    if partial and request.GET.get("seen") == state:
        return HttpResponse(status=204)
    now = timezone.now()
    orders = selectors.work_order_list_for_crew_page(user=request.user)
    context = {
        "cards": [order_card(order, request.user, now) for order in orders],
        "cards_state": state,
        "poll_seconds": settings.GRIDLINE_CREW_LIST_POLL_SECONDS,
    }
    template = "dispatch/_crew_cards.html" if partial else "dispatch/crew_list.html"
    return render(request, template, context)


@role_required(*ORDER_PAGE_ROLES)
def work_order_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    order = selectors.work_order_get_for_user(user=request.user, pk=pk)
    return _detail_response(request, order)


@require_POST
@role_required(*ORDER_PAGE_ROLES)
def work_order_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """One step from a plain form; on an error the page comes back with the message."""
    if action not in WORK_ORDER_TRANSITIONS:
        raise Http404("No such step.")
    order = selectors.work_order_get_for_user(user=request.user, pk=pk)
    try:
        order = _act(request, order, action)
    except GridlineError as exc:
        # Re-read: a double-pressed button fails because the order has moved on.
        order = selectors.work_order_get_for_user(user=request.user, pk=pk)
        status = 409 if isinstance(exc, TransitionNotAllowed) else 422
        return _detail_response(request, order, failed=action, error=exc, status=status)
    messages.success(request, STEP_DONE_MESSAGES[action] % {"id": order.pk})
    if action == "return" and not has_role(request.user, *QUEUE_ROLES):
        # The order has left the crew: back to what it still has.
        return redirect("dispatch:crew")
    return redirect(order)


@require_POST
@role_required(Role.CREW)
def work_order_photo_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A crew's photo from the phone (DESIGN §3.14); on an error the page says why."""
    order = selectors.work_order_get_for_user(user=request.user, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    try:
        services.photo_role_check(order=order, actor=request.user)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        attachment = services.work_order_photo_add(
            order=order, checked=form.cleaned_data["file"], facts=form.facts(), actor=request.user
        )
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except GridlineError as exc:
        order = selectors.work_order_get_for_user(user=request.user, pk=pk)
        status = 409 if isinstance(exc, TransitionNotAllowed) else 422
        return _detail_response(request, order, failed="photo", error=exc, status=status)
    messages.success(
        request,
        _("Photo “%(stage)s” added to work order %(id)s.")
        % {"stage": attachment.get_stage_display(), "id": order.pk},
    )
    return redirect(order)


def _act(request: AuthenticatedHttpRequest, order: WorkOrder, action: str) -> WorkOrder:
    try:
        steps.work_order_role_check(actor=request.user, action=action)
        form = STEP_FORMS[action](data=request.POST, order=order)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        return services.work_order_step(
            order=order, action=action, actor=request.user, data=form.cleaned_data
        )
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc


def _queue_rows(orders: list[WorkOrder]) -> list[QueueRow]:
    now = timezone.now()
    # One query for every station's crews, whatever the number of rows.
    crews = selectors.crews_by_station(station_ids={order.station_id for order in orders})
    return [_queue_row(order, crews[order.station_id], now) for order in orders]


def _queue_row(order: WorkOrder, crews: list[Crew], now: datetime, **extra: str) -> QueueRow:
    can_assign = "assign" in order.allowed_actions()
    countdown = countdown_for(order, now)
    return QueueRow(order, countdown, crews, can_assign, order.hazard_labels, **extra)


def _queue_row_response(
    request: AuthenticatedHttpRequest,
    order: WorkOrder,
    next_url: str,
    *,
    status: int = 200,
    **extra: str,
) -> HttpResponse:
    crews = selectors.crew_list_for_station(station=order.station_id)
    context = {
        "row": _queue_row(order, crews, timezone.now(), **extra),
        "show_station": has_role(request.user, Role.SUPERVISOR),
        "next_url": next_url,
    }
    return render(request, "dispatch/_queue_row.html", context, status=status)


def _detail_response(
    request: AuthenticatedHttpRequest,
    order: WorkOrder,
    *,
    failed: str = "",
    error: GridlineError | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if order.ticket_id:
        events = TimelineEvent.objects.select_related("actor")
        prefetch_related_objects([order], Prefetch("ticket__events", queryset=events))
    allowed = set(order.allowed_actions())
    # The field steps are for a member of a crew (an administrator is not one).
    crew_steps = has_role(user, Role.CREW) and selectors.crew_of(user) is not None
    station_steps = has_role(user, *QUEUE_ROLES)
    next_step = order.next_crew_step if crew_steps else None
    crew = selectors.crew_of(user) if crew_steps else None
    context = {
        "card": order_card(order, user, timezone.now()),
        "panels": work_order_panels_for(order, user=user),
        "timeline": timeline_items(order.ticket.events.all()) if order.ticket else [],
        "order": order,
        "next_step": next_step,
        "next_step_label": CREW_STEP_LABELS.get(next_step or ""),
        "crew_can_return": crew_steps and not station_steps and "return" in allowed,
        "station_steps": station_steps,
        "allowed": allowed,
        "crews": selectors.crew_list_for_station(station=order.station_id)
        if station_steps and "assign" in allowed
        else [],
        "causes": selectors.cause_list() if next_step == "complete" else [],
        "failed": failed,
        "errors": error.message_by_field() if error else {},
        "posted": request.POST if failed else {},
        "photos": selectors.work_order_photo_list(user=user, order_ids=[order.pk])[order.pk],
        "may_add_photos": crew is not None
        and order.crew_id == crew.pk
        and order.status in PHOTO_STATUSES,
        "photo_stages": PHOTO_STAGES,
        "photo_max_bytes": settings.GRIDLINE_ATTACHMENT_MAX_BYTES,
        "photo_too_large": too_large_text(),
        "photo_max_size": megabytes(settings.GRIDLINE_ATTACHMENT_MAX_BYTES),
        "after_photo_required": settings.GRIDLINE_WORK_ORDER_AFTER_PHOTO_REQUIRED,
    }
    return render(request, "dispatch/work_order_detail.html", context, status=status)
