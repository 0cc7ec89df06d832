"""The shapes the dashboard shows its numbers in: tables (also written as CSV) and charts.

One Table feeds both the page and its CSV export, so the file always holds what the
screen shows. A chart is drawn from the same numbers as the table beside it.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from config.spreadsheet import SafeCsvWriter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from dashboards.selectors import Scope
    from grid.models import Station


@dataclass(frozen=True)
class Rate:
    """A share such as arrivals in time out of arrivals due; no percentage when nothing was due."""

    met: int
    due: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.due, 1) if self.due else None

    def __add__(self, other: "Rate") -> "Rate":
        return Rate(self.met + other.met, self.due + other.due)


@dataclass(frozen=True)
class Column:
    """A column's heading and how its cells read: text, int, rate, minutes or moment."""

    label: "StrOrPromise"
    kind: str = "int"

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass(frozen=True)
class Link:
    """A text cell that opens a page (the CSV keeps the text)."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Cell:
    """One cell as the page shows it; `detail` is the small print under a rate."""

    text: str
    numeric: bool
    detail: str = ""
    url: str = ""


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None
    empty: str = ""

    def display_rows(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.rows]

    def display_total(self) -> list[Cell] | None:
        return self._cells(self.total) if self.total is not None else None

    def _cells(self, row: list[Any]) -> list[Cell]:
        cells = []
        for column, value in zip(self.columns, row, strict=True):
            detail = ""
            if column.kind == "rate" and value.due:
                detail = f"{value.met}/{value.due}"
            url = value.url if isinstance(value, Link) else ""
            cells.append(Cell(cell_text(value, column.kind), column.numeric, detail, url))
        return cells

    def csv_header(self) -> list["StrOrPromise"]:
        header: list[StrOrPromise] = []
        for column in self.columns:
            if column.kind == "rate":
                # A rate is three numbers in a spreadsheet: what was met, what was due, the share.
                header += [
                    _("%(column)s: in time") % {"column": column.label},
                    _("%(column)s: due") % {"column": column.label},
                    _("%(column)s: %%") % {"column": column.label},
                ]
            else:
                header.append(column.label)
        return header

    def csv_row(self, row: list[Any]) -> list[Any]:
        out: list[Any] = []
        for column, value in zip(self.columns, row, strict=True):
            if column.kind == "rate":
                out += [value.met, value.due, "" if value.percent is None else value.percent]
            elif value is None:
                out.append("")
            elif isinstance(value, Link):
                out.append(value.text)
            elif isinstance(value, datetime):
                out.append(timezone.localtime(value).isoformat(timespec="minutes"))
            elif isinstance(value, date):
                out.append(value.isoformat())
            else:
                out.append(value)
        return out


def table_csv(table: Table) -> str:
    """The table as CSV with a BOM (Excel reads UTF-8 Chinese only with one)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeCsvWriter(out)
    writer.writerow(table.csv_header())
    for row in table.rows:
        writer.writerow(table.csv_row(row))
    if table.total is not None:
        writer.writerow(table.csv_row(table.total))
    return out.getvalue()


@dataclass
class Chart:
    """What dashboard.js needs to draw one Chart.js chart; colours are named, not given."""

    id: str
    type: str  # bar, line, doughnut
    labels: list[str]
    datasets: list[dict[str, Any]]
    stacked: bool = False
    percent: bool = False
    horizontal: bool = False
    unit: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "labels": self.labels,
            "datasets": self.datasets,
            "stacked": self.stacked,
            "percent": self.percent,
            "horizontal": self.horizontal,
            "unit": self.unit,
            "locale": translation.get_language() or "en",
        }


def dataset(label: "StrOrPromise", data: list, *, tone: str = "", **extra: Any) -> dict[str, Any]:
    return {"label": str(label), "data": data, "tone": tone, **extra}


def minutes(seconds: int, count: int) -> float | None:
    """An average in minutes, to one decimal; None when nothing was counted."""
    return round(seconds / count / 60, 1) if count else None


def cell_text(value: Any, kind: str) -> str:
    """How a cell reads on the page (the CSV writes the raw numbers)."""
    if value is None:
        return "—"
    if kind == "rate":
        return "—" if value.percent is None else f"{number_format(value.percent, 1)}%"
    if kind == "minutes":
        return number_format(value, 1)
    if kind == "int":
        return number_format(value, force_grouping=True)
    if kind == "moment":
        # Compact, and the same in every language: the tables are narrow.
        return date_format(timezone.localtime(value), "m-d H:i")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


# --- The dashboard as a whole -------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """A key figure across the top of the dashboard."""

    label: str
    value: str
    note: str = ""
    tone: str = ""


@dataclass
class Dashboard:
    """Everything one dashboard shows: its key figures, and its tables and charts by slug."""

    scope: "Scope"
    tiles: list[Tile] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)
    tickets_on_record: str = ""
    fresh_through: date | None = None

    def add(self, table: Table, chart: Chart | None = None) -> None:
        self.tables[table.slug] = table
        if chart is not None:
            self.charts[table.slug] = chart


class Names:
    """Stations' names by id, with the words for tickets that have none."""

    def __init__(self, stations: "list[Station]") -> None:
        self.stations = {station.pk: station for station in stations}

    def __call__(self, station_id: int | None) -> str:
        if station_id is None:
            return _("No station")
        station = self.stations.get(station_id)
        return station.name if station else str(station_id)

    def order(self, station_ids) -> list[int | None]:
        """Stations by code, the ones without a station last."""
        known = sorted(
            (pk for pk in station_ids if pk is not None),
            key=lambda pk: self.stations[pk].code if pk in self.stations else str(pk),
        )
        return known + ([None] if None in station_ids else [])


def int_text(n: int) -> str:
    return number_format(n, force_grouping=True)


def percent_text(rate: Rate) -> str:
    return "—" if rate.percent is None else f"{number_format(rate.percent, 1)}%"


def day_label(day: date) -> str:
    return f"{day:%m-%d}"
