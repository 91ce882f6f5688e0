"""Spreadsheet kind: assessments (考核) against a template: the items met as numbers, and
partial scores as “number=score” in the same column (3=4.5), so the checklists' files
keep working and a scored template needs no column per item. Evidence notes are entered
on the assessment page."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import (
    BoolCell,
    Cell,
    DateCell,
    DecimalCell,
    IntegerCell,
    TextCell,
    plain_text,
    simplified,
)
from associations.spreadsheets.kinds import Column, Row, register

from .. import selectors, services
from ..models import Assessment, AssessmentScore, AssessmentTemplate, shown_number
from .shared import Records, association_column

_ITEM_SEPARATORS = re.compile(r"[、,，;；/\s.．]+")
_ITEM_RANGE = re.compile(r"^(\d+)[-~～—–](\d+)$")
_ITEM_SCORE = re.compile(r"(\d+)\s*[=:]\s*(\d+(?:\.\d+)?)")

# An assessment's scores with their items, in one query.
SCORES = Prefetch("scores", queryset=AssessmentScore.objects.select_related("item"))
# Items as a spreadsheet cell or the admin writes them: {number: score}, None for full points.
ItemList = dict[int, Decimal | None]


def parse_items(value: Any) -> ItemList:
    """“1,2,3,5”, “1、2、3”, “1-4” (items met: full points) and “3=4.5” (a score);
    empty (or 无) means none."""
    # NFKC only: spaces separate numbers here, so they are not squeezed out.
    text = unicodedata.normalize("NFKC", plain_text(value)).strip()
    if text in ("", "无", "-", "—"):
        return {}
    items: ItemList = {}

    def add(number: int, score: Decimal | None) -> None:
        if number in items:
            raise ValidationError(_("第 %(n)s 项写了两次。") % {"n": number})
        items[number] = score

    for number, score in _ITEM_SCORE.findall(text):
        add(int(number), Decimal(score))
    for part in _ITEM_SEPARATORS.split(_ITEM_SCORE.sub(" ", text)):
        if not part:
            continue
        span = _ITEM_RANGE.match(part)
        if span and int(span[1]) <= int(span[2]):
            for number in range(int(span[1]), int(span[2]) + 1):
                add(number, None)
        elif part.isdigit() and int(part) > 0:
            add(int(part), None)
        else:
            raise ValidationError(
                _(
                    "“%(part)s”不是考核项序号；请填达标项的序号，如 1,2,3,5，"
                    "或“序号=得分”，如 3=4.5。"
                )
                % {"part": part}
            )
    return items


def render_items(items: ItemList) -> str:
    return ",".join(
        str(n) if score is None else f"{n}={shown_number(score)}"
        for n, score in sorted(items.items())
    )


def scored_items(assessment: Assessment) -> ItemList:
    """An assessment's scores as an item list: full points as the bare number."""
    return {
        row.item.number: None if row.score == row.item.points else row.score
        for row in assessment.scores.all()
        if row.score
    }


def as_service_scores(items: ItemList) -> dict[str, Any]:
    """The service's `items_met` (the whole list met) and `scores` (the partial ones)."""
    return {
        "items_met": [n for n, score in items.items() if score is None],
        "scores": {n: score for n, score in items.items() if score is not None},
    }


class ItemsCell(Cell):
    """Items met (full points) by number, and partial scores as “number=score”."""

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> ItemList:
        return parse_items(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return render_items(value or {})

    def describe(self) -> str:
        return _(
            "达标（得满分）项的序号，用逗号或顿号分隔，如 1,2,3,5；留空表示都未达标。"
            "计分的模板可写“序号=得分”记部分得分，如 1,2,3=4.5。"
        )


class TemplateCell(TextCell):
    """A checklist by its name or code, as stored (administrators may edit the list)."""

    def describe(self) -> str:
        names = AssessmentTemplate.objects.order_by("code").values_list("name", "code")
        shown = "、".join(f"{name}（{code}）" for name, code in names)
        return _("考核模板的名称或代码：%(shown)s") % {"shown": shown}


@register
class AssessmentRecords(Records):
    list_rows = staticmethod(selectors.assessment_rows)
    kind = "assessments"
    label = gettext_lazy("考核")
    narrow_by = ("year",)
    error_fields = {"scores": "items_met"}
    notes = (
        gettext_lazy("“总分”“等级”“达标”列由各项得分按模板算出，仅供核对。"),
        gettext_lazy(
            "达标项填写该模板中达到（得满分）的项目序号，部分得分写“序号=得分”；"
            "填写的是全部得分（不是追加），未列出的项为 0 分。"
        ),
    )

    association = association_column()
    year = Column("年度", "year", IntegerCell(), key=True, example=2024)
    template = Column(
        "模板", "template__name", TemplateCell(max_length=60), key=True, example="八有"
    )
    items_met = Column("达标项", "items_met", ItemsCell(), required=True, example="1,2,3,5")
    assessed_on = Column("考核日期", "assessed_on", DateCell())
    note = Column("说明", "note", TextCell(max_length=200))
    total_score = Column("总分", "total_score", DecimalCell(), readonly=True)
    grade = Column("等级", "grade", TextCell(), readonly=True)
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
            .prefetch_related(SCORES)
            .order_by("association__path", "year", "template__code", "id")
        )

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        return super().filter_export(queryset, **kwargs).prefetch_related(SCORES)

    def stored(self) -> models.QuerySet:
        return super().stored().prefetch_related(SCORES)

    def dehydrate_items_met(self, obj: Assessment) -> str:
        return render_items(scored_items(obj))

    def dehydrate_grade(self, obj: Assessment) -> str:
        return obj.get_grade_display()

    def current(self, obj: Assessment, name: str) -> Any:
        if name == "items_met":
            return scored_items(obj)
        return super().current(obj, name)

    def _template_named(self, text: str) -> AssessmentTemplate | None:
        if self.templates is None:
            self.templates = {}
            for template in AssessmentTemplate.objects.prefetch_related("items"):
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
                continue
            row.values["template"] = template.name
            if row.values.get("items_met") is not None:
                row.values["items_met"] = self._as_stored(template, row.values["items_met"])

    @staticmethod
    def _as_stored(template: AssessmentTemplate, items: dict) -> dict:
        """Written as stored: full points as the bare number, a zero score left out (so an
        unchanged row is seen as unchanged)."""
        points = {item.number: item.points for item in template.items.all()}
        return {
            n: None if score is None or score == points.get(n) else score
            for n, score in items.items()
            if score is None or score > 0
        }

    def create(self, row: Row) -> Assessment:
        fields = self.given(row.values, services.ASSESSMENT_FIELDS)
        fields["association"] = self._association(row)
        template = self._template_named(row.values["template"])
        items = as_service_scores(row.values["items_met"] or {})
        return services.assessment_create(by=self.by, template=template, **items, **fields)

    def update(self, obj: Assessment, row: Row, changed: dict[str, Any]) -> Assessment:
        fields = self.given(changed, services.ASSESSMENT_FIELDS)
        # The whole list met and scored (not added to).
        items = as_service_scores(changed["items_met"]) if "items_met" in changed else {}
        return services.assessment_update(by=self.by, assessment=obj, **items, **fields)
