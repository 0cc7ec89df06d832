"""Writes for complaints (DESIGN §3.5): recording one, and every step of COMPLAINT_TRANSITIONS.

Each step locks the complaint's row, checks who acts and the table, writes its fields and
one timeline event named after the action, keeps the deadlines (deadline_open/deadline_meet,
so the deadline watch escalates them) and moves the ticket with the ticket's own table
where its status follows (see complaints/models.py), all in one transaction. A rejected
step raises and writes nothing. Lock order: the complaint, then its ticket. Who may take
each step is in complaints/roles.py. The callback is tickets.callbacks.callback_record, the
one for every kind; what it does to a complaint is in complaints/callbacks.py.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from complaints import notices, selectors
from complaints.deadlines import complaint_deadlines
from complaints.models import COMPLAINT_TRANSITIONS, Category, Complaint
from complaints.roles import complaint_action_check, complaint_attach_check
from config.errors import FieldErrors, TransitionNotAllowed
from config.transitions import transition_check
from grid.models import Department, Station
from tickets.attachments import attachment_add
from tickets.callbacks import callback_count_restart, callback_record
from tickets.evidence import CheckedFile
from tickets.locks import row_for_update
from tickets.models import Attachment, Deadline, Kind, Priority, Ticket, TimelineEvent
from tickets.services import (
    deadline_meet,
    deadline_open,
    ticket_create,
    ticket_transition,
    timeline_record,
)

TEXT_MAX_LENGTH = 2000
# The reply window may cross New Year: load this many years from the day it starts.
CALENDAR_YEARS_AHEAD = 2


# --- Recording -------------------------------------------------------------------------------


@transaction.atomic
def complaint_create(
    *,
    channel: str,
    category: Category,
    description: str,
    actor: User | None,
    caller_phone: str = "",
    account_no: str = "",
    meter_no: str = "",
    is_report: bool = False,
    major: bool = False,
    major_reason: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Record a complaint: every complaint is accepted (DESIGN §3.5), whatever is unknown.

    The customer and premise are attached when the caller's data finds them; the
    contact and reply deadlines come from the channel (complaints/deadlines.py) and
    are watched from now on. A major complaint goes to management at once.
    """
    now = now or timezone.now()
    description = _required_text(description, "description", _("Say what the complaint is."))
    parties = selectors.parties_find(account_no=account_no, meter_no=meter_no, phone=caller_phone)
    first_year = timezone.localdate(now).year
    calendar = selectors.calendar_load(years=range(first_year, first_year + CALENDAR_YEARS_AHEAD))
    deadlines = complaint_deadlines(now, channel=channel, is_report=is_report, calendar=calendar)
    ticket = ticket_create(
        kind=Kind.COMPLAINT,
        actor=actor,
        customer=parties.customer,
        premise=parties.premise,
        caller_phone=caller_phone,
        channel=channel,
        description=description,
        priority=Priority.HIGH if major else Priority.NORMAL,
        now=now,
    )
    complaint = Complaint.objects.create(
        ticket=ticket,
        category=category,
        is_report=is_report,
        account_no=account_no,
        contact_by=deadlines.contact_by,
        reply_by=deadlines.reply_by,
        reply_by_fallback=bool(deadlines.fallback_years),
        due_at=deadlines.contact_by,
    )
    # The customer contact is the centre's own promise: no station or department is warned
    # first, the overdue step reaches the supervisors.
    deadline_open(
        ticket=ticket, name=Deadline.Name.CONTACT_BY, starts_at=now, due_at=deadlines.contact_by
    )
    deadline_open(
        ticket=ticket, name=Deadline.Name.REPLY_BY, starts_at=now, due_at=deadlines.reply_by
    )
    if major:
        _major_flag(complaint=complaint, ticket=ticket, reason=major_reason, actor=actor, now=now)
    if deadlines.fallback_years:
        notices.calendar_missing_warn(years=deadlines.fallback_years, now=now)
    return complaint


# --- The steps -------------------------------------------------------------------------------


