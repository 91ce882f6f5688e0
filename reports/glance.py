"""The year at a glance (年度工作一览) of an association and its subtree.

Every figure is a catalog indicator, read with one `evaluate` (a fixed number of
queries); this module only picks the codes and arranges them in cards. The first
records of each kind, to open from the page, are rows, not figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Award,
    AwardLevel,
    Event,
    EventType,
    ExpensePurpose,
    FundSource,
    Project,
)
from associations.models import Association, live

from . import catalog
from .catalog import INDICATORS, FigureValue, Kind
from .catalog.org import ORG_LEVELS
from .tables import format_figure


def _each(prefix: str, values: list[str]) -> tuple[str, ...]:
    return tuple(f"{prefix}.{value}" for value in values)


# Breakdowns are listed only where they are not zero.
AWARD_LEVEL_CODES = _each("awards", AwardLevel.values)
INCOME_SOURCE_CODES = _each("funds.income", FundSource.values)
EXPENSE_PURPOSE_CODES = _each("funds.expense", ExpensePurpose.values)
ORG_LEVEL_CODES = _each("org.associations", list(ORG_LEVELS))
BREAKDOWNS = frozenset(
    {*AWARD_LEVEL_CODES, *INCOME_SOURCE_CODES, *EXPENSE_PURPOSE_CODES, *ORG_LEVEL_CODES}
)

KEY_CODES = (
    "events.total",
    "projects.total",
    "aid.households",
    "aid.amount",
    "funds.income",
    "funds.expense",
)
CARDS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("org", _("组织网络"), ("org.associations.total", *ORG_LEVEL_CODES, "org.member_groups")),
    (
        "events",
        _("活动"),
        (
            "events.total",
            "events.participants",
            "events.cost",
            "events.training_sessions",
            "events.trainees",
            "rate.cases_found",
        ),
    ),
    (
        "projects",
        _("项目"),
        (
            "projects.total",
            "projects.funds_raised",
            "projects.funds_spent",
            "projects.households_out_of_poverty",
            "projects.jobs_created",
        ),
    ),
    (
        "aid",
        _("帮扶"),
        (
            "aid.records",
            "aid.households",
            "aid.project_households",
            "rate.aid_fp_share",
            "aid.amount",
        ),
    ),
    ("awards", _("表彰"), ("awards.total", *AWARD_LEVEL_CODES)),
    (
        "assessments",
        _("考核与村民自治"),
        (
            "rate.villages_ba_you",
            "rate.model_associations",
            "rate.villages_with_charter",
            "rate.agreement_villages",
            "rate.agreement_households",
        ),
    ),
    (
        "funds",
        _("经费"),
        (
            "funds.income",
            *INCOME_SOURCE_CODES,
            "funds.expense",
            *EXPENSE_PURPOSE_CODES,
            "officers.allowances_paid",
            "officers.allowance_recipients",
        ),
    ),
)
# Events by type: how many, how many took part, what they cost.
EVENT_TYPE_CODES = {
    kind: (f"events.{kind}", f"events.participants.{kind}", f"events.cost.{kind}")
    for kind in EventType
}


def glance_codes() -> list[str]:
    """Every indicator the page shows, each once."""
    cards = [code for _key, _title, codes in CARDS for code in codes]
    by_type = [code for codes in EVENT_TYPE_CODES.values() for code in codes]
    return list(dict.fromkeys([*KEY_CODES, *cards, *by_type]))


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    unit: str
    value: FigureValue

    @property
    def text(self) -> str:
        return format_figure(self.value, self.code)


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    lines: list[Line]


@dataclass(frozen=True)
class EventTypeRow:
    label: str
    events: Line
    participants: Line
    cost: Line


@dataclass(frozen=True)
class YearAtAGlance:
    association: Association
    year: int
    figures: dict[str, FigureValue]
    key_figures: list[Line]
    cards: list[Card]
    events_by_type: list[EventTypeRow]


def _line(figures: dict[str, FigureValue], code: str) -> Line:
    spec = INDICATORS[code]
    unit = "" if spec.kind == Kind.RATE else str(spec.unit)
    return Line(code, str(spec.name), unit, figures[code])


def year_at_a_glance(association: Association, year: int) -> YearAtAGlance:
    """The figures of `association`'s subtree in `year`, arranged for the page."""
    figures = catalog.evaluate(association, year, glance_codes())
    cards = [
        Card(
            key,
            str(title),
            [_line(figures, c) for c in codes if c not in BREAKDOWNS or figures[c]],
        )
        for key, title, codes in CARDS
    ]
    by_type = [
        EventTypeRow(str(kind.label), *(_line(figures, code) for code in codes))
        for kind, codes in EVENT_TYPE_CODES.items()
        if figures[codes[0]]
    ]
    return YearAtAGlance(
        association=association,
        year=year,
        figures=figures,
        key_figures=[_line(figures, code) for code in KEY_CODES],
        cards=cards,
        events_by_type=by_type,
    )


# ── Records to open (rows, not figures) ───────────────────────────────────────
@dataclass(frozen=True)
class Records:
    rows: list
    more: bool  # there are more than the rows shown


def _first(rows: QuerySet, limit: int) -> Records:
    found = list(rows[: limit + 1])
    return Records(found[:limit], len(found) > limit)


def year_records(association: Association, year: int, limit: int = 20) -> dict[str, Records]:
    """The first events (the biggest first: village lectures would fill the list),
    projects and awards of the subtree in `year`."""
    return {
        "events": _first(
            Event.objects.within(association)
            .during(year)
            .select_related("association")
            .order_by("-participants", "-started_on", "pk"),
            limit,
        ),
        "projects": _first(
            Project.objects.within(association)
            .running_in(year)
            .select_related("association")
            .order_by("-started_on", "code"),
            limit,
        ),
        "awards": _first(
            Award.objects.within(association)
            .filter(live("member"), live("household"), year=year)
            .select_related("association", "member", "household", "member_group")
            .order_by("level", "pk"),
            limit,
        ),
    }
