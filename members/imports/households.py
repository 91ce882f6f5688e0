"""Spreadsheet kind: households in the association's care (户)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import CodeCell, IntegerCell, MultiChoiceCell, TextCell
from associations.spreadsheets.kinds import Column, Lookup, RecordResource, Row, register

from .. import selectors, services
from ..models import HOUSEHOLD_CATEGORIES, Household
from .cells import given

CATEGORY_ALIASES = {
    "计生户": "is_family_planning",
    "计划生育家庭": "is_family_planning",
    "实行计划生育户": "is_family_planning",
    "独生子女": "is_one_child",
    "独生子女家庭": "is_one_child",
    "双女户": "is_two_daughter",
    "两女": "is_two_daughter",
    "困难家庭": "is_in_difficulty",
    "计生困难户": "is_in_difficulty",
    "困难户": "is_in_difficulty",
    "流动人口": "is_floating",
    "流动户": "is_floating",
}


@register
class HouseholdRecords(RecordResource):
    kind = "households"
    label = gettext_lazy("户")
    notes = (gettext_lazy("户类别可填多个，用“、”或逗号分隔；填“无”表示不属于任何类别。"),)
    error_fields = {"is_one_child": "categories", "is_two_daughter": "categories"}

    code = Column("户编码", "code", CodeCell(max_length=30), key=True, example="3307031012010001")
    head_name = Column(
        "户主姓名", "head_name", TextCell(max_length=40), required=True, example="李建国"
    )
    association = Column(
        "所属协会编码",
        "association__code",
        CodeCell(max_length=20),
        required=True,
        aliases=("协会编码",),
        example="330703101201",
    )
    categories = Column(
        "户类别",
        "categories",
        MultiChoiceCell(
            HOUSEHOLD_CATEGORIES.items(),
            CATEGORY_ALIASES,
            shown=[*HOUSEHOLD_CATEGORIES.values(), "计生户", "独生子女", "困难家庭", "流动人口"],
        ),
        example="实行计划生育家庭、独生子女户",
    )
    size = Column("家庭人口", "size", IntegerCell(min_value=1), example=3)
    address = Column("住址", "address", TextCell(max_length=200), example="某村 8 号")
    notes_ = Column("备注", "notes", TextCell())

    class Meta:
        model = Household

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.associations = Lookup(Association.objects.all(), "code", self.within)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Household.objects.within(scope)
            .select_related("association")
            .order_by("association__path", "code")
        )

    def filtered(self, queryset: models.QuerySet, filters: dict[str, Any]) -> models.QuerySet:
        return selectors.filter_households(queryset, **filters)

    def prepare(self, rows: list[Row]) -> None:
        self.associations.prefetch(row.values.get("association") for row in rows)

    def dehydrate_categories(self, obj: Household) -> str:
        return self.fields["categories"].widget.render(frozenset(obj.categories))

    def current(self, obj: Household, name: str) -> Any:
        if name == "categories":
            return frozenset(obj.categories)
        return super().current(obj, name)

    def _fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = given(values, services.HOUSEHOLD_FIELDS)
        if "association" in fields:
            code = fields["association"]
            fields["association"] = self.associations.get(code, "association", _("协会"))
        if "categories" in fields:
            fields["categories"] = sorted(fields["categories"])
        return fields

    def create(self, row: Row) -> Household:
        return services.household_create(by=self.by, **self._fields(row.values))

    def update(self, obj: Household, row: Row, changed: dict[str, Any]) -> Household:
        return services.household_update(by=self.by, household=obj, **self._fields(changed))
