"""What seed_demo prints once the demo is written: counts of what it holds, and the logins."""

import unicodedata
from collections import Counter
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint
from demo.data.grid import STATIONS
from demo.data.staff import CREWS, PASSWORD
from demo.data.week import DEMO_DAYS
from demo.seed import Seeded
from dispatch.models import WorkOrder
from hotline.models import Call
from repairs.models import Incident, OutageNotice, Repair
from repairs.triage import Outcome
from tickets.models import Channel, Kind, Ticket


def demo_summary(seeded: Seeded) -> list[str]:
    """One line for each of the grid, staff, tickets, repairs, work orders, incidents and
    notices, complaints, the other kinds and calls, read back from the database."""
    premises, now = seeded.premises, seeded.now
    important = sum(1 for p in premises if p.important)
    customers = len({p.account_no for p in premises})
    feeders = len({p.feeder_code for p in premises})
    transformers = len({p.transformer_code for p in premises})
    lines = [
        f"Grid: {len(STATIONS)} supply stations, {feeders} feeders, {transformers} "
        f"transformers, {customers} customers, {len(premises)} premises "
        f"({important} important).",
        f"Staff: {len(seeded.departments)} departments, {len(CREWS)} crews, "
        f"{len(seeded.staff)} users.",
    ]
    tickets = list(Ticket.objects.values_list("kind", "status"))
    kinds = Counter(kind for kind, _status in tickets)
    statuses = Counter(status for _kind, status in tickets)
    lines.append(
        f"Tickets: {len(tickets)} over the last {DEMO_DAYS} days; "
        + _counts(kinds, Kind.values)
        + "; "
        + _counts(statuses, Ticket.Status.values)
        + "."
    )
    outcomes = Counter(Repair.objects.values_list("outcome", flat=True))
    lines.append(f"Repairs triaged: {_counts(outcomes, Outcome.values)}.")
    orders = list(WorkOrder.objects.all())
    arrived = [o for o in orders if o.arrived_in_time is not None]
    late = sum(1 for o in arrived if not o.arrived_in_time)
    overdue = sum(
        1
        for o in orders
        if o.is_open and o.status != WorkOrder.Status.ON_SITE and o.arrive_by < now
    )
    lines.append(
        f"Work orders: {len(orders)}; "
        + _counts(Counter(o.status for o in orders), WorkOrder.Status.values)
        + f"; {late} of {len(arrived)} arrivals late, {overdue} open past arrive_by."
    )
    incidents = Counter(Incident.objects.values_list("status", flat=True))
    notices = list(OutageNotice.objects.all())
    lines.append(
        f"Incidents: {sum(incidents.values())} ({_counts(incidents, Incident.Status.values)}). "
        f"Outage notices: {len(notices)} "
        f"({_counts(Counter(n.kind for n in notices), OutageNotice.Kind.values)}; "
        f"{sum(1 for n in notices if n.late_notice)} published late)."
    )
    return lines + _hotline_lines(now)


def demo_logins(staff: dict[str, User]) -> list[str]:
    """The demo's users as a table: username, role, where they work, password."""
    rows = [("username", "role", "station / department", "password")]
    for user in staff.values():
        where = "-"
        if user.station:
            where = f"{user.station.code} {user.station}"
        if user.department:
            where = f"{user.department.code} {user.department}"
        if hasattr(user, "crew_membership"):
            where += f" {user.crew_membership.crew}"
        rows.append((user.username, user.role, where, PASSWORD))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        cells = [_pad(text, width) for text, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[3]]))
    return lines


def _hotline_lines(now: datetime) -> list[str]:
    complaints = list(Complaint.objects.select_related("ticket"))
    overdue = sum(1 for c in complaints if c.is_overdue(now))
    consultations = Ticket.objects.filter(kind=Kind.CONSULTATION)
    requests = Ticket.objects.filter(kind=Kind.SERVICE_REQUEST)
    calls = list(Call.objects.select_related("agent"))
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = Counter(c.agent.username for c in calls if c.started_at >= midnight)
    return [
        f"Complaints: {len(complaints)}; "
        + _counts(Counter(c.status for c in complaints), Complaint.Status.values)
        + f"; {sum(c.major for c in complaints)} major, "
        f"{sum(c.is_report for c in complaints)} report (举报), "
        f"{sum(1 for c in complaints if c.reopen_count)} reopened, {overdue} overdue; "
        + _counts(Counter(c.ticket.channel for c in complaints), Channel.values)
        + ".",
        f"Consultations: {consultations.count()}, "
        f"{consultations.filter(consultation__article__isnull=False).count()} answered "
        f"with a knowledge-base article. Service requests: {requests.count()}, "
        f"{requests.filter(deadlines__name='reply_by').distinct().count()} with a reply_by "
        "deadline.",
        f"Calls: {len(calls)} over the last {DEMO_DAYS} days, {sum(today.values())} today ("
        + ", ".join(f"{agent} {n}" for agent, n in sorted(today.items()))
        + "); "
        + _counts(Counter(c.outcome for c in calls), Call.Outcome.values)
        + ".",
    ]


def _counts(counter: Counter, names: list[str]) -> str:
    """'open 3, closed 5' in the order of the choices, leaving out the ones at zero."""
    return ", ".join(f"{name} {counter[name]}" for name in names if counter[name])


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each Chinese character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
