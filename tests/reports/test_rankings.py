"""Comparison across units (ties, quartiles, the reference line, units without data) and the
scored assessments' results (indicator items filled from the catalog, grade bands, average,
units per grade and a ranking with ties)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activities import services as activities
from activities.models import Assessment, AssessmentTemplate
from associations.models import Level
from reports import services
from reports.assessments import results
from reports.rankings import (
    competition_ranks,
    indicator_ranking,
    quartile_of,
    quartiles_of,
)
from tests.conftest import make_association
from tests.members.factories import MemberFactory

from .planning_world import YEAR, build_figures

D = Decimal


@pytest.fixture
def world(network):
    build_figures(network)  # village_a1: 3 members; 八有: a1, a2 passed
    for _n in range(3):
        MemberFactory(association=network["village_a2"])
    MemberFactory(association=network["village_b1"])
    return network


def test_competition_ranking_shares_places_and_skips_the_next():
    assert competition_ranks([90, 85, 85, 70, None]) == [1, 2, 2, 4, None]
    assert competition_ranks([D("0.5"), D("0.5")]) == [1, 1]


def test_quartiles_interpolate_between_the_ranked_figures():
    q = quartiles_of([1.0, 3.0, 3.0])
    assert (q.lower, q.median, q.upper) == (2.0, 3.0, 3.0)
    assert quartiles_of([5.0]) is None


def test_every_village_of_the_county_ranked_with_ties_quartiles_and_the_average(world):
    ranking = indicator_ranking(world["county"], YEAR, "members.total", level=Level.VILLAGE)
    rows = [(r.rank, r.association.name, r.value, r.quartile, r.below) for r in ranking.rows]
    assert rows == [  # villages and residents' committees together
        (1, "甲一村计生协", 3, 1, False),
        (1, "甲二村计生协", 3, 1, False),
        (3, "乙一村计生协", 1, 3, True),  # below the average 7 / 4
        (4, "甲镇城东社区计生协", 0, 4, True),
    ]
    assert ranking.reference == 1.75
    assert ranking.reference_text == "各单位平均 1.75"
    # 0, 1, 3, 3: Q1 = 0 + 0.75 × 1, the median = 1 + 0.5 × 2, Q3 = 3.
    assert [text for _label, text in ranking.quartile_texts] == ["3", "2", "0.75"]


def test_children_ranked_on_a_rate_against_the_parent_s_own_rate(world):
    make_association("33079903", "丙企业计生协", Level.ENTERPRISE, world["county"])
    ranking = indicator_ranking(world["county"], YEAR, "rate.villages_ba_you")
    rows = [(r.rank, r.association.name, str(r.value), r.below) for r in ranking.rows]
    assert rows == [
        (1, "甲镇计生协", "66.7% (2/3)", False),
        (2, "乙镇计生协", "0.0% (0/1)", True),
        (None, "丙企业计生协", "—", False),  # no village associations: no figure, last
    ]
    assert ranking.reference == 0.5  # the county's own: 2 of its 4 village associations
    assert ranking.reference_text == "示范区计生协整体 50.0%"
    assert "<line" in ranking.chart()  # the reference line


# ── Scored assessments ────────────────────────────────────────────────────────
@pytest.fixture
def template(system) -> AssessmentTemplate:
    return activities.assessment_template_create(
        by=system,
        code="county_target",
        name="镇目标管理考核",
        pass_mark=60,
        excellent_from=90,
        good_from=80,
        fair_from=60,
        items=[
            {"number": 1, "text": "组织建设", "points": 40},
            {"number": 2, "text": "服务活动", "points": 50},
            {
                "number": 3,
                "text": "村（居）协会“八有”达标率",
                "points": 10,
                "indicator_code": "rate.villages_ba_you",
                "comparison": ">=",
                "threshold": 60,
                "threshold_unit": "percent",
            },
        ],
    )


@pytest.fixture
def towns(world, system):
    county = world["county"]
    return {
        "town_a": world["town_a"],  # 八有 2/3 = 66.7% ≥ 60%: 10 points
        "town_b": world["town_b"],  # 0/1: 0 points
        "town_c": make_association("33079903", "丙镇计生协", Level.TOWN, county),  # 0/0: 0
        "town_d": make_association("33079904", "丁镇计生协", Level.TOWN, county),
        "town_e": make_association("33079905", "戊镇计生协", Level.TOWN, county),  # not assessed
    }


def _assess(by, unit, template, hand: tuple[int, int]) -> Assessment:
    return activities.assessment_create(
        by=by,
        association=unit,
        year=YEAR,
        template=template,
        scores={1: hand[0], 2: hand[1]},
    )


def test_indicator_items_are_filled_and_the_results_roll_up(
    towns, template, county_secretary, system
):
    for name, hand in (("town_a", (35, 45)), ("town_b", (40, 40)), ("town_c", (40, 40))):
        _assess(system, towns[name], template, hand)
    _assess(system, towns["town_d"], template, (20, 30))
    changed = services.assessments_fill(
        by=county_secretary, scope=towns["town_a"].parent, template=template, year=YEAR
    )
    assert changed == 4  # every item gets its score and evidence
    town_a = Assessment.objects.get(association=towns["town_a"])
    assert (town_a.total_score, town_a.grade, town_a.assessed_by) == (
        D("90.00"),
        "excellent",
        county_secretary,
    )
    score = town_a.scores.get(item__number=3)
    assert score.score == 10
    assert score.evidence == (
        "按指标自动计分：村（居）协会“八有”达标率 66.7% (2/3)；"
        "规则 rate.villages_ba_you ≥ 60% 得 10 分；得 10 分"
    )
    town_c = Assessment.objects.get(association=towns["town_c"]).scores.get(item__number=3)
    assert town_c.score == 0 and "分母为零，无数据，不得分" in town_c.evidence

    rolled = results(towns["town_a"].parent, template, YEAR)
    assert [(row.rank, row.association.name) for row in rolled.rows] == [
        (1, "甲镇计生协"),  # 90
        (2, "乙镇计生协"),  # 80
        (2, "丙镇计生协"),  # 80
        (4, "丁镇计生协"),  # 50
        (None, "戊镇计生协"),  # not assessed
    ]
    assert rolled.average == D("75.00")  # (90 + 80 + 80 + 50) / 4
    assert rolled.by_grade == [("优秀", 1), ("良好", 2), ("合格", 0), ("不合格", 1)]
    assert rolled.passed == 3
    assert [unit.name for unit in rolled.not_assessed] == ["戊镇计生协"]
    # Filling again changes nothing.
    assert (
        services.assessments_fill(
            by=county_secretary, scope=towns["town_a"].parent, template=template, year=YEAR
        )
        == 0
    )


def test_a_new_assessment_gets_its_indicator_items_once_it_is_saved(
    towns, template, town_secretary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = _assess(town_secretary, towns["town_a"], template, (30, 30))
    created.refresh_from_db()
    assert created.total_score == D("70.00") and created.grade == "fair"


def test_filling_is_refused_outside_the_scope_and_for_read_only_officers(
    towns, template, outsider, county_officer, system
):
    _assess(system, towns["town_a"], template, (30, 30))
    with pytest.raises(PermissionDenied):
        services.assessments_fill(by=outsider, scope=towns["town_a"], template=template, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.assessments_fill(
            by=county_officer, scope=towns["town_a"].parent, template=template, year=YEAR
        )
    assessment = Assessment.objects.get(template=template)
    assert not assessment.scores.filter(item__number=3).exists()


def test_a_template_naming_an_unknown_indicator_cannot_be_filled(towns, system):
    template = activities.assessment_template_create(
        by=system,
        code="typo",
        name="写错指标的模板",
        pass_mark=1,
        items=[
            {
                "number": 1,
                "text": "错的",
                "points": 1,
                "indicator_code": "rate.no_such_rate",
                "comparison": ">=",
                "threshold": 1,
            }
        ],
    )
    with pytest.raises(ValidationError) as refused:
        services.assessments_fill(
            by=system, scope=towns["town_a"].parent, template=template, year=YEAR
        )
    assert refused.value.messages == ["第 1 项的指标代码“rate.no_such_rate”不在指标目录中。"]


def test_the_shipped_checklists_are_templates_with_a_pass_mark(db):
    ba_you = AssessmentTemplate.objects.get(code="ba_you")
    assert ba_you.pass_mark == ba_you.items.count() == 8
    assert ba_you.history.exists()


def test_figures_sharing_the_lower_quartile_are_the_bottom_quarter():
    q = quartiles_of([0.0, 0.0, 1.0, 1.0])  # Q1 = 0, the median 0.5, Q3 = 1
    assert [quartile_of(n, q) for n in (0.0, 0.4, 0.6, 1.0)] == [4, 3, 2, 1]
