"""The writer: one scope's evaluated figures turned into the phrases of the draft.

Every figure of the text comes from here, linked to its indicator: counts of units and
households exactly ("47个", "1263户"), people and material reached rounded as the reports
round them ("3600多人", "5万余份"), money rounded ("18万余元"), shares of units stated as the
reports state them ("80%以上") and shares of households exactly ("76.4%"); the exact figure
always travels with a rounded one.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from associations.models import VILLAGE_LEVELS, Association

from ..catalog import INDICATORS, FigureValue, Kind, Rate
from .wording import (
    Figure,
    Piece,
    about_percent,
    approximately,
    exact_money,
    exact_number,
    exact_rate,
    joined,
    place,
    sentence,
    we,
)

# (this year, last year, change) per code, as `catalog.evaluate_with_yoy` gives them.
YearFigures = Mapping[str, tuple]


def exact_text(code: str, value: FigureValue) -> str:
    """The exact figure of `code` as the hover and the change marks show it."""
    if isinstance(value, Rate):
        return exact_rate(value)
    if INDICATORS[code].kind == Kind.AMOUNT:
        return exact_money(value)
    return f"{exact_number(value)}{INDICATORS[code].unit}"


class Writer:
    """Phrases for one scope and year (the figures of its whole subtree)."""

    def __init__(self, scope: Association, year: int, figures: YearFigures) -> None:
        self.scope = scope
        self.year = year
        self.place = place(scope)
        self.we = we(scope)
        self.figures = figures

    @property
    def is_village(self) -> bool:
        return self.scope.level in VILLAGE_LEVELS

    def value(self, code: str) -> FigureValue:
        return self.figures[code][0]

    def has(self, code: str) -> bool:
        value = self.value(code)
        return value.value is not None if isinstance(value, Rate) else bool(value)

    def exact(self, code: str) -> str:
        return exact_text(code, self.value(code))

    # ── figures ──────────────────────────────────────────────────────────────
    def count(self, code: str, unit: str | None = None) -> Figure:
        """The exact count: 47个, 1263户 (another measure word with `unit`)."""
        unit = str(INDICATORS[code].unit) if unit is None else unit
        return Figure(code, f"{exact_number(self.value(code))}{unit}", self.exact(code))

    def about(self, code: str, unit: str | None = None) -> Figure:
        """A count of people or material rounded as the reports do: 3600多人, 5万余份."""
        unit = str(INDICATORS[code].unit) if unit is None else unit
        return Figure(code, f"{approximately(self.value(code))}{unit}", self.exact(code))

    def amount(self, code: str) -> Figure:
        """Money rounded as the reports write it: 7500元, 5万多元 → 5万余元, 18万余元."""
        text = _("%(amount)s元") % {"amount": approximately(self.value(code), money=True)}
        return Figure(code, text, self.exact(code))

    def figure(self, code: str) -> Figure:
        """The natural form of any figure: money rounded, counts exact."""
        return self.amount(code) if INDICATORS[code].kind == Kind.AMOUNT else self.count(code)

    def share(self, code: str) -> Figure:
        """A share of units as the reports state it (80%以上), exact on hover."""
        return Figure(code, about_percent(self.value(code)), self.exact(code))

    def percent(self, code: str) -> Figure:
        """A share of households or people, exact (76.4%)."""
        return Figure(code, self.value(code).percent, self.exact(code))

    def part(self, code: str, which: str, unit: str | None = None) -> Figure:
        """A rate's numerator or denominator, linked to its own indicator."""
        spec = INDICATORS[code]
        return self.count(spec.numerator if which == "numerator" else spec.denominator, unit)

    # ── phrases ──────────────────────────────────────────────────────────────
    def optional(self, code: str, template: str, figure: Figure | None = None) -> list[Piece]:
        """`template` with the figure as %(n)s, or nothing when the figure is zero."""
        if not self.has(code):
            return []
        return sentence(template, n=figure or self.figure(code))

    def listing(
        self, labels: Mapping[str, object], *, rounded: bool = False, units: Mapping = {}
    ) -> list[Piece]:
        """The non-zero figures among `labels`, in order: 志愿者12人、宣传员3人."""
        figure = self.about if rounded else self.count
        items = [
            [str(label), figure(code, units.get(code))]
            for code, label in labels.items()
            if code in self.figures and self.has(code)
        ]
        return joined(items)

    def yoy(self, code: str, *, lead: str = "，") -> list[Piece]:
        """The year-over-year phrase (，比上年增加12个); empty when last year had nothing."""
        value, previous, change = self.figures[code]
        if change is None:
            return []
        if not (previous.numerator if isinstance(previous, Rate) else previous):
            # Nothing last year usually means nothing recorded yet (the first year
            # in the system): "比上年增加1021人" would mislead, so say nothing.
            return []
        if change == 0:
            return [lead, Figure(code, _("与上年持平"), self.exact(code))]
        if isinstance(value, Rate):
            template = (
                _("比上年提高%(pp)s个百分点") if change > 0 else _("比上年下降%(pp)s个百分点")
            )
            return [lead, Figure(code, template % {"pp": f"{abs(change):.1f}"}, self.exact(code))]
        amount = (
            _("%(amount)s元") % {"amount": approximately(abs(change), money=True)}
            if INDICATORS[code].kind == Kind.AMOUNT
            else f"{exact_number(abs(change))}{INDICATORS[code].unit}"
        )
        template = _("比上年增加%(amount)s") if change > 0 else _("比上年减少%(amount)s")
        return [lead, Figure(code, template % {"amount": amount}, self.exact(code))]

    def fell(self, code: str) -> bool:
        """The figure is below last year's (and last year had one)."""
        _value, previous, change = self.figures[code]
        had = previous.numerator if isinstance(previous, Rate) else previous
        return bool(had) and change is not None and change < 0

    def rate_sentence(
        self,
        code: str,
        template: str,
        empty: str = "",
        *,
        none: str = "",
        every: str = "",
        exact: bool = False,
        unit: str | None = None,
    ) -> list[Piece]:
        """A rate sentence naming both parts; `empty` when the denominator is zero,
        `none` / `every` (if given) when none or all of the denominator qualify
        ("11个镇协会均未配备……", "245个村全部配备了……"). Shares of units are stated as the
        reports state them (80%以上) unless `exact`."""
        rate: Rate = self.value(code)
        if rate.value is None:
            return sentence(empty) if empty else []
        special = none if not rate.numerator else every if rate.value == 1 else ""
        parts = {
            "place": self.place,
            "denominator": self.part(code, "denominator", unit),
            "yoy": self.yoy(code),
        }
        if special:
            return sentence(special, **parts)
        return sentence(
            template,
            **parts,
            numerator=self.part(code, "numerator", unit),
            pct=self.percent(code) if exact else self.share(code),
        )


def money_listing(w: Writer, labels: Mapping[str, object]) -> list[Piece]:
    """Amounts among `labels` that are not zero: 计生部门拨款1000元、同级财政1.5万元."""
    return joined([[str(label), w.amount(code)] for code, label in labels.items() if w.has(code)])