def complaint_contact(
    *, complaint: Complaint, note: str, actor: User, now: datetime | None = None
) -> Complaint:
    """The agent's first contact with the customer: meets contact_by; the ticket is in hand."""
    now = now or timezone.now()
    note = _required_text(note, "note", _("Say what the customer was told."))
    with transaction.atomic():
        complaint, old = complaint_lock(complaint=complaint, action="contact", actor=actor)
        complaint.contacted_at = now
        complaint.contact_note = note
        complaint.due_at = complaint.reply_by
        _save(complaint, "contact", ["contacted_at", "contact_note", "due_at"])
        deadline_meet(ticket_ids=[complaint.pk], name=Deadline.Name.CONTACT_BY, at=now)
        _record(
            complaint,
            "contact",
            old,
            actor=actor,
            now=now,
            note=note,
            data={"in_time": now <= complaint.contact_by},
        )
        ticket_transition(ticket=complaint.ticket, action="start", actor=actor, now=now)
    return complaint


def complaint_judge(
    *,
    complaint: Complaint,
    validity: str,
    reason: str,
    department: Department,
    actor: User,
    station: Station | None = None,
    major: bool = False,
    major_reason: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The supervisor's judgement: validity and reason, the responsible department (and the
    station at fault). The department's handlers are told; the reply deadline's warning
    goes to them from now on. Flagging it major tells management at once."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if validity not in Complaint.Validity.values:
        errors["validity"] = [_("Choose valid, partially valid or not valid.")]
    try:
        reason = _required_text(reason, "reason", _("Give the reason for the judgement."))
    except FieldErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        complaint, old = complaint_lock(complaint=complaint, action="judge", actor=actor)
        ticket = row_for_update(Ticket.objects, complaint.pk)
        ticket.department = department
        fields = ["department", "updated_at"]
        if station is not None:
            ticket.station = station
            fields.append("station")
        newly_major = major and not complaint.major
        if newly_major and ticket.priority in (Priority.NORMAL, Priority.LOW):
            ticket.priority = Priority.HIGH
            fields.append("priority")
        ticket.updated_at = now
        ticket.save(update_fields=fields)
        complaint.ticket = ticket
        complaint.validity = validity
        complaint.judgement_reason = reason
        complaint.judged_at = now
        complaint.judged_by = actor
        _save(complaint, "judge", ["validity", "judgement_reason", "judged_at", "judged_by"])
        # The reply promise now has a holder: the 80% warning goes to the department.
        Deadline.objects.filter(
            ticket_id=complaint.pk, name=Deadline.Name.REPLY_BY, closed_at__isnull=True
        ).update(department=department)
        event = _record(
            complaint,
            "judge",
            old,
            actor=actor,
            now=now,
            note=reason,
            data={
                "validity": validity,
                "department": department.code,
                "department_name": department.name,
                "station": station.code if station else None,
                "station_name": station.name if station else None,
            },
        )
        notices.department_notify(complaint, event, now=now)
        if newly_major:
            _major_flag(
                complaint=complaint, ticket=ticket, reason=major_reason, actor=actor, now=now
            )
    return complaint


