"""Plans the demo's tickets: a caller, a phone and the times for every case.

Nothing here writes to the database: the replay records the tickets and takes their
steps through the services (demo/replay.py).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from demo.data.cases import CASES, Case
from demo.data.grid import STATIONS, PremisePlan
from demo.data.week import ARRIVAL_SHARE
from demo.grid import GridPlan
from demo.outages import OutagePlan
from demo.schedule import arrival_allowed, complaint_schedule, repair_schedule, ticket_schedule
from grid.models import AreaType
from repairs.models import OutageNotice
from tickets.models import Kind

if TYPE_CHECKING:
    from demo.calls import CallPlan


@dataclass
class TicketPlan:
    case: Case
    premise: PremisePlan | None
    phone: str
    # Created, then one per action: for a repair, case.order_path's then case.path's.
    times: list[datetime]
    # The agent who records it (or, where it came in on the web, takes its steps), and
    # the call it is recorded on; calls_plan fills both in.
    agent: str = ""
    call: "CallPlan | None" = None


def ticket_plans(
    rng: random.Random, grid: GridPlan, outages: OutagePlan, now: datetime
) -> list[TicketPlan]:
    """Callers and dates for every case, in the order the calls came in."""
    used: set[str] = set()

    def pick(candidates: list[PremisePlan]) -> PremisePlan:
        """A caller who has not called yet this week, where there is one."""
        fresh = [p for p in candidates if p.meter_no not in used] or candidates
        premise = rng.choice(fresh)
        used.add(premise.meter_no)
        return premise

    # Callers are picked where no outage would answer their call: only the cluster's
    # neighbours and the two callers under a notice are.
    households = [p for p in grid.households() if not outages.covers(p)]
    tagged = [p for p in grid.premises if not outages.covers(p)]
    temporary = outages.notice(OutageNotice.Kind.TEMPORARY)
    restriction = outages.notice(OutageNotice.Kind.RESTRICTION)
    plans = []
    cluster = [c for c in CASES if c.caller == "cluster"]
    for case in CASES:
        if case.caller == "cluster":
            continue
        if case.caller == "none":
            premise = None
        elif case.caller in {s.code for s in STATIONS}:
            premise = pick([p for p in households if p.station.code == case.caller])
        elif case.caller in AreaType.values:
            premise = pick([p for p in households if p.area_type == case.caller])
        elif case.caller in ("life_support", "business", "factory"):
            premise = pick([p for p in tagged if p.tag == case.caller])
        elif case.caller == "temporary":
            code = temporary.transformer_codes[0]
            premise = pick([p for p in grid.households() if p.transformer_code == code])
        elif case.caller == "restriction":
            code = restriction.feeder_codes[0]
            on_feeder = [p for p in grid.premises if p.feeder_code == code]
            premise = pick([p for p in on_feeder if p.tag == "factory"] or on_feeder)
        elif case.caller:
            premise = next(p for p in grid.premises if p.customer_name == case.caller)
        else:
            premise = pick(households)
        phone = premise.phone if premise else grid.mobile()
        if case.kind == Kind.REPAIR:
            if premise is None:
                raise ValueError(f"Demo repair case {case.description!r} needs a caller.")
            notice = {"temporary": temporary, "restriction": restriction}.get(case.caller)
            times = repair_schedule(rng, case, premise, now, notice)
        elif case.kind == Kind.COMPLAINT:
            times = complaint_schedule(rng, case, now)
        else:
            times = ticket_schedule(rng, case, now)
        plans.append(TicketPlan(case, premise, phone, times))
    plans += _outage_cluster(rng, grid, outages.cluster_transformer, cluster, now)
    plans.sort(key=lambda plan: plan.times[0])
    return plans


def _outage_cluster(
    rng: random.Random,
    grid: GridPlan,
    transformer_code: str,
    cases: list[Case],
    now: datetime,
) -> list[TicketPlan]:
    """Neighbours on one rural transformer calling about one outage, one evening this week.

    Three calls within the correlation window make the incident (DESIGN §3.3); the
    dispatcher has assigned the first caller's order before the third call, so that order
    is the one kept for the incident, and its crew's steps are the incident's. A fourth
    neighbour calls later and is told about the incident. Restoring the incident resolves
    all four tickets; the callbacks the next morning close three, and the fourth caller
    does not answer.
    """
    rural = [p for p in grid.households() if p.transformer_code == transformer_code]
    callers = rng.sample(rural, len(cases))
    evening = timezone.localtime(now).replace(hour=19, minute=40, second=0, microsecond=0)
    first_call = evening - timedelta(days=3)
    calls = [first_call + timedelta(minutes=7 * n + rng.randint(0, 4)) for n in range(3)]
    calls.append(first_call + timedelta(minutes=rng.randint(45, 55)))
    assigned = calls[0] + timedelta(minutes=rng.randint(3, 6))
    accepted = calls[2] + timedelta(minutes=rng.randint(2, 5))
    departed = accepted + timedelta(minutes=rng.randint(3, 6))
    allowed = arrival_allowed(cases[0], callers[0], now)
    arrived = calls[0] + allowed * rng.uniform(*ARRIVAL_SHARE)
    restored = first_call + timedelta(hours=2, minutes=35)
    walk = {
        "assign": assigned,
        "accept": accepted,
        "depart": departed,
        "arrive": max(arrived, departed + timedelta(minutes=10)),
        "complete": restored,
    }
    plans = []
    for case, premise, created in zip(cases, callers, calls, strict=True):
        times = [created, *(walk[action] for action in case.order_path)]
        times += [restored + timedelta(hours=14, minutes=rng.randint(0, 90)) for _ in case.path]
        plans.append(
            TicketPlan(case, premise, premise.phone, [t.replace(microsecond=0) for t in times])
        )
    return plans
