"""The catalog engine: indicators declared on the query that produces them, and evaluation.

A `Source` is one aggregate query over a model: the rows of a year (live records
only, in their time window) and the path that leads to the owning association.
Each indicator is declared once, on its source, with everything about it: code,
names, definition, unit, kind, section, whether it adds up over associations, and
its aggregate as a function of the year. `rate` declares a share of two of them.

`evaluate` runs one aggregate query per source that a requested code needs, so the
query count never grows with the number of associations, members or years;
`evaluate_children` does the same per direct child (one grouped query per source).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Expression,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from associations.models import Association, active_during


class Kind(StrEnum):
    COUNT = "count"
    AMOUNT = "amount"  # money, to the fen
    QUANTITY = "quantity"  # a measured quantity that is not money (training days), to 0.1
    RATE = "rate"


# Kinds whose figures are Decimals (the others are ints, or a Rate).
DECIMAL_KINDS = (Kind.AMOUNT, Kind.QUANTITY)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    unit: str
    kind: Kind
    section: str
    numerator: str | None = None
    denominator: str | None = None
    # The figure of a subtree is the sum of the figures of each of its associations
    # taken alone (every row counted is owned by exactly one association). Where it
    # is False the declaration says why.
    additive: bool = True


@dataclass(frozen=True)
class Rate:
    """A share carried with its parts; an empty denominator has no value (shown "—")."""

    numerator: int | Decimal
    denominator: int | Decimal

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        return float(self.numerator) / float(self.denominator)

    @property
    def percent(self) -> str:
        """The share alone, as printed beside its parts: "76.4%", or "—" over nothing."""
        return "—" if self.value is None else f"{self.value * 100:.1f}%"

    def __str__(self) -> str:
        if self.value is None:
            return self.percent
        return f"{self.percent} ({self.numerator}/{self.denominator})"

    def as_json(self) -> dict:
        value = None if self.value is None else round(self.value, 4)
        return {
            "value": value,
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
        }


FigureValue = int | Decimal | Rate


def _plain(number: int | Decimal) -> int | float:
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else float(number)
    return number


def as_json(value: FigureValue) -> int | float | dict:
    return value.as_json() if isinstance(value, Rate) else _plain(value)


def figures_as_json(values: dict[str, FigureValue]) -> dict[str, int | float | dict]:
    """A whole `evaluate` result as plain JSON-ready values, keyed by code."""
    return {code: as_json(value) for code, value in values.items()}


# The report sections (table keys) in the order reports print them.
SECTIONS: dict[str, str] = {
    "context": _("基本情况"),
    "org": _("组织建设"),
    "members": _("会员队伍"),
    "liaison": _("会员联系户"),
    "projects": _("项目与帮扶"),
    "events": _("活动开展"),
    "awards": _("表彰与创建"),
    "selfgov": _("村（居）民自治"),
    "funds": _("经费收支"),
}

INDICATORS: dict[str, Indicator] = {}

# A name, definition or unit: a string or a lazy translation of one.
Text = str | Promise

# ── Texts ─────────────────────────────────────────────────────────────────────


def _interpolate(message: Any, **params: Any) -> str:
    return str(message) % {key: str(value) for key, value in params.items()}


def _concatenate(*parts: Any) -> str:
    return "".join(str(part) for part in parts)


# Texts built from pieces or choice labels stay lazy so they follow the request's language.
fmt = lazy(_interpolate, str)
join = lazy(_concatenate, str)


# ── Aggregates ────────────────────────────────────────────────────────────────
MONEY_OUTPUT = DecimalField(max_digits=18, decimal_places=2)
QUANTITY_OUTPUT = DecimalField(max_digits=18, decimal_places=1)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

# An indicator's aggregate over its source's rows, for a year.
Aggregate = Callable[[int], Expression]


def count(field_name: str = "id", condition: Q | None = None, *, distinct: bool = False) -> Count:
    return Count(field_name, filter=condition, distinct=distinct)


def total(field_name: str | Expression, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field_name, filter=condition), Value(0), output_field=IntegerField())


def money(field_name: str | Expression, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field_name, filter=condition), Value(Decimal(0)), output_field=MONEY_OUTPUT)


def quantity(expression: Expression, condition: Q | None = None) -> Coalesce:
    return Coalesce(
        Sum(expression, filter=condition), Value(Decimal(0)), output_field=QUANTITY_OUTPUT
    )


def _declare(spec: Indicator) -> Indicator:
    if spec.code in INDICATORS:
        raise ValueError(f"duplicate indicator code {spec.code}")
    if spec.section not in SECTIONS:
        raise ValueError(f"unknown section {spec.section} for {spec.code}")
    INDICATORS[spec.code] = spec
    return spec


@dataclass(eq=False)
class Source:
    """One aggregate query over a model: the rows of a year and the figures drawn from them.

    `rows(year)` is the unscoped queryset of live rows in the year's window,
    `scope_lookup` leads to the owning association's path, and each declared
    indicator's aggregate is evaluated over those rows.
    """

    rows: Callable[[int], QuerySet]
    scope_lookup: str
    section: str
    figures: dict[str, Aggregate] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.figures)

    def indicator(
        self,
        code: str,
        name: Text,
        definition: Text,
        unit: Text,
        *,
        value: Aggregate,
        kind: Kind = Kind.COUNT,
        section: str | None = None,
        additive: bool = True,
    ) -> Indicator:
        """Declare an indicator whose figure is `value(year)` over this source's rows."""
        spec = _declare(
            Indicator(
                code,
                name,
                definition,
                unit,
                kind,
                section or self.section,
                additive=additive,
            )
        )
        self.figures[code] = value
        return spec


