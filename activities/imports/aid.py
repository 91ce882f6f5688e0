"""Spreadsheet kind: aid (帮扶), keyed by household, day, kind and project (or provider)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import ChoiceCell, CodeCell, DateCell, DecimalCell, TextCell
from associations.spreadsheets.kinds import Column, Lookup, Row, register
from members.models import Household

from .. import selectors, services
from ..models import Aid, AidKind, Project
from .shared import Records, annotated, wanted

# What people write for the kinds of aid, beyond the labels themselves.
AID_KIND_ALIASES = {
    "现金帮扶": AidKind.CASH,
    "资金": AidKind.CASH,
    "物资": AidKind.IN_KIND,
    "实物帮扶": AidKind.IN_KIND,
    "小额贷款": AidKind.LOAN,
    "贴息贷款": AidKind.LOAN,
    "养老补贴": AidKind.PENSION_SUBSIDY,
    "助学": AidKind.SCHOLARSHIP,
    "奖学金": AidKind.SCHOLARSHIP,
    "医疗": AidKind.MEDICAL,
    "大病救助": AidKind.MEDICAL,
}


@register
class AidRecords(Records):
    list_rows = staticmethod(selectors.aid_rows)
    kind = "aid"
    label = gettext_lazy("帮扶记录")
    notes = (
        gettext_lazy(
            "按“户编码、日期、方式、项目编码”识别同一帮扶记录；项目编码留空表示项目之外的帮扶，"
            "这时还按“帮扶单位”区分（同一户同一天可有不同单位的帮扶）。"
        ),
        gettext_lazy("受助户须在项目实施协会的范围内，日期须在项目实施期内。"),
    )

    household = Column(
        "户编码",
        "household__code",
        CodeCell(max_length=30),
        required=True,
        example="3307031012010001",
    )
    given_on = Column("日期", "given_on", DateCell(), required=True, example="2024-06-01")
    aid_kind = Column(
        "方式", "kind", ChoiceCell(AidKind.choices, AID_KIND_ALIASES), required=True, example="现金"
    )
    amount = Column(
        "金额", "amount", DecimalCell(), required=True, aliases=("金额（元）",), example=500
    )
    project = Column(
        "项目编码",
        "project__code",
        CodeCell(max_length=30),
        help=gettext_lazy("项目之外的帮扶留空，并填写帮扶单位。"),
        example="XM2024001",
    )
    provider = Column("帮扶单位", "provider", TextCell(max_length=100), example="")
    note = Column("说明", "note", TextCell(max_length=200))
    head_name = Column("户主姓名", "household__head_name", TextCell(), readonly=True)

    class Meta:
        model = Aid

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.households = Lookup(
            Household.objects.select_related("association"), "code", self.within
        )
        self.projects = Lookup(Project.objects.select_related("association"), "code", self.within)
        self.identities: dict[tuple, int] = {}

    def key_names(self) -> list[str]:
        # 项目编码 may be empty (so it cannot be a required key column); without a project
        # the provider tells records apart, as the services' uniqueness rule does.
        return ["household", "given_on", "aid_kind", "project", "provider"]

    @staticmethod
    def identity(household: str, given_on, kind: str, project: str | None, provider: str | None):
        return (household, given_on, kind, project, "" if project else (provider or ""))

    def row_identity(self, row: Row) -> tuple:
        values = row.values
        return self.identity(
            values.get("household"),
            values.get("given_on"),
            values.get("aid_kind"),
            values.get("project"),
            values.get("provider"),
        )

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Aid.objects.within(scope)
            .select_related("household", "project")
            .order_by("household__association__path", "household__code", "given_on", "id")
        )

    def prepare(self, rows: list[Row]) -> None:
        self.households.prefetch(row.values.get("household") for row in rows)
        self.projects.prefetch(row.values.get("project") for row in rows)

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        households, dates = wanted(rows, "household"), wanted(rows, "given_on")
        if not households:
            return {}
        stored = annotated(Aid.objects.select_related("household", "project")).filter(
            household__code__in=households, given_on__in=dates
        )
        index = {
            self.identity(
                aid.household.code,
                aid.given_on,
                aid.kind,
                aid.project.code if aid.project_id else None,
                aid.provider,
            ): aid
            for aid in stored
        }
        names = self.key_names()
        found = {}
        for row in rows:
            aid = index.get(self.row_identity(row))
            if aid is not None:
                found[tuple(row.values.get(n) for n in names)] = aid
        return found

    def check(self, row: Row, obj: Aid | None) -> None:
        # Rows of one project that differ only in 帮扶单位 are the same record.
        first = self.identities.setdefault(self.row_identity(row), row.number)
        if first != row.number:
            row.error("household", _("与第 %(row)s 行重复。") % {"row": first})

    def changes(self, obj: Aid, row: Row) -> dict[str, Any]:
        changed = super().changes(obj, row)
        provider = row.values.get("provider")
        if obj.project_id and provider is not None and provider != obj.provider:
            changed["provider"] = provider
        return changed

    def _project(self, row: Row) -> Project | None:
        code = row.values.get("project")
        return self.projects.get(code, "project", _("项目")) if code else None

    def create(self, row: Row) -> Aid:
        fields = self.given(row.values, services.AID_FIELDS)
        fields["household"] = self.households.get(row.values["household"], "household", _("户"))
        fields["project"] = self._project(row)
        return services.aid_give(by=self.by, **fields)

    def update(self, obj: Aid, row: Row, changed: dict[str, Any]) -> Aid:
        # Only 金额, 帮扶单位 and 说明 change: the other columns are the key.
        fields = self.given(changed, services.AID_FIELDS)
        return services.aid_update(by=self.by, aid=obj, **fields)
