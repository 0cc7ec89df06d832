"""Pagination for lists over big tables."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: `COUNT(*)` over a million tickets costs tens of
    milliseconds on every page view, and nobody pages through more than the newest
    thousand; past the cap the list says "more than" and the filters narrow it.

    Pages beyond the cap are not served (`get_page` falls back to the last one).
    """

    # Only a queryset: the count is sliced in the database.
    object_list: QuerySet[Any]

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        # LIMIT inside the count: PostgreSQL stops after cap + 1 rows.
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than were counted."""
        return self._counted > self.cap
