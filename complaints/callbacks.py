"""What a complaint's callback (回访) leads to, through the complaint's own table (DESIGN
§3.5); tickets.callbacks records the callback and calls this (registered in ComplaintsConfig).

Lock order: tickets.callbacks locks the ticket first and this the complaint second, the other
way round from the complaint's other steps. That cannot deadlock: only a replied complaint
is locked here, and from replied every other step is refused before it reaches for the
ticket.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from complaints import notices, selectors
from complaints.deadlines import reply_by
from complaints.models import COMPLAINT_TRANSITIONS, Complaint, callback_target
from complaints.services import CALENDAR_YEARS_AHEAD, complaint_lock
from config.errors import NotPermitted
from tickets.models import Callback, Deadline, Kind, Ticket, TimelineEvent
from tickets.services import deadline_open, ticket_transition

_C = Complaint.Status


class ComplaintCallbacks:
    """A replied complaint waits for its callback. Satisfied or basically satisfied closes it;
    unsatisfied reopens it to rectifying with a new reply deadline; the
    GRIDLINE_CALLBACK_UNREACHABLE_LIMIT-th unreachable since the reply closes it as
    unreachable. The note is optional, whatever the result (DESIGN §5.2)."""

    kind = Kind.COMPLAINT

    def check(self, *, result: str, note: str) -> None:
        """Any result, with or without a note."""

    def waiting(self, ticket: Ticket) -> bool:
        status = Complaint.objects.filter(pk=ticket.pk).values_list("status", flat=True).first()
        return status in COMPLAINT_TRANSITIONS["callback"].sources

    def prepare(
        self,
        *,
        ticket: Ticket,
        result: str,
        unreachable_count: int,
        actor: User | None,
        now: datetime,
    ) -> dict[str, Any]:
        """The complaint moves as callback_target() says; the event carries its statuses and,
        when it reopens, the new reply_by. Raises NotPermitted for a role that may not call."""
        if actor is None:
            # Only a person calls a complainant back: a step with no one acting is refused.
            raise NotPermitted(_("Your role cannot do this to a complaint."))
        # A complaint's key is its ticket's: the lock re-reads it by that alone.
        complaint, old = complaint_lock(
            complaint=Complaint(pk=ticket.pk), action="callback", actor=actor
        )
        target = callback_target(
            result,
            unreachable_count=unreachable_count,
            limit=settings.GRIDLINE_CALLBACK_UNREACHABLE_LIMIT,
        )
        data: dict[str, Any] = {"from": old, "to": target}
        fields = ["status"]
        if target == _C.CLOSED:
            complaint.closed_as = result
            fields.append("closed_as")
        elif target == _C.RECTIFYING:
            fields += _reopen(complaint, now=now)
            data["reply_by"] = complaint.reply_by.isoformat()
        complaint.status = target
        complaint.save(update_fields=fields)
        return data

    def __call__(
        self,
        *,
        callback: Callback,
        event: TimelineEvent,
        unreachable_count: int,
        actor: User | None,
        now: datetime,
    ) -> None:
        """The ticket follows the complaint: closed with it, or back in progress with the new
        reply deadline watched and the department told."""
        complaint = Complaint.objects.select_related("ticket").get(pk=callback.ticket_id)
        if complaint.status == _C.CLOSED:
            ticket_transition(ticket=complaint.ticket, action="close", actor=actor, now=now)
        elif complaint.status == _C.RECTIFYING:
            ticket = ticket_transition(
                ticket=complaint.ticket, action="reopen", actor=actor, now=now
            )
            deadline_open(
                ticket=ticket,
                name=Deadline.Name.REPLY_BY,
                starts_at=now,
                due_at=complaint.reply_by,
                department_id=ticket.department_id,
            )
            notices.department_notify(complaint, event, now=now)


complaint_callbacks = ComplaintCallbacks()


def _reopen(complaint: Complaint, *, now: datetime) -> list[str]:
    """A new reply window, counted from the unsatisfied callback by the channel's rule."""
    first_year = timezone.localdate(now).year
    calendar = selectors.calendar_load(years=range(first_year, first_year + CALENDAR_YEARS_AHEAD))
    ticket = complaint.ticket
    complaint.reply_by, fallback = reply_by(
        now, channel=ticket.channel, is_report=complaint.is_report, calendar=calendar
    )
    complaint.reply_by_fallback = bool(fallback)
    complaint.due_at = complaint.reply_by
    complaint.reopen_count += 1
    if fallback:
        notices.calendar_missing_warn(years=fallback, now=now)
    return ["reply_by", "reply_by_fallback", "due_at", "reopen_count"]
