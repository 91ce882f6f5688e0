"""Spreadsheet kind: assessments (考核) against a checklist, the items met as numbers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import (
    BoolCell,
    Cell,
    DateCell,
    IntegerCell,
    TextCell,
    plain_text,
    simplified,
)
from associations.spreadsheets.kinds import Column, Row, register

from .. import services
from ..models import Assessment, AssessmentTemplate
from .shared import Records, association_column

_ITEM_SEPARATORS = re.compile(r"[、,，;；/\s.．]+")
_ITEM_RANGE = re.compile(r"^(\d+)[-~～—–](\d+)$")


class ItemsCell(Cell):
    """Item numbers met: "1,2,3,5", "1、2、3", "1-4"; empty (or 无) means none met."""

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> frozenset[int]:
        # NFKC only: spaces separate numbers here, so they are not squeezed out.
        text = unicodedata.normalize("NFKC", plain_text(value)).strip()
        if text in ("", "无", "-", "—"):
            return frozenset()
        numbers: set[int] = set()
        for part in _ITEM_SEPARATORS.split(text):
            if not part:
                continue
            span = _ITEM_RANGE.match(part)
            if span and int(span[1]) <= int(span[2]):
                numbers.update(range(int(span[1]), int(span[2]) + 1))
            elif part.isdigit() and int(part) > 0:
                numbers.add(int(part))
            else:
                raise ValidationError(
                    _("“%(part)s”不是考核项序号；请填达标项的序号，如 1,2,3,5。") % {"part": part}
                )
        return frozenset(numbers)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ",".join(str(n) for n in sorted(value or ()))

    def describe(self) -> str:
        return _("达标项的序号，用逗号或顿号分隔，如 1,2,3,5；留空表示都未达标。")


class TemplateCell(TextCell):
    """A checklist by its name or code, as stored (administrators may edit the list)."""

    def describe(self) -> str:
        names = AssessmentTemplate.objects.order_by("code").values_list("name", "code")
        shown = "、".join(f"{name}（{code}）" for name, code in names)
        return _("考核模板的名称或代码：%(shown)s") % {"shown": shown}


@register
class AssessmentRecords(Records):
    kind = "assessments"
    label = gettext_lazy("考核")
    narrow_by = ("year",)
    notes = (
        gettext_lazy("“达标”列由达标项按模板规则算出，仅供核对。"),
        gettext_lazy("达标项填写该模板中达到的项目序号，填写的是全部达标项（不是追加）。"),
    )

    association = association_column()
    year = Column("年度", "year", IntegerCell(), key=True, example=2024)
    template = Column(
        "模板", "template__name", TemplateCell(max_length=60), key=True, example="八有"
    )
    items_met = Column("达标项", "items_met", ItemsCell(), required=True, example="1,2,3,5")
    assessed_on = Column("考核日期", "assessed_on", DateCell())
    note = Column("说明", "note", TextCell(max_length=200))
    passed = Column("达标", "passed", BoolCell(), readonly=True)

    class Meta:
        model = Assessment

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.templates: dict[str, AssessmentTemplate] | None = None

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Assessment.objects.within(scope)
            .select_related("association", "template")
            .prefetch_related("items_met")
            .order_by("association__path", "year", "template__code", "id")
        )

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        return super().filter_export(queryset, **kwargs).prefetch_related("items_met")

    def stored(self) -> models.QuerySet:
        return super().stored().prefetch_related("items_met")

    @staticmethod
    def numbers(obj: Assessment) -> frozenset[int]:
        return frozenset(item.number for item in obj.items_met.all())

    def dehydrate_items_met(self, obj: Assessment) -> str:
        return self.fields["items_met"].widget.render(self.numbers(obj))

    def current(self, obj: Assessment, name: str) -> Any:
        if name == "items_met":
            return self.numbers(obj)
        return super().current(obj, name)

    def _template_named(self, text: str) -> AssessmentTemplate | None:
        if self.templates is None:
            self.templates = {}
            for template in AssessmentTemplate.objects.all():
                self.templates.setdefault(simplified(template.name), template)
                self.templates.setdefault(simplified(template.code).lower(), template)
        key = simplified(text)
        return self.templates.get(key) or self.templates.get(key.lower())

    def prepare(self, rows: list[Row]) -> None:
        super().prepare(rows)
        # The key holds the template's name, however the file wrote it (name or code).
        for row in rows:
            text = row.values.get("template")
            template = self._template_named(text) if text else None
            if template is None:
                names = "、".join(dict.fromkeys(t.name for t in self.templates.values()))
                row.error(
                    "template",
                    _("没有名为“%(t)s”的考核模板；可填：%(names)s。") % {"t": text, "names": names},
                )
            else:
                row.values["template"] = template.name

    def create(self, row: Row) -> Assessment:
        fields = self.given(row.values, services.ASSESSMENT_FIELDS)
        fields["association"] = self._association(row)
        template = self._template_named(row.values["template"])
        items_met = row.values["items_met"]
        return services.assessment_create(
            by=self.by, template=template, items_met=items_met, **fields
        )

    def update(self, obj: Assessment, row: Row, changed: dict[str, Any]) -> Assessment:
        fields = self.given(changed, services.ASSESSMENT_FIELDS)
        items_met = changed.get("items_met")  # the whole list met (not added to)
        return services.assessment_update(by=self.by, assessment=obj, items_met=items_met, **fields)
