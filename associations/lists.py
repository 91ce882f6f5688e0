"""What every staff list shares: bounded pages, sortable columns, and the query string a
list is exported or saved with.

A list never counts or pages past `ROW_LIMIT` rows: it counts with a LIMIT-ed subquery, so a
page of a 500,000-member city costs about what a page of a village costs; past the limit the
page says so and asks for a narrower filter (the figures pages give totals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

ROW_LIMIT = 10_000
# Never part of a saved or exported list's query: the page shown, what to do with it.
NOT_FILTERS = ("page", "export", "csrfmiddlewaretoken")


class BoundedPaginator(Paginator):
    """A paginator over at most `limit` rows, counted up to the limit only."""

    def __init__(self, object_list, per_page: int, limit: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.limit = limit or ROW_LIMIT

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.limit)

    @cached_property
    def capped(self) -> bool:
        """More rows match than are counted and paged."""
        return self._counted > self.limit

    @cached_property
    def _counted(self) -> int:
        # Unordered: counting needs no sort, only the first limit + 1 matching rows.
        return self.object_list.order_by()[: self.limit + 1].count()


def bounded_page(request: HttpRequest, rows, per_page: int) -> Page:
    """The requested page (`?page=`) of at most ROW_LIMIT rows; out-of-range pages give the
    nearest one, like Django's `get_page`."""
    return BoundedPaginator(rows, per_page).get_page(request.GET.get("page"))


def sort_order(
    request: HttpRequest, options: Mapping[str, Sequence[str]], default: str
) -> tuple[str, list[str]]:
    """`?sort=<key>` (or `-<key>`, descending) among `options` (key → order_by fields, the
    last one unique), else `default`. Returns the key in force and the fields to order by."""
    key = request.GET.get("sort", "")
    if key.removeprefix("-") not in options:
        key = default
    fields = list(options[key.removeprefix("-")])
    if key.startswith("-"):
        fields = [f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in fields]
    return key, fields


def list_query(params: QueryDict) -> str:
    """The filters of a list as a query string (no page number or action)."""
    query = params.copy()
    for name in NOT_FILTERS:
        query.pop(name, None)
    return query.urlencode()
