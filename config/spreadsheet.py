"""CSV that is safe to open in a spreadsheet: no cell is read as a formula.

A free-text value such as `=HYPERLINK("http://x","y")` would run as a formula in Excel;
OWASP's advice is to prefix cells that start with = + - @ (or tab / carriage return)
with a single quote. Numbers are left alone, so a negative change stays a number.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """The value as a spreadsheet will not evaluate it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer whose rows go through csv_cell."""

    def __init__(self, out) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])
