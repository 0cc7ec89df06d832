"""A year of a 95598 centre's tickets, as the services would have left them, loaded by COPY.

Mostly consultations, then repairs (more in summer and on storm days), service requests,
complaints, opinions and praise; calls follow the hours of the day. The open tickets are the
most recent of the kinds that stay open (repairs, complaints, service requests, opinions),
each with its one open deadline, its escalation steps so far, and, for repairs, its open work
order (some folded into active incidents). Closed tickets carry their whole timeline, met
deadlines, completed work orders and restored incidents.
"""

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bench.bulk import Table, UnfillableColumn, reset_sequences
from bench.grid_data import Grid, PremiseRow

KIND_SHARE = {
    "consultation": 0.52,
    "repair": 0.30,
    "service_request": 0.09,
    "complaint": 0.05,
    "opinion": 0.03,
    "praise": 0.01,
}
# How the open tickets split by kind (consultations and praise close on the call).
OPEN_SHARE = {"repair": 0.10, "complaint": 0.25, "service_request": 0.45, "opinion": 0.20}
PREFIX = {
    "repair": "R",
    "complaint": "C",
    "consultation": "Q",
    "service_request": "S",
    "opinion": "O",
    "praise": "P",
}
HOURS = [
    0.2,
    0.1,
    0.1,
    0.1,
    0.1,
    0.2,
    0.4,
    0.8,
    1.4,
    1.8,
    1.8,
    1.6,
    1.2,
    1.2,
    1.4,
    1.5,
    1.4,
    1.3,
    1.4,
    1.7,
    1.8,
    1.4,
    0.9,
    0.5,
]
CLOSED_REPAIR_OUTCOMES = {
    "dispatch": 0.55,
    "resolved_on_call": 0.15,
    "customer_side": 0.12,
    "known_incident": 0.08,
    "planned_outage": 0.05,
    "emergency_dispatch": 0.03,
    "supply_restriction": 0.02,
}
OPEN_ORDER_STATUS = {
    "pending": 0.3,
    "assigned": 0.25,
    "accepted": 0.15,
    "en_route": 0.15,
    "on_site": 0.15,
}
REPLY_DAYS = {"service_request": 7, "opinion": 14}
CHUNK = 50_000
DESCRIPTIONS = {
    "consultation": [
        "咨询电价标准",
        "咨询停电时间",
        "咨询过户手续",
        "咨询电费账单",
        "咨询峰谷电价",
    ],
    "repair": ["家里突然停电", "整栋楼没电", "电压不稳灯一闪一闪", "表箱冒烟", "门口电线掉下来"],
    "service_request": ["申请增容", "申请新装", "欠费缴清后申请复电", "申请更名过户"],
    "complaint": ["抢修人员迟迟不到", "频繁停电未通知", "电费计算有误", "营业厅服务态度差"],
    "opinion": ["建议增加缴费网点", "建议停电提前短信通知"],
    "praise": ["表扬抢修班组及时", "表扬客服耐心"],
}
_J = json.dumps
EMPTY = "{}"


@dataclass
class Counters:
    """Ids and per-day numbers shared by both phases, so the second continues the first."""

    ticket: int = 0
    work_order: int = 0
    incident: int = 0
    deadline: int = 0
    numbers: dict[tuple[str, date], int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class Rows:
    tickets: list = field(default_factory=list)
    events: list = field(default_factory=list)
    repairs: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    complaints: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)


