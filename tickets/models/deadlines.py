"""Deadlines and their escalation steps; tickets/escalation.py is the watch that walks them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from grid.models import Department, Station
from tickets.models.ticket import Ticket


class Deadline(ChoiceLabels, models.Model):
    """One promise on a ticket (DESIGN §3.6), watched until it is met or the ticket ends.

    The escalation ladder runs on `next_step_at`: the scan claims rows whose
    next step is due, records the step once (DeadlineStep) and moves on to the
    next one, so the schedule lives in the database, never in the broker.
    """

    class Name(models.TextChoices):
        # Each names the promise and is followed by its time: "Crew on site by 13:33".
        ARRIVE_BY = "arrive_by", _("Crew on site by")
        RESTORE_BY = "restore_by", _("Power restored by")
        CONTACT_BY = "contact_by", _("Customer contacted by")
        REPLY_BY = "reply_by", _("Reply by")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="deadlines"
    )
    name = models.CharField(_("deadline"), max_length=20, choices=Name.choices)
    starts_at = models.DateTimeField(_("counted from"))
    due_at = models.DateTimeField(_("due"))
    # Who holds it, for the first warning: a station's dispatchers or a department.
    station = models.ForeignKey(
        Station,
        verbose_name=_("supply station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=20, blank=True)
    next_step_at = models.DateTimeField(_("next step due"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # The scan's one query: open deadlines by the time their next step is due.
            models.Index(
                fields=["next_step_at"],
                condition=models.Q(closed_at__isnull=True, next_step_at__isnull=False),
                name="deadline_next_step_due",
            ),
            models.Index(fields=["ticket", "name"], name="deadline_ticket"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "name"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_deadline_per_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.name} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_met_in_time(self) -> bool | None:
        """True/False once met; None while open or when the ticket ended unmet."""
        return None if self.met_at is None else self.met_at <= self.due_at


class DeadlineStep(ChoiceLabels, models.Model):
    """One escalation step of one deadline; the unique pair makes a second claim impossible."""

    class Step(models.TextChoices):
        WARNING = "warning", _("Warning")
        OVERDUE = "overdue", _("Overdue")
        MANAGEMENT = "management", _("Escalated to management")

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "step"], name="one_step_per_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.step}"
