"""The ticket: its kinds, channels, priorities, statuses and transition table, and its number."""

from typing import Final, NamedTuple

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from config.transitions import Transition, TransitionTable, allowed_actions
from grid.models import Customer, Department, Premise, Station


class Kind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    COMPLAINT = "complaint", _("Complaint")
    CONSULTATION = "consultation", _("Consultation")
    SERVICE_REQUEST = "service_request", _("Service request")
    OPINION = "opinion", _("Opinion or suggestion")
    PRAISE = "praise", _("Praise")


# The letter that starts a ticket's number, e.g. R20261126-000042 for a repair.
NUMBER_PREFIX: Final[dict[str, str]] = {
    Kind.REPAIR: "R",
    Kind.COMPLAINT: "C",
    Kind.CONSULTATION: "Q",
    Kind.SERVICE_REQUEST: "S",
    Kind.OPINION: "O",
    Kind.PRAISE: "P",
}


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline (95598)")
    WEB = "web", _("Web")
    APP = "app", _("App")
    REGULATOR_12398 = "regulator_12398", _("Energy regulator (12398)")
    GOVERNMENT_12345 = "government_12345", _("City government (12345)")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


# Highest first; an urge moves a ticket one place towards the front.
PRIORITY_ORDER: Final[list[str]] = [
    Priority.URGENT,
    Priority.HIGH,
    Priority.NORMAL,
    Priority.LOW,
]


class Holder(NamedTuple):
    """Who holds an open ticket (DESIGN §3.9): a station, a department, or neither: the
    supervisors."""

    station_id: int | None = None
    department_id: int | None = None


class Ticket(ChoiceLabels, models.Model):
    """One customer request of one kind, with number, status, priority, deadlines and timeline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE
    )
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    premise = models.ForeignKey(
        Premise,
        verbose_name=_("premise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # The station that holds the ticket: from the premise, or named by a supervisor.
    station = models.ForeignKey(
        Station,
        verbose_name=_("supply station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # The open ticket this one repeated, once cancelled as its duplicate (DESIGN §3.9).
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    urge_count = models.PositiveIntegerField(_("urges"), default=0, editable=False)
    # The unreachable callbacks that count towards GRIDLINE_CALLBACK_UNREACHABLE_LIMIT
    # (tickets/callbacks.py); a complaint's reply starts the count again.
    unreachable_count = models.PositiveSmallIntegerField(
        _("unreachable callbacks"), default=0, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["customer", "status"], name="ticket_customer_status"),
            models.Index(fields=["station", "status", "-created_at"], name="ticket_station_status"),
            models.Index(fields=["caller_phone"], name="ticket_caller_phone"),
            models.Index(fields=["kind", "status", "-created_at"], name="ticket_kind_status"),
            # The dashboard's "today, by kind".
            models.Index(fields=["kind", "created_at"], name="ticket_kind_created"),
            # The ticket list filtered by status, newest first (its page and its capped count).
            models.Index(fields=["status", "-created_at", "-id"], name="ticket_status_recent"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", kwargs={"number": self.number})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def holder(self) -> Holder:
        """A complaint is its department's (a station is only ever at fault in one); any
        other kind its station's, else its department's; with neither, the supervisors'."""
        if self.kind == Kind.COMPLAINT:
            return Holder(department_id=self.department_id)
        if self.station_id is not None:
            return Holder(station_id=self.station_id)
        return Holder(department_id=self.department_id)

    def allowed_actions(self) -> list[str]:
        """Actions the UI may offer now; services still re-check under the row lock."""
        return allowed_actions(TICKET_TRANSITIONS, self.status)


_S = Ticket.Status
OPEN_STATUSES: Final[frozenset[str]] = frozenset({_S.OPEN, _S.IN_PROGRESS})
TICKET_TRANSITIONS: Final[TransitionTable] = {
    # action     allowed from                                   to
    "start":   Transition(frozenset({_S.OPEN}), _S.IN_PROGRESS),
    "resolve": Transition(frozenset({_S.OPEN, _S.IN_PROGRESS}), _S.RESOLVED),
    "close":   Transition(frozenset({_S.RESOLVED}), _S.CLOSED),
    "reopen":  Transition(frozenset({_S.RESOLVED, _S.CLOSED}), _S.IN_PROGRESS),
    "cancel":  Transition(frozenset({_S.OPEN, _S.IN_PROGRESS}), _S.CANCELLED),
}  # fmt: skip


class TicketCounter(models.Model):
    """The last number given out per prefix and day; bumped by one atomic upsert."""

    prefix = models.CharField(max_length=4)
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="ticket_counter_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d}: {self.value}"
