"""Row locks, always taken in primary-key order.

Two transactions that lock overlapping rows in the same order queue up behind each other;
in different orders they deadlock. Every service that locks tickets, work orders,
complaints or incidents goes through these two helpers.
"""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def rows_for_update(rows: "models.QuerySet[M] | models.Manager[M]") -> "models.QuerySet[M]":
    """The rows locked in pk order; joined tables are read, not locked."""
    return rows.order_by("pk").select_for_update(of=("self",))


def row_for_update(rows: "models.QuerySet[M] | models.Manager[M]", pk: int) -> M:
    """Re-read one row under its lock: the caller's copy may be stale (DoesNotExist if gone)."""
    return rows_for_update(rows).get(pk=pk)
