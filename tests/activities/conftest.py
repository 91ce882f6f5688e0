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


@pytest.fixture
def scored_template(db, system):
    """A scored template (目标管理考核) worked by hand in the tests: out of 100 —

    组织建设, weighted 40: items 1 and 2, 10 points each (its score × 40 ÷ 20);
    活动开展, unweighted: items 3 (30 points) and 4 (20 points);
    item 5 (10 points) in no group. Pass mark 60; 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60.
    """
    return services.assessment_template_create(
        by=system,
        code="target_management",
        name="目标管理考核",
        pass_mark=60,
        excellent_from=90,
        good_from=80,
        fair_from=60,
        groups=[{"name": "组织建设", "weight": 40}, {"name": "活动开展"}],
        items=[
            {"number": 1, "text": "会员名册及时更新", "points": 10, "group": "组织建设"},
            {"number": 2, "text": "理事会按期换届", "points": 10, "group": "组织建设"},
            {"number": 3, "text": "开展5·29会员活动日", "points": 30, "group": "活动开展"},
            {"number": 4, "text": "开展生育关怀走访", "points": 20, "group": "活动开展"},
            {"number": 5, "text": "按时上报年度工作总结", "points": 10},
        ],
    )
