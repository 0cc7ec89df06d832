"""The dashboard's panels about today and now, counted live (issue #8): tickets and calls
today, open work orders, active incidents, outage notices, urges. Each adds its table (and
chart) to the board and returns the figure its key-figure tile shows."""

from typing import Any

from django.utils.translation import gettext as _

from dashboards import selectors
from dashboards.selectors import DailyNumbers, OpenWork, Scope
from dashboards.tables import Chart, Column, Dashboard, Link, Names, Table, dataset
from hotline.models import Call
from tickets.models import Kind, Ticket


def tickets_today_panel(board: Dashboard, scope: Scope) -> int:
    counts = selectors.tickets_today(scope=scope)
    statuses = Ticket.Status.choices
    kinds = [
        (value, label)
        for value, label in Kind.choices
        if any(counts.get((value, status)) for status, _label in statuses)
    ]
    rows = [
        [
            label,
            *[counts.get((kind, status), 0) for status, _label in statuses],
            sum(counts.get((kind, status), 0) for status, _label in statuses),
        ]
        for kind, label in kinds
    ]
    totals = [
        sum(counts.get((kind, status), 0) for kind, _label in Kind.choices)
        for status, _label in statuses
    ]
    table = Table(
        "tickets_today",
        _("Tickets today by kind and status"),
        [
            Column(_("Kind"), "text"),
            *[Column(label) for _value, label in statuses],
            Column(_("Total")),
        ],
        rows,
        total=[_("Total"), *totals, sum(totals)],
        empty=_("No tickets yet today."),
    )
    chart = Chart(
        "tickets_today",
        "bar",
        [str(label) for _value, label in kinds],
        [
            dataset(label, [row[1 + i] for row in rows], tone=f"status-{status}")
            for i, (status, label) in enumerate(statuses)
        ],
        stacked=True,
        horizontal=True,
    )
    board.add(table, chart if rows else None)
    return sum(totals)


def calls_today_panel(board: Dashboard, scope: Scope) -> int | None:
    """Calls have no station: a station's view leaves them out rather than show all."""
    if scope.station is not None:
        return None
    counts = selectors.calls_today(scope=scope)
    labels = dict(Call.Reason.choices)
    rows = [[labels[reason], n] for reason, n in sorted(counts.items()) if reason in labels]
    if counts.get(""):
        rows.append([_("Call in progress"), counts[""]])
    board.add(
        Table(
            "calls_today",
            _("Calls today by reason"),
            [Column(_("Reason"), "text"), Column(_("Calls"))],
            rows,
            total=[_("Total"), sum(counts.values())],
            empty=_("No calls yet today."),
        )
    )
    return sum(counts.values())


def open_work_orders_panel(board: Dashboard, scope: Scope, names: Names) -> tuple[int, int]:
    # Keyed like names.order(): every work order has a station, so no key is None.
    rows_by_station: dict[int | None, OpenWork] = {
        row.station_id: row for row in selectors.work_orders_open_by_station(scope=scope)
    }
    rows: list[list[Any]] = []
    for pk in names.order(rows_by_station):
        work = rows_by_station[pk]
        rows.append(
            [
                names(pk),
                work.open,
                work.waiting,
                work.on_the_way,
                work.on_site,
                work.overdue_arrival,
                work.overdue_restoration,
            ]
        )
    total = [_("Total"), *[sum(row[i] for row in rows) for i in range(1, 7)]]
    board.add(
        Table(
            "open_work_orders",
            _("Open work orders by station"),
            [
                Column(_("Supply station"), "text"),
                Column(_("Open")),
                Column(_("Waiting for a crew")),
                Column(_("Crew on the way")),
                Column(_("On site")),
                Column(_("Overdue arrival")),
                Column(_("Overdue restoration")),
            ],
            rows,
            total=total,
            empty=_("No open work orders."),
        ),
        Chart(
            "open_work_orders",
            "bar",
            [row[0] for row in rows],
            [
                dataset(_("On time"), [row[1] - row[5] - row[6] for row in rows], tone="ok"),
                dataset(_("Overdue"), [row[5] + row[6] for row in rows], tone="danger"),
            ],
            stacked=True,
        )
        if rows
        else None,
    )
    return total[1], total[5] + total[6]


def incidents_panel(board: Dashboard, scope: Scope, names: Names) -> int:
    incidents = selectors.incidents_active(scope=scope)
    board.add(
        Table(
            "active_incidents",
            _("Active incidents"),
            [
                Column(_("Incident"), "text"),
                Column(_("Device"), "text"),
                Column(_("Supply station"), "text"),
                Column(_("Status"), "text"),
                Column(_("Tickets")),
                Column(_("Estimated restoration"), "moment"),
                Column(_("Detected"), "moment"),
            ],
            [
                [
                    Link(f"#{i.pk}", i.get_absolute_url()),
                    f"{i.get_level_display()} {i.device_code}",
                    names(i.station_id),
                    i.get_status_display(),
                    i.ticket_count,
                    i.etr,
                    i.created_at,
                ]
                for i in incidents
            ],
            empty=_("No active incidents."),
        )
    )
    return len(incidents)


def notices_panel(board: Dashboard, scope: Scope) -> None:
    notices = selectors.notices_today(scope=scope)
    rows = []
    for notice in notices:
        devices = [f.code for f in notice.feeders.all()] + [
            t.code for t in notice.transformers.all()
        ]
        rows.append(
            [
                notice.get_kind_display(),
                ", ".join(devices),
                notice.starts_at,
                notice.ends_at,
                notice.station.name if notice.station else _("Several"),
                _("Late notice") if notice.late_notice else "",
            ]
        )
    board.add(
        Table(
            "notices_today",
            _("Outage notices today"),
            [
                Column(_("Kind"), "text"),
                Column(_("Feeders and transformers"), "text"),
                Column(_("Starts"), "moment"),
                Column(_("Ends"), "moment"),
                Column(_("Supply station"), "text"),
                Column(_("Announced"), "text"),
            ],
            rows,
            empty=_("No outage notices today."),
        )
    )


def urges_panel(board: Dashboard, numbers: DailyNumbers, names: Names) -> int:
    urges = selectors.urges_today_by_station(numbers=numbers)
    rows = [[names(pk), urges[pk]] for pk in names.order(urges)]
    board.add(
        Table(
            "urges_today",
            _("Urges today by station"),
            [Column(_("Supply station"), "text"), Column(_("Urges"))],
            rows,
            total=[_("Total"), sum(urges.values())],
            empty=_("No urges today."),
        )
    )
    return sum(urges.values())
