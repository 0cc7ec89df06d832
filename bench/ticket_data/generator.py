"""The ticket generator: plans each phase's tickets over the days and hours of the year,
builds each ticket with the rows of its kind, and COPYs them in chunks.
"""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.bulk import Table, reset_sequences
from bench.grid_data import Grid
from bench.ticket_data.complaints import complaint, complaint_table
from bench.ticket_data.other_kinds import answered, reply_kind
from bench.ticket_data.repairs import repair
from bench.ticket_data.shares import DESCRIPTIONS, HOURS, KIND_SHARE, OPEN_SHARE, PREFIX, REPLY_DAYS
from bench.ticket_data.timeline import event
from bench.ticket_data.year import NewTicket, Rows, Year

CHUNK = 50_000


class TicketGenerator:
    """Generates tickets in phases over the same year (see bench.run: two data sizes)."""

    def __init__(self, grid: Grid, *, as_of: datetime, days: int, time_zone: str, storm_feeders):
        from django.conf import settings

        from dispatch.models import CauseCode, WorkOrder
        from repairs.models import Incident, Repair
        from tickets.models import Callback, Deadline, DeadlineStep, Ticket, TimelineEvent

        self.as_of = as_of
        self.days = days
        self.zone = ZoneInfo(time_zone)
        local = as_of.astimezone(self.zone)
        self.start = (local - timedelta(days=days - 1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self.complaint_table, categories, self.complaint_note = complaint_table()
        self.year = Year(
            grid,
            as_of=as_of,
            storm_feeders=storm_feeders,
            arrival=settings.GRIDLINE_ARRIVAL_MINUTES,
            restore=settings.GRIDLINE_RESTORE_MINUTES,
            fractions=(
                ("warning", settings.GRIDLINE_ESCALATION_WARNING_FRACTION),
                ("overdue", settings.GRIDLINE_ESCALATION_OVERDUE_FRACTION),
                ("management", settings.GRIDLINE_ESCALATION_MANAGEMENT_FRACTION),
            ),
            causes=list(CauseCode.objects.values_list("pk", flat=True)) or [None],
            categories=categories,
        )
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

        c = self.year.counters
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
                for (p, d), v in self.year.counters.numbers.items()
            ],
            batch_size=5000,
        )

    # --- One ticket ------------------------------------------------------------------

    def _ticket(self, rows: Rows, created: datetime, kind: str, is_open: bool, rng) -> None:
        c = self.year.counters
        c.ticket += 1
        tid = c.ticket
        day = created.astimezone(self.zone).date()
        c.numbers[(PREFIX[kind], day)] += 1
        number = f"{PREFIX[kind]}{day:%Y%m%d}-{c.numbers[(PREFIX[kind], day)]:06d}"
        agent = rng.choice(self.year.grid.agents)
        t = NewTicket(tid, number, kind, created, agent, rng.choice(DESCRIPTIONS[kind]))
        if kind == "repair":
            repair(self.year, rows, t, is_open, rng)
        elif kind == "complaint":
            complaint(self.year, rows, t, is_open, rng)
        elif kind in REPLY_DAYS:
            reply_kind(self.year, rows, t, is_open, rng)
        else:
            answered(self.year, rows, t, rng)
        if is_open and rng.random() < 0.05:
            t.urges = rng.randint(1, 3)
            for n in range(t.urges):
                at = min(self.as_of, created + timedelta(minutes=30 * (n + 1)))
                event(rows, t, "urged", at, agent, "客户再次来电催办")
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
