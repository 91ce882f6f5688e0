"""The indicator catalog: every figure the system reports, defined once.

HTML tables, Excel and PDF exports, dashboards, the drafted work report, the
JSON output and submission snapshots all read figures from `evaluate` and
`evaluate_children`; nothing else computes a figure.

An indicator is evaluated for a scope (an association and its whole subtree,
itself included) and a year: stocks as of 31 December, flows during the year.
Figures come from a handful of aggregate queries (one per source model), so the
query count does not grow with the number of associations, members or years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Level


class Kind(StrEnum):
    COUNT = "count"
    AMOUNT = "amount"
    RATE = "rate"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    name_en: str
    definition: str
    unit: str
    kind: Kind
    section: str
    numerator: str | None = None
    denominator: str | None = None


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

    def __str__(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value * 100:.1f}% ({self.numerator}/{self.denominator})"

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


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


@dataclass(frozen=True)
class Source:
    """One aggregate query over a model: the rows of a year and the figures drawn from them.

    `rows(year)` is the unscoped queryset, `scope_lookup` leads to the owning
    association's path, and `aggregates(year)` maps indicator codes to
    Count/Sum expressions evaluated over those rows.
    """

    rows: Callable[[int], QuerySet]
    scope_lookup: str
    aggregates: Callable[[int], dict]
    codes: tuple[str, ...] = field(default=())


INDICATORS: dict[str, Indicator] = {}
SOURCES: list[Source] = []


def indicator(code: str, name, name_en: str, definition, unit, kind: Kind, section: str, **extra):
    INDICATORS[code] = Indicator(code, name, name_en, definition, unit, kind, section, **extra)


def source(rows, scope_lookup: str, aggregates) -> None:
    codes = tuple(aggregates(2000).keys())
    SOURCES.append(Source(rows, scope_lookup, aggregates, codes))


def rate(code: str, name, name_en: str, definition, section: str, numerator: str, denominator: str):
    indicator(
        code,
        name,
        name_en,
        definition,
        "%",
        Kind.RATE,
        section,
        numerator=numerator,
        denominator=denominator,
    )


# ── Organisation (组织建设) ───────────────────────────────────────────────────
ORG_LEVELS = {
    "county": Level.COUNTY,
    "town": Level.TOWN,
    "branch": Level.BRANCH,
    "village": Level.VILLAGE,
    "community": Level.COMMUNITY,
    "enterprise": Level.ENTERPRISE,
    "floating": Level.FLOATING,
}

indicator(
    "org.associations.total",
    _("协会组织总数"),
    "Associations",
    _("12月31日在册（已成立、未撤销）的协会总数，含本级。"),
    _("个"),
    Kind.COUNT,
    "org",
)
for _suffix, _level in ORG_LEVELS.items():
    indicator(
        f"org.associations.{_suffix}",
        _("%(level)s级协会数") % {"level": _level.label},
        f"Associations: {_suffix}",
        _("12月31日在册的%(level)s级协会数。") % {"level": _level.label},
        _("个"),
        Kind.COUNT,
        "org",
    )


def _active_associations(year: int) -> QuerySet:
    return Association.objects.active_on(year_end(year))


source(
    _active_associations,
    "path",
    lambda year: {
        "org.associations.total": Count("id"),
        **{
            f"org.associations.{suffix}": Count("id", filter=Q(level=level))
            for suffix, level in ORG_LEVELS.items()
        },
    },
)


# ── Evaluation ────────────────────────────────────────────────────────────────
def _alias(code: str) -> str:
    return "f_" + code.replace(".", "_")


def _needed_sources(codes: set[str]) -> list[Source]:
    wanted = set(codes)
    for code in codes:
        spec = INDICATORS[code]
        if spec.kind == Kind.RATE:
            wanted |= {spec.numerator, spec.denominator}
    return [s for s in SOURCES if wanted & set(s.codes)]


def _finish(raw: dict[str, int | Decimal | None], codes: Iterable[str]) -> dict[str, FigureValue]:
    values: dict[str, FigureValue] = {}
    for code in codes:
        spec = INDICATORS[code]
        if spec.kind == Kind.RATE:
            values[code] = Rate(raw.get(spec.numerator) or 0, raw.get(spec.denominator) or 0)
        else:
            values[code] = raw.get(code) or (Decimal(0) if spec.kind == Kind.AMOUNT else 0)
    return values


def evaluate(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> dict[str, FigureValue]:
    """Every requested indicator (default: all) for the scope's subtree in `year`."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    raw: dict[str, int | Decimal | None] = {}
    for src in _needed_sources(set(codes)):
        aggregates = {_alias(code): expr for code, expr in src.aggregates(year).items()}
        rows = src.rows(year).filter(**{f"{src.scope_lookup}__startswith": scope.path})
        result = rows.aggregate(**aggregates)
        raw.update({code: result[_alias(code)] for code in src.codes})
    return _finish(raw, codes)


def evaluate_children(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> list[tuple[Association, dict[str, FigureValue]]]:
    """The same figures broken down by the scope's direct children (those active that year).

    Each source is still one query: rows are labelled with the child whose
    subtree holds them (CASE on path prefixes) and grouped by that label.
    """
    codes = list(codes) if codes is not None else list(INDICATORS)
    children = list(
        scope.children.filter(
            Q(founded_on__isnull=True) | Q(founded_on__lte=year_end(year)),
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=dt.date(year, 1, 1)),
        ).order_by("path")
    )
    raw: dict[int, dict] = {child.pk: {} for child in children}
    if children:
        for src in _needed_sources(set(codes)):
            unit = Case(
                *[
                    When(**{f"{src.scope_lookup}__startswith": child.path}, then=Value(child.pk))
                    for child in children
                ],
                default=None,
                output_field=IntegerField(),
            )
            aggregates = {_alias(code): expr for code, expr in src.aggregates(year).items()}
            rows = (
                src.rows(year)
                .filter(**{f"{src.scope_lookup}__startswith": scope.path})
                .annotate(_unit=unit)
                .exclude(_unit=None)
                .values("_unit")
                .order_by()
                .annotate(**aggregates)
            )
            for row in rows:
                raw[row["_unit"]].update({code: row[_alias(code)] for code in src.codes})
    return [(child, _finish(raw[child.pk], codes)) for child in children]


def change(current: FigureValue, previous: FigureValue) -> int | Decimal | float | None:
    """Year-over-year change: a difference for counts and amounts, percentage points for rates."""
    if isinstance(current, Rate):
        if current.value is None or previous.value is None:
            return None
        return round((current.value - previous.value) * 100, 1)
    return current - previous


def evaluate_with_yoy(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> dict[str, tuple[FigureValue, FigureValue, int | Decimal | float | None]]:
    """Each figure with last year's and the change (`yoy`)."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    now, before = evaluate(scope, year, codes), evaluate(scope, year - 1, codes)
    return {code: (now[code], before[code], change(now[code], before[code])) for code in codes}
