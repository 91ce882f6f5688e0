"""Plan against actual (目标管理): each target beside the catalog's figure for the same unit
and year, whether it is attained, and the shapes the pages, the tables, the dashboard and
the JSON output show.

A target is met when the figure reaches it (≥). A rate's target is a percentage (85 =
85%) compared exactly with numerator ÷ denominator; a rate over an empty denominator is
neither attained nor failed (`attained` is None, shown "—"), like the rate itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from associations.models import Association, active_during

from . import catalog
from .catalog import INDICATORS, FigureValue, Indicator, Kind, Rate
from .charts import format_number
from .models import Target

K = TypeVar("K")
HUNDRED = Decimal(100)


# ── Attainment ────────────────────────────────────────────────────────────────
def attained(spec: Indicator, actual: FigureValue, target: Decimal) -> bool | None:
    """Whether `actual` reaches `target` (a rate's target in percent); None for a rate over
    an empty denominator."""
    if isinstance(actual, Rate):
        if not actual.denominator:
            return None
        return Decimal(actual.numerator) * HUNDRED >= target * Decimal(actual.denominator)
    return Decimal(actual) >= target


def shown_target(spec: Indicator, value: Decimal) -> str:
    """A target as written: "≥ 25个", "≥ 85%", "≥ 50,000.00元"."""
    if spec.kind == Kind.RATE:
        return f"≥ {format_number(value.normalize(), grouped=False)}%"
    if spec.kind == Kind.AMOUNT:
        return f"≥ {value:,.2f}{spec.unit}"
    return f"≥ {format_number(int(value))}{spec.unit}"


def shown_actual(spec: Indicator, actual: FigureValue) -> str:
    if isinstance(actual, Rate):
        return str(actual)
    if spec.kind == Kind.AMOUNT:
        return f"{actual:,.2f}{spec.unit}"
    return f"{format_number(actual)}{spec.unit}"


@dataclass(frozen=True)
class Attainment:
    """One target beside its figure."""

    target: Target
    indicator: Indicator
    actual: FigureValue

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def attained(self) -> bool | None:
        return attained(self.indicator, self.actual, self.target.value)

    @property
    def status(self) -> str:
        """ok, behind, or none (no data: a rate over nothing)."""
        return {True: "ok", False: "behind", None: "none"}[self.attained]

    @property
    def status_text(self) -> str:
        return {True: _("已达到"), False: _("未达到"), None: _("无数据")}[self.attained]

    @property
    def share(self) -> float | None:
        """How far along: actual ÷ target (1 = reached), None without data."""
        if isinstance(self.actual, Rate):
            if self.actual.value is None:
                return None
            current = self.actual.value * 100
        else:
            current = float(self.actual)
        target = float(self.target.value)
        return 1.0 if not target else current / target

    @property
    def bar_percent(self) -> int:
        """The progress bar's filled width, 0–100."""
        share = self.share
        return 0 if share is None else max(0, min(100, round(share * 100)))

    @property
    def shown_target(self) -> str:
        return shown_target(self.indicator, self.target.value)

    @property
    def shown_actual(self) -> str:
        return shown_actual(self.indicator, self.actual)

    def as_json(self) -> dict[str, Any]:
        """{"target": T, "actual": A, "attained": …}: a rate's target as a fraction (0.85),
        comparable with its figure's "value"."""
        target = self.target.value
        if self.indicator.kind == Kind.RATE:
            target = target / HUNDRED
        return {
            "target": catalog.as_json(target),
            "actual": catalog.as_json(self.actual),
            "attained": self.attained,
        }


def targets_of(units: Iterable[Association], year: int) -> dict[int, dict[str, Target]]:
    """The live targets of these units for `year`, by unit and indicator code (codes the
    catalog no longer defines are left out)."""
    found: dict[int, dict[str, Target]] = {}
    rows = Target.objects.filter(association__in=list(units), year=year).order_by("code")
    for target in rows:
        if target.code in INDICATORS:
            found.setdefault(target.association_id, {})[target.code] = target
    return found


def attainments(
    targets: Mapping[str, Target], figures: Mapping[str, FigureValue]
) -> list[Attainment]:
    """The targets in catalog order, each beside its figure."""
    return [
        Attainment(targets[code], INDICATORS[code], figures[code])
        for code in INDICATORS
        if code in targets
    ]


def own_attainments(scope: Association, year: int) -> list[Attainment]:
    targets = targets_of([scope], year).get(scope.pk, {})
    if not targets:
        return []
    return attainments(targets, catalog.evaluate(scope, year, list(targets)))


def targets_json(scope: Association, year: int) -> dict[str, dict[str, Any]]:
    """The unit's own targets for `annual_report --format json`."""
    return {a.code: a.as_json() for a in own_attainments(scope, year)}


# ── A plan's page and the dashboard ───────────────────────────────────────────
@dataclass(frozen=True)
class UnitTargets:
    association: Association
    attainments: list[Attainment]

    @property
    def behind(self) -> list[Attainment]:
        return [a for a in self.attainments if a.attained is False]


@dataclass(frozen=True)
class PlanAgainstActual:
    scope: Association
    year: int
    own: list[Attainment]
    children: list[UnitTargets]
    codes: list[str]  # every indicator with a target, in catalog order

    @property
    def behind(self) -> list[tuple[Association, Attainment]]:
        """The child units behind target, each with the targets it has not reached."""
        return [(unit.association, a) for unit in self.children for a in unit.behind]

    def child_cell(self, unit: UnitTargets, code: str) -> Attainment | None:
        return next((a for a in unit.attainments if a.code == code), None)

    @property
    def grid(self) -> list[tuple[UnitTargets, list[Attainment | None]]]:
        """Each child unit's row: its attainment of every code (None where it has no target)."""
        return [
            (unit, [self.child_cell(unit, code) for code in self.codes]) for unit in self.children
        ]

    @property
    def indicators(self) -> list[Indicator]:
        return [INDICATORS[code] for code in self.codes]


def plan_against_actual(scope: Association, year: int) -> PlanAgainstActual:
    """The scope's own targets and its children's, each beside the figure of the year: one
    `evaluate`, one `evaluate_children` and one query for the targets."""
    children = list(scope.children.filter(active_during(year)).order_by("path"))
    targets = targets_of([scope, *children], year)
    codes = [code for code in INDICATORS if any(code in t for t in targets.values())]
    own = targets.get(scope.pk, {})
    own_figures = catalog.evaluate(scope, year, list(own)) if own else {}
    child_codes = sorted({code for c in children for code in targets.get(c.pk, {})})
    units = []
    if child_codes:
        for child, figures in catalog.evaluate_children(scope, year, child_codes):
            if targets.get(child.pk):
                units.append(UnitTargets(child, attainments(targets[child.pk], figures)))
    return PlanAgainstActual(scope, year, attainments(own, own_figures), units, codes)


# ── Splitting a total among units ─────────────────────────────────────────────
def split(total: Decimal, weights: Sequence[tuple[K, Decimal]], places: int) -> dict[K, Decimal]:
    """`total` shared in proportion to the weights, each share rounded down to `places`
    decimals and what is left handed out one step at a time to the largest remainders
    (ties: in the order given), so the shares add up to the total exactly."""
    step = Decimal(1).scaleb(-places)
    whole = sum((weight for _key, weight in weights), Decimal(0))
    if not whole:
        raise ValueError("weights add up to nothing")
    exact = [(key, total * weight / whole) for key, weight in weights]
    shares = {key: value.quantize(step, rounding=ROUND_DOWN) for key, value in exact}
    left = int((total - sum(shares.values(), Decimal(0))) / step)
    by_remainder = sorted(range(len(exact)), key=lambda i: -(exact[i][1] - shares[exact[i][0]]))
    for i in by_remainder[:left]:
        shares[exact[i][0]] += step
    return shares


# ── The annual tables' target columns ─────────────────────────────────────────
@dataclass(frozen=True)
class TargetCell:
    """A target column's cell: the target, with ✓ / ✗ / — for attained / not / no data;
    `value` (the number alone) is what the Excel sheet holds."""

    code: str
    kind: Kind
    value: Decimal | int | None
    text: str
    rate = None


def _target_cell(code: str, kind: Kind, attainment: Attainment | None) -> TargetCell:
    if attainment is None:
        return TargetCell(code, kind, None, "")
    mark = {True: "✓", False: "✗", None: "—"}[attainment.attained]
    value = attainment.target.value
    number = int(value) if kind == Kind.COUNT else value
    return TargetCell(code, kind, number, f"{attainment.shown_target} {mark}")


TARGET_DEFINITION = _lazy(
    "本年度下达的目标值（达到或超过为达标）：✓ 已达到，✗ 未达到，— 分母为零无法判断。"
)


def _target_column(column: Any) -> Any:
    from .tables import Column  # here: the tables module calls this one

    spec = INDICATORS[column.code]
    return Column(
        code=column.code,
        name=_("%(name)s目标") % {"name": column.name},
        unit="%" if spec.kind == Kind.RATE else column.unit,
        kind=Kind.COUNT if spec.kind == Kind.COUNT else Kind.AMOUNT,
        definition=str(TARGET_DEFINITION),
    )


def with_target_columns(
    tables: list, scope: Association, children: Sequence[Association], year: int
) -> list:
    """The annual tables with a target column after each indicator that has a target in one
    of their rows (a child's on its row, the scope's own on the total row)."""
    targets = targets_of([scope, *children], year)
    if not targets:
        return tables
    result = []
    for table in tables:
        units = [*children, scope] if table.by_children else [scope]
        columns: list = []
        rows: list[list] = [[] for _row in table.rows]
        for index, column in enumerate(table.columns):
            columns.append(column)
            for cells, row in zip(rows, table.rows, strict=True):
                cells.append(row.cells[index])
            wanted = [targets.get(unit.pk, {}).get(column.code) for unit in units]
            if not any(wanted):
                continue
            target_column = _target_column(column)
            columns.append(target_column)
            for cells, row, target in zip(rows, table.rows, wanted, strict=True):
                figure = row.cells[index].value
                attainment = Attainment(target, INDICATORS[column.code], figure) if target else None
                cells.append(_target_cell(column.code, target_column.kind, attainment))
        new_rows = tuple(
            replace(row, cells=tuple(cells)) for row, cells in zip(table.rows, rows, strict=True)
        )
        result.append(replace(table, columns=tuple(columns), rows=new_rows))
    return result
