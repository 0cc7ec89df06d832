"""Complaint tickets: contacted within a day, replied to within six, and the complaint row
(with its category) when the complaints app can take one.
"""

from datetime import timedelta

from bench.bulk import Table, UnfillableColumn
from bench.ticket_data.timeline import close, event, met_deadline, open_deadline
from bench.ticket_data.year import NewTicket, Rows, Year


def complaint(year: Year, rows: Rows, t: NewTicket, is_open: bool, rng) -> None:
    premise = year.caller(t, None, rng)
    t.station = premise.station_id if premise else None
    t.department = rng.choice(year.grid.department_ids)
    t.priority = "high"
    event(rows, t, "created", t.created, t.agent, new="open")
    t.status = "open"
    contact_by = t.created + timedelta(hours=24)
    reply_by = t.created + timedelta(days=6)
    contacted = t.created + timedelta(hours=rng.uniform(1, 26))
    state = "received"
    if is_open and rng.random() < 0.3:
        open_deadline(year, rows, t, "contact_by", t.created, contact_by, department=t.department)
    else:
        contacted = min(contacted, year.as_of)
        event(rows, t, "start", contacted, t.agent, old="open", new="in_progress")
        event(rows, t, "contact", contacted, t.agent, "已联系客户")
        t.status, state = "in_progress", "contacted"
        met_deadline(
            year, rows, t, "contact_by", t.created, contact_by, contacted, department=t.department
        )
        if is_open:
            open_deadline(year, rows, t, "reply_by", contacted, reply_by, department=t.department)
        else:
            replied = min(year.as_of, contacted + timedelta(days=rng.uniform(1, 6)))
            for kind in ("judge", "rectify", "reply"):
                event(rows, t, kind, replied, rng.choice(year.grid.supervisors))
            met_deadline(
                year, rows, t, "reply_by", contacted, reply_by, replied, department=t.department
            )
            close(year, rows, t, replied, rng, "已答复客户")
            state = "closed" if t.status == "closed" else "replied"
    if year.categories:  # empty when complaint rows are not generated
        closed = state == "closed"
        rows.complaints.append(
            (
                t.id,
                state,
                rng.choice(year.categories),
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


def complaint_table() -> tuple[Table | None, list[int], str]:
    """The complaints' table and categories, or None and why complaint rows are left out."""
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
        return None, [], f"complaint rows not generated ({exc})"
    from complaints.models import Category

    categories = list(Category.objects.values_list("pk", flat=True))
    if not categories:
        return None, [], "no complaint categories"
    return table, categories, "complaint rows generated"
