"""Repair tickets: the triage's outcome and answers, the work order and its steps for those
dispatched, and the transformer incidents calls join (restored ones in the past, a handful
active now).
"""

import json
import random
from datetime import datetime, timedelta

from bench.grid_data import PremiseRow
from bench.ticket_data.shares import CLOSED_REPAIR_OUTCOMES, OPEN_ORDER_STATUS, REASON
from bench.ticket_data.timeline import close, event, met_deadline, open_deadline
from bench.ticket_data.year import NewTicket, Rows, Year


def repair(year: Year, rows: Rows, t: NewTicket, is_open: bool, rng) -> None:
    if is_open:
        outcome = "dispatch" if rng.random() < 0.95 else "emergency_dispatch"
        incident = None
        if year.as_of - t.created < timedelta(hours=2) and rng.random() < 0.3:
            incident = active_incident(year, rows, rng)
        if incident is not None:
            outcome = "known_incident"
            premise = rng.choice(year.by_transformer[incident[1]])
        else:
            premise = rng.choice(year.quiet)
    else:
        outcome = pick(rng, CLOSED_REPAIR_OUTCOMES)
        premise = rng.choice(year.grid.premises)
        incident = None
    year.caller(t, premise, rng)
    t.premise, t.station = premise.id, premise.station_id
    emergency = outcome == "emergency_dispatch"
    t.priority = (
        "urgent"
        if emergency or premise.important
        else "high"
        if outcome == "dispatch"
        else "normal"
    )
    scope, breaker, side, hazards = answers(outcome, rng)
    event(rows, t, "created", t.created, t.agent, new="open")
    t.status = "open"
    dispatches = outcome in ("dispatch", "emergency_dispatch")
    limit = year.arrival["urban" if emergency or premise.important else premise.area_type]
    arrive_by = t.created + timedelta(minutes=limit) if dispatches else None
    if outcome == "known_incident" and incident is None:
        incident = past_incident(year, rows, premise, t.created, rng)
    rows.repairs.append(
        (
            t.id,
            scope,
            breaker,
            False,
            "",
            side,
            hazards,
            outcome,
            REASON[outcome],
            "",
            incident[0] if incident else None,
            arrive_by,
        )
    )
    event(
        rows,
        t,
        "triaged",
        t.created,
        t.agent,
        outcome,
        data=json.dumps(
            {"outcome": outcome, "notice": None, "incident": incident[0] if incident else None}
        ),
    )
    if dispatches:
        event(rows, t, "start", t.created, t.agent, old="open", new="in_progress")
        t.status = "in_progress"
        work_order(year, rows, t, premise, arrive_by, emergency, is_open, rng)
    elif outcome == "known_incident" and incident is not None:  # found or made above
        event(
            rows,
            t,
            "start",
            t.created,
            t.agent,
            REASON[outcome],
            "open",
            "in_progress",
            json.dumps({"incident": incident[0]}),
        )
        t.status = "in_progress"
        if not is_open:
            close(year, rows, t, incident[2], rng, "故障已修复，已恢复供电")
    else:
        close(year, rows, t, t.created + timedelta(minutes=rng.uniform(2, 8)), rng, REASON[outcome])


def work_order(year: Year, rows, t, premise: PremiseRow, arrive_by, important, is_open, rng):
    c = year.counters
    c.work_order += 1
    wid = c.work_order
    restore_within = timedelta(
        minutes=year.restore["urban" if important or premise.important else premise.area_type]
    )
    crews = year.grid.crews_of[premise.station_id]
    dispatcher = year.grid.dispatcher_of.get(premise.station_id)
    created = t.created
    status = pick(rng, OPEN_ORDER_STATUS) if is_open else "completed"
    steps = ["assign", "accept", "depart", "arrive", "complete"]
    reached = {
        "pending": 0,
        "assigned": 1,
        "accepted": 2,
        "en_route": 3,
        "on_site": 4,
        "completed": 5,
    }[status]
    allowed = (arrive_by - created).total_seconds()
    if is_open:
        # The steps so far fit between the call and now.
        span = max(60.0, (year.as_of - created).total_seconds())
        marks = sorted(rng.uniform(0.05, 0.95) * span for _ in range(reached))
    else:
        arrive = allowed * rng.uniform(0.3, 1.15)
        fix = restore_within.total_seconds() * rng.uniform(0.15, 0.9)
        marks = [arrive * 0.1, arrive * 0.15, arrive * 0.2, arrive, arrive + fix]
    stamps = [created + timedelta(seconds=s) for s in marks] + [None] * (5 - reached)
    crew = rng.choice(crews) if reached else None
    member = rng.choice(year.grid.members_of[crew]) if crew else None
    arrived = stamps[3]
    restore_by = arrived + restore_within if arrived else None
    event(rows, t, "dispatched", created, t.agent, data=json.dumps({"work_order": wid}))
    for n, step in enumerate(steps[:reached]):
        actor = dispatcher if step == "assign" else member
        event(rows, t, step, stamps[n], actor, data=json.dumps({"work_order": wid}))
    rows.orders.append(
        (
            wid,
            premise.station_id,
            t.id,
            crew,
            status,
            premise.address,
            "停电; 未跳闸",
            "[]",
            important or premise.important,
            arrive_by,
            restore_within,
            restore_by,
            None if arrived is None else arrived <= arrive_by,
            rng.choice(year.causes) if status == "completed" else None,
            created,
            max([s for s in stamps if s] or [created]),
            *stamps,
        )
    )
    if arrived is None:
        open_deadline(year, rows, t, "arrive_by", created, arrive_by, station=t.station)
        return
    met_deadline(year, rows, t, "arrive_by", created, arrive_by, arrived, t.station)
    if is_open:
        open_deadline(year, rows, t, "restore_by", arrived, restore_by, station=t.station)
        return
    met_deadline(year, rows, t, "restore_by", arrived, restore_by, stamps[4], t.station)
    close(year, rows, t, stamps[4], rng, "故障已修复，已恢复供电")


