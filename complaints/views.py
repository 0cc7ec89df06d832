"""Complaint pages: the queue (supervisors, agents, managers; a handler's is the department's),
the agent's form, the complaint page with the steps allowed now, and the summaries.

Thin: selectors read, complaint_create and complaint_act write, these views pick the template.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import has_role, role_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role
from complaints import roles, selectors, services, summary_format
from complaints.deadlines import REPORT_CHANNELS
from complaints.forms import STEP_FORMS, ComplaintForm, QueueFilterForm
from complaints.models import COMPLAINT_TRANSITIONS, Complaint, ComplaintSummary
from config.errors import FieldErrors, GridlineError, NotPermitted, TransitionNotAllowed
from tickets.evidence import megabytes, too_large_text
from tickets.forms import AttachmentForm
from tickets.idempotency import SUBMISSION_FIELD, ticket_once_per_form
from tickets.models import CallbackResult, Channel, Deadline, Kind, Ticket, TimelineEvent
from tickets.selectors import (
    attachment_list_for_ticket,
    callback_last,
    ticket_duplicates_for_user,
)
from tickets.timeline import TimelineItem, timeline_items

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

QUEUE_PAGE_SIZE = 50
QUEUE_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.HANDLER, Role.MANAGER)
SUMMARY_ROLES = (Role.SUPERVISOR, Role.MANAGER)
SUMMARY_PAGE_SIZE = 30

STEP_TITLES = {
    "contact": gettext_lazy("Record the first contact"),
    "judge": gettext_lazy("Judge the complaint"),
    "rectify": gettext_lazy("Record cause and rectification"),
    "reply": gettext_lazy("Reply to the customer"),
    "callback": gettext_lazy("Record the callback"),
}
STEP_BUTTONS = {
    "contact": gettext_lazy("Customer contacted"),
    "judge": gettext_lazy("Save judgement"),
    "rectify": gettext_lazy("Save rectification"),
    "reply": gettext_lazy("Reply sent"),
    "callback": gettext_lazy("Save callback"),
}
AGAIN_TITLES = {
    "judge": gettext_lazy("Change the judgement or the department"),
    "rectify": gettext_lazy("Update cause and rectification"),
}
# What the complaint waits for, for whoever has no step to take now.
WAITING_FOR = {
    "received": gettext_lazy("Waiting for an agent to contact the customer."),
    "contacted": gettext_lazy("Waiting for a supervisor's judgement."),
    "judged": gettext_lazy("Waiting for the department's cause and rectification."),
    "rectifying": gettext_lazy("Waiting for the department's reply to the customer."),
    "replied": gettext_lazy("Waiting for an agent's callback."),
    "closed": gettext_lazy("Closed: nothing more to do."),
}
STEP_DONE = {
    "contact": gettext_lazy("Complaint %(number)s: first contact recorded."),
    "judge": gettext_lazy("Complaint %(number)s judged and handed to %(department)s."),
    "rectify": gettext_lazy("Complaint %(number)s: rectification recorded."),
    "reply": gettext_lazy("Complaint %(number)s: reply recorded; a callback follows."),
    "callback": gettext_lazy("Complaint %(number)s: callback recorded (%(result)s)."),
}


@dataclass(frozen=True)
class QueueRow:
    complaint: Complaint
    due_label: str
    overdue: bool


def due_label(complaint: Complaint) -> str:
    if complaint.due_name == "contact_by":
        return _("Contact by")
    if complaint.due_name == "reply_by":
        return _("Reply by")
    return ""


@role_required(*QUEUE_ROLES)
def complaint_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open complaints by deadline, filtered; a handler sees only the department's."""
    now = timezone.now()
    filters = QueueFilterForm(request.GET)
    complaints = selectors.complaint_queue_for_user(
        user=request.user,
        status=filters.value("status") or "",
        channel=filters.value("channel") or "",
        category=filters.value("category"),
        overdue=bool(filters.value("overdue")),
        now=now,
    )
    page = Paginator(complaints, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "rows": [QueueRow(c, due_label(c), c.is_overdue(now)) for c in page.object_list],
        "filters": filters,
        "department_queue": request.user.role == Role.HANDLER,
        "may_record": has_role(request.user, *roles.RECORD_ROLES),
        "may_see_summaries": has_role(request.user, *SUMMARY_ROLES),
        "query": f"{params.urlencode()}&" if params else "",
    }
    return render(request, "complaints/queue.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*roles.RECORD_ROLES)
def complaint_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The agent records a complaint; nothing but what it is, channel and category is needed."""
    if request.method == "GET":
        initial = {
            "caller_phone": request.GET.get("phone", ""),
            "account_no": request.GET.get("account_no", ""),
            "category": "other",
        }
        return _new_form(request, ComplaintForm(initial=initial))
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return _new_form(request, form, status=422)
    try:
        sent = ticket_once_per_form(
            user=request.user,
            token=request.POST.get(SUBMISSION_FIELD, ""),
            create=lambda: (
                services.complaint_create(actor=request.user, **form.cleaned_data).ticket
            ),
            duplicates=lambda: _duplicates(request, form),
            duplicates_confirmed=request.POST.get("duplicate_confirmed") == "1",
        )
    except FieldErrors as exc:
        _add_errors(form, exc)
        return _new_form(request, form, status=422)
    if sent.ticket is None:
        return _new_form(request, form, status=409, duplicates=sent.duplicates)
    complaint = sent.ticket.complaint
    if not sent.repeated:
        message = _(
            "Complaint %(number)s recorded: contact the customer by %(contact)s, "
            "reply by %(reply)s."
        )
    else:
        message = _("This form was sent before: complaint %(number)s was recorded then.")
    messages.success(
        request,
        message
        % {
            "number": complaint.ticket.number,
            "contact": _local(complaint.contact_by),
            "reply": _local(complaint.reply_by),
        },
    )
    return redirect(complaint.get_absolute_url())


def _duplicates(request: AuthenticatedHttpRequest, form: ComplaintForm) -> list[Ticket]:
    """Open complaints from the last 24 hours by the same phone, account or meter."""
    data = form.cleaned_data
    parties = selectors.parties_find(
        account_no=data["account_no"], meter_no=data["meter_no"], phone=data["caller_phone"]
    )
    return ticket_duplicates_for_user(
        user=request.user,
        kind=Kind.COMPLAINT,
        now=timezone.now(),
        caller_phone=data["caller_phone"],
        customer=parties.customer,
    )


def _new_form(
    request: AuthenticatedHttpRequest,
    form: ComplaintForm,
    status: int = 200,
    duplicates: tuple[Ticket, ...] = (),
) -> HttpResponse:
    context = {"form": form, "rules": channel_rules(), "duplicates": duplicates}
    return render(request, "complaints/complaint_new.html", context, status=status)


def channel_rules() -> list[dict[str, "StrOrPromise"]]:
    """DESIGN §3.5's channel table as the settings have it now, for the agent's form."""
    hours = settings.GRIDLINE_COMPLAINT_CONTACT_HOURS
    working = settings.GRIDLINE_COMPLAINT_REPLY_WORKING_DAYS
    calendar_days = settings.GRIDLINE_COMPLAINT_REPLY_CALENDAR_DAYS
    report_days = settings.GRIDLINE_REPORT_REPLY_WORKING_DAYS
    contact = ngettext("within %(n)d hour", "within %(n)d hours", hours) % {"n": hours}
    rules: list[dict[str, StrOrPromise]] = []
    for value, label in Channel.choices:
        if value in working:
            n = working[value]
            reply = ngettext("within %(n)d working day", "within %(n)d working days", n)
        else:
            n = calendar_days.get(value, 0)
            reply = ngettext("within %(n)d calendar day", "within %(n)d calendar days", n)
        reply %= {"n": n}
        if value in REPORT_CHANNELS:
            reply += " " + _("(a report: %(n)d working days)") % {"n": report_days}
        rules.append({"channel": label, "contact": contact, "reply": reply})
    return rules


@role_required(*QUEUE_ROLES)
def complaint_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, number=number)
    return _detail_response(request, complaint)


@require_POST
@role_required(*QUEUE_ROLES)
def complaint_action(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    """One step from the complaint page; on an error the page comes back with the message."""
    if action not in COMPLAINT_TRANSITIONS:
        raise Http404(_("No such step."))
    complaint = selectors.complaint_get_for_user(user=request.user, number=number)
    try:
        roles.complaint_action_check(user=request.user, complaint=complaint, action=action)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    form = STEP_FORMS[action](request.POST, auto_id=f"id_{action}_%s")
    if not form.is_valid():
        return _detail_response(request, complaint, failed=action, form=form, status=422)
    try:
        complaint = services.complaint_act(
            complaint=complaint, action=action, data=form.cleaned_data, actor=request.user
        )
    except FieldErrors as exc:
        _add_errors(form, exc)
        return _detail_response(request, complaint, failed=action, form=form, status=422)
    except TransitionNotAllowed as exc:
        # Re-read: a double-pressed button fails because the complaint has moved on.
        complaint = selectors.complaint_get_for_user(user=request.user, number=number)
        return _detail_response(request, complaint, error=exc.message, status=409)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _done_message(complaint, action, form.cleaned_data))
    return redirect(complaint.get_absolute_url())


@require_POST
@role_required(*roles.ATTACH_ROLES)
def complaint_attachment_add(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Keep a file with the complaint (DESIGN §3.14); on an error the page says why."""
    complaint = selectors.complaint_get_for_user(user=request.user, number=number)
    form = AttachmentForm(request.POST, request.FILES)
    try:
        roles.complaint_attach_check(user=request.user, complaint=complaint)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        attachment = services.complaint_attachment_add(
            complaint=complaint, checked=form.cleaned_data["file"], actor=request.user
        )
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except GridlineError as exc:
        message = " ".join(exc.message_by_field(default="file").values())
        return _detail_response(request, complaint, attach_error=message, status=422)
    messages.success(
        request,
        _("%(name)s is kept with complaint %(number)s.")
        % {"name": attachment.name, "number": complaint.ticket.number},
    )
    return redirect(complaint.get_absolute_url())


def _done_message(complaint: Complaint, action: str, data: dict) -> str:
    result = data.get("result") if action == "callback" else None
    return STEP_DONE[action] % {
        "number": complaint.ticket.number,
        "department": complaint.ticket.department,
        "result": CallbackResult(result).label if result else "",
    }


def _detail_response(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    *,
    failed: str = "",
    form=None,
    error: str = "",
    attach_error: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    steps = []
    for action in roles.complaint_actions_for(user=request.user, complaint=complaint):
        step_form = form if action == failed and form is not None else None
        if step_form is None:
            step_form = STEP_FORMS[action](
                initial=_step_initial(complaint, action), auto_id=f"id_{action}_%s"
            )
        # Judging or rectifying again (another department, a fuller record) stays folded.
        again = complaint.status == COMPLAINT_TRANSITIONS[action].target and action in AGAIN_TITLES
        steps.append(
            {
                "action": action,
                "form": step_form,
                "title": AGAIN_TITLES[action] if again else STEP_TITLES[action],
                "button": STEP_BUTTONS[action],
                "again": again,
                "open": action == failed,
            }
        )
    deadlines = {d.name: d for d in complaint.ticket.deadlines.all()}
    context = {
        "complaint": complaint,
        "ticket": complaint.ticket,
        "steps": steps,
        "error": error,
        "overdue": complaint.is_overdue(now),
        "due_label": due_label(complaint),
        "contact_deadline": deadlines.get(Deadline.Name.CONTACT_BY),
        "callback_limit": _callback_limit(),
        "last_callback": callback_last(ticket=complaint.ticket),
        "waiting_for": WAITING_FOR[complaint.status],
        "timeline": complaint_timeline(complaint),
        "attachments": attachment_list_for_ticket(user=request.user, ticket=complaint.ticket),
        "may_attach": roles.complaint_may_attach(user=request.user, complaint=complaint),
        "attach_error": attach_error,
        "attach_max_bytes": settings.GRIDLINE_ATTACHMENT_MAX_BYTES,
        "attach_max_size": megabytes(settings.GRIDLINE_ATTACHMENT_MAX_BYTES),
        "attach_too_large": too_large_text(),
    }
    return render(request, "complaints/complaint_detail.html", context, status=status)


def complaint_timeline(complaint: Complaint) -> list[TimelineItem]:
    """The ticket's events, with what each complaint step decided in the reader's language."""
    return timeline_items(complaint.ticket.events.all(), detail=_step_detail)


def _step_detail(event: TimelineEvent) -> str:
    data = event.data or {}
    if event.kind == "judge" and data.get("validity") in Complaint.Validity.values:
        parts = [Complaint.Validity(data["validity"]).label, data.get("department_name")]
        parts.append(data.get("station_name"))
        return " · ".join(str(p) for p in parts if p)
    if event.kind == "callback" and data.get("result") in CallbackResult.values:
        detail = str(CallbackResult(data["result"]).label)
        if data.get("reply_by"):
            due = _local(datetime.fromisoformat(data["reply_by"]))
            detail += " · " + _("reopened, reply by %(due)s") % {"due": due}
        return detail
    if event.kind.startswith("sla_") and data.get("deadline") in Deadline.Name.values:
        return str(Deadline.Name(data["deadline"]).label)
    return ""


def _step_initial(complaint: Complaint, action: str) -> dict:
    ticket = complaint.ticket
    if action == "judge":
        return {
            "validity": complaint.validity or None,
            "reason": complaint.judgement_reason,
            "department": ticket.department.code if ticket.department is not None else None,
            # The premise's station is not at fault until a supervisor says so.
            "station": (
                ticket.station.code if complaint.judged_at and ticket.station is not None else None
            ),
            "major": complaint.major,
            "major_reason": complaint.major_reason,
        }
    if action == "rectify":
        return {"cause": complaint.cause, "rectification": complaint.rectification}
    return {}


def _callback_limit() -> int:
    return settings.GRIDLINE_CALLBACK_UNREACHABLE_LIMIT


def _add_errors(form, exc: FieldErrors) -> None:
    for field, messages_ in exc.errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- Summaries --------------------------------------------------------------------------------


@role_required(*SUMMARY_ROLES)
def summary_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    period = request.GET.get("period", "")
    if period not in ComplaintSummary.Period.values:
        period = ""
    page = Paginator(selectors.summary_list(period=period), SUMMARY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "reports": [summary_format.summary_report(summary) for summary in page.object_list],
        "period": period,
        "periods": ComplaintSummary.Period.choices,
        "query": f"period={period}&" if period else "",
    }
    return render(request, "complaints/summary_list.html", context)


@role_required(*SUMMARY_ROLES)
def summary_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    summary = selectors.summary_get(pk=pk)
    report = summary_format.summary_report(summary)
    charts = {
        dim: {
            "labels": [row.label for row in rows],
            "current": [row.count for row in rows],
            "previous": [row.previous for row in rows],
        }
        for dim, rows in report.breakdowns.items()
    }
    context = {
        "report": report,
        "summary": summary,
        "sections": summary_format.summary_sections(report),
        "charts": charts,
        "chart_legend": {"current": _("This period"), "previous": _("Previous period")},
        "deliveries": list(selectors.summary_email_list(summary_id=summary.pk)),
    }
    return render(request, "complaints/summary_detail.html", context)


@role_required(*SUMMARY_ROLES)
def summary_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    summary = selectors.summary_get(pk=pk)
    response = HttpResponse(
        summary_format.summary_csv(summary), content_type="text/csv; charset=utf-8"
    )
    filename = summary_format.summary_csv_filename(summary)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
