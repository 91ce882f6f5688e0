"""Figures for the target-management tests, each worked out by hand in the tests.

On the conftest network, for 2024:
- village_a1: 3 members (joined 2023); 八有 passed. village_a2: 八有 passed.
  community_a: 八有 not assessed. So town_a's 八有 rate is 2/3 (66.666…%).
- town_a keeps the ledger: expenses 5,000.00 and 2,500.50 (7,500.50), income 9,000.00.
- town_b: village_b1 only, no self-governance records (agreement rate 0/0).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from activities.models import Direction, ExpensePurpose
from tests.activities.factories import LedgerEntryFactory
from tests.members.factories import MemberFactory
from tests.reports.catalog_world import assess

YEAR = 2024


def build_figures(network: dict) -> dict:
    a1, a2, town_a = network["village_a1"], network["village_a2"], network["town_a"]
    for _n in range(3):
        MemberFactory(association=a1, joined_on=dt.date(2023, 3, 1))
    assess(a1, YEAR, "ba_you", passed=True)
    assess(a2, YEAR, "ba_you", passed=True)
    for amount in (Decimal("5000.00"), Decimal("2500.50")):
        LedgerEntryFactory(
            association=town_a,
            direction=Direction.EXPENSE,
            source="",
            purpose=ExpensePurpose.EVENT,
            amount=amount,
            date=dt.date(YEAR, 5, 29),
        )
    LedgerEntryFactory(association=town_a, amount=Decimal("9000.00"), date=dt.date(YEAR, 3, 1))
    return network
