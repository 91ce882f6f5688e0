"""Reads of the yearly context records (基本情况): a unit's population for a year, and the
records of a unit and its children for the context page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from associations.models import Association, active_during

from . import catalog
from .catalog import FigureValue
from .models import UnitContext


def population_for(association: Association, year: int) -> int | None:
    """The unit's population in `year`: its context record's, else the register's
    (`Association.population`); None when neither is known."""
    recorded = (
        UnitContext.objects.filter(association=association, year=year, population__isnull=False)
        .values_list("population", flat=True)
        .first()
    )
    return recorded if recorded is not None else association.population


def populations_for(associations: Iterable[Association], year: int) -> dict[int, int | None]:
    """`population_for` of many units in one query."""
    units = list(associations)
    recorded = dict(
        UnitContext.objects.filter(
            association__in=units, year=year, population__isnull=False
        ).values_list("association_id", "population")
    )
    return {unit.pk: recorded.get(unit.pk, unit.population) for unit in units}


@dataclass(frozen=True)
class ContextRow:
    association: Association
    record: UnitContext | None


# The figures of the context page's total row (the scope's whole subtree).
TOTAL_CODES = (
    "context.population",
    "context.households",
    "context.married_women",
    "context.villager_groups",
    "context.fp_budget",
    "rate.funds_share_of_fp_budget",
)


def context_totals(scope: Association, year: int) -> dict[str, FigureValue]:
    """The scope's whole subtree: {"population": …, "funds_share_of_fp_budget": Rate, …}."""
    figures = catalog.evaluate(scope, year, TOTAL_CODES)
    return {code.rsplit(".", 1)[1]: figures[code] for code in TOTAL_CODES}


def context_rows(scope: Association, year: int) -> list[ContextRow]:
    """The scope and its children active in `year`, each with its record of the year."""
    units = [scope, *scope.children.filter(active_during(year)).order_by("path")]
    records = {
        record.association_id: record
        for record in UnitContext.objects.filter(association__in=units, year=year)
    }
    return [ContextRow(unit, records.get(unit.pk)) for unit in units]
