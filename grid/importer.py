"""Reading and checking a master-data CSV (DESIGN.md §5.1 import_grid), before any write.

Pure: no database. The checks that need the database (a meter that moves to
another customer) live in grid.services.grid_import.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from grid.models import AreaType, Customer, Feeder, Premise, Station, Transformer
from grid.phones import normalise_phone

REQUIRED_COLUMNS = (
    "station_code",
    "station_name",
    "feeder_code",
    "transformer_code",
    "area_type",
    "account_no",
    "customer_name",
    "phone",
    "address",
    "meter_no",
)
# `important`: an important customer; `transfer`: this meter is knowingly moving
# to the account on this row (without it, such a row is rejected).
OPTIONAL_COLUMNS = ("important", "transfer")


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a CharField with a max_length")
    return field.max_length


_MAX_LENGTH = {
    "station_code": _max_length(Station, "code"),
    "station_name": _max_length(Station, "name"),
    "feeder_code": _max_length(Feeder, "code"),
    "transformer_code": _max_length(Transformer, "code"),
    "account_no": _max_length(Customer, "account_no"),
    "customer_name": _max_length(Customer, "name"),
    "address": _max_length(Premise, "address"),
    "meter_no": _max_length(Premise, "meter_no"),
}
_BOOLEANS = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "yes": True,
    "no": False,
    "": False,
}


@dataclass(frozen=True)
class GridRow:
    line: int
    station_code: str
    station_name: str
    feeder_code: str
    transformer_code: str
    area_type: str
    account_no: str
    customer_name: str
    phone: str
    address: str
    meter_no: str
    important: bool
    transfer: bool


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class GridFileInvalid(Exception):
    """The file as a whole cannot be read (no header, missing columns)."""


def read_grid_csv(lines: Iterable[str]) -> tuple[list[GridRow], list[RowError]]:
    """Parse and check every row; returns the good rows and one error per bad row.

    Line numbers count the header as line 1, as a spreadsheet shows them.
    Where two rows disagree (the same meter twice, one account with two names,
    one feeder on two stations), the later row is the one rejected.
    """
    reader = csv.DictReader(lines)
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise GridFileInvalid("The file is empty: expected a header row.")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise GridFileInvalid("The header lacks the column(s): " + ", ".join(missing) + ".")
    reader.fieldnames = header

    rows: list[GridRow] = []
    errors: list[RowError] = []
    seen = _Consistency()
    for raw in reader:
        line = reader.line_num
        row = _check_row(line, raw)
        if isinstance(row, str):
            errors.append(RowError(line, row))
            continue
        conflict = seen.conflict(row)
        if conflict is not None:
            errors.append(RowError(line, conflict))
            continue
        seen.add(row)
        rows.append(row)
    return rows, errors


def _check_row(line: int, raw: dict[str | None, str | None]) -> GridRow | str:
    """The row, or the reason it is rejected."""
    # csv.DictReader puts the fields beyond the header under None, and None for those short.
    if None in raw:
        return "more fields than the header has columns"
    values = {key: (value or "").strip() for key, value in raw.items()}
    empty = [name for name in REQUIRED_COLUMNS if not values.get(name)]
    if empty:
        return "missing " + ", ".join(empty)
    for name, limit in _MAX_LENGTH.items():
        if len(values[name]) > limit:
            return f"{name} is longer than {limit} characters"
    if values["area_type"] not in AreaType.values:
        return f"unknown area_type {values['area_type']!r} (use {', '.join(AreaType.values)})"
    try:
        phone = normalise_phone(values["phone"])
    except ValueError:
        return f"malformed phone {values['phone']!r}"
    flags = {}
    for name in OPTIONAL_COLUMNS:
        text = values.get(name, "").lower()
        if text not in _BOOLEANS:
            return f"{name} must be true or false, not {values.get(name)!r}"
        flags[name] = _BOOLEANS[text]
    return GridRow(
        line=line,
        station_code=values["station_code"],
        station_name=values["station_name"],
        feeder_code=values["feeder_code"],
        transformer_code=values["transformer_code"],
        area_type=values["area_type"],
        account_no=values["account_no"],
        customer_name=values["customer_name"],
        phone=phone,
        address=values["address"],
        meter_no=values["meter_no"],
        important=flags["important"],
        transfer=flags["transfer"],
    )


class _Consistency:
    """What earlier good rows said, so a later row that contradicts them is caught."""

    def __init__(self) -> None:
        self.meter_line: dict[str, int] = {}
        self.station_name: dict[str, tuple[str, int]] = {}
        self.feeder_station: dict[str, tuple[str, int]] = {}
        self.transformer_feeder: dict[str, tuple[str, int]] = {}
        self.account_name: dict[str, tuple[str, int]] = {}

    def conflict(self, row: GridRow) -> str | None:
        if row.meter_no in self.meter_line:
            return (
                f"duplicate meter_no {row.meter_no} (first on line {self.meter_line[row.meter_no]})"
            )
        checks = (
            (self.station_name, row.station_code, row.station_name, "station", "is named"),
            (self.feeder_station, row.feeder_code, row.station_code, "feeder", "is on station"),
            (
                self.transformer_feeder,
                row.transformer_code,
                row.feeder_code,
                "transformer",
                "is on feeder",
            ),
            (self.account_name, row.account_no, row.customer_name, "account", "is named"),
        )
        for seen, key, value, label, verb in checks:
            if key in seen and seen[key][0] != value:
                first_value, first_line = seen[key]
                return f"{label} {key} {verb} {first_value!r} on line {first_line}, not {value!r}"
        return None

    def add(self, row: GridRow) -> None:
        self.meter_line[row.meter_no] = row.line
        self.station_name.setdefault(row.station_code, (row.station_name, row.line))
        self.feeder_station.setdefault(row.feeder_code, (row.station_code, row.line))
        self.transformer_feeder.setdefault(row.transformer_code, (row.feeder_code, row.line))
        self.account_name.setdefault(row.account_no, (row.customer_name, row.line))
