from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from config.transitions import Transition, TransitionTable, allowed_actions
from dispatch.models import CauseCode, WorkOrder
from grid.models import Feeder, Station, Transformer
from repairs.triage import Breaker, FaultSide, Hazard, Outcome, Scope
from tickets.models import Ticket


class OutageNotice(ChoiceLabels, models.Model):
    """An announced outage or supply restriction on feeders and/or transformers (DESIGN §3.4)."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned maintenance")
        TEMPORARY = "temporary", _("Temporary outage")
        RESTRICTION = "restriction", _("Supply restriction")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    feeders = models.ManyToManyField(
        Feeder, verbose_name=_("feeders"), blank=True, related_name="outage_notices"
    )
    transformers = models.ManyToManyField(
        Transformer, verbose_name=_("transformers"), blank=True, related_name="outage_notices"
    )
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Published (or moved) with less notice than the rules ask (DESIGN §3.4).
    late_notice = models.BooleanField(_("late notice"), default=False)
    # The one station whose devices it names; null when it spans stations
    # (then only supervisors may change it).
    station = models.ForeignKey(
        Station,
        verbose_name=_("supply station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    # Set when the customers were reminded before the start (claimed once).
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("outage notice")
        verbose_name_plural = _("outage notices")
        indexes = [
            models.Index(
                fields=["ends_at", "starts_at"],
                condition=Q(cancelled_at__isnull=True),
                name="notice_current",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="notice_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("repairs:notice_edit", kwargs={"pk": self.pk})


class Incident(ChoiceLabels, models.Model):
    """One outage that many repair calls report (DESIGN §3.3), on a transformer or a feeder."""

    class Level(models.TextChoices):
        TRANSFORMER = "transformer", _("Transformer")
        FEEDER = "feeder", _("Feeder")

    class Status(models.TextChoices):
        DETECTED = "detected", _("Detected")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESTORED = "restored", _("Restored")
        ABSORBED = "absorbed", _("Absorbed into a feeder incident")
        # "Not an outage": its callers' reports are dispatched each on its own (DESIGN §3.10).
        DISMISSED = "dismissed", _("Dismissed: not an outage")

    class Source(models.TextChoices):
        """Where the incident came from (DESIGN §3.10)."""

        CALLS = "calls", _("Calls")
        DECLARED = "declared", _("Declared")
        GRID_EVENT = "grid_event", _("Grid event")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DETECTED,
        editable=False,
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=Source.choices,
        default=Source.CALLS,
        editable=False,
    )
    station = models.ForeignKey(
        Station, verbose_name=_("supply station"), on_delete=models.PROTECT, related_name="+"
    )
    feeder = models.ForeignKey(
        Feeder, verbose_name=_("feeder"), on_delete=models.PROTECT, related_name="incidents"
    )
    # Set for transformer incidents; a feeder incident covers the whole feeder.
    transformer = models.ForeignKey(
        Transformer,
        verbose_name=_("transformer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    absorbed_into = models.ForeignKey(
        "self",
        verbose_name=_("absorbed into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
    )
    # The one work order the incident's reports share (DESIGN §3.3).
    work_order = models.OneToOneField(
        WorkOrder,
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident",
    )
    etr = models.DateTimeField(_("estimated restoration"), null=True, blank=True)
    cause = models.ForeignKey(
        CauseCode, verbose_name=_("cause"), null=True, blank=True, on_delete=models.PROTECT
    )
    cause_note = models.TextField(_("what was done"), blank=True)
    created_at = models.DateTimeField(_("detected"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
    # A declared incident: who declared it, what they wrote, and whether every premise
    # under the device was texted (then they hear when power is back, too).
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    premises_notified = models.BooleanField(_("every premise texted"), default=False)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    dismiss_reason = models.TextField(_("why it is not an outage"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            # Two reports at the same instant must never open two incidents on one device.
            models.UniqueConstraint(
                fields=["transformer"],
                condition=Q(level="transformer", status__in=["detected", "acknowledged"]),
                name="one_active_incident_per_transformer",
            ),
            models.UniqueConstraint(
                fields=["feeder"],
                condition=Q(level="feeder", status__in=["detected", "acknowledged"]),
                name="one_active_incident_per_feeder",
            ),
            models.CheckConstraint(
                condition=Q(level="feeder") | Q(transformer__isnull=False),
                name="transformer_incident_has_transformer",
            ),
        ]
        indexes = [models.Index(fields=["station", "status"], name="incident_station_status")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.device_code}"

    def get_absolute_url(self) -> str:
        return reverse("repairs:incident_detail", kwargs={"pk": self.pk})

    @property
    def device_code(self) -> str:
        if self.level == self.Level.FEEDER:
            return self.feeder.code
        assert self.transformer is not None  # constraint transformer_incident_has_transformer
        return self.transformer.code

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_INCIDENT_STATUSES

    def allowed_actions(self) -> list[str]:
        """Actions the state allows now; services re-check under the row lock."""
        return allowed_actions(INCIDENT_TRANSITIONS, self.status)

    @property
    def stage(self) -> "Stage":
        """Where the crew is, as an agent or the IVR tells the caller (DESIGN §3.10)."""
        if self.status == Incident.Status.RESTORED:
            return Stage.RESTORED
        return order_stage(self.work_order)


class Stage(models.TextChoices):
    """The crew's progress on an outage, in the words a caller is told."""

    REPORTED = "reported", _("Reported, no crew yet")
    CREW_ASSIGNED = "crew_assigned", _("Crew assigned")
    EN_ROUTE = "en_route", _("Crew on the way")
    ON_SITE = "on_site", _("Crew on site")
    RESTORED = "restored", _("Power restored")