def complaint_rectify(
    *,
    complaint: Complaint,
    cause: str,
    rectification: str,
    actor: User,
    now: datetime | None = None,
) -> Complaint:
    """The department records the cause and the rectification (again, after a reopen)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    texts = {}
    for field, value, message in [
        ("cause", cause, _("Say what caused it.")),
        ("rectification", rectification, _("Say what was done to put it right.")),
    ]:
        try:
            texts[field] = _required_text(value, field, message)
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        complaint, old = complaint_lock(complaint=complaint, action="rectify", actor=actor)
        complaint.cause = texts["cause"]
        complaint.rectification = texts["rectification"]
        complaint.rectified_at = now
        _save(complaint, "rectify", ["cause", "rectification", "rectified_at"])
        _record(
            complaint,
            "rectify",
            old,
            actor=actor,
            now=now,
            note=complaint.rectification,
            data={"cause": complaint.cause},
        )
    return complaint


def complaint_reply(
    *, complaint: Complaint, text: str, actor: User, now: datetime | None = None
) -> Complaint:
    """The reply to the customer: meets reply_by and resolves the ticket; a callback follows."""
    now = now or timezone.now()
    text = _required_text(text, "text", _("Write the reply the customer was given."))
    with transaction.atomic():
        complaint, old = complaint_lock(complaint=complaint, action="reply", actor=actor)
        complaint.reply_text = text
        complaint.replied_at = now
        complaint.due_at = None
        _save(complaint, "reply", ["reply_text", "replied_at", "due_at"])
        deadline_meet(ticket_ids=[complaint.pk], name=Deadline.Name.REPLY_BY, at=now)
        _record(
            complaint,
            "reply",
            old,
            actor=actor,
            now=now,
            note=text,
            data={"in_time": now <= complaint.reply_by},
        )
        ticket = ticket_transition(ticket=complaint.ticket, action="resolve", actor=actor, now=now)
        # The third miss counts from this reply: an earlier round's misses do not.
        callback_count_restart(ticket=ticket)
    return complaint


# --- Step plumbing ---------------------------------------------------------------------------


def complaint_lock(*, complaint: Complaint, action: str, actor: User) -> tuple[Complaint, str]:
    """Re-read under a row lock, then check who acts and the table. Call inside a transaction.

    The caller's copy may be stale: another agent may be calling the customer back at
    this very moment, or the supervisor handing the complaint to another department.
    """
    locked = row_for_update(Complaint.objects.select_related("ticket", "category"), complaint.pk)
    complaint_action_check(user=actor, complaint=locked, action=action)
    transition_check(
        COMPLAINT_TRANSITIONS,
        action=action,
        status=locked.status,
        refusal=lambda: (
            _("Complaint %(number)s is %(status)s: this step is not possible now.")
            % {"number": locked.ticket.number, "status": locked.get_status_display()}
        ),
    )
    return locked, locked.status


def _save(complaint: Complaint, action: str, fields: list[str], *, target: str = "") -> None:
    complaint.status = target or COMPLAINT_TRANSITIONS[action].target
    complaint.save(update_fields=["status", *fields])


def _record(
    complaint: Complaint,
    action: str,
    old_status: str,
    *,
    actor: User | None,
    now: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    """The step's timeline event; `data` carries the complaint's own statuses."""
    return timeline_record(
        ticket=complaint.ticket,
        kind=action,
        actor=actor,
        at=now,
        note=note,
        data={"from": old_status, "to": complaint.status, **(data or {})},
    )


def _required_text(value: Any, field: str, message: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise FieldErrors({field: [message]})
    if len(text) > TEXT_MAX_LENGTH:
        raise FieldErrors({field: [_("Keep it under %(n)d characters.") % {"n": TEXT_MAX_LENGTH}]})
    return text


def _major_flag(
    *, complaint: Complaint, ticket: Ticket, reason: str, actor: User | None, now: datetime
) -> None:
    """Flag the complaint major, record it, and tell management at once (DESIGN §3.5)."""
    complaint.major = True
    complaint.major_reason = (reason or "").strip()[:255]
    complaint.save(update_fields=["major", "major_reason"])
    timeline_record(
        ticket=ticket, kind="major_flagged", actor=actor, at=now, note=complaint.major_reason
    )
    notices.management_notify_major(complaint, ticket, now=now)


def complaint_act(
    *,
    complaint: Complaint,
    action: str,
    data: dict[str, Any],
    actor: User,
    now: datetime | None = None,
) -> Complaint:
    """One step with its form's cleaned data (complaints/forms.py STEP_FORMS); the pages and
    the API call this. Raises FieldErrors, NotPermitted or TransitionNotAllowed, having
    written nothing."""
    if action == "contact":
        return complaint_contact(complaint=complaint, note=data["note"], actor=actor, now=now)
    if action == "judge":
        return complaint_judge(
            complaint=complaint,
            validity=data["validity"],
            reason=data["reason"],
            department=data["department"],
            station=data.get("station"),
            major=data.get("major", False),
            major_reason=data.get("major_reason", ""),
            actor=actor,
            now=now,
        )
    if action == "rectify":
        return complaint_rectify(
            complaint=complaint,
            cause=data["cause"],
            rectification=data["rectification"],
            actor=actor,
            now=now,
        )
    if action == "reply":
        return complaint_reply(complaint=complaint, text=data["text"], actor=actor, now=now)
    if action == "callback":
        callback_record(
            ticket=complaint.ticket,
            result=data["result"],
            note=data.get("note", ""),
            actor=actor,
            now=now,
        )
        return Complaint.objects.select_related("ticket", "category").get(pk=complaint.pk)
    raise TransitionNotAllowed(_("Unknown action %(action)s.") % {"action": action}, field="action")


def complaint_attachment_add(
    *, complaint: Complaint, checked: CheckedFile, actor: User, now: datetime | None = None
) -> Attachment:
    """Keep a file with the complaint (DESIGN §3.14: the customer's photo, a signed letter).
    Raises NotPermitted for a role that may not, GridlineError once the ticket keeps its most
    files."""
    complaint_attach_check(user=actor, complaint=complaint)
    return attachment_add(ticket=complaint.ticket, checked=checked, actor=actor, now=now)
