"""The daily rollup behind the dashboard's trends and the station report (issue #8).

Each row holds the numbers of one closed local day, one station (null: tickets without
a station) and one breakdown (ticket kind, area type, complaint category). Rows are
never edited one by one: dashboards.services.rollup_refresh deletes a range of days and
writes them again from dashboards.daily, the same queries the dashboard runs live for
the days the rollup does not cover yet (today), so the two cannot disagree.

Every number is counted on the day its row was created (a cohort): a work order created
on Monday and completed on Tuesday counts for Monday. Later changes to it (arrival,
completion, a callback) change Monday's numbers, which the next refresh writes again.
"""

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from grid.models import Station


class TicketDay(models.Model):
    """Tickets of one kind created on one day at one station, and the urges recorded that day."""

    day = models.DateField(_("day"))
    station = models.ForeignKey(
        Station,
        verbose_name=_("supply station"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20)
    created = models.PositiveIntegerField(_("tickets created"), default=0)
    # Urges are counted on the day they were recorded, on tickets of this kind and station.
    urges = models.PositiveIntegerField(_("urges"), default=0)

    class Meta:
        ordering = ["day", "station", "kind"]
        verbose_name = _("tickets of a day")
        verbose_name_plural = _("tickets by day")
        indexes = [
            models.Index(fields=["day"], name="ticket_day_day"),
            models.Index(fields=["station", "day"], name="ticket_day_station"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.station_id} {self.kind}: {self.created}"


class WorkOrderDay(models.Model):
    """Work orders created on one day at one station for one area type, and how they went."""

    day = models.DateField(_("day"))
    station = models.ForeignKey(
        Station, verbose_name=_("supply station"), on_delete=models.CASCADE, related_name="+"
    )
    # The premise's area type; an incident's order takes its first report's. Empty: unknown.
    area_type = models.CharField(_("area type"), max_length=10, blank=True)
    work_orders = models.PositiveIntegerField(_("work orders"), default=0)
    # Arrival compliance: orders whose arrive_by has passed or whose crew has arrived
    # (cancelled orders that never saw a crew are left out), and those on site in time.
    arrivals_due = models.PositiveIntegerField(_("arrivals due"), default=0)
    arrivals_met = models.PositiveIntegerField(_("arrivals in time"), default=0)
    # Averages are sums and counts, so days and stations add up exactly.
    arrivals = models.PositiveIntegerField(_("arrivals"), default=0)
    arrival_seconds = models.BigIntegerField(_("seconds to arrive"), default=0)
    restorations = models.PositiveIntegerField(_("restorations"), default=0)
    restoration_seconds = models.BigIntegerField(_("seconds to restore"), default=0)
    returns = models.PositiveIntegerField(_("returned orders"), default=0)

    class Meta:
        ordering = ["day", "station", "area_type"]
        verbose_name = _("work orders of a day")
        verbose_name_plural = _("work orders by day")
        indexes = [
            models.Index(fields=["day"], name="work_order_day_day"),
            models.Index(fields=["station", "day"], name="work_order_day_station"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.station_id} {self.area_type}: {self.work_orders}"


# A row's counts, which add up across days and stations (the rest of the row is its key).
WORK_ORDER_DAY_SUMS = (
    "work_orders",
    "arrivals_due",
    "arrivals_met",
    "arrivals",
    "arrival_seconds",
    "restorations",
    "restoration_seconds",
    "returns",
)


class ComplaintDay(models.Model):
    """Complaints of one category received on one day against one station: how they were
    judged and what the last callback heard."""

    day = models.DateField(_("day"))
    station = models.ForeignKey(
        Station,
        verbose_name=_("supply station"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=32)
    complaints = models.PositiveIntegerField(_("complaints"), default=0)
    valid = models.PositiveIntegerField(_("valid"), default=0)
    partially_valid = models.PositiveIntegerField(_("partially valid"), default=0)
    not_valid = models.PositiveIntegerField(_("not valid"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    unsatisfied = models.PositiveIntegerField(_("unsatisfied"), default=0)
    unreachable = models.PositiveIntegerField(_("unreachable"), default=0)

    class Meta:
        ordering = ["day", "station", "category"]
        verbose_name = _("complaints of a day")
        verbose_name_plural = _("complaints by day")
        indexes = [
            models.Index(fields=["day"], name="complaint_day_day"),
            models.Index(fields=["station", "day"], name="complaint_day_station"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.station_id} {self.category}: {self.complaints}"


COMPLAINT_DAY_SUMS = (
    "complaints",
    "valid",
    "partially_valid",
    "not_valid",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "unreachable",
)


class RollupState(models.Model):
    """The rollup's one bookkeeping row: which days it holds, and when it was last written.

    Days up to `fresh_through` were counted after they had ended; the dashboard reads them
    from the rollup and counts every later day live. The refresh locks this row, so two
    workers never write the same days at once.
    """

    fresh_through = models.DateField(_("complete through"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("last refreshed"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup state")

    def __str__(self) -> str:
        return f"through {self.fresh_through}"


# Any one of the three rollups, for code that treats them alike.
RollupDay = TypeVar("RollupDay", TicketDay, WorkOrderDay, ComplaintDay)
