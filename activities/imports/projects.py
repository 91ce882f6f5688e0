"""Spreadsheet kind: aid projects (项目)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import (
    ChoiceCell,
    CodeCell,
    DateCell,
    DecimalCell,
    IntegerCell,
    TextCell,
)
from associations.spreadsheets.kinds import Column, Row, register

from .. import selectors, services
from ..models import Project, ProjectKind
from .shared import Records, association_column

# What people write for the kinds, beyond the labels themselves.
PROJECT_KIND_ALIASES = {
    "少生快富工程": ProjectKind.FEWER_BIRTHS,
    "三结合帮扶": ProjectKind.THREE_COMBINATIONS,
    "关爱女孩行动": ProjectKind.CARE_FOR_GIRLS,
    "助学": ProjectKind.EDUCATION_AID,
    "幸福工程—救助贫困母亲行动": ProjectKind.HAPPINESS,
    "生育关怀行动": ProjectKind.BIRTH_CARE,
    "计划生育保险": ProjectKind.FP_INSURANCE,
}


@register
class ProjectRecords(Records):
    list_rows = staticmethod(selectors.project_rows)
    kind = "projects"
    label = gettext_lazy("项目")
    notes = (
        gettext_lazy("项目编码在全系统内唯一。金额单位为元。"),
        gettext_lazy("按资金来源登记了明细的项目，资金总额请在项目页面上修改。"),
    )

    code = Column("项目编码", "code", CodeCell(max_length=30), key=True, example="XM2024001")
    association = association_column(key=False, required=True)
    project_kind = Column(
        "类别",
        "kind",
        ChoiceCell(ProjectKind.choices, PROJECT_KIND_ALIASES),
        required=True,
        example="少生快富",
    )
    name = Column(
        "名称", "name", TextCell(max_length=200), required=True, example="少生快富桃园基地"
    )
    started_on = Column("开始日期", "started_on", DateCell(), required=True, example="2024-03-01")
    funds_raised = Column("筹集资金", "funds_raised", DecimalCell(), example=50000)
    funds_spent = Column("支出资金", "funds_spent", DecimalCell(), example=30000)
    households_out_of_poverty = Column(
        "脱贫户数", "households_out_of_poverty", IntegerCell(), example=12
    )
    jobs_created = Column("安置就业人数", "jobs_created", IntegerCell(), example=20)
    ended_on = Column("结束日期", "ended_on", DateCell())
    fixed_assets = Column("固定资产", "fixed_assets", DecimalCell())
    output_value = Column("产值", "output_value", DecimalCell())
    tax_paid = Column("利税", "tax_paid", DecimalCell())
    description = Column("项目简介", "description", TextCell())

    class Meta:
        model = Project

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Project.objects.within(scope)
            .select_related("association")
            .order_by("association__path", "code")
        )

    def create(self, row: Row) -> Project:
        fields = self.given(row.values, services.PROJECT_FIELDS)
        fields["association"] = self._association(row)
        return services.project_create(by=self.by, **fields)

    def update(self, obj: Project, row: Row, changed: dict[str, Any]) -> Project:
        # Totals of a project with a breakdown by source must agree with it (the service).
        fields = self.given(changed, services.PROJECT_FIELDS)
        if "association" in fields:
            fields["association"] = self._association(row)
        return services.project_update(by=self.by, project=obj, **fields)
