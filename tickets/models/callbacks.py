"""The callback rows; tickets/callbacks.py is the one service that writes them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from tickets.models.ticket import Ticket


class CallbackResult(models.TextChoices):
    """What a callback heard (DESIGN §3.5)."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    UNREACHABLE = "unreachable", _("Unreachable")


class Callback(ChoiceLabels, models.Model):
    """One callback (回访) to a ticket's customer: who called, when, and what they heard.

    Written only by tickets.callbacks.callback_record, one row per call made; the last one
    recorded is the ticket's callback result in the reports.
    """

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="callbacks"
    )
    result = models.CharField(_("result"), max_length=20, choices=CallbackResult.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [
            # The agent figures count the callbacks of a period (dashboards/agents.py).
            models.Index(fields=["at"], name="callback_at"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.result} {self.at:%Y-%m-%d %H:%M}"
