"""Bulk loading with PostgreSQL COPY, robust to columns added to a model after this was written.

Each table is loaded from tuples of the columns the generator knows; every other concrete
column gets its model default (or NULL, or an empty string), evaluated once per table.
"""

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models


class UnfillableColumn(Exception):
    """A NOT NULL column the generator does not know and the model gives no default for."""


def _default(field: models.Field) -> Any:
    if field.has_default():
        value = field.get_default()
    elif field.null:
        value = None
    elif isinstance(field, models.CharField | models.TextField):
        value = ""
    else:
        raise UnfillableColumn(f"{field.model.__name__}.{field.name} has no default")
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, datetime | date | timedelta | str | int | float | bool) or value is None:
        return value
    return field.get_prep_value(value)


class Table:
    """COPY rows into one model's table; `given` names the columns each row tuple holds."""

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        self.model = model
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in given if c not in fields]
        if unknown:
            raise UnfillableColumn(f"{model.__name__} has no column(s) {unknown}")
        # An auto-increment key not given is left to its identity sequence.
        extra = [
            c
            for c, f in fields.items()
            if c not in given
            and not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        ]
        self.columns = [*given, *extra]
        self.tail = tuple(_default(fields[c]) for c in extra)
        self.rows = 0

    def copy(self, rows: Iterable[tuple]) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        tail = self.tail
        count = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                if tail:
                    for row in rows:
                        copy.write_row(row + tail)
                        count += 1
                else:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
        self.rows += count
        return count


def reset_sequences(*models_: type[models.Model]) -> None:
    """After loading explicit ids, point each identity sequence past the largest one."""
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            pk = model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                f"COALESCE((SELECT MAX({pk}) FROM {table}), 0) + 1, false)",
                [table, pk],
            )
