"""Repairs' pages: the triage wizard (an agent on a repair call asks the questions of
DESIGN §3.1 and sees the outcome change as the caller answers) and outage notices. The
incident workbench is repairs/incident_views.py."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.access import has_role, role_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role
from config.errors import TransitionNotAllowed
from config.htmx import is_htmx_partial
from config.redirects import next_url
from repairs import deadlines, selectors
from repairs.forms import (
    OutageNoticeForm,
    RepairForm,
    TriageForm,
    error_list,
    notice_form_initial,
    repair_form_initial,
)
from repairs.models import Incident, OutageNotice
from repairs.scripts import Spoken, decision_script, repair_script, spoken
from repairs.selectors import premise_facts
from repairs.services.intake import repair_create
from repairs.services.notices import notice_cancel, notice_publish, notice_update
from repairs.triage import Breaker, Decision, FaultSide, Hazard, Outcome, Scope, decide
from tickets.idempotency import SUBMISSION_FIELD, ticket_once_per_form
from tickets.models import Kind, Priority, Ticket
from tickets.selectors import ticket_duplicates_for_user

WIZARD_ROLES = (Role.AGENT, Role.SUPERVISOR)


@require_http_methods(["GET", "POST"])
@role_required(*WIZARD_ROLES)
def repair_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the wizard for ?meter_no= (with ?phone=); POST: record the repair ticket."""
    if request.method == "GET":
        initial = repair_form_initial(
            meter_no=request.GET.get("meter_no", "").strip(),
            caller_phone=request.GET.get("phone", "").strip(),
        )
        return _wizard_render(request, form=RepairForm(initial=initial))
    form = RepairForm(data=request.POST)
    if not form.is_valid():
        return _wizard_render(request, form=form, status=422)
    now = timezone.now()
    sent = ticket_once_per_form(
        user=request.user,
        token=request.POST.get(SUBMISSION_FIELD, ""),
        create=lambda: (
            repair_create(
                premise=form.premise,
                answers=form.answers(),
                actor=request.user,
                caller_phone=form.cleaned_data["caller_phone"],
                description=form.cleaned_data["description"],
                now=now,
            ).ticket
        ),
        # A repair is the premise's: the same caller reporting another premise is another
        # fault, not a duplicate.
        duplicates=lambda: ticket_duplicates_for_user(
            user=request.user, kind=Kind.REPAIR, now=now, premise=form.premise
        ),
        duplicates_confirmed=request.POST.get("duplicate_confirmed") == "1",
    )
    if sent.ticket is None:
        return _wizard_render(request, form=form, status=409, duplicates=sent.duplicates)
    ticket = sent.ticket
    if sent.repeated:
        message = _("This form was sent before: repair ticket %(number)s was recorded then.")
    else:
        message = _("Repair ticket %(number)s recorded: %(outcome)s.")
    recorded = selectors.repair_recorded_get(ticket=ticket)
    # The page the agent lands on says what to read out now, with the ticket's number.
    messages.success(
        request,
        render_to_string(
            "repairs/_recorded_message.html",
            {
                "message": message
                % {"number": ticket.number, "outcome": recorded.repair.get_outcome_display()},
                "script": _recorded_script(recorded, number=ticket.number, now=now),
            },
            request=request,
        ),
    )
    if is_htmx_partial(request):  # recorded from inside a call: back to the call's page
        return HttpResponseClientRedirect(next_url(request) or ticket.get_absolute_url())
    return redirect(next_url(request) or ticket)


def _recorded_script(recorded: selectors.RecordedRepair, *, number: str, now: datetime) -> Spoken:
    repair = recorded.repair
    return spoken(
        lambda: repair_script(
            outcome=repair.outcome,
            hazards=repair.hazards,
            arrive_by=repair.arrive_by,
            notice=recorded.notice,
            incident=recorded.incident,
            ticket_number=number,
            now=now,
        )
    )


