"""What the activities spreadsheet kinds share: associations looked up by code within the
importer's scope, stored rows fetched by their key, and cells turned into the keyword
arguments of the services (by the kinds' declared field tuples)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from associations.models import Association
from associations.spreadsheets.cells import CodeCell
from associations.spreadsheets.kinds import Column, Lookup, RecordResource, Row

ASSOCIATION_EXAMPLE = "330703101201"


def annotated(queryset: models.QuerySet) -> models.QuerySet:
    """Stored rows as the engine's scope check wants them (`_scope_path`)."""
    return queryset.annotate(_scope_path=F(queryset.scope_path_lookup))


def wanted(rows: Iterable[Row], name: str) -> set[Any]:
    return {row.values.get(name) for row in rows} - {None}


class Records(RecordResource):
    """What every activities kind shares: associations looked up by code within scope,
    and stored rows fetched by the first key column narrowed by `narrow_by` columns."""

    narrow_by: ClassVar[tuple[str, ...]] = ()
    # The kind's staff list selector (`activities.selectors.<kind>_rows`, as a staticmethod):
    # an export of the list's filters is exactly the rows the list shows.
    list_rows: ClassVar[Callable[..., models.QuerySet] | None] = None

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.associations = Lookup(Association.objects.all(), "code", self.within)

    def _association(self, row: Row, name: str = "association") -> Association:
        return self.associations.get(row.values[name], name, _("协会"))

    def given(self, cells: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
        """The service fields `names` among cells keyed by column (a column's attribute
        names its field: 类别 `project_kind` is `kind`, 协会编码 is `association`, whose
        code the kind replaces by the association); empty cells are left to the service."""
        fields = {}
        for column, value in cells.items():
            field = self.fields[column].attribute.split("__")[0]
            if field in names and value is not None:
                fields[field] = value
        return fields

    def stored(self) -> models.QuerySet:
        """The stored rows, joined for key values and comparisons."""
        queryset = self._meta.model._default_manager.all()
        related = self.export_queryset_related()
        return annotated(queryset.select_related(*related) if related else queryset)

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        names = self.key_names()
        queryset = self.stored()
        for name in (names[0], *self.narrow_by):
            values = wanted(rows, name)
            if not values:
                return {}
            queryset = queryset.filter(**{f"{self.fields[name].attribute}__in": values})
        return {tuple(self.fields[n].get_value(obj) for n in names): obj for obj in queryset}

    def filtered(self, queryset: models.QuerySet, filters: dict[str, Any]) -> models.QuerySet:
        return self.list_rows(queryset, **filters) if self.list_rows else queryset

    def prepare(self, rows: list[Row]) -> None:
        if "association" in self.fields:
            self.associations.prefetch(row.values.get("association") for row in rows)


def association_column(*, key: bool = True, **kwargs: Any) -> Column:
    return Column(
        "协会编码",
        "association__code",
        CodeCell(max_length=20),
        key=key,
        aliases=("所属协会编码",),
        example=ASSOCIATION_EXAMPLE,
        **kwargs,
    )
