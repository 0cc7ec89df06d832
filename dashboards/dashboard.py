"""The dashboard and the station report, assembled from the panels into tables and charts.

Every panel of issue #8 is built once (dashboards/panels_today.py, panels_period.py): the
page, its 15-second refresh and the CSV export all call dashboard_build (or report_build),
so they cannot disagree.
"""

from collections import Counter

from django.utils.translation import gettext as _

from dashboards import selectors
from dashboards.agents import Period, agents_table
from dashboards.panels_period import (
    callbacks_panel,
    complaint_trend_panels,
    compliance_panels,
    repair_times_panel,
    ticket_trend_panel,
)
from dashboards.panels_today import (
    calls_today_panel,
    incidents_panel,
    notices_panel,
    open_work_orders_panel,
    tickets_today_panel,
    urges_panel,
)
from dashboards.selectors import DailyNumbers, Scope
from dashboards.tables import (
    Chart,
    Column,
    Dashboard,
    Names,
    Rate,
    Table,
    Tile,
    dataset,
    int_text,
    minutes,
    percent_text,
)
from grid.models import Station


def dashboard_build(*, scope: Scope, stations: list[Station]) -> Dashboard:
    """Every panel of the live dashboard, in a fixed number of queries."""
    names = Names(stations)
    numbers = DailyNumbers(scope)
    board = Dashboard(
        scope=scope,
        tickets_on_record=int_text(selectors.ticket_count_estimate()),
        fresh_through=numbers.fresh_through,
    )
    tickets = tickets_today_panel(board, scope)
    calls = calls_today_panel(board, scope)
    open_work = open_work_orders_panel(board, scope, names)
    work = selectors.work_order_numbers(numbers=numbers)
    compliance = compliance_panels(board, numbers, work, names)
    repair_times_panel(board, work, names)
    incidents = incidents_panel(board, scope, names)
    notices_panel(board, scope)
    urges = urges_panel(board, numbers, names)
    satisfaction = callbacks_panel(board, numbers)
    complaint_trend_panels(board, numbers)
    ticket_trend_panel(board, numbers)
    if scope.station is None:  # calls belong to no station
        board.add(agents_table(period=Period(scope.first, scope.last))[0])
    board.tiles = [
        Tile(
            _("Calls today"),
            int_text(calls) if calls is not None else "—",
            "" if calls is not None else _("not by station"),
        ),
        Tile(_("Tickets today"), int_text(tickets)),
        Tile(
            _("Open work orders"),
            int_text(open_work[0]),
            _("%(n)s overdue") % {"n": int_text(open_work[1])},
            "danger" if open_work[1] else "",
        ),
        Tile(
            _("Arrivals in time today"),
            percent_text(compliance),
            _("%(met)s of %(due)s")
            % {"met": int_text(compliance.met), "due": int_text(compliance.due)},
        ),
        Tile(_("Active incidents"), int_text(incidents), tone="warn" if incidents else ""),
        Tile(_("Urges today"), int_text(urges)),
        Tile(_("Callback satisfaction"), percent_text(satisfaction), _("in the period")),
    ]
    return board


def report_build(*, scope: Scope, stations: list[Station]) -> tuple[Table, Chart]:
    """Per station and period: tickets, work orders, arrival compliance, average arrival and
    restoration, returns, valid complaints against the station (issue #8, 2)."""
    names = Names(stations)
    numbers = DailyNumbers(scope)
    tickets = selectors.tickets_by_station(numbers=numbers)
    work: dict[int | None, Counter] = {}
    for (station_id, _area), counters in selectors.work_order_numbers(numbers=numbers).items():
        work.setdefault(station_id, Counter()).update(counters["period"])
    complaints = {
        key[0]: c
        for key, c in selectors.complaint_numbers(numbers=numbers, group=("station_id",)).items()
    }
    station_ids = set(tickets) | set(work) | set(complaints)
    if scope.station is None:
        station_ids |= set(names.stations)
    rows = [
        _report_row(
            names(pk), tickets.get(pk, 0), work.get(pk, Counter()), complaints.get(pk, Counter())
        )
        for pk in names.order(station_ids)
    ]
    total = _report_row(
        _("Total"),
        sum(tickets.values()),
        sum(work.values(), Counter()),
        sum(complaints.values(), Counter()),
    )
    table = Table(
        "stations",
        _("Station performance"),
        [
            Column(_("Supply station"), "text"),
            Column(_("Tickets")),
            Column(_("Work orders")),
            Column(_("Arrival in time"), "rate"),
            Column(_("Average arrival (min)"), "minutes"),
            Column(_("Average restoration (min)"), "minutes"),
            Column(_("Returned")),
            Column(_("Valid complaints")),
            Column(_("Partially valid complaints")),
        ],
        rows,
        total=total,
        empty=_("No stations."),
    )
    charted = [row for row in rows if row[3].due]
    chart = Chart(
        "stations",
        "bar",
        [row[0] for row in charted],
        [dataset(_("Arrivals in time (%)"), [row[3].percent for row in charted], tone="brand")],
        percent=True,
    )
    return table, chart


def _report_row(name: str, tickets: int, work: Counter, complaints: Counter) -> list:
    return [
        name,
        tickets,
        work["work_orders"],
        Rate(work["arrivals_met"], work["arrivals_due"]),
        minutes(work["arrival_seconds"], work["arrivals"]),
        minutes(work["restoration_seconds"], work["restorations"]),
        work["returns"],
        complaints["valid"],
        complaints["partially_valid"],
    ]
