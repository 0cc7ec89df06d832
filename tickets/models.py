from typing import Final

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


# What the timeline shows for each event kind; later rules add theirs here.
EVENT_KIND_LABELS: Final[dict[str, str]] = {
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
    "incident_etr": _("Restoration time updated"),
    # Complaints (DESIGN §3.5): the steps of COMPLAINT_TRANSITIONS.
    "contact": _("Customer contacted"),
    "judge": _("Complaint judged"),
    "rectify": _("Cause and rectification recorded"),
    "reply": _("Reply sent to the customer"),
    "callback": _("Callback"),
    "major_flagged": _("Major complaint: management told"),
}


class TimelineAppendOnly(Exception):
    """Code tried to change or remove a timeline event: the audit log is append-only."""


class TimelineEventQuerySet(models.QuerySet):
    """Refuses bulk update and delete. Deleting a whole ticket still removes its events:
    Django's cascade deletes them with raw SQL, not through this queryset."""

    def update(self, **kwargs):
        raise TimelineAppendOnly("Timeline events are append-only: they cannot be updated.")

    def delete(self):
        raise TimelineAppendOnly("Timeline events are append-only: they cannot be deleted.")

    update.alters_data = True
    delete.alters_data = True


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

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TimelineAppendOnly("Timeline events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TimelineAppendOnly("Timeline events are append-only: they cannot be deleted.")

    @property
    def label(self) -> str:
        return EVENT_KIND_LABELS.get(self.kind, self.kind)

    @property
    def old_status_label(self) -> str:
        return Ticket.Status(self.old_status).label if self.old_status else ""

    @property
    def new_status_label(self) -> str:
        return Ticket.Status(self.new_status).label if self.new_status else ""


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

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.result} {self.at:%Y-%m-%d %H:%M}"


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


class OutboxMessage(ChoiceLabels, models.Model):
    """A message to send, written in the transaction of the event it reports (DESIGN §3.6).

    A worker claims unsent rows one by one (compare-and-set on `claimed_at`) and
    marks them sent; the dedup key makes the same message to the same
    recipient on the same channel impossible to queue twice.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    # Email only: an HTML alternative to the body, and text files attached as
    # [filename, content, mimetype] (the complaint summary's CSV).
    html_body = models.TextField(_("HTML body"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # e.g. "notice:12:published:13800001234" — event × recipient × channel.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    created_at = models.DateTimeField(_("queued"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # After a failure, not before this time (the backoff doubles with each attempt).
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}: {self.subject or self.body[:40]}"


class Deadline(ChoiceLabels, models.Model):
    """One promise on a ticket (DESIGN §3.6), watched until it is met or the ticket ends.

    The escalation ladder runs on `next_step_at`: the scan claims rows whose
    next step is due, records the step once (DeadlineStep) and moves on to the
    next one, so the schedule lives in the database, never in the broker.
    """

    class Name(models.TextChoices):
        ARRIVE_BY = "arrive_by", _("Crew on site")
        RESTORE_BY = "restore_by", _("Power restored")
        CONTACT_BY = "contact_by", _("Customer contacted")
        REPLY_BY = "reply_by", _("Reply sent")

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


class Notification(models.Model):
    """An in-app notice to a member of staff (the bell in the navigation)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("text"), max_length=500)
    # event × user: the same event never notifies one person twice.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user"),
        ]

    def __str__(self) -> str:
        return self.text


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an Idempotency-Key header, kept 24 hours, so a
    client that retries (a dropped connection, a double click) records one ticket, not two."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("key"), max_length=255)
    # The method, path and body the key was first used with.
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return self.key