def past_incident(year: Year, rows: Rows, premise: PremiseRow, at: datetime, rng) -> tuple:
    """A restored transformer incident the call joined (one per transformer and day)."""
    key = (premise.transformer_id, at.toordinal())
    if key in year.incident_of:
        iid, restored = year.incident_of[key]
        return iid, premise.transformer_id, max(restored, at + timedelta(minutes=20))
    c = year.counters
    c.incident += 1
    c.work_order += 1
    detected = at - timedelta(minutes=rng.uniform(5, 40))
    restored = min(year.as_of, at + timedelta(hours=rng.uniform(1, 4)))
    crew = rng.choice(year.grid.crews_of[premise.station_id])
    code = year.grid.transformer_codes[premise.transformer_id]
    rows.orders.append(
        (
            c.work_order,
            premise.station_id,
            None,
            crew,
            "completed",
            f"台区 {code}",
            "多户报修",
            "[]",
            False,
            detected + timedelta(minutes=90),
            timedelta(hours=4),
            restored,
            True,
            rng.choice(year.causes),
            detected,
            restored,
            detected,
            detected,
            detected,
            detected + timedelta(minutes=40),
            restored,
        )
    )
    rows.incidents.append(
        (
            c.incident,
            "transformer",
            "restored",
            premise.station_id,
            premise.feeder_id,
            premise.transformer_id,
            c.work_order,
            None,
            rng.choice(year.causes),
            detected,
            detected + timedelta(minutes=10),
            restored,
        )
    )
    year.incident_of[key] = (c.incident, restored)
    return c.incident, premise.transformer_id, restored


def active_incident(year: Year, rows: Rows, rng) -> tuple | None:
    """One of a handful of outages going on now, away from the storm's feeders."""
    wanted = max(2, len(year.grid.station_ids) // 5)
    transformer = rng.choice(list(year.by_transformer))
    if len(year.active) >= wanted or any(a[1] == transformer for a in year.active):
        return rng.choice(year.active)
    premise = year.by_transformer[transformer][0]
    c = year.counters
    c.incident += 1
    c.work_order += 1
    detected = year.as_of - timedelta(minutes=rng.uniform(150, 180))
    crew = rng.choice(year.grid.crews_of[premise.station_id])
    code = year.grid.transformer_codes[transformer]
    rows.orders.append(
        (
            c.work_order,
            premise.station_id,
            None,
            crew,
            "accepted",
            f"台区 {code}",
            "多户报修",
            "[]",
            False,
            detected + timedelta(minutes=90),
            timedelta(hours=4),
            None,
            None,
            None,
            detected,
            detected,
            detected,
            detected,
            None,
            None,
            None,
        )
    )
    rows.incidents.append(
        (
            c.incident,
            "transformer",
            "acknowledged",
            premise.station_id,
            premise.feeder_id,
            transformer,
            c.work_order,
            year.as_of + timedelta(hours=2),
            None,
            detected,
            detected,
            None,
        )
    )
    year.active.append((c.incident, transformer, detected))
    return year.active[-1]


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def answers(outcome: str, rng: random.Random) -> tuple[str, str, str, str]:
    """Triage answers that lead to the outcome (scope, breaker, fault side, hazards JSON)."""
    if outcome == "emergency_dispatch":
        return "self_only", "unknown", "unknown", '["wire_down"]'
    if outcome == "resolved_on_call":
        return "self_only", "tripped_reset_ok", "unknown", "[]"
    if outcome == "customer_side":
        return "self_only", "tripped_no_reset", "customer", "[]"
    if outcome in ("known_incident", "planned_outage", "supply_restriction"):
        return rng.choice(("neighbours", "area")), "not_tripped", "unknown", "[]"
    scope = rng.choice(("self_only", "neighbours", "area", "unknown"))
    return scope, "not_tripped", rng.choice(("utility", "unknown")), "[]"