_W = WorkOrder.Status
_STAGE_OF_ORDER: Final[dict[str, Stage]] = {
    _W.ASSIGNED: Stage.CREW_ASSIGNED,
    _W.ACCEPTED: Stage.CREW_ASSIGNED,
    _W.EN_ROUTE: Stage.EN_ROUTE,
    _W.ON_SITE: Stage.ON_SITE,
    _W.COMPLETED: Stage.RESTORED,
}


def order_stage(order: WorkOrder | None) -> Stage:
    """Where the crew of a work order is, in the words a caller is told (DESIGN §3.10)."""
    if order is None:
        return Stage.REPORTED
    return _STAGE_OF_ORDER.get(order.status, Stage.REPORTED)


_I = Incident.Status
ACTIVE_INCIDENT_STATUSES: Final[frozenset[str]] = frozenset({_I.DETECTED, _I.ACKNOWLEDGED})
INCIDENT_TRANSITIONS: Final[TransitionTable] = {
    # action         allowed from                  to               stamps
    # A crew has taken the incident's work order.
    "acknowledge": Transition(frozenset({_I.DETECTED}), _I.ACKNOWLEDGED, "acknowledged_at"),
    "restore":     Transition(ACTIVE_INCIDENT_STATUSES, _I.RESTORED,     "restored_at"),
    # A transformer incident becomes part of its feeder's incident (DESIGN §3.3).
    "absorb":      Transition(ACTIVE_INCIDENT_STATUSES, _I.ABSORBED),
    # "Not an outage" (DESIGN §3.10): its tickets are triaged again, each on its own.
    "dismiss":     Transition(ACTIVE_INCIDENT_STATUSES, _I.DISMISSED,    "dismissed_at"),
}  # fmt: skip


class EtrChange(models.Model):
    """One estimate of when an incident's power is back: its ETR history (DESIGN §3.10)."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="etr_changes"
    )
    etr = models.DateTimeField(_("estimated restoration"))
    at = models.DateTimeField(_("set at"))
    # Null for the rules' default and for the system.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The default a new incident gets until someone estimates (never texted).
    is_default = models.BooleanField(_("default"), default=False)
    # Whether the callers were texted this estimate: the next move is measured from it.
    notified = models.BooleanField(_("customers texted"), default=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("ETR change")
        verbose_name_plural = _("ETR changes")
        indexes = [models.Index(fields=["incident", "-at"], name="etr_change_incident_at")]

    def __str__(self) -> str:
        return f"#{self.incident_id} {self.etr:%Y-%m-%d %H:%M}"


class IncidentPart(models.Model):
    """One transformer of a feeder incident, restored on its own (DESIGN §3.10 partial
    restoration): the incident stays active until its last part is restored."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="parts"
    )
    transformer = models.ForeignKey(
        Transformer, verbose_name=_("transformer"), on_delete=models.PROTECT, related_name="+"
    )
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("restored by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cause = models.ForeignKey(
        CauseCode, verbose_name=_("cause"), null=True, blank=True, on_delete=models.PROTECT
    )
    cause_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        # Created in the order of the transformers' codes.
        ordering = ["pk"]
        verbose_name = _("incident part")
        verbose_name_plural = _("incident parts")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "transformer"], name="one_part_per_incident_transformer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.transformer_id}"


class Repair(ChoiceLabels, models.Model):
    """The triage of a repair ticket: the caller's answers, the outcome and its deadlines."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="repair",
    )
    scope = models.CharField(_("who is without power"), max_length=20, choices=Scope.choices)
    breaker = models.CharField(_("terminal-box breaker"), max_length=20, choices=Breaker.choices)
    high_power_load = models.BooleanField(_("high-power appliance in use"), default=False)
    equipment_in_use = models.CharField(_("equipment in use"), max_length=200, blank=True)
    fault_side = models.CharField(_("fault side"), max_length=20, choices=FaultSide.choices)
    hazards = models.JSONField(_("hazards"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("what the caller was told"), blank=True)
    likely_cause = models.CharField(_("likely cause"), max_length=100, blank=True)
    notice = models.ForeignKey(
        OutageNotice,
        verbose_name=_("outage notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repairs",
    )
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repairs",
    )
    arrive_by = models.DateTimeField(_("crew on site by"), null=True, blank=True)
    # Power went off again within hours of this incident's restoration (DESIGN §3.10).
    nested_of = models.ForeignKey(
        Incident,
        verbose_name=_("off again after incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nested_repairs",
    )

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.outcome}"

    @property
    def hazard_labels(self) -> list[str]:
        return [str(Hazard(h).label) for h in self.hazards]