class TicketGenerator:
    """Generates tickets in phases over the same year (see bench.run: two data sizes)."""

    def __init__(self, grid: Grid, *, as_of: datetime, days: int, time_zone: str, storm_feeders):
        from django.conf import settings

        from dispatch.models import CauseCode, WorkOrder
        from repairs.models import Incident, Repair
        from tickets.models import Callback, Deadline, DeadlineStep, Ticket, TimelineEvent

        self.grid = grid
        self.as_of = as_of
        self.days = days
        self.zone = ZoneInfo(time_zone)
        local = as_of.astimezone(self.zone)
        self.start = (local - timedelta(days=days - 1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self.counters = Counters()
        self.arrival = settings.GRIDLINE_ARRIVAL_MINUTES
        self.restore = settings.GRIDLINE_RESTORE_MINUTES
        self.fractions = (
            ("warning", settings.GRIDLINE_ESCALATION_WARNING_FRACTION),
            ("overdue", settings.GRIDLINE_ESCALATION_OVERDUE_FRACTION),
            ("management", settings.GRIDLINE_ESCALATION_MANAGEMENT_FRACTION),
        )
        self.causes: list[int | None] = list(CauseCode.objects.values_list("pk", flat=True)) or [
            None
        ]
        # History may use every premise; the open set keeps off the storm's feeders.
        self.quiet = [p for p in grid.premises if p.feeder_id not in storm_feeders] or grid.premises
        self.by_transformer: dict[int, list[PremiseRow]] = defaultdict(list)
        for p in self.quiet:
            self.by_transformer[p.transformer_id].append(p)
        self.incident_of: dict[tuple[int, int], tuple[int, datetime]] = {}
        self.active: list[tuple[int, int, datetime]] = []  # (incident id, transformer, created)
        self.tables = {
            "tickets": Table(
                Ticket,
                [
                    "id",
                    "number",
                    "kind",
                    "status",
                    "priority",
                    "channel",
                    "caller_phone",
                    "description",
                    "customer_id",
                    "premise_id",
                    "station_id",
                    "department_id",
                    "urge_count",
                    "created_by_id",
                    "created_at",
                    "updated_at",
                    "resolved_at",
                    "closed_at",
                ],
            ),
            "orders": Table(
                WorkOrder,
                [
                    "id",
                    "station_id",
                    "ticket_id",
                    "crew_id",
                    "status",
                    "location",
                    "brief",
                    "hazards",
                    "important",
                    "arrive_by",
                    "restore_within",
                    "restore_by",
                    "arrived_in_time",
                    "cause_id",
                    "created_at",
                    "updated_at",
                    "assigned_at",
                    "accepted_at",
                    "departed_at",
                    "arrived_at",
                    "completed_at",
                ],
            ),
            "incidents": Table(
                Incident,
                [
                    "id",
                    "level",
                    "status",
                    "station_id",
                    "feeder_id",
                    "transformer_id",
                    "work_order_id",
                    "etr",
                    "cause_id",
                    "created_at",
                    "acknowledged_at",
                    "restored_at",
                ],
            ),
            "repairs": Table(
                Repair,
                [
                    "ticket_id",
                    "scope",
                    "breaker",
                    "high_power_load",
                    "equipment_in_use",
                    "fault_side",
                    "hazards",
                    "outcome",
                    "reason",
                    "likely_cause",
                    "incident_id",
                    "arrive_by",
                ],
            ),
            "events": Table(
                TimelineEvent,
                ["ticket_id", "kind", "at", "actor_id", "note", "old_status", "new_status", "data"],
            ),
            "deadlines": Table(
                Deadline,
                [
                    "id",
                    "ticket_id",
                    "name",
                    "starts_at",
                    "due_at",
                    "station_id",
                    "department_id",
                    "met_at",
                    "closed_at",
                    "next_step",
                    "next_step_at",
                ],
            ),
            "steps": Table(DeadlineStep, ["deadline_id", "step", "at"]),
            "callbacks": Table(Callback, ["ticket_id", "result", "note", "actor_id", "at"]),
        }
        self.complaint_table, self.complaint_note = self._complaint_table()
        self.categories = self._categories()

    # --- Phases -------------------------------------------------------------------------

    def phase(self, tickets: int, open_tickets: int, rng: random.Random) -> dict[str, int]:
        """Add `tickets` tickets spread over the year, `open_tickets` of them open."""
        self._sync()
        plan = self._plan(tickets, open_tickets, rng)
        before = {name: t.rows for name, t in self.tables.items()}
        for start in range(0, len(plan), CHUNK):
            rows = Rows()
            for created, kind, is_open in plan[start : start + CHUNK]:
                self._ticket(rows, created, kind, is_open, rng)
            self._copy(rows)
        self._finish()
        return {name: t.rows - before[name] for name, t in self.tables.items()}

    def _sync(self) -> None:
        """Continue after whatever the application wrote since the last phase (a measured
        request records a repair): ids past the largest, numbers past the counters."""
        from django.db.models import Max

        from dispatch.models import WorkOrder
        from repairs.models import Incident
        from tickets.models import Deadline, Ticket, TicketCounter

        c = self.counters
        c.ticket = max(c.ticket, Ticket.objects.aggregate(m=Max("pk"))["m"] or 0)
        c.work_order = max(c.work_order, WorkOrder.objects.aggregate(m=Max("pk"))["m"] or 0)
        c.incident = max(c.incident, Incident.objects.aggregate(m=Max("pk"))["m"] or 0)
        c.deadline = max(c.deadline, Deadline.objects.aggregate(m=Max("pk"))["m"] or 0)
        for prefix, day, value in TicketCounter.objects.values_list("prefix", "day", "value"):
            c.numbers[(prefix, day)] = max(c.numbers[(prefix, day)], value)

    def _plan(self, tickets: int, open_tickets: int, rng: random.Random) -> list:
        plan = []
        storm_days = set(rng.sample(range(self.days), k=min(6, self.days)))
        for kind, share in KIND_SHARE.items():
            count = round(tickets * share)
            weights = self._day_weights(kind, storm_days)
            days = rng.choices(range(self.days), cum_weights=weights, k=count)
            hours = rng.choices(range(24), weights=HOURS, k=count)
            created = []
            for day, hour in zip(days, hours, strict=True):
                at = self.start + timedelta(days=day, seconds=hour * 3600 + rng.random() * 3600)
                if at >= self.as_of:
                    at = self.as_of - timedelta(seconds=rng.random() * 6 * 3600)
                created.append(at)
            created.sort(reverse=True)
            quota = min(round(open_tickets * OPEN_SHARE.get(kind, 0)), int(count * 0.6))
            plan += [(at, kind, n < quota) for n, at in enumerate(created)]
        plan.sort(key=lambda item: item[0])
        return plan

    def _day_weights(self, kind: str, storm_days: set[int]) -> list[float]:
        cumulative, total = [], 0.0
        for day in range(self.days):
            date = (self.start + timedelta(days=day)).date()
            weight = 0.8 if date.weekday() >= 5 else 1.0
            if kind == "repair":
                # Summer load and thunderstorms: July and August see the most faults.
                summer = max(0.0, 1 - abs(date.timetuple().tm_yday - 205) / 60)
                weight *= 1 + 0.8 * summer + (2.0 if day in storm_days else 0.0)
            total += weight
            cumulative.append(total)
        return cumulative

    def _copy(self, rows: Rows) -> None:
        # Referenced rows first: tickets, then orders, incidents, and what points at them.
        self.tables["tickets"].copy(rows.tickets)
        self.tables["orders"].copy(rows.orders)
        self.tables["incidents"].copy(rows.incidents)
        self.tables["repairs"].copy(rows.repairs)
        self.tables["events"].copy(rows.events)
        self.tables["deadlines"].copy(rows.deadlines)
        self.tables["steps"].copy(rows.steps)
        if self.complaint_table is not None:
            self.complaint_table.copy(rows.complaints)
        self.tables["callbacks"].copy(rows.callbacks)

    def _finish(self) -> None:
        from dispatch.models import WorkOrder
        from repairs.models import Incident
        from tickets.models import Deadline, Ticket, TicketCounter

        reset_sequences(Ticket, WorkOrder, Incident, Deadline)
        TicketCounter.objects.all().delete()
        TicketCounter.objects.bulk_create(
            [
                TicketCounter(prefix=p, day=d, value=v)
                for (p, d), v in self.counters.numbers.items()
            ],
            batch_size=5000,
        )

    # --- One ticket ------------------------------------------------------------------

    def _ticket(self, rows: Rows, created: datetime, kind: str, is_open: bool, rng) -> None:
        c = self.counters
        c.ticket += 1
        tid = c.ticket
        day = created.astimezone(self.zone).date()
        c.numbers[(PREFIX[kind], day)] += 1
        number = f"{PREFIX[kind]}{day:%Y%m%d}-{c.numbers[(PREFIX[kind], day)]:06d}"
        agent = rng.choice(self.grid.agents)
        t = _Ticket(tid, number, kind, created, agent, rng.choice(DESCRIPTIONS[kind]))
        if kind == "repair":
            self._repair(rows, t, is_open, rng)
        elif kind == "complaint":
            self._complaint(rows, t, is_open, rng)
        elif kind in REPLY_DAYS:
            self._reply_kind(rows, t, is_open, rng)
        else:
            self._answered(rows, t, rng)
        if is_open and rng.random() < 0.05:
            t.urges = rng.randint(1, 3)
            for n in range(t.urges):
                at = min(self.as_of, created + timedelta(minutes=30 * (n + 1)))
                rows.events.append((tid, "urged", at, agent, "客户再次来电催办", "", "", EMPTY))
        rows.tickets.append(
            (
                tid,
                number,
                kind,
                t.status,
                t.priority,
                "hotline",
                t.phone,
                t.description,
                t.customer,
                t.premise,
                t.station,
                t.department,
                t.urges,
                agent,
                created,
                t.updated or created,
                t.resolved,
                t.closed,
            )
        )

    def _caller(self, t: "_Ticket", premise: PremiseRow | None, rng) -> PremiseRow | None:
        if premise is None and rng.random() < 0.75:
            premise = rng.choice(self.grid.premises)
        if premise is not None:
            t.customer = premise.customer_id
            t.phone = self.grid.phone_of.get(premise.customer_id, "")
        else:
            t.phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
        return premise

    def _event(
        self,
        rows: Rows,
        t: "_Ticket",
        kind: str,
        at: datetime,
        actor=None,
        note="",
        old="",
        new="",
        data=EMPTY,
    ) -> None:
        rows.events.append((t.id, kind, at, actor, note, old, new, data))

    def _close(self, rows: Rows, t: "_Ticket", resolved: datetime, rng, note="") -> None:
        """Resolved at `resolved`; closed after the callback unless that is still to come."""
        resolved = min(resolved, self.as_of)
        self._event(rows, t, "resolve", resolved, t.agent, note, t.status, "resolved")
        t.status, t.resolved, t.updated = "resolved", resolved, resolved
        closed = resolved + timedelta(hours=rng.uniform(2, 48))
        if closed < self.as_of:
            self._event(rows, t, "close", closed, t.agent, "", "resolved", "closed")
            t.status, t.closed, t.updated = "closed", closed, closed

    def _answered(self, rows: Rows, t: "_Ticket", rng) -> None:
        """Consultations and praise: answered and closed on the call."""
        self._caller(t, None, rng)
        t.priority = "normal" if t.kind == "consultation" else "low"
        self._event(rows, t, "created", t.created, t.agent, new="open")
        t.status = "open"
        at = min(self.as_of, t.created + timedelta(minutes=rng.uniform(2, 9)))
        self._event(rows, t, "resolve", at, t.agent, "已在通话中答复", "open", "resolved")
        self._event(rows, t, "close", at, t.agent, "", "resolved", "closed")
        t.status, t.resolved, t.closed, t.updated = "closed", at, at, at

    def _reply_kind(self, rows: Rows, t: "_Ticket", is_open: bool, rng) -> None:
        """Service requests and opinions: a reply within days (the reply_by deadline)."""
        premise = self._caller(t, None, rng)
        t.premise = premise.id if premise and t.kind == "service_request" else None
        t.station = premise.station_id if premise else None
        self._event(rows, t, "created", t.created, t.agent, new="open")
        t.status = "open"
        due = t.created + timedelta(days=REPLY_DAYS[t.kind])
        if is_open:
            if rng.random() < 0.6:
                self._event(
                    rows,
                    t,
                    "start",
                    t.created + timedelta(hours=1),
                    t.agent,
                    old="open",
                    new="in_progress",
                )
                t.status = "in_progress"
            self._open_deadline(rows, t, "reply_by", t.created, due, station=t.station)
            return
        done = t.created + timedelta(days=rng.uniform(0.5, REPLY_DAYS[t.kind] * 1.1))
        self._met_deadline(rows, t, "reply_by", t.created, due, min(done, self.as_of), t.station)
        self._close(rows, t, done, rng, "已办结")

    # --- Repairs -----------------------------------------------------------------------

    def _repair(self, rows: Rows, t: "_Ticket", is_open: bool, rng) -> None:
        if is_open:
            outcome = "dispatch" if rng.random() < 0.95 else "emergency_dispatch"
            incident = None
            if self.as_of - t.created < timedelta(hours=2) and rng.random() < 0.3:
                incident = self._active_incident(rows, rng)
            if incident is not None:
                outcome = "known_incident"
                premise = rng.choice(self.by_transformer[incident[1]])
            else:
                premise = rng.choice(self.quiet)
        else:
            outcome = _pick(rng, CLOSED_REPAIR_OUTCOMES)
            premise = rng.choice(self.grid.premises)
            incident = None
        self._caller(t, premise, rng)
        t.premise, t.station = premise.id, premise.station_id
        emergency = outcome == "emergency_dispatch"
        t.priority = (
            "urgent"
            if emergency or premise.important
            else "high"
            if outcome == "dispatch"
            else "normal"
        )
        scope, breaker, side, hazards = _answers(outcome, rng)
        self._event(rows, t, "created", t.created, t.agent, new="open")
        t.status = "open"
        dispatches = outcome in ("dispatch", "emergency_dispatch")
        limit = self.arrival["urban" if emergency or premise.important else premise.area_type]
        arrive_by = t.created + timedelta(minutes=limit) if dispatches else None
        if outcome == "known_incident" and incident is None:
            incident = self._past_incident(rows, premise, t.created, rng)
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
                _REASON[outcome],
                "",
                incident[0] if incident else None,
                arrive_by,
            )
        )
        self._event(
            rows,
            t,
            "triaged",
            t.created,
            t.agent,
            outcome,
            data=_J(
                {"outcome": outcome, "notice": None, "incident": incident[0] if incident else None}
            ),
        )
        if dispatches:
            self._event(rows, t, "start", t.created, t.agent, old="open", new="in_progress")
            t.status = "in_progress"
            self._work_order(rows, t, premise, arrive_by, emergency, is_open, rng)
        elif outcome == "known_incident" and incident is not None:  # found or made above
            self._event(
                rows,
                t,
                "start",
                t.created,
                t.agent,
                _REASON[outcome],
                "open",
                "in_progress",
                _J({"incident": incident[0]}),
            )
            t.status = "in_progress"
            if not is_open:
                self._close(rows, t, incident[2], rng, "故障已修复，已恢复供电")
        else:
            self._close(
                rows, t, t.created + timedelta(minutes=rng.uniform(2, 8)), rng, _REASON[outcome]
            )

    def _work_order(self, rows, t, premise: PremiseRow, arrive_by, important, is_open, rng):
        c = self.counters
        c.work_order += 1
        wid = c.work_order
        restore_within = timedelta(
            minutes=self.restore["urban" if important or premise.important else premise.area_type]
        )
        crews = self.grid.crews_of[premise.station_id]
        dispatcher = self.grid.dispatcher_of.get(premise.station_id)
        created = t.created
        status = _pick(rng, OPEN_ORDER_STATUS) if is_open else "completed"
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
            span = max(60.0, (self.as_of - created).total_seconds())
            marks = sorted(rng.uniform(0.05, 0.95) * span for _ in range(reached))
        else:
            arrive = allowed * rng.uniform(0.3, 1.15)
            fix = restore_within.total_seconds() * rng.uniform(0.15, 0.9)
            marks = [arrive * 0.1, arrive * 0.15, arrive * 0.2, arrive, arrive + fix]
        stamps = [created + timedelta(seconds=s) for s in marks] + [None] * (5 - reached)
        crew = rng.choice(crews) if reached else None
        member = rng.choice(self.grid.members_of[crew]) if crew else None
        arrived = stamps[3]
        restore_by = arrived + restore_within if arrived else None
        self._event(rows, t, "dispatched", created, t.agent, data=_J({"work_order": wid}))
        for n, step in enumerate(steps[:reached]):
            actor = dispatcher if step == "assign" else member
            self._event(rows, t, step, stamps[n], actor, data=_J({"work_order": wid}))
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
                rng.choice(self.causes) if status == "completed" else None,
                created,
                max([s for s in stamps if s] or [created]),
                *stamps,
            )
        )
        if arrived is None:
            self._open_deadline(rows, t, "arrive_by", created, arrive_by, station=t.station)
            return
        self._met_deadline(rows, t, "arrive_by", created, arrive_by, arrived, t.station)
        if is_open:
            self._open_deadline(rows, t, "restore_by", arrived, restore_by, station=t.station)
            return
        self._met_deadline(rows, t, "restore_by", arrived, restore_by, stamps[4], t.station)
        self._close(rows, t, stamps[4], rng, "故障已修复，已恢复供电")

    def _past_incident(self, rows: Rows, premise: PremiseRow, at: datetime, rng) -> tuple:
        """A restored transformer incident the call joined (one per transformer and day)."""
        key = (premise.transformer_id, at.toordinal())
        if key in self.incident_of:
            iid, restored = self.incident_of[key]
            return iid, premise.transformer_id, max(restored, at + timedelta(minutes=20))
        c = self.counters
        c.incident += 1
        c.work_order += 1
        detected = at - timedelta(minutes=rng.uniform(5, 40))
        restored = min(self.as_of, at + timedelta(hours=rng.uniform(1, 4)))
        crew = rng.choice(self.grid.crews_of[premise.station_id])
        code = self.grid.transformer_codes[premise.transformer_id]
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
                rng.choice(self.causes),
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
                rng.choice(self.causes),
                detected,
                detected + timedelta(minutes=10),
                restored,
            )
        )
        self.incident_of[key] = (c.incident, restored)
        return c.incident, premise.transformer_id, restored

    def _active_incident(self, rows: Rows, rng) -> tuple | None:
        """One of a handful of outages going on now, away from the storm's feeders."""
        wanted = max(2, len(self.grid.station_ids) // 5)
        transformer = rng.choice(list(self.by_transformer))
        if len(self.active) >= wanted or any(a[1] == transformer for a in self.active):
            return rng.choice(self.active)
        premise = self.by_transformer[transformer][0]
        c = self.counters
        c.incident += 1
        c.work_order += 1
        detected = self.as_of - timedelta(minutes=rng.uniform(150, 180))
        crew = rng.choice(self.grid.crews_of[premise.station_id])
        code = self.grid.transformer_codes[transformer]
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
                self.as_of + timedelta(hours=2),
                None,
                detected,
                detected,
                None,
            )
        )
        self.active.append((c.incident, transformer, detected))
        return self.active[-1]

    # --- Complaints -------------------------------------------------------------------

    def _complaint(self, rows: Rows, t: "_Ticket", is_open: bool, rng) -> None:
        premise = self._caller(t, None, rng)
        t.station = premise.station_id if premise else None
        t.department = rng.choice(self.grid.department_ids)
        t.priority = "high"
        self._event(rows, t, "created", t.created, t.agent, new="open")
        t.status = "open"
        contact_by = t.created + timedelta(hours=24)
        reply_by = t.created + timedelta(days=6)
        contacted = t.created + timedelta(hours=rng.uniform(1, 26))
        state = "received"
        if is_open and rng.random() < 0.3:
            self._open_deadline(
                rows, t, "contact_by", t.created, contact_by, department=t.department
            )
        else:
            contacted = min(contacted, self.as_of)
            self._event(rows, t, "start", contacted, t.agent, old="open", new="in_progress")
            self._event(rows, t, "contact", contacted, t.agent, "已联系客户")
            t.status, state = "in_progress", "contacted"
            self._met_deadline(
                rows, t, "contact_by", t.created, contact_by, contacted, department=t.department
            )
            if is_open:
                self._open_deadline(
                    rows, t, "reply_by", contacted, reply_by, department=t.department
                )
            else:
                replied = min(self.as_of, contacted + timedelta(days=rng.uniform(1, 6)))
                for kind in ("judge", "rectify", "reply"):
                    self._event(rows, t, kind, replied, rng.choice(self.grid.supervisors))
                self._met_deadline(
                    rows, t, "reply_by", contacted, reply_by, replied, department=t.department
                )
                self._close(rows, t, replied, rng, "已答复客户")
                state = "closed" if t.status == "closed" else "replied"
        if self.complaint_table is not None:
            closed = state == "closed"
            rows.complaints.append(
                (
                    t.id,
                    state,
                    rng.choice(self.categories),
                    contact_by,
                    reply_by,
                    None
                    if closed or state == "replied"
                    else (contact_by if state == "received" else reply_by),
                    None if state == "received" else contacted,
                    "valid" if closed and rng.random() < 0.4 else ("not_valid" if closed else ""),
                    "satisfied" if closed else "",
                )
            )
            if closed:
                # The callback that closed it, when the ticket closed.
                rows.callbacks.append((t.id, "satisfied", "", t.agent, t.closed))

    def _complaint_table(self) -> tuple[Table | None, str]:
        try:
            from complaints.models import Complaint

            table = Table(
                Complaint,
                [
                    "ticket_id",
                    "status",
                    "category_id",
                    "contact_by",
                    "reply_by",
                    "due_at",
                    "contacted_at",
                    "validity",
                    "closed_as",
                ],
            )
        except (ImportError, UnfillableColumn, LookupError) as exc:
            return None, f"complaint rows not generated ({exc})"
        return table, "complaint rows generated"

    def _categories(self) -> list[int]:
        if self.complaint_table is None:
            return []
        from complaints.models import Category

        categories = list(Category.objects.values_list("pk", flat=True))
        if not categories:
            self.complaint_table, self.complaint_note = None, "no complaint categories"
        return categories

    # --- Deadlines ----------------------------------------------------------------------

    def _met_deadline(self, rows, t, name, starts, due, met, station=None, department=None):
        self.counters.deadline += 1
        rows.deadlines.append(
            (
                self.counters.deadline,
                t.id,
                name,
                starts,
                due,
                station,
                department,
                met,
                met,
                "",
                None,
            )
        )

    def _open_deadline(self, rows, t, name, starts, due, *, station=None, department=None):
        """Open, with the escalation steps a scan 30 seconds ago would have recorded."""
        self.counters.deadline += 1
        did = self.counters.deadline
        scanned = self.as_of - timedelta(seconds=30)
        next_step, next_at = "", None
        for step, fraction in self.fractions:
            at = starts + (due - starts) * fraction
            if at > scanned:
                next_step, next_at = step, at
                break
            rows.steps.append((did, step, at))
            self._event(
                rows,
                t,
                _SLA_EVENT[step],
                at,
                data=_J({"deadline": name, "due_at": due.isoformat(), "step": step}),
            )
        rows.deadlines.append(
            (did, t.id, name, starts, due, station, department, None, None, next_step, next_at)
        )


@dataclass
class _Ticket:
    id: int
    number: str
    kind: str
    created: datetime
    agent: int
    description: str
    status: str = "open"
    priority: str = "normal"
    phone: str = ""
    customer: int | None = None
    premise: int | None = None
    station: int | None = None
    department: int | None = None
    urges: int = 0
    updated: datetime | None = None
    resolved: datetime | None = None
    closed: datetime | None = None


_SLA_EVENT = {"warning": "sla_warning", "overdue": "sla_overdue", "management": "sla_escalated"}
_REASON = {
    "dispatch": "已派抢修",
    "emergency_dispatch": "危险情况，立即派单",
    "known_incident": "所在台区已有停电事件，抢修中",
    "resolved_on_call": "漏保复位后已恢复供电",
    "customer_side": "属客户产权内故障，建议联系电工",
    "planned_outage": "计划停电期间",
    "supply_restriction": "有序用电期间",
}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _answers(outcome: str, rng: random.Random) -> tuple[str, str, str, str]:
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
