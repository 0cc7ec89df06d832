"""The dashboard's panels over a period (issue #8): arrival compliance, arrival and
restoration times, callbacks, the complaint and ticket trends. Read from the rollup plus
the live days through selectors.DailyNumbers."""

from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from dashboards import selectors
from dashboards.daily import days_between
from dashboards.selectors import DailyNumbers
from dashboards.tables import (
    Chart,
    Column,
    Dashboard,
    Names,
    Rate,
    Table,
    dataset,
    day_label,
    minutes,
)
from grid.models import AreaType
from tickets.models import CallbackResult, Kind


def compliance_panels(board: Dashboard, numbers: DailyNumbers, sums: dict, names: Names) -> Rate:
    """Arrival compliance by station and by area type for today, 7 and 30 days, the period."""
    windows = ("today", "d7", "d30", "period")
    by_station: dict = {}
    by_area: dict = {}
    for (station_id, area), counters in sums.items():
        for target, key in ((by_station, station_id), (by_area, area)):
            rates = target.setdefault(key, dict.fromkeys(windows, Rate(0, 0)))
            for name in windows:
                rates[name] += Rate(counters[name]["arrivals_met"], counters[name]["arrivals_due"])
    columns = [
        Column(_("Today"), "rate"),
        Column(_("7 days"), "rate"),
        Column(_("30 days"), "rate"),
        Column(_("Period"), "rate"),
    ]
    total = dict.fromkeys(windows, Rate(0, 0))
    for rates in by_station.values():
        total = {name: total[name] + rates[name] for name in windows}
    station_rows = [[names(pk), *by_station[pk].values()] for pk in names.order(by_station)]
    area_labels = dict(AreaType.choices)
    area_order = [*AreaType.values, *sorted(set(by_area) - set(AreaType.values))]
    area_rows = [
        [area_labels.get(area, _("Unknown")), *by_area[area].values()]
        for area in area_order
        if area in by_area
    ]
    board.add(
        Table(
            "compliance_by_station",
            _("Arrival in time by station"),
            [Column(_("Supply station"), "text"), *columns],
            station_rows,
            total=[_("Total"), *total.values()],
            empty=_("No work orders in these days."),
        )
    )
    board.add(
        Table(
            "compliance_by_area",
            _("Arrival in time by area type"),
            [Column(_("Area type"), "text"), *columns],
            area_rows,
            total=[_("Total"), *total.values()],
            empty=_("No work orders in these days."),
        )
    )
    trend = selectors.work_order_trend(numbers=numbers)
    days = days_between(numbers.scope.first, numbers.scope.last)
    rates = [
        Rate(trend[d]["arrivals_met"], trend[d]["arrivals_due"]) if d in trend else Rate(0, 0)
        for d in days
    ]
    board.add(
        Table(
            "compliance_by_day",
            _("Arrival in time by day"),
            [Column(_("Day"), "text"), Column(_("In time"), "rate")],
            [[day, rate] for day, rate in zip(days, rates, strict=True)],
        ),
        Chart(
            "compliance_by_day",
            "bar",
            [day_label(day) for day in days],
            [dataset(_("Arrivals in time (%)"), [rate.percent for rate in rates], tone="brand")],
            percent=True,
        )
        if any(rate.due for rate in rates)
        else None,
    )
    return total["today"]


def repair_times_panel(board: Dashboard, sums: dict, names: Names) -> None:
    by_station: dict[int | None, Counter] = {}
    for (station_id, _area), counters in sums.items():
        by_station.setdefault(station_id, Counter()).update(counters["period"])
    rows: list[list[Any]] = []
    for pk in names.order(by_station):
        c = by_station[pk]
        rows.append(
            [
                names(pk),
                c["work_orders"],
                minutes(c["arrival_seconds"], c["arrivals"]),
                minutes(c["restoration_seconds"], c["restorations"]),
                c["returns"],
            ]
        )
    all_ = sum(by_station.values(), Counter())
    board.add(
        Table(
            "repair_times",
            _("Average arrival and restoration in the period"),
            [
                Column(_("Supply station"), "text"),
                Column(_("Work orders")),
                Column(_("Arrival (min)"), "minutes"),
                Column(_("Restoration (min)"), "minutes"),
                Column(_("Returned")),
            ],
            rows,
            total=[
                _("Total"),
                all_["work_orders"],
                minutes(all_["arrival_seconds"], all_["arrivals"]),
                minutes(all_["restoration_seconds"], all_["restorations"]),
                all_["returns"],
            ],
            empty=_("No work orders in the period."),
        ),
        Chart(
            "repair_times",
            "bar",
            [row[0] for row in rows],
            [
                dataset(_("Arrival (min)"), [row[2] for row in rows], tone="brand"),
                dataset(_("Restoration (min)"), [row[3] for row in rows], tone="warn"),
            ],
            unit=_("min"),
        )
        if rows
        else None,
    )


