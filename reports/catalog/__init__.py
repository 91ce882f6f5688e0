"""The indicator catalog: every figure the system reports, defined once.

HTML tables, Excel and PDF exports, dashboards, the year at a glance, the drafted
work report, the JSON output and submission snapshots all read figures from
`evaluate` and `evaluate_children`; nothing else computes a figure.

An indicator is evaluated for a scope (an association and its whole subtree,
itself included) and a year: stocks as of 31 December, flows during the year,
live records only (withdrawn ones, and rows hanging off them, never count).
Each section module declares its indicators on the aggregate query that
produces them (see `engine`); each `definition` is the text a secretary reads
to know exactly what is counted, and the aggregate beside it does what it says.
"""

from __future__ import annotations

from importlib import import_module

from .engine import (
    DECIMAL_KINDS,
    INDICATORS,
    SECTIONS,
    SOURCES,
    FigureValue,
    Indicator,
    Kind,
    Rate,
    Source,
    as_json,
    by_section,
    change,
    evaluate_children_live,
    evaluate_live,
    figures_as_json,
    put_in_section_order,
)
from .org import ORG_LEVELS

# Importing a section module declares its indicators; within a section they keep the
# order of these modules and of the declarations in them.
SECTION_MODULES = (
    "org",
    "officers",
    "members",
    "liaison",
    "projects",
    "events",
    "awards",
    "selfgov",
    "funds",
    "context",
)
for _module in SECTION_MODULES:
    import_module(f"{__name__}.{_module}")
put_in_section_order()

# Figures are read from the store (computed there by the engine): see `store`.
from .store import (  # noqa: E402
    Figures,
    evaluate,
    evaluate_children,
    evaluate_units,
    evaluate_with_yoy,
)

__all__ = [
    "DECIMAL_KINDS",
    "INDICATORS",
    "ORG_LEVELS",
    "SECTIONS",
    "SOURCES",
    "FigureValue",
    "Figures",
    "Indicator",
    "Kind",
    "Rate",
    "Source",
    "as_json",
    "by_section",
    "change",
    "evaluate",
    "evaluate_children",
    "evaluate_children_live",
    "evaluate_live",
    "evaluate_units",
    "evaluate_with_yoy",
    "figures_as_json",
]
