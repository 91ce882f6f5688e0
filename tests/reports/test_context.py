"""The yearly context (基本情况): its figures roll up like every other figure, an area figure is
recorded at one level only, bad figures are refused, and the association's spending as a
share of the same-level family-planning budget, with and without a budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activities.models import Direction, ExpensePurpose
from associations.records import history_of
from reports import services
from reports.catalog import Rate, evaluate, evaluate_live
from reports.context import population_for
from reports.models import UnitContext
from tests.activities.factories import LedgerEntryFactory

from .planning_world import YEAR, build_figures

D = Decimal
CODES = [
    "context.population",
    "context.households",
    "context.married_women",
    "context.villager_groups",
    "context.fp_budget",
    "funds.expense_with_budget",
    "rate.funds_share_of_fp_budget",
]


@pytest.fixture
def world(network, system):
    build_figures(network)  # town_a spends 5,000.00 + 2,500.50 in 2024
    LedgerEntryFactory(  # town_b spends without recording a budget
        association=network["town_b"],
        direction=Direction.EXPENSE,
        source="",
        purpose=ExpensePurpose.OFFICE,
        amount=D("1000.00"),
        date=dt.date(YEAR, 7, 1),
    )
    records = {
        "village_a1": {"population": 800, "households": 240, "married_women": 190},
        "village_a2": {"population": 300, "households": 90},
        "village_b1": {"population": 900, "married_women": 210, "villager_groups": 6},
        "town_a": {"fp_budget": D("100000.00")},
        "county": {"fp_budget": D("500000.00")},
    }
    for name, fields in records.items():
        services.context_create(by=system, association=network[name], year=YEAR, **fields)
    return network


def test_context_figures_add_up_over_the_subtree(world):
    county = evaluate(world["county"], YEAR, CODES)
    assert county["context.population"] == 2000  # 800 + 300 + 900
    assert county["context.households"] == 330  # 240 + 90
    assert county["context.married_women"] == 400  # 190 + 210
    assert county["context.villager_groups"] == 6
    assert county["context.fp_budget"] == D("600000.00")  # county's own + town_a's
    town_a = evaluate(world["town_a"], YEAR, CODES)
    assert town_a["context.population"] == 1100


def test_the_funding_share_pairs_each_level_s_spending_with_its_own_budget(world):
    town_a = evaluate(world["town_a"], YEAR, CODES)
    assert town_a["rate.funds_share_of_fp_budget"] == Rate(D("7500.50"), D("100000.00"))
    assert town_a["rate.funds_share_of_fp_budget"].percent == "7.5%"
    # The county: town_a's spending over the two recorded budgets; town_b recorded no budget,
    # so its 1,000.00 stays out (its level's share cannot be stated).
    county = evaluate(world["county"], YEAR, CODES)
    assert county["funds.expense_with_budget"] == D("7500.50")
    assert county["rate.funds_share_of_fp_budget"].percent == "1.3%"  # 7,500.50 / 600,000
    for scope in ("county", "town_a", "town_b", "village_a1"):
        assert evaluate(world[scope], YEAR, CODES) == evaluate_live(world[scope], YEAR, CODES)


def test_without_a_budget_the_funding_share_has_no_value(world):
    town_b = evaluate(world["town_b"], YEAR, CODES)
    share = town_b["rate.funds_share_of_fp_budget"]
    assert share == Rate(0, 0) and share.value is None and share.percent == "—"
    assert evaluate(world["town_b"], YEAR, ["funds.expense"])["funds.expense"] == D("1000.00")


def test_a_withdrawn_record_no_longer_counts_and_a_new_one_may_replace_it(world, system):
    record = UnitContext.objects.get(association=world["town_a"], year=YEAR)
    services.context_withdraw(by=system, context=record, reason="录入错误")
    assert evaluate(world["town_a"], YEAR, CODES)["rate.funds_share_of_fp_budget"].value is None
    services.context_create(by=system, association=world["town_a"], year=YEAR, fp_budget=D("75005"))
    share = evaluate(world["town_a"], YEAR, CODES)["rate.funds_share_of_fp_budget"]
    assert share.percent == "10.0%"
    with pytest.raises(ValidationError):  # the key is taken again
        services.context_restore(by=system, context=record)


def test_an_area_figure_is_recorded_at_one_level_only(world, town_secretary, village_clerk, system):
    with pytest.raises(ValidationError) as below:
        services.context_update(
            by=town_secretary,
            context=UnitContext.objects.get(association=world["town_a"]),
            population=47600,
        )
    assert below.value.message_dict["population"] == [
        "下级单位“甲一村计生协”已填报2024年的总人口；总人口按各单位自身范围填报、逐级相加，"
        "上下级都填会重复计算，请只在一级填报。"
    ]
    services.context_update(
        by=system,
        context=UnitContext.objects.get(association=world["town_a"]),
        villager_groups=30,
    )
    with pytest.raises(ValidationError) as above:  # the town is outside the village's scope
        services.context_update(
            by=village_clerk,
            context=UnitContext.objects.get(association=world["village_a1"]),
            villager_groups=5,
        )
    assert above.value.message_dict["villager_groups"][0].startswith("上级单位已填报")
    assert "甲镇" not in above.value.message_dict["villager_groups"][0]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"population": -5}, "population", "不能为负数（填写的是 -5）。"),
        (
            {"fp_budget": "1234.567"},
            "fp_budget",
            "计生事业费（元）最多保留两位小数（填写的是 1234.567）。",
        ),
        ({"fp_budget": D("-1")}, "fp_budget", "不能为负数（填写的是 -1.00）。"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_saved(
    world, town_secretary, fields, field, message
):
    with pytest.raises(ValidationError) as refused:
        services.context_create(
            by=town_secretary, association=world["community_a"], year=YEAR, **fields
        )
    assert refused.value.message_dict[field] == [message]
    assert not UnitContext.objects.filter(association=world["community_a"]).exists()


def test_scope_roles_and_history(world, town_secretary, county_officer, outsider):
    with pytest.raises(ValidationError) as outside:
        services.context_create(
            by=outsider, association=world["community_a"], year=YEAR, households=300
        )
    assert "不在您的管辖范围内" in outside.value.message_dict["association"][0]
    with pytest.raises(PermissionDenied):
        services.context_create(
            by=county_officer, association=world["community_a"], year=YEAR, households=300
        )
    record = services.context_create(
        by=town_secretary, association=world["community_a"], year=YEAR, households=300
    )
    services.context_update(by=town_secretary, context=record, notes="  城东社区  ")
    assert record.notes == "城东社区"
    assert [entry.who for entry in history_of(record)] == ["甲镇秘书长", "甲镇秘书长"]


def test_population_for_prefers_the_year_s_record_to_the_register(world, system):
    assert population_for(world["village_a1"], YEAR) == 800  # the record (also 800)
    services.context_update(
        by=system,
        context=UnitContext.objects.get(association=world["village_a1"]),
        population=850,
    )
    assert population_for(world["village_a1"], YEAR) == 850
    assert population_for(world["village_a1"], YEAR - 1) == 800  # the register's
    assert population_for(world["community_a"], YEAR) is None
