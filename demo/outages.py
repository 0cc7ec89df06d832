"""Plans the demo's outages: the callers' cluster, the stations' outage notices and the
incidents a dispatcher declares.

Nothing here writes to the database: the replay publishes the notices and declares the
incidents (demo/replay.py).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from demo.data.grid import PremisePlan
from demo.data.week import DECLARED_NOTES, DISMISS_REASON, NOTICE_REASONS
from demo.grid import GridPlan
from grid.models import AreaType
from repairs.models import OutageNotice

if TYPE_CHECKING:
    from demo.tickets import TicketPlan


@dataclass
class NoticePlan:
    """One outage notice, as a station's dispatcher fills in the form."""

    kind: str
    station_code: str  # whose dispatcher publishes it
    feeder_codes: list[str]
    transformer_codes: list[str]
    published_at: datetime
    starts_at: datetime
    ends_at: datetime
    reason: str

    def form_data(self) -> dict[str, Any]:
        """The fields repairs.forms.OutageNoticeForm reads."""
        return {
            "kind": self.kind,
            "feeder_codes": self.feeder_codes,
            "transformer_codes": self.transformer_codes,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "reason": self.reason,
        }


@dataclass
class OutagePlan:
    """The week's outages: the callers' cluster on one transformer, and the notices."""

    cluster_transformer: str
    notices: list[NoticePlan]

    def notice(self, kind: str) -> NoticePlan:
        return next(n for n in self.notices if n.kind == kind)

    def covers(self, premise: PremisePlan) -> bool:
        """A call from here would be answered by an outage, not sent to a crew."""
        if premise.transformer_code == self.cluster_transformer:
            return True
        return any(
            premise.feeder_code in n.feeder_codes or premise.transformer_code in n.transformer_codes
            for n in self.notices
            if n.kind != OutageNotice.Kind.PLANNED  # next week's: no call falls inside it
        )


def outage_plan(rng: random.Random, grid: GridPlan, now: datetime) -> OutagePlan:
    """A rural transformer for the cluster; a planned notice next week on a feeder; a
    temporary outage on a transformer and a supply restriction on a feeder, both in force now.

    Each on its own feeder, and none where an institution that calls in the demo takes
    its supply, so that every other call is triaged as its answers say.
    """
    rural = [p for p in grid.households() if p.area_type == AreaType.RURAL]
    cluster = rng.choice(rural)
    taken = {p.feeder_code for p in grid.premises if p.tag == "institution"}
    taken.add(cluster.feeder_code)

    factory = rng.choice(
        [p for p in grid.premises if p.tag == "factory" and p.feeder_code not in taken]
    )
    taken.add(factory.feeder_code)
    outaged = rng.choice([p for p in grid.households() if p.feeder_code not in taken])
    taken.add(outaged.feeder_code)
    feeders = sorted(
        {(p.feeder_code, p.station.code) for p in grid.premises if p.feeder_code not in taken}
    )
    planned_feeder, planned_station = rng.choice(feeders)

    local = timezone.localtime(now)
    hour = local.replace(minute=0, second=0, microsecond=0)
    next_week = (hour + timedelta(days=8)).replace(hour=8)
    # Announced yesterday morning, more than 7 days ahead: in time.
    announced = (hour - timedelta(days=1)).replace(hour=10, minute=rng.randint(0, 59))
    # A hot terminal found a couple of hours ago, switched off within the hour: less than
    # 24 hours' notice, so it is flagged late (DESIGN §3.4).
    switched_off = local.replace(second=0, microsecond=0) - timedelta(minutes=rng.randint(80, 110))
    restricted = hour - timedelta(hours=1)
    notices = [
        NoticePlan(
            kind=OutageNotice.Kind.PLANNED,
            station_code=planned_station,
            feeder_codes=[planned_feeder],
            transformer_codes=[],
            published_at=announced,
            starts_at=next_week,
            ends_at=next_week.replace(hour=18),
            reason=NOTICE_REASONS[OutageNotice.Kind.PLANNED],
        ),
        NoticePlan(
            kind=OutageNotice.Kind.TEMPORARY,
            station_code=outaged.station.code,
            feeder_codes=[],
            transformer_codes=[outaged.transformer_code],
            published_at=switched_off - timedelta(minutes=45),
            starts_at=switched_off,
            ends_at=switched_off + timedelta(hours=4),
            reason=NOTICE_REASONS[OutageNotice.Kind.TEMPORARY],
        ),
        NoticePlan(
            kind=OutageNotice.Kind.RESTRICTION,
            station_code=factory.station.code,
            feeder_codes=[factory.feeder_code],
            transformer_codes=[],
            published_at=restricted - timedelta(hours=3),
            starts_at=restricted,
            ends_at=restricted + timedelta(hours=4),
            reason=NOTICE_REASONS[OutageNotice.Kind.RESTRICTION],
        ),
    ]
    return OutagePlan(cluster_transformer=cluster.transformer_code, notices=notices)


@dataclass
class DeclarationPlan:
    """An incident a station's dispatcher declares before anyone calls (DESIGN §3.10), as
    the declare form takes it; dismissed as "not an outage" when `dismissed_at` is set."""

    station_code: str  # whose dispatcher declares it
    transformer_code: str
    declared_at: datetime
    note: str
    etr: datetime | None
    notify_premises: bool
    dismissed_at: datetime | None = None
    dismiss_reason: str = ""

    def form_data(self) -> dict[str, Any]:
        """The fields repairs.forms.IncidentDeclareForm reads."""
        return {
            "level": "transformer",
            "device_code": self.transformer_code,
            "etr": self.etr,
            "note": self.note,
            "notify_premises": self.notify_premises,
        }


def declaration_plans(
    grid: GridPlan, outages: OutagePlan, plans: "list[TicketPlan]", now: datetime
) -> list[DeclarationPlan]:
    """Two urban transformers where no call of the week falls and no notice or the cluster
    lies: one declared twenty minutes ago and still out (its premises texted), one declared
    this morning and dismissed. Chosen in code order, not by the generator, so that the rest
    of the demo is the same with them as without."""
    called = {p.premise.transformer_code for p in plans if p.premise is not None}
    noticed_feeders = {code for n in outages.notices for code in n.feeder_codes}
    noticed = {code for n in outages.notices for code in n.transformer_codes}
    quiet = sorted(
        {
            (p.station.code, p.transformer_code)
            for p in grid.premises
            if p.area_type == AreaType.URBAN
            and p.transformer_code not in called | noticed | {outages.cluster_transformer}
            and p.feeder_code not in noticed_feeders
        }
    )
    if len(quiet) < 2:
        return []
    (station, out), (other_station, dismissed) = quiet[0], quiet[1]
    local = timezone.localtime(now).replace(second=0, microsecond=0)
    return [
        DeclarationPlan(
            station_code=station,
            transformer_code=out,
            declared_at=local - timedelta(minutes=20),
            note=DECLARED_NOTES[0],
            etr=local + timedelta(minutes=100),
            notify_premises=True,
        ),
        DeclarationPlan(
            station_code=other_station,
            transformer_code=dismissed,
            declared_at=local - timedelta(hours=3),
            note=DECLARED_NOTES[1],
            etr=None,
            notify_premises=False,
            dismissed_at=local - timedelta(hours=2, minutes=40),
            dismiss_reason=DISMISS_REASON,
        ),
    ]
