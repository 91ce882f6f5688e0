"""基本情况: the context of a unit in a year that figures are measured against — the yearly
context records (population, households, married women of child-bearing age, villagers'
groups, the same-level family-planning budget) and the association's spending as a share of
that budget.

Each record holds its unit's own figures, so a subtree's figure is the sum of its units'
records (the services refuse a population, household … figure that would repeat one an
ancestor or a descendant already records for the year).

This is also the one seam for a unit's population: every indicator and the drafted report
read it through `population`, the year's context record, else the register's
(`Association.population`) — an expression, so every figure built on it stays one query.
"""

from __future__ import annotations

from django.db.models import Exists, Expression, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from activities.models import Direction, LedgerEntry
from reports.models import UnitContext

from .engine import Kind, Text, fmt, money, rate, source, total

# "500人以上的行政村": 以上 includes the figure itself, as Chinese statistics count it.
POPULOUS_VILLAGE = 500


def population(year: int, prefix: str = "") -> Expression:
    """The population of the association at `prefix` (itself when empty) for `year`: its
    context record's, else the register's; NULL when neither was recorded."""
    recorded = UnitContext.objects.filter(
        association=OuterRef(prefix or "pk"), year=year, population__isnull=False
    ).values("population")[:1]
    return Coalesce(Subquery(recorded), F(f"{prefix}__population" if prefix else "population"))


def populous(year: int, prefix: str = "") -> Q:
    """The association at `prefix` has at least POPULOUS_VILLAGE people in `year` (one
    whose population was never recorded is not)."""
    return Q(GreaterThanOrEqual(population(year, prefix), POPULOUS_VILLAGE))


records = source(
    lambda year: UnitContext.objects.filter(year=year), "association__path", section="context"
)
_RECORDS = _("范围内各协会当年基本情况记录的“%(field)s”之和（每条记录只填本单位自身的数字）。")


def _count(code: str, field: str, name: Text, unit: Text) -> None:
    label = UnitContext._meta.get_field(field).verbose_name
    records.indicator(
        code,
        name,
        fmt(_RECORDS, field=label),
        unit,
        value=lambda year: total(field),
    )


_count("context.population", "population", _("总人口"), _("人"))
_count("context.households", "households", _("户数"), _("户"))
_count(
    "context.married_women",
    "married_women",
    _("已婚育龄妇女"),
    _("人"),
)
_count("context.villager_groups", "villager_groups", _("村民小组数"), _("个"))
records.indicator(
    "context.fp_budget",
    _("计生事业费"),
    _(
        "范围内各协会当年基本情况记录的“计生事业费”之和：每条记录填本单位同级政府的"
        "计划生育事业费，县（区）的记县（区）的，镇的记镇的。"
    ),
    _("元"),
    kind=Kind.AMOUNT,
    value=lambda year: money("fp_budget"),
)


def _with_budget(year: int):
    """The year's expense lines of associations that recorded their own budget that year."""
    budgeted = UnitContext.objects.filter(
        association=OuterRef("association"), year=year, fp_budget__isnull=False
    )
    return LedgerEntry.objects.during(year).filter(Exists(budgeted), direction=Direction.EXPENSE)


budgeted_spending = source(_with_budget, "association__path", section="funds")
budgeted_spending.indicator(
    "funds.expense_with_budget",
    _("有同级计生事业费记录的协会经费支出"),
    _(
        "日期在当年的经费支出中，记账协会当年基本情况记录填了计生事业费的支出金额之和"
        "（按记账协会计入范围）。"
    ),
    _("元"),
    kind=Kind.AMOUNT,
    value=lambda year: money("amount"),
)
# Why the pairs: a secretary's "经费占计生事业费的比例由6%提高到10%" sets the association's
# money beside the family-planning budget of the same government level (the district
# association's funds are paid out of the district bureau's budget; towns and villages
# spend from their own level's). So each association's spending meets its own level's
# budget, and a level that recorded no budget stays out of both parts instead of
# inflating the share; added up, a scope's share is its levels' spending over their budgets.
rate(
    "rate.funds_share_of_fp_budget",
    _("协会经费占同级计生事业费比例"),
    _(
        "范围内填报了当年计生事业费的各协会，其本级当年经费支出之和 ÷ 这些协会填报的当年"
        "计生事业费之和。各级逐级配对：县（区）协会本级的支出对县（区）的计生事业费，镇协会"
        "本级的支出对镇的计生事业费；没有填报计生事业费的协会，其支出不计入分子。"
    ),
    "funds",
    "funds.expense_with_budget",
    "context.fp_budget",
)
