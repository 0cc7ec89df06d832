"""The storm: a burst of repair calls from the premises of one feeder group, at a fixed rate.

Most callers say the neighbours or the whole area are out too; some only their house; one in
a hundred reports a wire down (an emergency keeps its own crew by design, DESIGN §3.3, so it
is counted apart). The first reports on a transformer open an incident; later ones attach to
it. What counts as folded: a report that ended attached to an incident, not one standing on
its own work order.
"""

import json
import random
from dataclasses import dataclass

from bench.grid_data import Grid, PremiseRow
from bench.load import RateResult, fixed_rate
from bench.scenarios import Request, repair_body, token


def storm_feeders(grid: Grid, *, minimum_premises: int) -> set[int]:
    """A few neighbouring feeders (at least three) with enough premises between them."""
    by_feeder = grid.premises_by_feeder()
    chosen: set[int] = set()
    count = 0
    for feeder in sorted(by_feeder):
        chosen.add(feeder)
        count += len(by_feeder[feeder])
        if len(chosen) >= 3 and count >= minimum_premises:
            break
    return chosen


@dataclass
class StormResult:
    reports: int
    seconds: float
    rate: float
    clients: int
    server_errors: int
    failures: int
    p50_ms: float
    p99_ms: float
    p99_sent_ms: float
    max_lag_ms: float
    outcomes: dict[str, int]
    folded: int
    foldable: int
    standalone_orders: int
    incidents: dict[str, int]
    premises: int
    feeders: int

    @property
    def folded_share(self) -> float:
        return self.folded / self.foldable if self.foldable else float("nan")


def run_storm(
    port: int,
    grid: Grid,
    feeders: set[int],
    *,
    reports: int,
    seconds: float,
    clients: int,
    rng: random.Random,
) -> StormResult:
    from dispatch.models import OPEN_WORK_ORDER_STATUSES, WorkOrder
    from repairs.models import Incident, Repair

    premises: list[PremiseRow] = [p for p in grid.premises if p.feeder_id in feeders]
    headers = {"Content-Type": "application/json"}
    requests = []
    for _ in range(reports):
        premise = rng.choice(premises)
        phone = grid.phone_of.get(premise.customer_id, "")
        body = repair_body(premise.meter_no, phone, rng, storm=True)
        agent = grid.tokens[rng.choice(grid.agents)]
        requests.append(Request("POST", "/api/v1/repairs/", token(agent) | headers, body))
    before = set(Incident.objects.filter(feeder_id__in=feeders).values_list("pk", flat=True))
    result: RateResult = fixed_rate(port, requests, rate=reports / seconds, clients=clients)

    numbers = []
    for sent in result.sent:
        if 200 <= sent.status < 300:
            numbers.append(json.loads(sent.body)["number"])
    repairs = list(
        Repair.objects.filter(ticket__number__in=numbers).values_list("outcome", "incident_id")
    )
    outcomes: dict[str, int] = {}
    for outcome, _incident in repairs:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    foldable = [r for r in repairs if r[0] != "emergency_dispatch"]
    standalone = WorkOrder.objects.filter(
        ticket__number__in=numbers, status__in=OPEN_WORK_ORDER_STATUSES
    ).exclude(ticket__repair__outcome="emergency_dispatch")
    incidents: dict[str, int] = {}
    for level, status in (
        Incident.objects.filter(feeder_id__in=feeders)
        .exclude(pk__in=before)
        .values_list("level", "status")
    ):
        incidents[f"{level} ({status})"] = incidents.get(f"{level} ({status})", 0) + 1
    return StormResult(
        reports=result.count,
        seconds=result.seconds,
        rate=result.achieved_rate,
        clients=clients,
        server_errors=result.server_errors,
        failures=result.failures,
        p50_ms=result.latency_ms(50),
        p99_ms=result.latency_ms(99),
        p99_sent_ms=result.latency_ms(99, from_due=False),
        max_lag_ms=result.max_lag_ms,
        outcomes=outcomes,
        folded=sum(1 for _o, incident in foldable if incident is not None),
        foldable=len(foldable),
        standalone_orders=standalone.count(),
        incidents=incidents,
        premises=len(premises),
        feeders=len(feeders),
    )
