"""Dashboard selector: the year's key figures, trends, breakdowns and a ranking of child units.

Every figure comes from the catalog (`evaluate`, `evaluate_children`); this
module only chooses codes, arranges the results and draws them with
`reports.charts`. The number of queries is fixed by the code sets below:
one `evaluate` for the year (all figures), one for the year before (key
figures, for the year-over-year change), one per earlier trend year (a few
codes) and one `evaluate_children` — independent of how many child units,
members or records there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from activities.models import AidKind, AwardLevel, EventType, ProjectKind
from associations.models import GRASSROOTS_LEVELS, Association, Level
from associations.scope import default_scope, visible

from . import catalog
from .catalog import INDICATORS, ORG_LEVELS, FigureValue, Indicator, Rate
from .charts import (
    Bar,
    Series,
    StackedRow,
    bar_chart,
    donut_chart,
    format_number,
    line_chart,
    stacked_bar_chart,
    with_unit,
)

TREND_YEARS = 5

KEY_CODES = (
    "org.associations.total",
    "members.total",
    "officers.fulltime_vice_chairs",
    "liaison.households",
    "projects.total",
    "aid.households",
    "aid.amount",
    "events.total",
    "events.participants",
    "awards.total",
    "funds.income",
    "funds.expense",
    "aid.people",
    "rate.villages_with_fulltime_vice_chair",
    "rate.admin_villages_500_with_fulltime_vice_chair",
    "rate.villages_ba_you",
    "rate.villages_with_project",
    "rate.aid_fp_share",
    "rate.agreement_households",
    "rate.members_with_liaison",
)
# Drawn over the last TREND_YEARS years, one small line chart each.
TREND_CODES = ("members.total", "events.total", "aid.households", "projects.total")
# The rates child units are ranked on (the first is the default order).
RANKING_CODES = (
    "rate.villages_with_fulltime_vice_chair",
    "rate.villages_ba_you",
    "rate.agreement_households",
    "rate.aid_fp_share",
    "rate.villages_with_project",
    "rate.members_with_liaison",
)
# Per child unit, drawn as bars.
CHILD_BAR_CODES = ("members.total", "events.total", "aid.households")
LEVEL_CODES = tuple(f"org.associations.{suffix}" for suffix in ORG_LEVELS)
EVENT_TYPE_CODES = tuple(f"events.{t}" for t in EventType.values)
PROJECT_KIND_CODES = tuple(f"projects.{k}" for k in ProjectKind.values)
VICE_CHAIR_LEVEL_CODES = tuple(
    f"officers.fulltime_vice_chairs.{level}" for level in ("village", "town", "county")
)
AID_KIND_CODES = tuple(f"aid.kind.{k}.amount" for k in AidKind.values)
AWARD_LEVEL_CODES = tuple(f"awards.{level}" for level in AwardLevel.values)
BREAKDOWN_CODES = (
    *LEVEL_CODES,
    *EVENT_TYPE_CODES,
    *PROJECT_KIND_CODES,
    *VICE_CHAIR_LEVEL_CODES,
    *AID_KIND_CODES,
    *AWARD_LEVEL_CODES,
)


def scope_choices(user, current: Association, *, grassroots: bool = False) -> list[tuple[int, str]]:
    """The scope picker's options, indented by depth, only ever within the user's subtree.

    The user's own unit, its direct children and every non-grass-roots unit
    below (towns, branches); villages deeper down are reached by drill-down
    unless `grassroots` asks for every unit. Dissolved units are left out, but
    the current unit is always offered.
    """
    root = default_scope(user)
    units = visible(Association, user)
    units = units.current() | units.filter(pk=current.pk)
    if not grassroots:
        units = units.filter(
            Q(depth__lte=root.depth + 1) | ~Q(level__in=GRASSROOTS_LEVELS) | Q(pk=current.pk)
        )
    units = units.only("pk", "name", "depth").order_by("path")
    return [(unit.pk, "\u3000" * max(unit.depth - root.depth, 0) + unit.name) for unit in units]


def dashboard_codes() -> list[str]:
    """Every indicator the dashboard shows."""
    return available((*KEY_CODES, *TREND_CODES, *RANKING_CODES, *CHILD_BAR_CODES, *BREAKDOWN_CODES))


def available(codes: Iterable[str]) -> list[str]:
    """The codes the catalog defines, in order, without repeats."""
    return [c for c in dict.fromkeys(codes) if c in INDICATORS]


@dataclass(frozen=True)
class KeyFigure:
    indicator: Indicator
    value: FigureValue
    previous: FigureValue
    change: int | Decimal | float | None

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def is_rate(self) -> bool:
        return isinstance(self.value, Rate)

    @property
    def shown(self) -> str:
        """The figure itself: "76.4%" for a rate (its parts are in `parts`), else the number."""
        if isinstance(self.value, Rate):
            return self.value.percent
        return format_number(self.value)

    @property
    def parts(self) -> str:
        if isinstance(self.value, Rate) and self.value.value is not None:
            return f"{self.value.numerator}/{self.value.denominator}"  # as in "76.4% (1263/1654)"
        return ""

    @property
    def unit(self) -> str:
        return "" if self.is_rate else str(self.indicator.unit)

    @property
    def direction(self) -> str:
        """One of up, down, flat, or empty when no comparison is possible."""
        if self.change is None:
            return ""
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"

    @property
    def change_text(self) -> str:
        """As shown: 比上年 ↑ 12人, 比上年 ↓ 2.3个百分点, 与上年持平 or 上年无可比数据."""
        if self.change is None:
            return _("上年无可比数据")
        if self.change == 0:
            return _("与上年持平")
        arrow = "↑" if self.change > 0 else "↓"
        amount = abs(self.change)
        if self.is_rate:
            shown = _("%(pp)s个百分点") % {"pp": f"{amount:.1f}"}
        else:
            shown = with_unit(amount, self.unit)
        return _("比上年 %(arrow)s %(amount)s") % {"arrow": arrow, "amount": shown}


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


@dataclass(frozen=True)
class RankingRow:
    rank: int
    association: Association
    href: str | None
    rates: list[Rate]


@dataclass(frozen=True)
class Ranking:
    columns: list[Indicator]
    sort_code: str
    rows: list[RankingRow]


@dataclass(frozen=True)
class Dashboard:
    scope: Association
    year: int
    years: list[int]
    key_figures: list[KeyFigure]
    trend_charts: list[Chart]
    breakdown_charts: list[Chart]
    child_charts: list[Chart]
    ranking: Ranking | None


def build_dashboard(
    scope: Association,
    year: int,
    *,
    child_href: Callable[[Association], str] | None = None,
    sort: str | None = None,
    trend_years: int = TREND_YEARS,
) -> Dashboard:
    """Everything the dashboard page (and its PDF) shows for `scope` in `year`.

    `child_href` turns a child unit into its own dashboard's URL (drill-down);
    `sort` picks the ranking rate (one of RANKING_CODES).
    """
    key_codes = available(KEY_CODES)
    breakdown_codes = available(BREAKDOWN_CODES)
    trend_codes = available(TREND_CODES)
    years = list(range(year - trend_years + 1, year + 1))

    current = catalog.evaluate(scope, year, [*key_codes, *breakdown_codes, *trend_codes])
    previous = catalog.evaluate(scope, year - 1, [*key_codes, *trend_codes])
    by_year = {year: current, year - 1: previous}
    for earlier in years:
        if earlier not in by_year:
            by_year[earlier] = catalog.evaluate(scope, earlier, trend_codes)

    key_figures = [
        KeyFigure(
            INDICATORS[code],
            current[code],
            previous[code],
            catalog.change(current[code], previous[code]),
        )
        for code in key_codes
    ]
    ranking_codes = available(RANKING_CODES)
    sort_code = sort if sort in ranking_codes else (ranking_codes[0] if ranking_codes else "")
    children = catalog.evaluate_children(
        scope, year, available((*CHILD_BAR_CODES, *ranking_codes, *LEVEL_CODES))
    )
    href = child_href or (lambda _child: None)
    return Dashboard(
        scope=scope,
        year=year,
        years=years,
        key_figures=key_figures,
        trend_charts=_trend_charts(trend_codes, years, by_year),
        breakdown_charts=_breakdown_charts(current),
        child_charts=_child_charts(children, href, sort_code) if children else [],
        ranking=_ranking(children, href, ranking_codes, sort_code) if children else None,
    )


def _title(code: str) -> str:
    return str(INDICATORS[code].name)


def before_first_record(values: Sequence[FigureValue]) -> list[FigureValue | None]:
    """A trend's values with the years before the unit's first record of the kind left out
    (None, drawn as a gap): a unit that started keeping records in 2023 had no data in
    2021, not zero. A zero after the first record is a real zero."""
    first = next((i for i, value in enumerate(values) if value), len(values))
    return [None if i < first else value for i, value in enumerate(values)]


def _trend_charts(
    codes: Sequence[str], years: list[int], by_year: dict[int, dict[str, FigureValue]]
) -> list[Chart]:
    labels = [str(y) for y in years]
    charts = []
    for code in codes:
        title = _title(code)
        series = [Series(title, before_first_record([by_year[y][code] for y in years]))]
        svg = line_chart(labels, series, title=title, unit=str(INDICATORS[code].unit))
        charts.append(Chart(title, svg))
    return charts


def _segments(values: dict[str, FigureValue], labels: dict[str, str]) -> list[Bar]:
    return [Bar(label, values[code]) for code, label in labels.items() if code in values]


def _breakdown_charts(current: dict[str, FigureValue]) -> list[Chart]:
    level_labels = {
        f"org.associations.{suffix}": str(level.label) for suffix, level in ORG_LEVELS.items()
    }
    groups = (
        (_("协会组织（按级别）"), level_labels),
        (_("活动（按类型）"), {f"events.{t.value}": str(t.label) for t in EventType}),
        (_("项目（按类别）"), {f"projects.{k.value}": str(k.label) for k in ProjectKind}),
        (
            _("专职副会长（按所在协会级别）"),
            dict(
                zip(
                    VICE_CHAIR_LEVEL_CODES,
                    (_("村（居）"), _("镇乡（街道）"), _("县（区）及以上")),
                    strict=True,
                )
            ),
        ),
        (_("帮扶金额（按方式）"), {f"aid.kind.{k.value}.amount": str(k.label) for k in AidKind}),
        (_("表彰（按级别）"), {f"awards.{level.value}": str(level.label) for level in AwardLevel}),
    )
    charts = []
    for title, labels in groups:
        segments = _segments(current, labels)
        if segments:
            # The segments' unit is their indicators' (个, 次, 项), as the catalog defines it.
            unit = str(INDICATORS[next(iter(labels))].unit)
            charts.append(Chart(title, donut_chart(segments, title=title, unit=unit)))
    return charts


def _child_charts(
    children: list[tuple[Association, dict[str, FigureValue]]],
    href: Callable[[Association], str | None],
    sort_code: str,
) -> list[Chart]:
    charts = []
    for code in available(CHILD_BAR_CODES):
        title = _("各下级单位%(name)s") % {"name": _title(code)}
        bars = [Bar(child.name, values[code], href(child)) for child, values in children]
        charts.append(
            Chart(title, bar_chart(bars, title=title, unit=str(INDICATORS[code].unit), width=640))
        )
    if sort_code:
        title = _("各下级单位%(name)s") % {"name": _title(sort_code)}
        bars = []
        for child, values in children:
            rate: Rate = values[sort_code]
            bars.append(Bar(child.name, rate.value, href(child), display=rate.percent))
        charts.append(Chart(title, bar_chart(bars, title=title, maximum=1, width=640)))
    level_codes = available(LEVEL_CODES)
    if level_codes:
        title = _("各下级单位协会组织构成")
        rows = [
            StackedRow(child.name, [values[c] for c in level_codes], href(child))
            for child, values in children
        ]
        categories = [str(Level(ORG_LEVELS[c.rsplit(".", 1)[1]]).label) for c in level_codes]
        charts.append(
            Chart(title, stacked_bar_chart(rows, categories, title=title, unit=_("个"), width=640))
        )
    return charts


def _ranking(
    children: list[tuple[Association, dict[str, FigureValue]]],
    href: Callable[[Association], str | None],
    codes: list[str],
    sort_code: str,
) -> Ranking:
    """Child units ordered by the chosen rate, best first; units without data come last."""

    def key(item: tuple[Association, dict[str, FigureValue]]):
        rate: Rate = item[1][sort_code]
        return (rate.value is None, -(rate.value or 0), item[0].path)

    ordered = sorted(children, key=key) if sort_code else children
    rows = [
        RankingRow(
            rank,
            child,
            href(child),
            [values[c] for c in codes],
        )
        for rank, (child, values) in enumerate(ordered, start=1)
    ]
    return Ranking([INDICATORS[c] for c in codes], sort_code, rows)
