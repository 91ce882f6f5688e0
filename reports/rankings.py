"""Comparison across units (横向比较): one indicator for a unit's children, or for every unit of
one level in its subtree (all villages of the county), ranked with ties, with quartiles and
the unit's own figure as the reference line — the comparison the drafted work report's
存在的问题 makes between a unit's children on its main rates.

Ranking is competition ranking: equal figures share a place and the next place is skipped
(1, 2, 2, 4). A unit whose rate has an empty denominator has no figure: it is listed last,
unranked, and counts in no quartile.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from associations.models import VILLAGE_LEVELS, Association, Level, active_during

from . import catalog
from .catalog import INDICATORS, FigureValue, Indicator, Kind, Rate
from .charts import Bar, bar_chart, format_number

Number = float | Decimal | int
CHILDREN = ""  # the `level` meaning "the direct children"


def competition_ranks(values: Sequence[Number | None]) -> list[int | None]:
    """Each value's place, highest first, ties sharing a place (1, 2, 2, 4); None: unranked."""
    present = [v for v in values if v is not None]
    return [None if v is None else 1 + sum(1 for other in present if other > v) for v in values]


def number_of(value: FigureValue) -> float | None:
    """The figure as one number to rank on: a rate's share (None over nothing), else itself."""
    if isinstance(value, Rate):
        return value.value
    return float(value)


def shown(spec: Indicator, value: FigureValue | float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Rate):
        return str(value)
    if spec.kind == Kind.RATE:
        return f"{float(value) * 100:.1f}%"
    if spec.kind == Kind.AMOUNT:
        return f"{float(value):,.2f}"
    return format_number(value)


def level_label(level: str) -> str:
    """How a comparison's units are named: 直属下级, 村（居）, 镇乡（街道）…"""
    if level == CHILDREN:
        return _("直属下级单位")
    if level == Level.VILLAGE:
        return _("村（居）")
    return str(Level(level).label)


def units_of(scope: Association, year: int, level: str = CHILDREN) -> list[Association]:
    """The units compared: the scope's direct children active in `year`, or every unit of
    `level` in its subtree active in `year` (the scope itself left out)."""
    if level == CHILDREN:
        units = scope.children.all()
    else:
        # Villages and residents' committees are compared together, as reports count them.
        levels = VILLAGE_LEVELS if level == Level.VILLAGE else (level,)
        units = Association.objects.within(scope).filter(level__in=levels).exclude(pk=scope.pk)
    return list(units.filter(active_during(year)).order_by("path"))


QUARTILE_NAMES = {1: _lazy("前25%"), 2: _lazy("25%–50%"), 3: _lazy("50%–75%"), 4: _lazy("后25%")}


@dataclass(frozen=True)
class RankedUnit:
    rank: int | None
    association: Association
    value: FigureValue
    number: float | None
    quartile: int | None  # 1 = the top quarter … 4 = the bottom quarter
    below: bool  # below the reference line
    href: str | None

    @property
    def quartile_name(self) -> str:
        return str(QUARTILE_NAMES[self.quartile]) if self.quartile else "—"


@dataclass(frozen=True)
class Quartiles:
    upper: float  # Q3: the top quarter is at or above it
    median: float
    lower: float  # Q1: the bottom quarter is below it


