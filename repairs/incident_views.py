"""The incident workbench (DESIGN §3.3, §3.10): the list, each incident's page with its
ETR, declaring an outage before anyone calls, and the actions panel
(repairs/_incident_actions.html) that dismisses an incident or restores it, whole or one
transformer of a feeder at a time.

Each form is the one the API validates with (repairs/forms.py), and each write is a
service's (repairs.services.declarations, repairs.services.incidents).
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.access import has_role, role_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role
from config.errors import FieldErrors, GridlineError, TransitionNotAllowed
from config.htmx import is_htmx_partial
from config.redirects import next_url
from dispatch.selectors import cause_list
from repairs import selectors
from repairs.forms import (
    IncidentDeclareForm,
    IncidentDismissForm,
    IncidentEtrForm,
    IncidentRestoreForm,
    error_list,
)
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident
from repairs.services import declarations
from repairs.services.incidents import incident_etr_set, incident_restore_from_form

# Who declares and dismisses (a dispatcher in their own station), and who restores.
DECLARE_ROLES = (Role.DISPATCHER, Role.SUPERVISOR)
RESTORE_ROLES = (Role.DISPATCHER, Role.CREW, Role.SUPERVISOR)

DECLARED = _("Incident #%(id)s declared on %(device)s: its work order is in the station's queue.")
DISMISSED = _("Incident #%(id)s dismissed: each of its tickets is dispatched on its own.")
RESTORED = _("Incident #%(id)s: power is back and the tickets under it are resolved.")
PART_RESTORED = _(
    "Incident #%(id)s: power is back on %(codes)s and the tickets there are resolved; "
    "the rest of the feeder is still out."
)


@require_http_methods(["GET", "POST"])
@role_required(*DECLARE_ROLES)
def incident_declare(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Declare an outage on a transformer or feeder before anyone calls; 409 beside the
    device when an active incident covers it already."""
    if request.method == "GET":
        initial = {"level": Incident.Level.TRANSFORMER, "notify_premises": False}
        return _declare_form(request, form=IncidentDeclareForm(initial=initial, user=request.user))
    now = timezone.now()
    form = IncidentDeclareForm(data=request.POST, user=request.user, now=now)
    if not form.is_valid():
        return _declare_form(request, form=form, status=422)
    assert form.feeder is not None  # a valid form found the device
    try:
        incident = declarations.incident_declare(
            feeder=form.feeder,
            transformer=form.transformer,
            actor=request.user,
            etr=form.cleaned_data["etr"],
            note=form.cleaned_data["note"],
            notify_premises=form.cleaned_data["notify_premises"],
            now=now,
        )
    except TransitionNotAllowed as exc:
        form.add_error("device_code", exc.message)
        return _declare_form(request, form=form, status=409)
    messages.success(request, DECLARED % {"id": incident.pk, "device": incident.device_code})
    return redirect(next_url(request) or incident.get_absolute_url())


def _declare_form(
    request: AuthenticatedHttpRequest, *, form: IncidentDeclareForm, status: int = 200
) -> HttpResponse:
    context = {
        "values": form.values(),
        "errors": form.errors if form.is_bound else {},
        "levels": Incident.Level.choices,
        "next": next_url(request),
    }
    return render(request, "repairs/incident_declare.html", context, status=status)


@require_POST
@role_required(*DECLARE_ROLES)
def incident_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Not an outage: its tickets are triaged again, each on its own."""
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    form = IncidentDismissForm(data=request.POST)
    if not form.is_valid():
        return _actions(request, incident, dismiss=form, status=422)
    try:
        declarations.incident_dismiss(
            incident=incident, reason=form.cleaned_data["reason"], actor=request.user
        )
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, DISMISSED % {"id": incident.pk})
    return _done(request, incident)


@require_POST
@role_required(*RESTORE_ROLES)
def incident_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Power is back, on the whole incident or on some of a feeder incident's transformers."""
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    form = IncidentRestoreForm(data=request.POST, incident=incident)
    try:
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        done = incident_restore_from_form(
            incident=incident, data=form.cleaned_data, actor=request.user
        )
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    except GridlineError as exc:
        if not isinstance(exc, FieldErrors):  # the service's own word on the input
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _actions(request, incident, restore=form, status=422)
    else:
        codes = ", ".join(t.code for t in form.cleaned_data["transformer_codes"])
        text = PART_RESTORED if done.is_active else RESTORED
        messages.success(request, text % {"id": incident.pk, "codes": codes})
    return _done(request, incident)


