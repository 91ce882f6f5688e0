"""The context of a unit in a year that figures are measured against (population for now).

This is the one seam for a unit's population: every indicator and the drafted report read
it through `population`. Today it is the association's current figure
(`Association.population`), the same for every year; when the yearly context record
(population per unit and year, see the targets issue) exists, only this module changes:
`population` becomes a subquery on that record for `year` (an expression, so every
figure built on it stays one aggregate query).
"""

from __future__ import annotations

from django.db.models import Expression, F, Q
from django.db.models.lookups import GreaterThanOrEqual

# "500人以上的行政村": 以上 includes the figure itself, as Chinese statistics count it.
POPULOUS_VILLAGE = 500


def population(year: int, prefix: str = "") -> Expression:
    """The population of the association at `prefix` (itself when empty) for `year`;
    NULL when it was never recorded."""
    return F(f"{prefix}__population" if prefix else "population")


def populous(year: int, prefix: str = "") -> Q:
    """The association at `prefix` has at least POPULOUS_VILLAGE people in `year` (one
    whose population was never recorded is not)."""
    return Q(GreaterThanOrEqual(population(year, prefix), POPULOUS_VILLAGE))