@require_POST
@role_required(*WIZARD_ROLES)
def repair_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The outcome panel for the answers so far (htmx); saves nothing, 422 on bad answers.
    The caller's phone is checked as it is typed too: its errors go to their own place
    beside the field (an out-of-band swap), and do not hide the outcome."""
    context, status = _outcome_context(TriageForm(data=request.POST))
    context["phone_errors"] = _phone_errors(request.POST.get("caller_phone", ""))
    return render(request, "repairs/_preview.html", context, status=status)


def _phone_errors(value: str) -> list[str]:
    try:
        RepairForm.base_fields["caller_phone"].clean(value)
    except ValidationError as error:
        return list(error.messages)
    return []


def _wizard_render(
    request: AuthenticatedHttpRequest,
    *,
    form: RepairForm,
    status: int = 200,
    duplicates: tuple[Ticket, ...] = (),
) -> HttpResponse:
    values = form.values()
    errors = dict(form.errors) if form.is_bound else {}
    # The outcome panel judges the triage answers alone: a bad phone does not hide it.
    triage = TriageForm(data=form.data if form.is_bound else values)
    triage.is_valid()  # cleans every field: a known meter number gives its premise
    premise = triage.cleaned_data.get("meter_no")
    if values["meter_no"] and "meter_no" in triage.errors:
        errors.setdefault("meter_no", triage.errors["meter_no"])
    # The panel's own status does not matter here: the page's status is the submit's.
    outcome = _outcome_context(triage)[0] if premise else {}
    context = {
        **outcome,
        "form": form,
        "duplicates": duplicates,
        "premise": premise,
        "values": values,
        "errors": errors,
        # Before a premise is found (and nothing was posted) the page asks only for the meter.
        "lookup": premise is None and request.method == "GET",
        "next": next_url(request),
        "hazard_choices": Hazard.choices,
        "scope_choices": Scope.choices,
        "breaker_choices": Breaker.choices,
        "fault_side_choices": FaultSide.choices,
    }
    # Inside a call (the console fetches the wizard alone) it is also sent back by htmx, so
    # its errors show in the call and never take the agent away from it.
    context["inline"] = is_htmx_partial(request)
    template = "repairs/_wizard.html" if context["inline"] else "repairs/repair_new.html"
    return render(request, template, context, status=status)


def _outcome_context(form: TriageForm) -> tuple[dict[str, Any], int]:
    """Selectors + decide for the answers (DESIGN §3.1), as the outcome panel shows them."""
    if not form.is_valid():
        return {"outcome_errors": error_list(form)}, 422
    premise, answers = form.premise, form.answers()
    now = timezone.now()
    decision = decide(answers, premise_facts(premise=premise, now=now))
    # What recording now would promise (DESIGN §3.2), as repairs.services.intake does it.
    promise = deadlines.repair_promise(
        outcome=decision.outcome, area_type=premise.area_type, important=premise.important, now=now
    )
    context = {
        "premise": premise,
        "answers": answers,
        "decision": decision,
        "next_step": _next_step(decision, station=premise.transformer.feeder.station.name),
        "priority": Priority(promise.priority),
        "script": spoken(
            lambda: decision_script(
                decision, hazards=answers.hazards, arrive_by=promise.arrive_by, now=now
            )
        ),
    }
    if decision.notice is not None:
        context["notice_kind"] = OutageNotice.Kind(decision.notice.kind).label
    if decision.incident is not None:
        context["incident_level"] = Incident.Level(decision.incident.level).label
        context["incident_status"] = Incident.Status(decision.incident.status).label
    return context, 200


def _next_step(decision: Decision, *, station: str) -> str:
    """What recording the ticket will do, as repairs.services.intake.repair_create does it."""
    if decision.dispatches:
        return _("Recording the ticket sends a work order to %(station)s.") % {"station": station}
    if decision.outcome == Outcome.KNOWN_INCIDENT and decision.incident is not None:
        return _("Recording the ticket attaches it to incident #%(id)s; no new work order.") % {
            "id": decision.incident.id
        }
    return _("No crew is sent: the ticket is recorded and resolved with what the caller was told.")


# --- Outage notices (DESIGN §3.4) ---------------------------------------------------------

NOTICE_PAGE_SIZE = 50
NOTICE_ROLES = (Role.SUPERVISOR, Role.DISPATCHER)


@login_required
def notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Active and upcoming notices (every member of staff answers callers about them)."""
    past = request.GET.get("past") == "1"
    notices = selectors.notice_list(now=timezone.now(), current=not past)
    page = Paginator(notices, NOTICE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "changeable": {
            notice.pk
            for notice in page
            if selectors.notice_may_change(user=request.user, notice=notice)
        },
        "past": past,
        "now": timezone.now(),
        "may_publish": has_role(request.user, *NOTICE_ROLES),
    }
    return render(request, "repairs/notice_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*NOTICE_ROLES)
def notice_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial = {"kind": OutageNotice.Kind.PLANNED}
        return _notice_form(request, form=OutageNoticeForm(initial=initial, user=request.user))
    now = timezone.now()
    form = OutageNoticeForm(data=request.POST, user=request.user, now=now)
    if not form.is_valid():
        return _notice_form(request, form=form, status=422)
    notice = notice_publish(data=form.notice_input(), actor=request.user, now=now)
    _notice_published_message(request, notice, _("Notice published."))
    # The notice's page lists the important customers to call individually.
    return redirect(notice.get_absolute_url())


@require_http_methods(["GET", "POST"])
@role_required(*NOTICE_ROLES)
def notice_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for_change(user=request.user, pk=pk)
    if request.method == "GET":
        form = OutageNoticeForm(initial=notice_form_initial(notice), user=request.user)
        return _notice_form(request, form=form, notice=notice)
    now = timezone.now()
    form = OutageNoticeForm(data=request.POST, user=request.user, now=now, notice=notice)
    if not form.is_valid():
        return _notice_form(request, form=form, notice=notice, status=422)
    try:
        notice = notice_update(notice=notice, data=form.notice_input(), actor=request.user, now=now)
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("repairs:notices")
    _notice_published_message(request, notice, _("Notice changed; its customers are told."))
    return redirect("repairs:notices")


@require_POST
@role_required(*NOTICE_ROLES)
def notice_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for_change(user=request.user, pk=pk)
    try:
        notice_cancel(notice=notice, actor=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Notice cancelled; its customers are told."))
    return redirect("repairs:notices")


def _notice_form(
    request: AuthenticatedHttpRequest,
    *,
    form: OutageNoticeForm,
    notice: OutageNotice | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "values": form.values(),
        "errors": form.errors if form.is_bound else {},
        "notice": notice,
        "kinds": OutageNotice.Kind.choices,
        "affected": selectors.notice_affected(notice=notice) if notice else None,
        "rules": {
            "planned_days": settings.GRIDLINE_PLANNED_NOTICE_DAYS,
            "temporary_hours": settings.GRIDLINE_TEMPORARY_NOTICE_HOURS,
            "reminder_minutes": settings.GRIDLINE_NOTICE_REMINDER_MINUTES,
            "past_days": settings.GRIDLINE_NOTICE_MAX_PAST_DAYS,
            "ahead_days": settings.GRIDLINE_NOTICE_MAX_AHEAD_DAYS,
            "max_days": settings.GRIDLINE_NOTICE_MAX_DAYS,
        },
    }
    return render(request, "repairs/notice_form.html", context, status=status)


def _notice_published_message(
    request: AuthenticatedHttpRequest, notice: OutageNotice, text: str
) -> None:
    messages.success(request, text)
    if notice.late_notice:
        messages.warning(
            request,
            _("Published with less notice than the rules ask: it is flagged as late."),
        )
