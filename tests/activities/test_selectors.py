import datetime as dt
from decimal import Decimal

from activities import selectors, services
from activities.models import Event
from tests.members.factories import HouseholdFactory, MemberFactory, OfficerPositionFactory

D = dt.date


def test_officer_allowances_count_months_in_post_during_the_year(network):
    village = network["village_a1"]
    whole_year = MemberFactory(association=village)
    OfficerPositionFactory(
        member=whole_year, started_on=D(2020, 3, 1), monthly_allowance=Decimal("20")
    )  # 12 × 20 = 240
    joined = MemberFactory(association=village)
    OfficerPositionFactory(
        member=joined, started_on=D(2024, 7, 15), monthly_allowance=Decimal("60")
    )  # Jul–Dec: 6 × 60 = 360
    left = MemberFactory(association=network["town_a"])
    OfficerPositionFactory(
        member=left, started_on=D(2022, 1, 1), ended_on=D(2024, 3, 10), monthly_allowance=60
    )  # Jan–Mar: 3 × 60 = 180
    unpaid = MemberFactory(association=village)
    OfficerPositionFactory(member=unpaid, started_on=D(2020, 1, 1))
    gone = MemberFactory(association=village)
    OfficerPositionFactory(
        member=gone, started_on=D(2020, 1, 1), ended_on=D(2023, 12, 31), monthly_allowance=60
    )
    elsewhere = MemberFactory(association=network["village_b1"])
    OfficerPositionFactory(member=elsewhere, started_on=D(2020, 1, 1), monthly_allowance=60)

    totals = selectors.officer_allowances(network["town_a"], 2024)
    assert totals == {"total": Decimal("780"), "officers": 3, "months": 21}
    assert selectors.officer_allowances(village, 2024)["total"] == Decimal("600")
    assert selectors.officer_allowances(network["town_a"], 2019)["total"] == 0


def test_year_at_a_glance_totals(network, django_assert_max_num_queries):
    town, v1, v2 = network["town_a"], network["village_a1"], network["village_a2"]
    services.event_create(
        association=town,
        type="member_day",
        title="5·29",
        started_on=D(2024, 5, 29),
        participants=1200,
        cost=50000,
    )
    services.event_create(
        association=v1,
        type="screening",
        title="妇科病查治",
        started_on=D(2024, 7, 1),
        participants=551,
        cost=3000,
        screened=551,
        cases_found=216,
    )
    services.event_create(
        association=v1,
        type="training",
        title="培训",
        started_on=D(2024, 9, 25),
        participants=300,
        trainees=300,
        training_sessions=3,
        training_days=2,
    )
    services.event_create(  # another year and another town: not counted
        association=v1, type="member_day", title="旧", started_on=D(2023, 5, 29), participants=9
    )
    services.event_create(
        association=network["village_b1"], type="member_day", title="乙", started_on=D(2024, 5, 29)
    )
    project = services.project_create(
        code="P1",
        association=town,
        kind="fewer_births",
        name="桃园",
        started_on=D(2023, 1, 1),
        funding={"bureau": (10000, 8000)},
        households_out_of_poverty=12,
        jobs_created=5,
    )
    services.project_create(
        code="P2",
        association=v2,
        kind="education_aid",
        name="助学",
        started_on=D(2024, 9, 1),
        ended_on=D(2024, 9, 30),
        funds_raised=7500,
        funds_spent=7500,
    )
    services.project_create(  # ended before 2024
        code="P0",
        association=v2,
        kind="other",
        name="旧项目",
        started_on=D(2022, 1, 1),
        ended_on=D(2023, 6, 30),
        funds_raised=999,
    )
    fp = HouseholdFactory(association=v1, is_family_planning=True)
    plain = HouseholdFactory(association=v2)
    services.aid_give(
        household=fp, given_on=D(2024, 3, 1), kind="cash", amount=500, project=project
    )
    services.aid_give(
        household=fp, given_on=D(2024, 8, 1), kind="in_kind", amount=200, provider="民政"
    )
    services.aid_give(
        household=plain, given_on=D(2024, 8, 1), kind="cash", amount=300, project=project
    )
    services.aid_give(
        household=plain, given_on=D(2023, 8, 1), kind="cash", amount=1, project=project
    )
    services.award_grant(
        year=2024, level="city", title="示范协会", awarding_body="市", association=town
    )
    services.award_grant(
        year=2024, level="county", title="先进", awarding_body="区", association=v1
    )
    services.award_grant(
        year=2024,
        level="county",
        title="五好会员",
        awarding_body="区",
        member=MemberFactory(association=v2),
    )
    for village, met in (
        (v1, range(1, 9)),
        (v2, range(1, 5)),
        (network["community_a"], range(1, 9)),
    ):
        services.assessment_record(association=village, year=2024, template="ba_you", items_met=met)
    services.selfgov_record(
        association=v1,
        year=2024,
        charter_adopted=True,
        charter_adopted_on=D(2023, 1, 1),
        households_due=100,
        households_signed=90,
    )
    services.selfgov_record(association=v2, year=2024, charter_adopted=False, households_due=40)
    for association, direction, amount, extra in (
        (town, "income", 100000, {"source": "bureau"}),
        (town, "income", 30000, {"source": "budget"}),
        (v1, "income", 2000, {"source": "dues"}),
        (town, "expense", 50000, {"purpose": "event"}),
        (v1, "expense", 1500, {"purpose": "office"}),
    ):
        services.ledger_record(
            association=association, date=D(2024, 5, 1), direction=direction, amount=amount, **extra
        )
    services.ledger_record(
        association=town, date=D(2025, 1, 2), direction="income", amount=5, source="bureau"
    )

    with django_assert_max_num_queries(14):
        glance = selectors.association_year(town, 2024)

    assert glance.events == {
        "count": 3,
        "participants": 2051,
        "cost": Decimal("53000"),
        "screened": 551,
        "cases_found": 216,
        "trainees": 300,
    }
    assert {row["type"]: row["count"] for row in glance.events_by_type} == {
        "member_day": 1,
        "screening": 1,
        "training": 1,
    }
    assert glance.projects == {
        "count": 2,
        "raised": Decimal("17500"),
        "spent": Decimal("15500"),
        "out_of_poverty": 12,
        "jobs": 5,
    }
    assert glance.aid == {
        "rows": 3,
        "households": 2,
        "fp_households": 1,
        "amount": Decimal("1000"),
        "in_projects": 2,
    }
    assert [(r["label"], r["count"]) for r in glance.awards_by_level] == [
        ("市级", 1),
        ("县（区）级", 2),
    ]
    assert glance.assessments == [
        {"template__code": "ba_you", "template__name": "八有", "total": 3, "passed": 2}
    ]
    assert glance.selfgov == {"villages": 2, "charters": 1, "signing": 1, "due": 140, "signed": 90}
    assert glance.ledger == {
        "income": Decimal("132000"),
        "expense": Decimal("51500"),
        "balance": Decimal("80500"),
    }
    assert {r["source"]: r["amount"] for r in glance.income_by_source} == {
        "bureau": Decimal("100000"),
        "budget": Decimal("30000"),
        "dues": Decimal("2000"),
    }
    # The village alone: its own rows only.
    village = selectors.association_year(v1, 2024)
    assert village.events["count"] == 2 and village.aid["amount"] == Decimal("700")
    assert village.ledger["balance"] == Decimal("500")
    # An empty year is all zeros, not None.
    empty = selectors.association_year(town, 2030)
    assert empty.events["cost"] == 0 and empty.aid["amount"] == 0 and empty.ledger["income"] == 0
    assert Event.objects.count() == 5
