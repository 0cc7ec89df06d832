from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from config.transitions import Transition, TransitionTable, allowed_actions
from grid.models import Station
from tickets.messages import render


class Crew(models.Model):
    """A repair crew (抢修班组) of one supply station."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    station = models.ForeignKey(
        Station, verbose_name=_("supply station"), on_delete=models.PROTECT, related_name="crews"
    )
    on_duty = models.BooleanField(_("on duty"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("crew")
        verbose_name_plural = _("crews")

    def __str__(self) -> str:
        return self.name


class CrewMember(models.Model):
    """A crew user's membership: one crew per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="crew_membership",
    )
    crew = models.ForeignKey(
        Crew, verbose_name=_("crew"), on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = _("crew member")
        verbose_name_plural = _("crew members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.crew}"


class Hazard(models.TextChoices):
    """Dangers a caller reports (DESIGN §3.1); the crew sees them first."""

    WIRE_DOWN = "wire_down", _("Wire down")
    FIRE_SMOKE = "fire_smoke", _("Fire or smoke")
    ELECTRIC_SHOCK = "electric_shock", _("Electric shock")
    FLOODING = "flooding", _("Flooding")
    OTHER_DANGER = "other_danger", _("Other danger")


class CauseCode(models.Model):
    """Why the fault happened, as the crew records it on completion; editable in admin."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cause code")
        verbose_name_plural = _("cause codes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        # The seeded names are in the catalogue; names added in admin show as typed.
        return gettext(self.name)


class WorkOrder(ChoiceLabels, models.Model):
    """The crew's unit of field work (抢修单), dispatched to one supply station.

    It serves one repair ticket, or an incident: the repairs app links an
    incident to its order, because repairs sits above dispatch.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a crew")
        ASSIGNED = "assigned", _("Assigned")
        ACCEPTED = "accepted", _("Accepted")
        EN_ROUTE = "en_route", _("On the way")
        ON_SITE = "on_site", _("On site")
        COMPLETED = "completed", _("Completed")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    station = models.ForeignKey(
        Station,
        verbose_name=_("supply station"),
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    crew = models.ForeignKey(
        Crew,
        verbose_name=_("crew"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, editable=False
    )
    # What the crew needs on the road, written by whoever dispatches the order: the address
    # or the device, and the brief. A brief the system writes (the triage, a merge, a
    # callback) stores what it is made of (a message kind and its values) and is written
    # in the reader's language when shown (DESIGN §3.16); a brief typed by a person is kept
    # in `brief` as typed.
    location = models.CharField(_("location"), max_length=255)
    brief = models.TextField(_("brief"), blank=True)
    brief_kind = models.CharField(_("brief kind"), max_length=50, blank=True, db_default="")
    brief_params = models.JSONField(_("brief values"), default=dict, db_default={}, blank=True)
    hazards = models.JSONField(_("hazards"), default=list, blank=True)
    important = models.BooleanField(_("important customer or emergency"), default=False)

    arrive_by = models.DateTimeField(_("crew on site by"))
    # How long the crew has to restore power once on site (DESIGN §3.2).
    restore_within = models.DurationField(_("restore within"))
    restore_by = models.DateTimeField(_("power restored by"), null=True, blank=True)
    arrived_in_time = models.BooleanField(_("arrived in time"), null=True, blank=True)

    cause = models.ForeignKey(
        CauseCode, verbose_name=_("cause"), null=True, blank=True, on_delete=models.PROTECT
    )
    actions = models.TextField(_("actions taken"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)

    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["arrive_by", "pk"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [
            # The station queue and the crew's list: open orders by deadline.
            models.Index(
                fields=["station", "arrive_by"],
                condition=Q(
                    status__in=[
                        "pending",
                        "assigned",
                        "accepted",
                        "en_route",
                        "on_site",
                        "returned",
                    ]
                ),
                name="work_order_open_by_station",
            ),
            models.Index(fields=["crew", "status"], name="work_order_crew_status"),
            models.Index(fields=["station", "status", "-created_at"], name="work_order_station"),
            # The dashboard's work orders of today.
            models.Index(fields=["created_at"], name="work_order_created"),
            # The API's list: a station's orders, open or not, by deadline.
            models.Index(fields=["station", "arrive_by", "id"], name="work_order_station_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.location}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch:work_order", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_WORK_ORDER_STATUSES

    @property
    def brief_text(self) -> str:
        """The brief in the active language (the reader's)."""
        if not self.brief_kind:
            return self.brief
        return render(self.brief_kind, self.brief_params).text

    def allowed_actions(self) -> list[str]:
        """Actions the state allows now; services re-check under the row lock."""
        return allowed_actions(WORK_ORDER_TRANSITIONS, self.status)

    @property
    def hazard_labels(self) -> list[str]:
        return [str(Hazard(h).label) if h in Hazard.values else h for h in self.hazards]

    @property
    def next_crew_step(self) -> str | None:
        """The one forward step a crew takes next (the big button on the phone)."""
        return CREW_NEXT_STEP.get(self.status)


_W = WorkOrder.Status
OPEN_WORK_ORDER_STATUSES: Final[frozenset[str]] = frozenset(
    {_W.PENDING, _W.ASSIGNED, _W.ACCEPTED, _W.EN_ROUTE, _W.ON_SITE, _W.RETURNED}
)
WORK_ORDER_TRANSITIONS: Final[TransitionTable] = {
    # action      allowed from                                          to            stamps
    # (Re)assigning is allowed until the crew is on site: a dispatcher moves
    # an order to a nearer crew, and the new crew accepts afresh.
    "assign":   Transition(frozenset({_W.PENDING, _W.RETURNED, _W.ASSIGNED, _W.ACCEPTED,
                                      _W.EN_ROUTE}), _W.ASSIGNED, "assigned_at"),
    # Pending and returned orders may be taken by a crew of the station
    # directly when GRIDLINE_CREW_TAKES_UNASSIGNED is on.
    "accept":   Transition(frozenset({_W.ASSIGNED, _W.PENDING, _W.RETURNED}), _W.ACCEPTED,
                           "accepted_at"),
    "depart":   Transition(frozenset({_W.ACCEPTED}), _W.EN_ROUTE, "departed_at"),
    "arrive":   Transition(frozenset({_W.EN_ROUTE}), _W.ON_SITE, "arrived_at"),
    "complete": Transition(frozenset({_W.ON_SITE}), _W.COMPLETED, "completed_at"),
    "return":   Transition(frozenset({_W.ASSIGNED, _W.ACCEPTED, _W.EN_ROUTE, _W.ON_SITE}),
                           _W.RETURNED, "returned_at"),
    "cancel":   Transition(OPEN_WORK_ORDER_STATUSES, _W.CANCELLED, "cancelled_at"),
}  # fmt: skip
# A crew adds photos to an order it holds, and to one it has completed (the last photo may
# reach the server after the button was pressed).
PHOTO_STATUSES: Final[frozenset[str]] = frozenset(
    {_W.ASSIGNED, _W.ACCEPTED, _W.EN_ROUTE, _W.ON_SITE, _W.COMPLETED}
)
CREW_ACTIONS: Final[frozenset[str]] = frozenset(
    {"accept", "depart", "arrive", "complete", "return"}
)
CREW_NEXT_STEP: Final[dict[str, str]] = {
    _W.PENDING: "accept",
    _W.RETURNED: "accept",
    _W.ASSIGNED: "accept",
    _W.ACCEPTED: "depart",
    _W.EN_ROUTE: "arrive",
    _W.ON_SITE: "complete",
}


class WorkOrderPhoto(models.Model):
    """A crew's photo of a work order (DESIGN §3.14). The file is a tickets.Attachment, on
    the order's ticket (or, for an incident's order, on none); this row, kept here because
    dispatch sits above tickets, says which order it shows."""

    attachment = models.OneToOneField(
        "tickets.Attachment",
        verbose_name=_("attachment"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="work_order_photo",
    )
    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT, related_name="photos"
    )

    class Meta:
        verbose_name = _("work order photo")
        verbose_name_plural = _("work order photos")
        indexes = [models.Index(fields=["work_order", "attachment"], name="work_order_photo")]

    def __str__(self) -> str:
        return f"#{self.work_order_id}: {self.attachment_id}"
