"""People particular to the members tests (the shared ones are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from associations.models import Role
from tests.conftest import make_person

from .factories import (
    DuesPaymentFactory,
    HouseholdFactory,
    IntegrityGroupFactory,
    LiaisonPairFactory,
    MemberFactory,
    MemberGroupFactory,
    OfficerPositionFactory,
)


@pytest.fixture
def village_a2_clerk(network):
    """甲二村录入员: enters records for village A2 only (A1 is outside the scope)."""
    return make_person(
        "village_a2_clerk", network["village_a2"], Role.CLERK, full_name="甲二村录入员"
    )


@pytest.fixture
def data(network):
    """A few members and households in village A1, one of each in village B1 (town B)."""
    a1, b1 = network["village_a1"], network["village_b1"]
    group = MemberGroupFactory(association=a1, name="一组")
    member = MemberFactory(
        association=a1, group=group, name="王秀英", phone="13800138000", is_volunteer=True
    )
    other = MemberFactory(association=a1, name="李桂兰")
    household = HouseholdFactory(association=a1, code="A1-001", head_name="赵大", is_one_child=True)
    floating = [
        HouseholdFactory(association=a1, code=f"A1-F{i}", is_floating=True) for i in range(6)
    ]
    position = OfficerPositionFactory(member=member, association=a1, title="chair")
    pair = LiaisonPairFactory(member=member, household=household)
    dues = DuesPaymentFactory(member=member, year=2024, amount=10)
    integrity_group = IntegrityGroupFactory(association=a1, name="旧诚信小组")
    outsider_member = MemberFactory(association=b1, name="乙村会员")
    outsider_household = HouseholdFactory(association=b1, code="B1-001")
    return {
        "group": group,
        "member": member,
        "other": other,
        "household": household,
        "floating": floating,
        "position": position,
        "pair": pair,
        "dues": dues,
        "integrity_group": integrity_group,
        "outsider_member": outsider_member,
        "outsider_household": outsider_household,
    }


@pytest.fixture(autouse=True)
def _fresh_refusal_counts():
    """Refused duplicate ID numbers are counted per account in the cache, and account keys
    repeat from one test to the next: every test starts with none."""
    cache.clear()
    yield
    cache.clear()
