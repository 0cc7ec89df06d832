"""The ticket's timeline: the append-only audit log, and what each event kind is called."""

from typing import Any, Final, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from tickets.models.ticket import Ticket

# What the timeline shows for each event kind; later rules add theirs here.
EVENT_KIND_LABELS: Final[dict[str, StrPromise]] = {
    "created": _("Recorded"),
    "start": _("Taken in hand"),
    "resolve": _("Resolved"),
    "close": _("Closed"),
    "reopen": _("Reopened"),
    "cancel": _("Cancelled"),
    # Work-order steps (dispatch), recorded on the ticket the order serves.
    "dispatched": _("Dispatched to the station"),
    "assign": _("Crew assigned"),
    "accept": _("Crew accepted"),
    "depart": _("Crew on the way"),
    "arrive": _("Crew on site"),
    "complete": _("Work completed"),
    "return": _("Work order returned"),
    "work_order_cancelled": _("Work order cancelled"),
    "merged": _("Work order merged into the incident's"),
    # The deadline watch (DESIGN §3.6); data.deadline names the deadline.
    "sla_warning": _("Deadline warning"),
    "sla_overdue": _("Overdue: escalated to the supervisors"),
    "sla_escalated": _("Escalated to management"),
    "urged": _("Urged"),
    # Repairs: triage and incidents.
    "triaged": _("Triaged"),
    "incident_attached": _("Attached to an incident"),
    "incident_acknowledged": _("Crew has taken the incident"),
    "etr_changed": _("Restoration time updated"),
    "incident_dismissed": _("Incident dismissed: not an outage"),
    # Complaints (DESIGN §3.5): the steps of COMPLAINT_TRANSITIONS.
    "contact": _("Customer contacted"),
    "judge": _("Complaint judged"),
    "rectify": _("Cause and rectification recorded"),
    "reply": _("Reply sent to the customer"),
    "callback": _("Callback"),
    "major_flagged": _("Major complaint: management told"),
    # Field evidence (DESIGN §3.14): a crew's photo or a complaint's file.
    "attachment_added": _("File added"),
    # The holder's steps (DESIGN §3.9, tickets/handling.py).
    "taken": _("Taken in hand by the holder"),
    "transferred": _("Transferred"),
    "replied": _("Replied to the customer"),
    "returned": _("Returned to the supervisors"),
    "duplicate_linked": _("A duplicate of it was cancelled"),
    # Two-way SMS (DESIGN §3.12): the customer's text is the note.
    "sms_received": _("SMS from the customer"),
}


class TimelineAppendOnly(Exception):
    """Code tried to change or remove a timeline event: the audit log is append-only."""


class TimelineEventQuerySet(models.QuerySet):
    """Refuses bulk update and delete. Deleting a whole ticket still removes its events:
    Django's cascade deletes them with raw SQL, not through this queryset."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise TimelineAppendOnly("Timeline events are append-only: they cannot be updated.")

    def delete(self) -> NoReturn:
        raise TimelineAppendOnly("Timeline events are append-only: they cannot be deleted.")


class TimelineEvent(models.Model):
    """One entry of a ticket's timeline: the audit log. Append-only."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=40)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    old_status = models.CharField(_("old status"), max_length=20, blank=True)
    new_status = models.CharField(_("new status"), max_length=20, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["ticket", "at"], name="event_ticket_at"),
            # The dashboard's urges today.
            models.Index(fields=["at"], condition=models.Q(kind="urged"), name="event_urged_at"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TimelineAppendOnly("Timeline events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TimelineAppendOnly("Timeline events are append-only: they cannot be deleted.")

    @property
    def label(self) -> str:
        return str(EVENT_KIND_LABELS.get(self.kind, self.kind))

    @property
    def old_status_label(self) -> str:
        return str(Ticket.Status(self.old_status).label) if self.old_status else ""

    @property
    def new_status_label(self) -> str:
        return str(Ticket.Status(self.new_status).label) if self.new_status else ""
