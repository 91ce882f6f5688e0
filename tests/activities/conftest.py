"""One record of each activities kind in town A, entered through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from activities import services
from tests.members.factories import HouseholdFactory

D = dt.date


@pytest.fixture
def records(network, system) -> dict:
    """One record of each kind in town A (mostly village A1), named so pages can be checked."""
    v1 = network["village_a1"]
    household = HouseholdFactory(
        association=v1, code="H-A1-001", head_name="张三", is_family_planning=True
    )
    project = services.project_create(
        by=system,
        code="P-A-001",
        association=network["town_a"],
        kind="fewer_births",
        name="甲镇桃园项目",
        started_on=D(2024, 3, 1),
        funding={"bureau": (20000, 12000)},
    )
    return {
        "household": household,
        "event": services.event_create(
            by=system,
            association=v1,
            type="member_day",
            title="甲一村会员活动日",
            started_on=D(2024, 5, 29),
            participants=300,
            materials={"leaflet": 500},
        ),
        "project": project,
        "aid": services.aid_give(
            by=system,
            household=household,
            given_on=D(2024, 6, 1),
            kind="cash",
            amount=800,
            project=project,
        ),
        "award": services.award_grant(
            by=system,
            year=2024,
            level="city",
            title="市级示范协会",
            awarding_body="市计生协",
            association=v1,
        ),
        "assessment": services.assessment_create(
            by=system, association=v1, year=2024, template="ba_you", items_met=[1, 2, 3]
        ),
        "selfgov": services.selfgov_create(
            by=system, association=v1, year=2024, charter_adopted=False, households_due=120
        ),
        "ledger": services.ledger_record(
            by=system,
            association=v1,
            date=D(2024, 5, 2),
            direction="income",
            amount=Decimal("6543.21"),
            source="bureau",
            note="甲一村拨款",
        ),
    }