def callbacks_panel(board: Dashboard, numbers: DailyNumbers) -> Rate:
    """Satisfied or basically satisfied, out of the callbacks that reached the customer."""
    totals: Counter[str] = Counter()
    for counters in selectors.complaint_numbers(numbers=numbers, group=()).values():
        totals.update(counters)
    results = CallbackResult.choices
    rows = [[label, totals[value]] for value, label in results]
    board.add(
        Table(
            "callbacks",
            _("Callback results"),
            [Column(_("Result"), "text"), Column(_("Complaints"))],
            rows,
            total=[_("Total"), sum(row[1] for row in rows)],
        ),
        Chart(
            "callbacks",
            "doughnut",
            [str(label) for _value, label in results],
            [
                dataset(
                    _("Complaints"),
                    [row[1] for row in rows],
                    tones=["ok", "brand", "danger", "muted"],
                )
            ],
        )
        if any(row[1] for row in rows)
        else None,
    )
    met = totals["satisfied"] + totals["basically_satisfied"]
    return Rate(met, met + totals["unsatisfied"])


def complaint_trend_panels(board: Dashboard, numbers: DailyNumbers) -> None:
    labels = selectors.category_labels()
    by_day = selectors.complaint_numbers(numbers=numbers, group=("day", "category"))
    by_category: dict[str, Counter] = {}
    for (_when, category), counters in by_day.items():
        by_category.setdefault(category, Counter()).update(counters)
    categories = [
        code for code in [*labels, *sorted(set(by_category) - set(labels))] if code in by_category
    ]
    rows: list[list[Any]] = []
    for code in categories:
        c = by_category[code]
        judged = c["valid"] + c["partially_valid"] + c["not_valid"]
        rows.append(
            [
                labels.get(code, code),
                c["complaints"],
                c["valid"],
                c["partially_valid"],
                c["not_valid"],
                c["complaints"] - judged,
            ]
        )
    board.add(
        Table(
            "complaints_by_category",
            _("Complaints by category in the period"),
            [
                Column(_("Category"), "text"),
                Column(_("Complaints")),
                Column(_("Valid")),
                Column(_("Partially valid")),
                Column(_("Not valid")),
                Column(_("Not judged yet")),
            ],
            rows,
            total=[_("Total"), *[sum(row[i] for row in rows) for i in range(1, 6)]],
            empty=_("No complaints in the period."),
        )
    )
    days = days_between(numbers.scope.first, numbers.scope.last)
    matrix = [
        [day, *[by_day.get((day, code), Counter())["complaints"] for code in categories]]
        for day in days
    ]
    board.add(
        Table(
            "complaints_by_day",
            _("Complaints by day and category"),
            [Column(_("Day"), "text"), *[Column(labels.get(code, code)) for code in categories]],
            matrix if categories else [],
            empty=_("No complaints in the period."),
        ),
        Chart(
            "complaints_by_day",
            "bar",
            [day_label(day) for day in days],
            [
                dataset(labels.get(code, code), [row[1 + i] for row in matrix])
                for i, code in enumerate(categories)
            ],
            stacked=True,
        )
        if categories
        else None,
    )


def ticket_trend_panel(board: Dashboard, numbers: DailyNumbers) -> None:
    counts = selectors.ticket_trend(numbers=numbers)
    kinds = [
        (value, label)
        for value, label in Kind.choices
        if any(n for (_when, kind), n in counts.items() if kind == value)
    ]
    days = days_between(numbers.scope.first, numbers.scope.last)
    matrix: list[list[Any]] = [
        [day, *[counts.get((day, kind), 0) for kind, _label in kinds]] for day in days
    ]
    for row in matrix:
        row.append(sum(row[1:]))
    board.add(
        Table(
            "tickets_by_day",
            _("Tickets by day and kind"),
            [
                Column(_("Day"), "text"),
                *[Column(label) for _value, label in kinds],
                Column(_("Total")),
            ],
            matrix,
        ),
        Chart(
            "tickets_by_day",
            "bar",
            [day_label(day) for day in days],
            [
                dataset(label, [row[1 + i] for row in matrix])
                for i, (_value, label) in enumerate(kinds)
            ],
            stacked=True,
        )
        if kinds
        else None,
    )
