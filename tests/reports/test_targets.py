"""Targets (目标): attained or not for counts, amounts and rates (an empty denominator is
neither), bad targets refused, scope and roles, history after the year is closed, targets for
all children (the same, or a total split), and plan against actual in the tables and JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from associations.records import history_of
from reports import services
from reports.models import Target
from reports.selectors import report_for
from reports.tables import annual_table
from reports.targets import own_attainments, plan_against_actual, split, targets_json

from .planning_world import YEAR, build_figures

D = Decimal


@pytest.fixture
def world(network):
    return build_figures(network)


def _target(by, unit, code: str, value, year: int = YEAR) -> Target:
    return services.target_create(by=by, association=unit, year=year, code=code, value=value)


def _attained(unit, code: str) -> bool | None:
    [found] = [a for a in own_attainments(unit, YEAR) if a.code == code]
    return found.attained


def test_a_count_target_is_attained_at_the_figure_and_missed_above_it(world, county_secretary):
    village = world["village_a1"]  # 3 members
    target = _target(county_secretary, village, "members.total", 3)
    assert _attained(village, "members.total") is True
    services.target_update(by=county_secretary, target=target, value=4)
    assert _attained(village, "members.total") is False


def test_an_amount_target_is_compared_to_the_fen(world, county_secretary):
    town = world["town_a"]  # expenses 5,000.00 + 2,500.50
    target = _target(county_secretary, town, "funds.expense", D("7500.50"))
    assert _attained(town, "funds.expense") is True
    services.target_update(by=county_secretary, target=target, value=D("7500.51"))
    assert _attained(town, "funds.expense") is False


def test_a_rate_target_is_compared_exactly_with_its_parts(world, county_secretary):
    town = world["town_a"]  # 八有: 2 of 3 village associations = 66.666…%
    target = _target(county_secretary, town, "rate.villages_ba_you", D("66.66"))
    assert _attained(town, "rate.villages_ba_you") is True  # 2 × 100 ≥ 66.66 × 3 = 199.98
    services.target_update(by=county_secretary, target=target, value=D("66.67"))
    assert _attained(town, "rate.villages_ba_you") is False  # 200 < 200.01


def test_a_rate_over_an_empty_denominator_is_neither_attained_nor_failed(world, county_secretary):
    town = world["town_b"]  # no self-governance records: 0 of 0 households
    _target(county_secretary, town, "rate.agreement_households", 80)
    [attainment] = own_attainments(town, YEAR)
    assert attainment.attained is None and attainment.status_text == "无数据"
    assert attainment.bar_percent == 0
    assert targets_json(town, YEAR) == {
        "rate.agreement_households": {
            "target": 0.8,
            "actual": {"value": None, "numerator": 0, "denominator": 0},
            "attained": None,
        }
    }


@pytest.mark.parametrize(
    ("code", "value", "field", "message"),
    [
        ("members.nonsense", 3, "code", "没有编码为“members.nonsense”的指标。"),
        ("rate.villages_ba_you", 120, "value", "目标值须在 0–100（%）之间（填写的是 120）"),
        ("rate.villages_ba_you", -1, "value", "目标值不能为负数（填写的是 -1）。"),
        ("members.total", D("2.5"), "value", "是计数，目标值须为整数（填写的是 2.5）"),
        ("funds.expense", D("1.234"), "value", "目标值最多保留两位小数（填写的是 1.234）"),
    ],
)
def test_bad_targets_are_refused_on_their_field(
    world, county_secretary, code, value, field, message
):
    with pytest.raises(ValidationError) as refused:
        _target(county_secretary, world["town_a"], code, value)
    assert message in refused.value.message_dict[field][0]
    assert not Target.objects.exists()


def test_a_target_outside_the_scope_or_by_a_read_only_officer_is_refused(
    world, town_secretary, county_officer
):
    with pytest.raises(ValidationError) as outside:
        _target(town_secretary, world["village_b1"], "members.total", 3)
    assert "不在您的管辖范围内" in outside.value.message_dict["association"][0]
    with pytest.raises(PermissionDenied):
        _target(county_officer, world["village_a1"], "members.total", 3)
    assert not Target.objects.exists()


def test_history_names_who_set_and_changed_a_target(world, county_secretary, town_secretary):
    target = _target(county_secretary, world["village_a1"], "members.total", 3)
    services.target_update(by=town_secretary, target=target, value=5)
    entries = history_of(target)
    assert [e.who for e in entries] == ["甲镇秘书长", "县秘书长"]
    assert entries[0].changes[0].old == "3.00" and entries[0].changes[0].new == "5.00"
    assert entries[0].reason == ""  # the year is still open


def test_changing_a_target_after_the_year_is_closed_is_recorded_in_history(
    world, county_secretary, town_secretary
):
    town = world["town_a"]
    target = _target(county_secretary, town, "rate.villages_ba_you", 85)
    report = services.report_submit(by=town_secretary, report=report_for(town, YEAR))
    services.report_approve(by=county_secretary, report=report)
    assert services.year_closed(town, YEAR)
    services.target_update(by=county_secretary, target=target, value=60)
    latest = history_of(target)[0]
    assert latest.who == "县秘书长"
    assert latest.reason == "2024年度报表已审核通过后修改目标：85.00 → 60.00"


def test_the_same_target_for_every_child(world, county_secretary):
    county = world["county"]
    written = services.targets_set_for_children(
        by=county_secretary, parent=county, year=YEAR, code="rate.villages_ba_you", value=85
    )
    assert {(t.association.name, t.value) for t in written} == {
        ("甲镇计生协", D("85.00")),
        ("乙镇计生协", D("85.00")),
    }
    assert not Target.objects.filter(association=county).exists()  # its own is its own choice


def test_a_total_split_evenly_in_whole_units_and_set_as_the_parent_s_own(world, county_secretary):
    county = world["county"]
    services.targets_set_for_children(
        by=county_secretary,
        parent=county,
        year=YEAR,
        code="org.associations.enterprise",
        value=25,
        rule=services.SplitRule.EVEN,
    )
    values = dict(Target.objects.values_list("association__code", "value"))
    # 12.5 each: 12 and 12, the one left to the first in order (tied remainders).
    assert values == {"330799": 25, "33079901": 13, "33079902": 12}


def test_a_total_split_by_population_needs_every_child_s_population(
    world, county_secretary, system
):
    town = world["town_a"]

    def by_population():
        return services.targets_set_for_children(
            by=county_secretary,
            parent=town,
            year=YEAR,
            code="members.joined",
            value=10,
            rule=services.SplitRule.POPULATION,
        )

    with pytest.raises(ValidationError) as refused:
        by_population()
    assert "甲镇城东社区计生协没有人口数" in refused.value.message_dict["rule"][0]
    services.context_create(by=system, association=world["community_a"], year=YEAR, population=900)
    by_population()
    values = dict(Target.objects.values_list("association__code", "value"))
    # 800 : 300 : 900 of 10 = 4 : 1.5 : 4.5 → 4, 1, 4 and the one left to the first of the
    # two halves in path order (the community, 33079901001).
    assert values == {"33079901": 10, "33079901001": 5, "33079901201": 4, "33079901202": 1}


def test_a_rate_cannot_be_split(world, county_secretary):
    with pytest.raises(ValidationError) as refused:
        services.targets_set_for_children(
            by=county_secretary,
            parent=world["county"],
            year=YEAR,
            code="rate.villages_ba_you",
            value=85,
            rule=services.SplitRule.EVEN,
        )
    assert "比率目标不能分解" in refused.value.message_dict["rule"][0]


def test_split_shares_add_up_to_the_total():
    shares = split(D("100.00"), [("a", D(1)), ("b", D(1)), ("c", D(1))], places=2)
    assert shares == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    assert split(D(7), [("a", D(2)), ("b", D(5))], places=0) == {"a": D(2), "b": D(5)}


def test_plan_against_actual_lists_the_children_behind_target(world, county_secretary):
    county = world["county"]
    _target(county_secretary, world["town_a"], "funds.expense", 10000)  # 7,500.50: behind
    _target(county_secretary, world["town_b"], "funds.expense", 0)  # nothing spent: met
    progress = plan_against_actual(county, YEAR)
    assert progress.codes == ["funds.expense"]
    assert [(unit.name, a.code) for unit, a in progress.behind] == [("甲镇计生协", "funds.expense")]
    [(_a, [cell_a]), (_b, [cell_b])] = progress.grid
    assert cell_a.bar_percent == 75 and cell_b.attained is True


def test_the_annual_tables_show_a_target_column_where_one_is_set(world, county_secretary):
    _target(county_secretary, world["village_a1"], "members.total", 4)
    table = annual_table(world["town_a"], YEAR, "members")
    names = [column.name for column in table.columns]
    at = names.index("会员总数")
    assert names[at + 1] == "会员总数目标"
    by_row = {row.label: row.cells[at + 1].text for row in table.rows}
    assert by_row["甲一村计生协"] == "≥ 4人 ✗"  # 3 members
    assert by_row["甲二村计生协"] == "" and by_row["合计"] == ""
    assert len(table.rows[0].cells) == len(table.columns)


def test_annual_report_json_carries_the_unit_s_own_targets(world, county_secretary):
    _target(county_secretary, world["town_a"], "rate.villages_ba_you", 85)
    _target(county_secretary, world["town_a"], "funds.expense", D("7000"))
    out = StringIO()
    call_command("annual_report", scope="33079901", year=YEAR, stdout=out)
    data = json.loads(out.getvalue())
    assert data["targets"] == {
        "rate.villages_ba_you": {
            "target": 0.85,
            "actual": {"value": 0.6667, "numerator": 2, "denominator": 3},
            "attained": False,
        },
        "funds.expense": {"target": 7000, "actual": 7500.5, "attained": True},
    }
