"""The shipped checklists, and data migrations that rewrite recorded assessments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from activities.models import Assessment, AssessmentItem, AssessmentTemplate

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


def test_shipped_templates_are_scored_checklists(db):
    shape = {
        t.code: (t.pass_mark, sorted({i.points for i in t.items.all()}), t.bands)
        for t in AssessmentTemplate.objects.prefetch_related("items")
    }
    assert shape == {
        "ba_you": (8, [1], []),
        "model_association": (4, [1], []),
        "san_you": (3, [1], []),
        "yi_hao_si_jian": (4, [1], []),  # 至少 4 项 of 5
    }


def test_recorded_assessments_keep_the_items_they_met(migrate, network):
    old = migrate(BEFORE_WORDING)
    Template = old.get_model("activities", "AssessmentTemplate")
    Item = old.get_model("activities", "AssessmentItem")
    ba_you, yi_hao = (
        Template.objects.get(code="ba_you"),
        Template.objects.get(code="yi_hao_si_jian"),
    )
    assert (ba_you.pass_rule, yi_hao.pass_rule, yi_hao.pass_minimum) == ("all", "at_least", 4)
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

    migrate(max(MigrationExecutor(connection).loader.graph.leaf_nodes("activities")))

    def met(pk: int) -> list[tuple[int, str]]:
        scores = Assessment.objects.get(pk=pk).scores.select_related("item")
        return sorted((s.item.number, s.item.text) for s in scores if s.score == s.item.points)

    assert len(met(full)) == 8
    assert met(partial) == [(2, "规章制度"), (5, "协会章程"), (8, "协会标志")]
    assert [n for n, _text in met(four)] == [1, 2, 3, 5]
    assert [text[-4:] for _n, text in met(three)] == ["的理事会", "小组体系", "工作制度"]
    rows = Assessment.objects.filter(pk__in=[full, partial, four, three]).order_by("pk")
    results = [(a.total_score, a.grade, a.passed) for a in rows]
    assert results == [(8, "", True), (3, "", False), (4, "", True), (3, "", False)]
    # The stored `passed` is what the pass mark gives, and the history says why.
    assert all(a.passed == a.template.passes(a.total_score) for a in rows)
    assert rows[0].history.first().history_change_reason == "由原达标项折算为得分"
    template = AssessmentTemplate.objects.get(code="yi_hao_si_jian")
    assert template.history.first().history_change_reason.startswith("改为计分考核")
    moved = AssessmentItem.history.filter(text="协会标志").latest("history_id")
    assert (moved.number, moved.history_user_id) == (8, None)
    assert moved.history_change_reason.startswith("按年鉴")