@dataclass(frozen=True)
class IndicatorRanking:
    scope: Association
    year: int
    indicator: Indicator
    level: str
    rows: list[RankedUnit]
    scope_value: FigureValue
    reference: float | None
    quartiles: Quartiles | None

    @property
    def is_rate(self) -> bool:
        return self.indicator.kind == Kind.RATE

    @property
    def reference_text(self) -> str:
        """What the line is: the scope's own rate, or for counts the average of the units."""
        if self.reference is None:
            return "—"
        if self.is_rate:
            return _("%(scope)s整体 %(value)s") % {
                "scope": self.scope.name,
                "value": shown(self.indicator, self.reference),
            }
        return _("各单位平均 %(value)s") % {"value": shown(self.indicator, self.reference)}

    @property
    def below(self) -> list[RankedUnit]:
        return [row for row in self.rows if row.below]

    @property
    def ranked(self) -> list[RankedUnit]:
        return [row for row in self.rows if row.number is not None]

    @property
    def highest(self) -> RankedUnit | None:
        return self.ranked[0] if self.ranked else None

    @property
    def lowest(self) -> RankedUnit | None:
        return self.ranked[-1] if self.ranked else None

    @property
    def level_label(self) -> str:
        return str(level_label(self.level))

    @property
    def quartile_texts(self) -> list[tuple[str, str]]:
        """Q3, the median and Q1 as written (empty with fewer than two figures)."""
        if self.quartiles is None:
            return []
        q = self.quartiles
        return [
            (_("上四分位数（Q3）"), shown(self.indicator, q.upper)),
            (_("中位数"), shown(self.indicator, q.median)),
            (_("下四分位数（Q1）"), shown(self.indicator, q.lower)),
        ]

    def chart(self) -> SafeString:
        bars = [
            Bar(row.association.name, row.number, row.href, shown(self.indicator, row.value))
            for row in self.rows
        ]
        return bar_chart(
            bars,
            title=str(self.indicator.name),
            width=640,
            bar_height=16,
            maximum=1 if self.is_rate else None,
            reference=self.reference,
            reference_label=self.reference_text,
        )


def quartiles_of(numbers: list[float]) -> Quartiles | None:
    """Q1, the median and Q3 (linear interpolation between the ranked figures, the method
    spreadsheets call QUARTILE.INC); None for fewer than two figures."""
    if len(numbers) < 2:
        return None
    lower, median, upper = statistics.quantiles(numbers, n=4, method="inclusive")
    return Quartiles(upper=upper, median=median, lower=lower)


def quartile_of(number: float | None, quartiles: Quartiles | None) -> int | None:
    if number is None or quartiles is None:
        return None
    # At or above Q3 is the top quarter, at or below Q1 the bottom one (so the lowest figures
    # are there even when several share Q1), the rest either side of the median.
    if number >= quartiles.upper:
        return 1
    if number <= quartiles.lower:
        return 4
    return 2 if number >= quartiles.median else 3


def indicator_ranking(
    scope: Association,
    year: int,
    code: str,
    *,
    level: str = CHILDREN,
    href: Callable[[Association], str | None] | None = None,
) -> IndicatorRanking:
    """The units (see `units_of`) ranked on indicator `code` in `year`, best first."""
    scope_value = catalog.evaluate(scope, year, [code])[code]
    if level == CHILDREN:
        figures = catalog.evaluate_children(scope, year, [code])
    else:
        figures = catalog.evaluate_units(scope, units_of(scope, year, level), year, [code])
    return _ranking(scope, year, code, level, scope_value, figures, href)


def _ranking(
    scope: Association,
    year: int,
    code: str,
    level: str,
    scope_value: FigureValue,
    figures: Sequence[tuple[Association, Mapping[str, FigureValue]]],
    href: Callable[[Association], str | None] | None = None,
) -> IndicatorRanking:
    spec = INDICATORS[code]
    values = [(unit, found[code]) for unit, found in figures]
    numbers = [number_of(value) for _unit, value in values]
    present = [n for n in numbers if n is not None]
    if spec.kind == Kind.RATE:
        reference = number_of(scope_value)
    else:
        reference = sum(present) / len(present) if present else None
    quartiles = quartiles_of(present)
    link = href or (lambda _unit: None)
    rows = [
        RankedUnit(
            rank,
            unit,
            value,
            number,
            quartile_of(number, quartiles),
            reference is not None and number is not None and number < reference,
            link(unit),
        )
        for rank, (unit, value), number in zip(
            competition_ranks(numbers), values, numbers, strict=True
        )
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.association.path))
    return IndicatorRanking(scope, year, spec, level, rows, scope_value, reference, quartiles)


# ── The drafted work report's 存在的问题 ───────────────────────────────────────
# The shares whose spread between the children the paragraph reports, in this order.