def _done(request: AuthenticatedHttpRequest, incident: Incident) -> HttpResponse:
    """Back where the form came from (the `next` it carries), or to the incident's page."""
    url = next_url(request) or incident.get_absolute_url()
    if is_htmx_partial(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _actions(
    request: AuthenticatedHttpRequest,
    incident: Incident,
    *,
    dismiss: IncidentDismissForm | None = None,
    restore: IncidentRestoreForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A refused action: the panel (htmx) or the incident's page, the errors beside the
    inputs."""
    context = _actions_context(request, incident, dismiss=dismiss, restore=restore)
    if is_htmx_partial(request):
        return render(request, "repairs/_incident_actions.html", context, status=status)
    return _incident_page(request, incident, actions=context, status=status)


def _actions_context(
    request: AuthenticatedHttpRequest,
    incident: Incident,
    *,
    dismiss: IncidentDismissForm | None = None,
    restore: IncidentRestoreForm | None = None,
) -> dict:
    """What the reader may do to the incident now: dismiss it, restore it (in parts)."""
    dismiss = dismiss or IncidentDismissForm()
    restore = restore or IncidentRestoreForm(incident=incident)
    may_dismiss = incident.is_active and has_role(request.user, *DECLARE_ROLES)
    may_restore = incident.is_active and has_role(request.user, *RESTORE_ROLES)
    return {
        "incident": incident,
        # Agents and managers read the incident; the station and supervisors act on it.
        "show_actions": has_role(request.user, *RESTORE_ROLES, *DECLARE_ROLES),
        "may_dismiss": may_dismiss,
        "may_restore": may_restore,
        "unrestored": selectors.incident_parts_unrestored(incident=incident) if may_restore else [],
        "causes": cause_list() if may_restore else [],
        "dismiss": {"values": dismiss.values(), "errors": dismiss.errors},
        "restore": {
            "values": restore.values(),
            "errors": restore.errors,
            "general": restore.non_field_errors(),
        },
        "next": next_url(request),
    }


INCIDENT_PAGE_SIZE = 25
INCIDENT_PREMISE_PAGE_SIZE = 25
INCIDENT_TICKET_PAGE_SIZE = 25
INCIDENT_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.DISPATCHER, Role.CREW, Role.MANAGER)


@role_required(*INCIDENT_ROLES)
def incident_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The incidents of the reader's scope: active ones by default, newest first."""
    past = request.GET.get("past") == "1"
    incidents = selectors.incident_list_for_user(user=request.user)
    if past:
        incidents = incidents.exclude(status__in=ACTIVE_INCIDENT_STATUSES)
    else:
        incidents = incidents.filter(status__in=ACTIVE_INCIDENT_STATUSES)
    page = Paginator(incidents, INCIDENT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "past": past, "may_declare": has_role(request.user, *DECLARE_ROLES)}
    return render(request, "repairs/incident_list.html", context)


@role_required(*INCIDENT_ROLES)
def incident_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    return _incident_page(request, incident)


@require_POST
@role_required(Role.DISPATCHER, Role.CREW, Role.SUPERVISOR)
def incident_etr(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Set or move the ETR; back to where the form was (the incident or its work order)."""
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    back = next_url(request, default=incident.get_absolute_url())
    form = IncidentEtrForm(data=request.POST)
    if not form.is_valid():
        if back != incident.get_absolute_url():
            messages.error(request, " ".join(m for _label, ms in error_list(form) for m in ms))
            return redirect(back)
        return _incident_page(request, incident, etr_form=form, status=422)
    try:
        incident_etr_set(incident=incident, etr=form.cleaned_data["etr"], actor=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("Estimated restoration saved."))
    return redirect(back)


def _incident_page(
    request: AuthenticatedHttpRequest,
    incident: Incident,
    *,
    etr_form: IncidentEtrForm | None = None,
    actions: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    premises = Paginator(selectors.incident_premises(incident=incident), INCIDENT_PREMISE_PAGE_SIZE)
    tickets = Paginator(selectors.incident_tickets(incident=incident), INCIDENT_TICKET_PAGE_SIZE)
    context = {
        "incident": incident,
        "counts": selectors.incident_premise_counts(incident=incident),
        "premises": premises.get_page(request.GET.get("premises")),
        "tickets": tickets.get_page(request.GET.get("tickets")),
        "etr_history": selectors.incident_etr_history(incident=incident),
        "may_set_etr": incident.is_active
        and selectors.incident_may_change(user=request.user, incident=incident),
        "etr_errors": etr_form.errors if etr_form is not None else {},
        "etr_value": etr_form.data.get("etr", "") if etr_form is not None else "",
        "notify_minutes": settings.GRIDLINE_ETR_NOTIFY_MINUTES,
        # Dispatchers call the important customers; a crew recognises a number, not dials it.
        "show_phones": not has_role(request.user, Role.CREW),
        **(actions or _actions_context(request, incident)),
    }
    return render(request, "repairs/incident_detail.html", context, status=status)
