"""A little hand-counted 2024 data set for the annual-table tests (used by several files).

Members (active on 31 Dec 2024): village A1 2♀ 1♂, village A2 1♀, town A itself 1♀,
village B1 2♂ → county 7 (4♀); by child: town A 5 (4♀), town B 2 (0♀).
Aid in 2024: A1 → H1 (family-planning) ¥500, H2 ¥500; B1 → H3 (family-planning) ¥300
→ households: A 2 (1 FP), B 1 (1 FP), county 3 (2 FP) = 66.7% (2/3).
Ledger income 2024: town A ¥1,000 (bureau), village B1 ¥2,000.50 (budget) → county ¥3,000.50.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from activities.models import FundSource
from members.models import Gender
from tests.activities.factories import AidFactory, LedgerEntryFactory
from tests.members.factories import HouseholdFactory, MemberFactory

YEAR = 2024


def seed(network: dict) -> None:
    a1, a2, b1 = network["village_a1"], network["village_a2"], network["village_b1"]
    MemberFactory.create_batch(2, association=a1)
    MemberFactory(association=a1, gender=Gender.MALE)
    MemberFactory(association=a2)
    MemberFactory(association=network["town_a"])
    MemberFactory.create_batch(2, association=b1, gender=Gender.MALE)
    # Left before the year end: not counted.
    MemberFactory(association=b1, left_on=dt.date(2024, 6, 1), leave_reason="moved")
    # Joined after the year: not counted.
    MemberFactory(association=a1, joined_on=dt.date(2025, 2, 1))

    h1 = HouseholdFactory(association=a1, is_family_planning=True)
    h2 = HouseholdFactory(association=a1)
    h3 = HouseholdFactory(association=b1, is_family_planning=True)
    AidFactory(household=h1, amount=500)
    AidFactory(household=h2, amount=500)
    AidFactory(household=h3, amount=300)
    AidFactory(household=h3, amount=999, given_on=dt.date(2023, 6, 1))  # another year

    LedgerEntryFactory(association=network["town_a"], amount=1000, source=FundSource.BUREAU)
    LedgerEntryFactory(association=b1, amount=Decimal("2000.50"), source=FundSource.BUDGET)


def more_data(network: dict, towns: int = 3) -> None:
    """Extra towns, villages and records: figures change, the query count must not."""
    from associations.models import Level
    from associations.services import association_create, system_actor

    county = network["county"]
    for t in range(towns):
        town = association_create(
            by=system_actor(), code=f"3307999{t}", name=f"新镇{t}", level=Level.TOWN, parent=county
        )
        for v in range(3):
            village = association_create(
                by=system_actor(),
                code=f"3307999{t}2{v:02d}",
                name=f"新{t}村{v}",
                level=Level.VILLAGE,
                parent=town,
            )
            MemberFactory.create_batch(3, association=village)
            household = HouseholdFactory(association=village, is_family_planning=v % 2 == 0)
            AidFactory(household=household)
            LedgerEntryFactory(association=village, amount=10)
