"""The shipped checklists, and data migrations that rewrite recorded assessments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from activities.models import AssessmentTemplate, PassRule

BEFORE_WORDING = ("activities", "0005_live_natural_keys_years_related_history")


@pytest.fixture
def migrate(django_db_serialized_rollback, transactional_db):
    """Move the activities schema to a migration and back to the latest afterwards; the
    shipped data is restored after the test (serialized rollback)."""
    executor = MigrationExecutor(connection)

    def to(target: tuple[str, str]):
        executor.loader.build_graph()
        executor.migrate([target])
        return executor.loader.project_state([target]).apps

    yield to
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_shipped_checklists_in_the_yearbooks_words(db):
    items = {
        t.code: [i.text for i in t.items.all()]
        for t in AssessmentTemplate.objects.prefetch_related("items")
    }
    assert items["ba_you"] == [
        *("会员名册", "规章制度", "活动场所", "活动记实"),
        *("协会章程", "文件档案", "工作方案", "协会标志"),
    ]
    assert items["san_you"] == ["有人管事", "有钱办事", "有章理事"]
    assert items["yi_hao_si_jian"] == [
        "选一个有一定文化知识、思路比较清楚、在群众中有一定威望、能适应工作需要的好会长",
        "建一个能承担日常工作的理事会",
        "建一个适应工作上水平的活动阵地",
        "建一个便于活动的会员小组体系",
        "建一套保证协会经常性工作开展的工作制度",
    ]
    assert items["model_association"][0] == "有一个精干、高效、议事能力强的理事班子"


def _assess(apps, association, template, numbers: list[int], *, passed: bool):
    """An assessment as the app recorded it before the migrations (items met ticked)."""
    Assessment = apps.get_model("activities", "Assessment")
    Item = apps.get_model("activities", "AssessmentItem")
    row = Assessment.objects.create(
        association_id=association.pk, year=2024, template=template, passed=passed
    )
    row.items_met.set(Item.objects.filter(template=template, number__in=numbers))
    return row.pk


def test_recorded_assessments_keep_the_items_they_met(migrate, network):
    old = migrate(BEFORE_WORDING)
    Template = old.get_model("activities", "AssessmentTemplate")
    Item = old.get_model("activities", "AssessmentItem")
    ba_you, yi_hao = (
        Template.objects.get(code="ba_you"),
        Template.objects.get(code="yi_hao_si_jian"),
    )
    assert Item.objects.get(template=ba_you, number=2).text == "有协会章程/制度"
    # An administrator had put the emblem first: rows are matched by meaning, not position.
    Item.objects.filter(template=ba_you, number=8).update(number=99)
    Item.objects.filter(template=ba_you, number=1).update(number=8)
    Item.objects.filter(template=ba_you, number=99).update(number=1)
    full = _assess(old, network["village_a1"], ba_you, list(range(1, 9)), passed=True)
    # Ticked: 1 (the emblem, now first), 2 (charter/rules), 5 (the “self-governance” charter).
    partial = _assess(old, network["village_a2"], ba_you, [1, 2, 5], passed=False)
    four = _assess(old, network["village_a1"], yi_hao, [1, 2, 3, 5], passed=True)
    three = _assess(old, network["village_a2"], yi_hao, [2, 4, 5], passed=False)

    new = migrate(("activities", "0006_checklists_in_the_yearbooks_words"))
    Assessment = new.get_model("activities", "Assessment")

    def met(pk: int) -> list[tuple[int, str]]:
        items = Assessment.objects.get(pk=pk).items_met.order_by("number")
        return [(i.number, i.text) for i in items]

    assert len(met(full)) == 8
    assert met(partial) == [(2, "规章制度"), (5, "协会章程"), (8, "协会标志")]
    assert [n for n, _text in met(four)] == [1, 2, 3, 5]
    assert [text[-4:] for _n, text in met(three)] == ["的理事会", "小组体系", "工作制度"]
    assert [Assessment.objects.get(pk=pk).passed for pk in (full, partial, four, three)] == [
        True,
        False,
        True,
        False,
    ]
    HistoricalItem = new.get_model("activities", "HistoricalAssessmentItem")
    moved = HistoricalItem.objects.filter(text="协会标志").latest("history_id")
    assert (moved.number, moved.history_user_id) == (8, None)
    assert moved.history_change_reason.startswith("按年鉴")


def test_shipped_assessment_templates(db):
    templates = {t.code: t for t in AssessmentTemplate.objects.prefetch_related("items")}
    shape = {
        code: (t.name, len(t.items.all()), t.pass_rule, t.pass_minimum)
        for code, t in templates.items()
    }
    assert shape == {
        "ba_you": ("八有", 8, PassRule.ALL, None),
        "model_association": ("示范协会", 4, PassRule.ALL, None),
        "san_you": ("三有", 3, PassRule.ALL, None),
        "yi_hao_si_jian": ("一好四建", 5, PassRule.AT_LEAST, 4),
    }
    assert [i.number for i in templates["yi_hao_si_jian"].items.all()] == [1, 2, 3, 4, 5]


def test_pass_rule_arithmetic(db):
    ba_you = AssessmentTemplate.objects.get(code="ba_you")
    assert ba_you.passes(8, 8) and not ba_you.passes(7, 8)
    yi_hao = AssessmentTemplate.objects.get(code="yi_hao_si_jian")
    assert yi_hao.passes(4, 5) and not yi_hao.passes(3, 5)
    empty = AssessmentTemplate(code="x", name="x")
    assert not empty.passes(0, 0)
