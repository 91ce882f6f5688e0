"""Spreadsheet kind: the ledger (经费收支), identical lines told apart by a 笔次 column."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import ChoiceCell, DateCell, DecimalCell, IntegerCell, TextCell
from associations.spreadsheets.kinds import Column, Row, RowError, register

from .. import selectors, services
from ..models import Direction, ExpensePurpose, FundSource, LedgerEntry
from .shared import Records, annotated, association_column, wanted

# What people write for the directions, sources and purposes, beyond the labels themselves.
DIRECTION_ALIASES = {"收": Direction.INCOME, "进": Direction.INCOME, "支": Direction.EXPENSE}
SOURCE_ALIASES = {
    **dict.fromkeys(
        ("拨款", "部门拨款", "上级拨款", "计生局拨款", "卫健局拨款", "计生部门"), FundSource.BUREAU
    ),
    **dict.fromkeys(("财政", "财政拨款", "本级财政", "同级财政拨款"), FundSource.BUDGET),
    **dict.fromkeys(("自筹", "募集", "募捐", "捐款", "社会捐助"), FundSource.RAISED),
    "会费收入": FundSource.DUES,
}
PURPOSE_ALIASES = {
    **dict.fromkeys(("活动经费", "活动费"), ExpensePurpose.EVENT),
    **dict.fromkeys(("项目经费", "项目支出"), ExpensePurpose.PROJECT),
    **dict.fromkeys(("津贴", "补贴", "误工补贴", "岗位津贴"), ExpensePurpose.ALLOWANCE),
    **dict.fromkeys(("培训费",), ExpensePurpose.TRAINING),
    **dict.fromkeys(("宣传费", "宣传品"), ExpensePurpose.PUBLICITY),
    **dict.fromkeys(("办公费", "办公经费"), ExpensePurpose.OFFICE),
}


SOURCE_CELL = ChoiceCell(FundSource.choices, SOURCE_ALIASES)
PURPOSE_CELL = ChoiceCell(ExpensePurpose.choices, PURPOSE_ALIASES)


class CategoryCell(TextCell):
    """来源或用途: read as text here, resolved against 收支 once the whole row is known."""

    def describe(self) -> str:
        return _("收入填来源：%(sources)s；支出填用途：%(purposes)s") % {
            "sources": "、".join(SOURCE_CELL.shown),
            "purposes": "、".join(PURPOSE_CELL.shown),
        }


class OrdinalCell(IntegerCell):
    """笔次: which of several identical lines this is; empty means the first."""

    def __init__(self) -> None:
        super().__init__(min_value=1)

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> int:
        return super().clean(value) or 1

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if not value or value == 1 else value

    def describe(self) -> str:
        return _("整数，留空即 1")


@register
class LedgerRecords(Records):
    list_rows = staticmethod(selectors.ledger_rows)
    kind = "ledger"
    label = gettext_lazy("经费收支")
    error_fields = {"source": "category", "purpose": "category"}
    notes = (
        gettext_lazy(
            "每行一笔收支。已导入的一笔不能通过导入修改（改动任何一列都会成为新的一笔），"
            "请在页面上修改或删除。"
        ),
        gettext_lazy(
            "同一协会同一天完全相同的几笔（日期、收支、来源或用途、金额、摘要都相同），"
            "请在“笔次”列依次填 1、2、3 区分；不填“笔次”的相同行视为重复。导出文件已填好。"
        ),
    )

    association = association_column()
    date = Column("日期", "date", DateCell(), key=True, example="2024-05-29")
    direction = Column(
        "收支",
        "direction",
        ChoiceCell(Direction.choices, DIRECTION_ALIASES),
        key=True,
        example="支出",
    )
    category = Column(
        "来源或用途",
        "category",
        CategoryCell(max_length=30),
        key=True,
        aliases=("来源/用途", "收入来源或支出用途"),
        example="活动",
    )
    amount = Column(
        "金额", "amount", DecimalCell(), key=True, aliases=("金额（元）",), example=5000
    )
    note = Column("摘要", "note", TextCell(max_length=200), example="5·29活动宣传品")
    ordinal = Column(
        "笔次",
        "_ordinal",
        OrdinalCell(),
        help=gettext_lazy("只在同一天有完全相同的几笔时填写。"),
    )

    class Meta:
        model = LedgerEntry

    def key_names(self) -> list[str]:
        # 摘要 and 笔次 may be empty, so they cannot be required key columns.
        return ["association", "date", "direction", "category", "amount", "note", "ordinal"]

    @staticmethod
    def with_ordinals(queryset: models.QuerySet) -> models.QuerySet:
        """Number identical lines of one association 1, 2, … in the order they were entered."""
        earlier = (
            LedgerEntry.objects.filter(
                association=OuterRef("association"),
                date=OuterRef("date"),
                direction=OuterRef("direction"),
                source=OuterRef("source"),
                purpose=OuterRef("purpose"),
                amount=OuterRef("amount"),
                note=OuterRef("note"),
                pk__lt=OuterRef("pk"),
            )
            .order_by()
            .values("association")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.annotate(_ordinal=Coalesce(Subquery(earlier), Value(0)) + 1)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        queryset = LedgerEntry.objects.within(scope).select_related("association")
        return self.with_ordinals(queryset).order_by("association__path", "date", "id")

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        return self.with_ordinals(super().filter_export(queryset, **kwargs))

    def dehydrate_category(self, obj: LedgerEntry) -> str:
        if obj.direction == Direction.INCOME:
            return SOURCE_CELL.render(obj.source)
        return PURPOSE_CELL.render(obj.purpose)

    def dehydrate_ordinal(self, obj: LedgerEntry) -> Any:
        return self.fields["ordinal"].widget.render(getattr(obj, "_ordinal", 1))

    def prepare(self, rows: list[Row]) -> None:
        super().prepare(rows)
        for row in rows:
            values = row.values
            values["ordinal"] = values.get("ordinal") or 1
            income = values["direction"] == Direction.INCOME
            cell = SOURCE_CELL if income else PURPOSE_CELL
            try:
                values["category"] = cell.clean(values["category"])
            except ValidationError:
                if income:
                    message = _("收入的来源“%(value)s”无法识别；可填：%(allowed)s。")
                else:
                    message = _("支出的用途“%(value)s”无法识别；可填：%(allowed)s。")
                allowed = "、".join(cell.shown)
                row.error("category", message % {"value": values["category"], "allowed": allowed})

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        codes, dates = wanted(rows, "association"), wanted(rows, "date")
        if not codes:
            return {}
        stored = (
            annotated(LedgerEntry.objects.select_related("association"))
            .filter(association__code__in=codes, date__in=dates)
            .order_by("id")
        )
        lines: dict[tuple, list[LedgerEntry]] = {}
        for entry in stored:
            line = (
                entry.association.code,
                entry.date,
                entry.direction,
                entry.source or entry.purpose,
                entry.amount,
                entry.note,
            )
            lines.setdefault(line, []).append(entry)
        names = self.key_names()
        found = {}
        for row in rows:
            key = tuple(row.values.get(n) for n in names)
            *line, ordinal = key
            line[-1] = line[-1] or ""  # 摘要 left empty
            twins = lines.get(tuple(line), [])
            if ordinal <= len(twins):
                found[key] = twins[ordinal - 1]
        return found

    def changes(self, obj: LedgerEntry, row: Row) -> dict[str, Any]:
        return {}  # every column is part of the key: a line is there, or it is a new one

    def create(self, row: Row) -> LedgerEntry:
        values = row.values
        income = values["direction"] == Direction.INCOME
        line = {
            "note": "",
            **self.given(values, services.LEDGER_FIELDS),
            "association": self._association(row),
            "source": values["category"] if income else "",
            "purpose": "" if income else values["category"],
        }
        # An unmatched first line has no stored twin (it would have matched); a later one must
        # follow its stored twins, counting those written earlier in this file.
        ordinal = values["ordinal"]
        twins = LedgerEntry.objects.filter(**line).count() if ordinal > 1 else 0
        if ordinal != twins + 1:
            if twins:
                message = _("已有 %(n)s 笔完全相同的收支，这一笔的笔次应为 %(next)s。")
            else:
                message = _("没有完全相同的前几笔收支，笔次应为 1（或留空）。")
            raise RowError("ordinal", message % {"n": twins, "next": twins + 1})
        return services.ledger_record(by=self.by, **line)

    def update(self, obj: LedgerEntry, row: Row, changed: dict[str, Any]) -> LedgerEntry:
        return obj  # never called: `changes` is always empty
