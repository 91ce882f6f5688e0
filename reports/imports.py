"""Spreadsheet kinds of the reports app: the yearly context records (`context`, 基本情况) and
targets (`targets`, 目标), one row a unit and year (and indicator).

Every row is written through `reports.services` as the importer, within their scope; a bad
row — an unknown indicator code, a rate target outside 0–100%, a unit outside the scope, a
negative figure, an amount with more than two decimals — is reported with its row number
and nothing is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.imports.shared import Records, association_column
from associations.models import Association
from associations.spreadsheets.cells import (
    CodeCell,
    DecimalCell,
    IntegerCell,
    TextCell,
    plain_text,
)
from associations.spreadsheets.kinds import Column, Row, register

from . import services
from .models import Target, UnitContext

# Cells are read to this many decimals before the column's own limit is checked.
PARSED_PLACES = 12


class ExactDecimalCell(DecimalCell):
    """A number of at most `places` decimals, refused (never rounded) with more."""

    def __init__(self, places: int = 2) -> None:
        super().__init__(places=PARSED_PLACES)  # read finely, then checked here
        self.kept = places

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> Decimal | None:
        number = super().clean(value, row, **kwargs)
        if number is not None and number != number.quantize(Decimal(1).scaleb(-self.kept)):
            raise ValidationError(
                _("最多保留 %(places)s 位小数（填写的是 %(value)s）。")
                % {"places": self.kept, "value": plain_text(value)}
            )
        # As typed (85 stays 85, not 85.000000000000); the service keeps it to the fen.
        return None if number is None else Decimal(format(number.normalize(), "f"))

    def describe(self) -> str:
        return _("数字，不能为负，最多 %(places)s 位小数") % {"places": self.kept}


def _year() -> Column:
    return Column("年度", "year", IntegerCell(), key=True, example=2024)


@register
class ContextRecords(Records):
    kind = "context"
    label = gettext_lazy("基本情况")
    narrow_by = ("year",)
    notes = (
        gettext_lazy("每个协会每年一行；留空的数字不修改已有的值。"),
        gettext_lazy(
            "总人口、户数、已婚育龄妇女、村民小组数填本单位自身范围的数字，上级汇总时逐级相加："
            "已由下级填报的，上级不要重复填报。计生事业费填同级政府当年的计划生育事业费。"
        ),
    )

    association = association_column()
    year = _year()
    population = Column("总人口", "population", IntegerCell(), example=47600)
    households = Column("户数", "households", IntegerCell(), example=13200)
    married_women = Column(
        "已婚育龄妇女", "married_women", IntegerCell(), aliases=("已婚育龄妇女数",), example=9202
    )
    villager_groups = Column(
        "村民小组数", "villager_groups", IntegerCell(), aliases=("村民小组",), example=320
    )
    fp_budget = Column(
        "计生事业费",
        "fp_budget",
        ExactDecimalCell(),
        aliases=("计生事业费（元）", "计划生育事业费"),
        example=1800000,
    )
    notes = Column("其他情况", "notes", TextCell(), aliases=("备注",))

    class Meta:
        model = UnitContext

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            UnitContext.objects.within(scope)
            .select_related("association")
            .order_by("association__path", "year")
        )

    def create(self, row: Row) -> UnitContext:
        fields = self.given(row.values, services.CONTEXT_FIELDS)
        fields["association"] = self._association(row)
        return services.context_create(by=self.by, **fields)

    def update(self, obj: UnitContext, row: Row, changed: dict[str, Any]) -> UnitContext:
        fields = self.given(changed, services.CONTEXT_FIELDS)
        return services.context_update(by=self.by, context=obj, **fields)


@register
class TargetRecords(Records):
    kind = "targets"
    label = gettext_lazy("目标")
    narrow_by = ("year", "code")
    notes = (
        gettext_lazy("每个协会每年每项指标一行；指标编码见“指标说明”页面或导出的年报表。"),
        gettext_lazy(
            "达到或超过目标值即为达标。比率类指标（编码以 rate. 开头）填百分数，如 85 表示 85%，"
            "须在 0–100 之间；计数填整数；金额最多两位小数。"
        ),
    )

    association = association_column()
    year = _year()
    code = Column(
        "指标编码",
        "code",
        CodeCell(max_length=80),
        key=True,
        aliases=("指标代码",),
        example="rate.villages_ba_you",
    )
    value = Column("目标值", "value", ExactDecimalCell(), required=True, example=85)
    note = Column("说明", "note", TextCell(max_length=200))

    class Meta:
        model = Target

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Target.objects.within(scope)
            .select_related("association")
            .order_by("association__path", "year", "code")
        )

    def create(self, row: Row) -> Target:
        fields = self.given(row.values, services.TARGET_FIELDS)
        fields["association"] = self._association(row)
        return services.target_create(by=self.by, **fields)

    def update(self, obj: Target, row: Row, changed: dict[str, Any]) -> Target:
        fields = self.given(changed, services.TARGET_FIELDS)
        return services.target_update(by=self.by, target=obj, **fields)
