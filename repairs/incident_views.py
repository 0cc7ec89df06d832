"""The incident pages of DESIGN §3.10: declaring an outage before anyone calls, and the
actions panel (repairs/_incident_actions.html) that dismisses an incident or restores it,
whole or one transformer of a feeder at a time. The panel is meant for the incident's
page; until then it has a page of its own (incident_actions).

Each form is the one the API validates with (repairs/forms.py), and each write is a
service's (repairs.services.declarations, repairs.services.incidents).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.access import has_role, role_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role
from config.errors import FieldErrors, GridlineError, TransitionNotAllowed
from config.htmx import is_htmx_partial
from config.redirects import next_url
from dispatch.selectors import cause_list
from repairs import selectors
from repairs.forms import IncidentDeclareForm, IncidentDismissForm, IncidentRestoreForm
from repairs.models import Incident
from repairs.services import declarations
from repairs.services.incidents import incident_restore_from_form

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
    return redirect(next_url(request) or reverse("repairs:incident_actions", args=[incident.pk]))


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


@require_GET
@role_required(*RESTORE_ROLES)
def incident_actions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the reader may do to the incident now: dismiss it, restore it (in parts)."""
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    return _actions(request, incident)


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
    """Back where the form came from (the `next` it carries), or to the incident's actions."""
    url = next_url(request) or reverse("repairs:incident_actions", args=[incident.pk])
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
    """The actions panel (htmx) or its page, a refused form's errors beside its inputs."""
    dismiss = dismiss or IncidentDismissForm()
    restore = restore or IncidentRestoreForm(incident=incident)
    context = {
        "incident": incident,
        "may_dismiss": incident.is_active and has_role(request.user, *DECLARE_ROLES),
        "may_restore": incident.is_active and has_role(request.user, *RESTORE_ROLES),
        "unrestored": selectors.incident_parts_unrestored(incident=incident),
        "causes": cause_list(),
        "dismiss": {"values": dismiss.values(), "errors": dismiss.errors},
        "restore": {
            "values": restore.values(),
            "errors": restore.errors,
            "general": restore.non_field_errors(),
        },
        "next": next_url(request),
    }
    template = "repairs/_incident_actions.html" if is_htmx_partial(request) else None
    return render(request, template or "repairs/incident_actions.html", context, status=status)
