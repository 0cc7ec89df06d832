"""Writes to master data: the grid import (DESIGN.md §5.1 import_grid)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from config.errors import GridlineError
from grid.importer import GridRow, RowError, read_grid_csv
from grid.models import Customer, CustomerPhone, Feeder, Premise, Station, Transformer

_CHUNK = 5000


class ImportRejected(GridlineError):
    """The file has bad rows and --skip-invalid was not given: nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s); nothing was imported.")
        self.errors = errors


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    rows: int = 0
    stations: Counts = field(default_factory=Counts)
    feeders: Counts = field(default_factory=Counts)
    transformers: Counts = field(default_factory=Counts)
    customers: Counts = field(default_factory=Counts)
    premises: Counts = field(default_factory=Counts)
    phones_added: int = 0
    rejected: list[RowError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        entities = (self.stations, self.feeders, self.transformers, self.customers, self.premises)
        return self.phones_added > 0 or any(c.created or c.updated for c in entities)


def grid_import(
    *,
    lines: Iterable[str],
    skip_invalid: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Load premises, customers and the network from CSV lines; all or nothing.

    Keys: station, feeder and transformer codes, `account_no` (customer) and
    `meter_no` (premise). A row that matches what is stored changes nothing, a
    changed row updates in place. Bad rows reject the whole file (ImportRejected)
    unless skip_invalid, which imports the good rows and reports the bad ones.
    Writes are in bulk: a fixed number of queries per 5,000 rows.
    """
    say = progress or (lambda message: None)
    rows, errors = read_grid_csv(lines)
    say(f"Read {len(rows) + len(errors)} rows.")
    report = ImportReport()
    with transaction.atomic():
        existing_premises = _fetch(
            Premise.objects.select_related("customer"), "meter_no", {r.meter_no for r in rows}
        )
        moved = [
            r
            for r in rows
            if r.meter_no in existing_premises
            and existing_premises[r.meter_no].customer.account_no != r.account_no
            and not r.transfer
        ]
        for r in moved:
            old = existing_premises[r.meter_no].customer.account_no
            errors.append(
                RowError(
                    r.line,
                    f"meter {r.meter_no} belongs to account {old}, not {r.account_no} "
                    "(set transfer=true to move it)",
                )
            )
        errors.sort(key=lambda e: e.line)
        if errors and not skip_invalid:
            raise ImportRejected(errors)
        bad_lines = {e.line for e in errors}
        rows = [r for r in rows if r.line not in bad_lines]
        report.rows = len(rows)
        report.rejected = errors

        stations = _upsert_stations(rows, report)
        say(f"Stations: {_fmt(report.stations)}.")
        feeders = _upsert_feeders(rows, stations, report)
        say(f"Feeders: {_fmt(report.feeders)}.")
        transformers = _upsert_transformers(rows, feeders, report)
        say(f"Transformers: {_fmt(report.transformers)}.")
        customers = _upsert_customers(rows, report, say)
        _add_phones(rows, customers, report)
        _upsert_premises(rows, transformers, customers, existing_premises, report, say)
    return report


def _fmt(c: Counts) -> str:
    return f"{c.created} created, {c.updated} updated, {c.unchanged} unchanged"


def _fetch(queryset, key: str, values: set[str]) -> dict:
    """Existing rows by key, in chunks so the IN list stays small."""
    found = {}
    ordered = sorted(values)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        for obj in queryset.filter(**{f"{key}__in": chunk}):
            found[getattr(obj, key)] = obj
    return found


def _first_by(rows: list[GridRow], key: str) -> dict[str, GridRow]:
    """One row per key (the file's rows agree with each other; the reader checked)."""
    result: dict[str, GridRow] = {}
    for row in rows:
        result.setdefault(getattr(row, key), row)
    return result


def _sync(model, existing: dict, wanted: dict[str, dict], key: str, counts: Counts) -> dict:
    """Create missing rows and update changed ones; returns every row by key."""
    to_create = []
    to_update = []
    changed_fields: set[str] = set()
    for value, fields in wanted.items():
        obj = existing.get(value)
        if obj is None:
            to_create.append(model(**{key: value}, **fields))
            continue
        diff = [name for name, new in fields.items() if getattr(obj, name) != new]
        if diff:
            for name in diff:
                setattr(obj, name, fields[name])
            changed_fields.update(diff)
            to_update.append(obj)
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=_CHUNK)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=_CHUNK)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    result = dict(existing)
    if connection.features.can_return_rows_from_bulk_insert:
        result.update((getattr(o, key), o) for o in to_create)
    elif to_create:
        result.update(_fetch(model.objects.all(), key, {getattr(o, key) for o in to_create}))
    return result


def _upsert_stations(rows, report) -> dict[str, Station]:
    wanted = {code: {"name": r.station_name} for code, r in _first_by(rows, "station_code").items()}
    existing = _fetch(Station.objects.all(), "code", set(wanted))
    return _sync(Station, existing, wanted, "code", report.stations)


def _upsert_feeders(rows, stations, report) -> dict[str, Feeder]:
    wanted = {
        code: {"station_id": stations[r.station_code].pk}
        for code, r in _first_by(rows, "feeder_code").items()
    }
    existing = _fetch(Feeder.objects.all(), "code", set(wanted))
    return _sync(Feeder, existing, wanted, "code", report.feeders)


def _upsert_transformers(rows, feeders, report) -> dict[str, Transformer]:
    wanted = {
        code: {"feeder_id": feeders[r.feeder_code].pk}
        for code, r in _first_by(rows, "transformer_code").items()
    }
    existing = _fetch(Transformer.objects.all(), "code", set(wanted))
    return _sync(Transformer, existing, wanted, "code", report.transformers)


def _upsert_customers(rows, report, say) -> dict[str, Customer]:
    wanted = {acc: {"name": r.customer_name} for acc, r in _first_by(rows, "account_no").items()}
    existing = _fetch(Customer.objects.all(), "account_no", set(wanted))
    customers = _sync(Customer, existing, wanted, "account_no", report.customers)
    say(f"Customers: {_fmt(report.customers)}.")
    return customers


def _add_phones(rows, customers, report) -> None:
    """Phones are added, never removed: a customer keeps the numbers they called from."""
    wanted = {(customers[r.account_no].pk, r.phone) for r in rows}
    customer_ids = sorted({pk for pk, _ in wanted})
    have: set[tuple[int, str]] = set()
    for start in range(0, len(customer_ids), _CHUNK):
        chunk = customer_ids[start : start + _CHUNK]
        have.update(
            CustomerPhone.objects.filter(customer_id__in=chunk).values_list("customer_id", "number")
        )
    new = sorted(wanted - have)
    CustomerPhone.objects.bulk_create(
        [CustomerPhone(customer_id=pk, number=number) for pk, number in new], batch_size=_CHUNK
    )
    report.phones_added = len(new)


def _upsert_premises(rows, transformers, customers, existing, report, say) -> None:
    wanted = {
        r.meter_no: {
            "address": r.address,
            "area_type": r.area_type,
            "important": r.important,
            "transformer_id": transformers[r.transformer_code].pk,
            "customer_id": customers[r.account_no].pk,
        }
        for r in rows
    }
    _sync(Premise, existing, wanted, "meter_no", report.premises)
    say(f"Premises: {_fmt(report.premises)}.")