SOURCES: list[Source] = []


def source(rows: Callable[[int], QuerySet], scope_lookup: str, section: str) -> Source:
    src = Source(rows, scope_lookup, section)
    SOURCES.append(src)
    return src


_EMPTY_DENOMINATOR = _("分母为0时不计算比率，记“—”。")


def rate(
    code: str,
    name: Text,
    definition: Text,
    section: str,
    numerator: str,
    denominator: str,
) -> Indicator:
    """A share of two declared indicators. Never additive: the share of a subtree is
    rebuilt from its summed numerator and denominator, never added up. Every rate's
    definition ends with the rule for an empty denominator."""
    return _declare(
        Indicator(
            code,
            name,
            join(definition, _EMPTY_DENOMINATOR),
            "%",
            Kind.RATE,
            section,
            numerator=numerator,
            denominator=denominator,
            additive=False,
        )
    )


def put_in_section_order() -> None:
    """The catalog order is section order, then declaration order within a section."""
    order = list(SECTIONS)
    ordered = sorted(INDICATORS.values(), key=lambda spec: order.index(spec.section))
    INDICATORS.clear()
    INDICATORS.update((spec.code, spec) for spec in ordered)


def by_section() -> dict[str, list[Indicator]]:
    """The catalog grouped by section, in section order and catalog order within each."""
    grouped: dict[str, list[Indicator]] = {key: [] for key in SECTIONS}
    for spec in INDICATORS.values():
        grouped[spec.section].append(spec)
    return grouped


# ── Evaluation ────────────────────────────────────────────────────────────────
Plan = list[tuple[Source, dict[str, tuple[str, Expression]]]]


def plan(codes: set[str], year: int) -> Plan:
    """The sources to query and, for each, only the aggregates the requested codes need."""
    wanted = set(codes)
    for code in codes:
        spec = INDICATORS[code]
        if spec.kind == Kind.RATE:
            wanted |= {spec.numerator, spec.denominator}
    plan = []
    for src in SOURCES:
        needed = [code for code in src.figures if code in wanted]
        if needed:
            # SQL aliases cannot hold dots: number them and map back to the codes.
            figures = {f"f{i}": (code, src.figures[code](year)) for i, code in enumerate(needed)}
            plan.append((src, figures))
    return plan


def aggregates(figures: dict) -> dict:
    return {alias: expr for alias, (_code, expr) in figures.items()}


def by_code(row: dict, figures: dict) -> dict:
    return {code: row[alias] for alias, (code, _expr) in figures.items()}


def _number(raw: dict[str, int | Decimal | None], code: str) -> int | Decimal:
    kind = INDICATORS[code].kind
    if kind in DECIMAL_KINDS:
        # Rounded to the fen (or tenth): SQLite hands sums back with float noise digits (and
        # the store keeps them as text).
        return Decimal(str(raw.get(code) or 0)).quantize(CENT if kind == Kind.AMOUNT else TENTH)
    return raw.get(code) or 0


def finish(raw: dict[str, int | Decimal | None], codes: Iterable[str]) -> dict[str, FigureValue]:
    values: dict[str, FigureValue] = {}
    for code in codes:
        spec = INDICATORS[code]
        if spec.kind == Kind.RATE:
            values[code] = Rate(_number(raw, spec.numerator), _number(raw, spec.denominator))
        else:
            values[code] = _number(raw, code)
    return values


def _scoped(src: Source, year: int, scope: Association) -> QuerySet:
    return src.rows(year).filter(**{f"{src.scope_lookup}__startswith": scope.path})


def evaluate_live(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> dict[str, FigureValue]:
    """Every requested indicator (default: all) for the scope's subtree in `year`, computed
    from the records now (`reports.catalog.store.evaluate` reads the same figures stored)."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    raw: dict[str, int | Decimal | None] = {}
    for src, figures in plan(set(codes), year):
        rows = _scoped(src, year, scope)
        raw.update(by_code(rows.aggregate(**aggregates(figures)), figures))
    return finish(raw, codes)


def evaluate_children_live(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> list[tuple[Association, dict[str, FigureValue]]]:
    """The same figures broken down by the scope's direct children (those active that year),
    computed from the records now.

    Each source is still one query: rows are labelled with the child whose
    subtree holds them (CASE on path prefixes) and grouped by that label.
    """
    codes = list(codes) if codes is not None else list(INDICATORS)
    children = list(scope.children.filter(active_during(year)).order_by("path"))
    raw: dict[int, dict] = {child.pk: {} for child in children}
    if children:
        for src, figures in plan(set(codes), year):
            unit = Case(
                *[
                    When(
                        **{f"{src.scope_lookup}__startswith": child.path},
                        then=Value(child.pk),
                    )
                    for child in children
                ],
                default=None,
                output_field=IntegerField(),
            )
            rows = (
                _scoped(src, year, scope)
                .annotate(_unit=unit)
                .exclude(_unit=None)
                .values("_unit")
                .order_by()
                .annotate(**aggregates(figures))
            )
            for row in rows:
                raw[row["_unit"]].update(by_code(row, figures))
    return [(child, finish(raw[child.pk], codes)) for child in children]


def change(current: FigureValue, previous: FigureValue) -> int | Decimal | float | None:
    """Year-over-year change: a difference for counts and amounts, percentage points for rates."""
    if isinstance(current, Rate):
        if current.value is None or previous.value is None:
            return None
        return round((current.value - previous.value) * 100, 1)
    return current - previous
