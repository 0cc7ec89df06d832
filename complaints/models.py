"""Complaints (DESIGN §3.5): the complaint beside its ticket, its categories, the working-day
calendar its reply deadline counts on, and the summaries stored for management.

A complaint walks its own table (COMPLAINT_TRANSITIONS); the ticket it belongs to follows
with the ticket's table, so lists, urges and the deadline watch see one ticket like any other:

| complaint status                | ticket status | why                                            |
| ------------------------------- | ------------- | ---------------------------------------------- |
| received                        | open          | recorded, nobody has called the customer yet   |
| contacted, judged, rectifying   | in_progress   | being handled                                  |
| replied                         | resolved      | answered; the callback follows (DESIGN §5.2)   |
| closed                          | closed        | the callback closed it (or the third miss)     |

An unsatisfied callback reopens the ticket (resolved → in_progress) with the complaint.
"""

from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from config.transitions import Transition, TransitionTable, allowed_actions
from tickets.models import CallbackResult, Ticket


class Category(models.Model):
    """A complaint category (DESIGN §3.5); editable in admin, seeded by a data migration."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        # The seeded names are in the catalogue; names added in admin show as typed.
        return gettext(self.name)


class CalendarYear(models.Model):
    """A year whose public holidays and make-up working days (调休) are known, with the source.

    A year without a row here counts Monday to Friday as working days, and the
    administrators are warned (complaints.notices.calendar_missing_warn).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.TextField(_("source"), help_text=_("The official notice the dates come from."))

    class Meta:
        ordering = ["year"]
        verbose_name = _("working-day calendar year")
        verbose_name_plural = _("working-day calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(ChoiceLabels, models.Model):
    """A date unlike its weekday: a public holiday, or a weekend day worked (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day")

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Complaint(ChoiceLabels, models.Model):
    """A complaint ticket's own facts (DESIGN §3.5): deadlines, judgement, rectification, reply,
    what the callbacks did. The ticket carries the channel, caller, customer, department and
    station; its callbacks are tickets.Callback rows."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONTACTED = "contacted", _("Customer contacted")
        JUDGED = "judged", _("Judged")
        RECTIFYING = "rectifying", _("Rectifying")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", _("Closed")

    class Validity(models.TextChoices):
        VALID = "valid", _("Valid")
        PARTIALLY_VALID = "partially_valid", _("Partially valid")
        NOT_VALID = "not_valid", _("Not valid")

    class Closure(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
        UNREACHABLE = "unreachable", _("Customer unreachable")
        DUPLICATE = "duplicate", _("Cancelled as a duplicate")

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="complaint",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, editable=False
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="complaints"
    )
    is_report = models.BooleanField(_("report (举报)"), default=False)
    major = models.BooleanField(_("major complaint"), default=False)
    major_reason = models.CharField(_("why it is major"), max_length=255, blank=True)
    # As the caller gave it, whether or not a customer has that account.
    account_no = models.CharField(_("account number given"), max_length=32, blank=True)

    contact_by = models.DateTimeField(_("contact the customer by"))
    reply_by = models.DateTimeField(_("reply by"))
    # reply_by counted Monday to Friday: a year it spans has no calendar.
    reply_by_fallback = models.BooleanField(_("reply deadline without calendar"), default=False)
    # The deadline the complaint runs against now (contact_by, then reply_by); empty once replied.
    due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)

    contacted_at = models.DateTimeField(_("customer contacted"), null=True, blank=True)
    contact_note = models.TextField(_("first contact"), blank=True)

    validity = models.CharField(_("validity"), max_length=20, choices=Validity.choices, blank=True)
    judgement_reason = models.TextField(_("reason for the judgement"), blank=True)
    judged_at = models.DateTimeField(_("judged"), null=True, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    cause = models.TextField(_("cause"), blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    rectified_at = models.DateTimeField(_("rectification recorded"), null=True, blank=True)

    reply_text = models.TextField(_("reply to the customer"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)

    # The callbacks themselves are tickets.Callback rows (tickets/callbacks.py); the complaint
    # keeps what they did to it: how often they reopened it and how it was closed.
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    closed_as = models.CharField(_("closed as"), max_length=20, choices=Closure.choices, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # The queues: open complaints by the deadline they run against.
            models.Index(
                fields=["due_at"], condition=Q(due_at__isnull=False), name="complaint_due"
            ),
            models.Index(fields=["status"], name="complaint_status"),
        ]

    def __str__(self) -> str:
        return str(self.ticket_id)

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", kwargs={"number": self.ticket.number})

    def allowed_actions(self) -> list[str]:
        """Actions the state allows now; services re-check under the row lock."""
        return allowed_actions(COMPLAINT_TRANSITIONS, self.status)

    @property
    def due_name(self) -> str:
        """Which deadline due_at is: contact_by before the first contact, reply_by after."""
        if self.due_at is None:
            return ""
        return "contact_by" if self.status == self.Status.RECEIVED else "reply_by"

    def is_overdue(self, now) -> bool:
        return self.due_at is not None and self.due_at < now


_C = Complaint.Status
COMPLAINT_TRANSITIONS: Final[TransitionTable] = {
    # action      allowed from                                  to
    "contact":  Transition(frozenset({_C.RECEIVED}),              _C.CONTACTED),
    # Judging again before rectification starts hands it to another department.
    "judge":    Transition(frozenset({_C.CONTACTED, _C.JUDGED}),  _C.JUDGED),
    # Rectifying again updates the record (after an unsatisfied callback, say).
    "rectify":  Transition(frozenset({_C.JUDGED, _C.RECTIFYING}), _C.RECTIFYING),
    "reply":    Transition(frozenset({_C.RECTIFYING}),            _C.REPLIED),
    # The result decides where a callback leads: callback_target().
    "callback": Transition(frozenset({_C.REPLIED}),               _C.REPLIED),
}  # fmt: skip
OPEN_COMPLAINT_STATUSES: Final[frozenset[str]] = frozenset(set(_C.values) - {_C.CLOSED})

_R = CallbackResult
CALLBACK_TARGETS: Final[dict[str, str]] = {
    _R.SATISFIED: _C.CLOSED,
    _R.BASICALLY_SATISFIED: _C.CLOSED,
    _R.UNSATISFIED: _C.RECTIFYING,
    _R.UNREACHABLE: _C.REPLIED,
}


def callback_target(result: str, *, unreachable_count: int, limit: int) -> str:
    """Where a callback leads; `unreachable_count` counts this one. The limit-th miss closes."""
    if result == _R.UNREACHABLE and unreachable_count >= limit:
        return _C.CLOSED
    return CALLBACK_TARGETS[result]


class ComplaintSummary(ChoiceLabels, models.Model):
    """One period's complaint numbers for management (DESIGN §3.5); one per period, rebuilt
    in place, so the history of summaries is the table itself."""

    class Period(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    data = models.JSONField(_("numbers"), default=dict)
    created_at = models.DateTimeField(_("first built"))
    built_at = models.DateTimeField(_("last built"))

    class Meta:
        ordering = ["-starts_on", "period"]
        verbose_name = _("complaint summary")
        verbose_name_plural = _("complaint summaries")
        constraints = [
            models.UniqueConstraint(fields=["period", "starts_on"], name="one_summary_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.starts_on}–{self.ends_on}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:summary", kwargs={"pk": self.pk})
