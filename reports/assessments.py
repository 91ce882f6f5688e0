"""Scored assessments (目标管理考核) from the reports' side: the items a template fills from an
indicator, scored from the catalog, and a template's results rolled up over the units a
unit assesses (its children, or every unit of one level below it): how many were assessed,
the average score, units per grade, and the ranking on the total with ties (1, 2, 2, 4).

The write (`services.assessments_fill`) hands the scores to the activities service; this
module only reads and computes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from activities.models import (
    Assessment,
    AssessmentItem,
    AssessmentTemplate,
    Grade,
    ThresholdUnit,
    shown_number,
)
from associations.models import Association

from .catalog import INDICATORS, FigureValue, Kind, Rate
from .rankings import CHILDREN, competition_ranks, units_of

HUNDRED = Decimal(100)
EVIDENCE_LENGTH = 200


# ── Items filled from an indicator ────────────────────────────────────────────
def indicator_items(template: AssessmentTemplate) -> list[AssessmentItem]:
    return [item for item in template.items.all() if item.from_indicator]


def unknown_codes(items: Iterable[AssessmentItem]) -> list[str]:
    """Indicator codes the catalog does not define (the template names them by hand)."""
    return sorted({item.indicator_code for item in items} - set(INDICATORS))


def measured(item: AssessmentItem, value: FigureValue) -> Decimal | None:
    """The figure in the unit of the item's threshold: a rate in percent (87.5) or as a
    share (0.875) as the threshold is; None for a rate over an empty denominator."""
    if isinstance(value, Rate):
        if not value.denominator:
            return None
        share = Decimal(value.numerator) / Decimal(value.denominator)
        return share * HUNDRED if item.threshold_unit == ThresholdUnit.PERCENT else share
    return Decimal(value)


def mismatch(item: AssessmentItem) -> str:
    """Why an item cannot be scored from its indicator ("" if it can)."""
    spec = INDICATORS.get(item.indicator_code)
    if spec is None:
        return _("第 %(n)s 项的指标代码“%(code)s”不在指标目录中。") % {
            "n": item.number,
            "code": item.indicator_code,
        }
    if item.threshold_unit == ThresholdUnit.PERCENT and spec.kind != Kind.RATE:
        return _("第 %(n)s 项以百分比比较，但“%(name)s”不是比率。") % {
            "n": item.number,
            "name": spec.name,
        }
    return ""


def item_score(item: AssessmentItem, value: FigureValue) -> tuple[Decimal, str]:
    """The item's score for the figure (its points when the comparison holds, else 0; a rate
    without data scores 0) and the evidence written beside it."""
    spec = INDICATORS[item.indicator_code]
    number = measured(item, value)
    figure = str(value) if isinstance(value, Rate) else f"{shown_number(Decimal(value))}{spec.unit}"
    if number is None:
        earned = Decimal(0)
        outcome = _("分母为零，无数据，不得分")
    else:
        earned = item.earns(number)
        outcome = _("得 %(points)s 分") % {"points": shown_number(earned)}
    evidence = _("按指标自动计分：%(name)s %(figure)s；规则 %(rule)s；%(outcome)s") % {
        "name": spec.name,
        "figure": figure,
        "rule": item.rule(),
        "outcome": outcome,
    }
    return earned, evidence[:EVIDENCE_LENGTH]


def item_scores(
    items: Iterable[AssessmentItem], figures: Mapping[str, FigureValue]
) -> dict[int, tuple[Decimal, str]]:
    """Each indicator item's (score, evidence) by item number."""
    return {item.number: item_score(item, figures[item.indicator_code]) for item in items}


# ── Results rolled up ─────────────────────────────────────────────────────────
@dataclass(frozen=True)
class ResultRow:
    rank: int | None
    association: Association
    assessment: Assessment | None


@dataclass(frozen=True)
class Results:
    scope: Association
    template: AssessmentTemplate
    year: int
    level: str
    rows: list[ResultRow]

    @property
    def assessed(self) -> list[Assessment]:
        return [row.assessment for row in self.rows if row.assessment is not None]

    @property
    def not_assessed(self) -> list[Association]:
        return [row.association for row in self.rows if row.assessment is None]

    @property
    def average(self) -> Decimal | None:
        """The mean total score of the units assessed, to 0.01 (half up)."""
        totals = [a.total_score for a in self.assessed]
        if not totals:
            return None
        mean = sum(totals, Decimal(0)) / len(totals)
        return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def passed(self) -> int:
        return sum(1 for a in self.assessed if a.passed)

    @property
    def by_grade(self) -> list[tuple[str, int]]:
        """Units per grade, best first (a template without bands: passed / not passed)."""
        if not self.template.bands:
            return [(_("达标"), self.passed), (_("未达标"), len(self.assessed) - self.passed)]
        counts = Counter(a.grade for a in self.assessed)
        return [(str(grade.label), counts[grade.value]) for grade in Grade]


def results(
    scope: Association, template: AssessmentTemplate, year: int, *, level: str = CHILDREN
) -> Results:
    """The template's assessments of `year` for the units the scope assesses (see
    `rankings.units_of`), ranked on the total; units not yet assessed are listed last."""
    units = units_of(scope, year, level)
    found = {
        a.association_id: a
        for a in Assessment.objects.filter(
            template=template, year=year, association__in=units
        ).select_related("assessed_by")
    }
    totals = [found[u.pk].total_score if u.pk in found else None for u in units]
    rows = [
        ResultRow(rank, unit, found.get(unit.pk))
        for rank, unit in zip(competition_ranks(totals), units, strict=True)
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.association.path))
    return Results(scope, template, year, level, rows)
