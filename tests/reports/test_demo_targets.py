"""The demo district's plan, targets, context and filled 目标管理考核, and its draft's closing
sections."""

from __future__ import annotations

import io

from django.core.management import call_command

from activities.demo import TARGET_CODE
from activities.models import Assessment
from associations.models import Association
from reports import demo_targets, narrative
from reports.demo_targets import YEAR
from reports.models import Target, UnitContext, WorkPlan
from reports.targets import plan_against_actual


def test_the_demo_district_plans_sets_targets_and_fills_its_assessments(db):
    out = io.StringIO()
    call_command("seed_demo", scale=0.02, stdout=out)
    assert "目标管理" in out.getvalue()
    district = Association.objects.get(code="330703")
    towns = district.children.filter(level="town")
    assert set(WorkPlan.objects.values_list("year", flat=True)) == {YEAR, YEAR + 1}
    enterprise = Target.objects.filter(year=YEAR, code="org.associations.enterprise")
    assert sum(t.value for t in enterprise.exclude(association=district)) == 25
    assert enterprise.get(association=district).value == 25
    assert Target.objects.filter(year=YEAR, code="rate.villages_ba_you").count() == 12
    assert UnitContext.objects.filter(association__in=towns, fp_budget__isnull=False).count() == 11
    progress = plan_against_actual(district, YEAR)
    assert len(progress.children) == 11 and progress.own
    filled = Assessment.objects.filter(template__code=TARGET_CODE, year=YEAR)
    assert filled.count() == 11
    assert all(a.scores.filter(item__indicator_code__gt="").exists() for a in filled)

    draft = {s.key: s.text for s in narrative.draft(district, YEAR).sections}
    assert draft["next_year"].startswith(
        "根据《2027年全区计划生育协会工作要点》（金东计生协〔2026〕9号），2027年协会工作建议如下："
    )
    demo_targets.seed(io.StringIO(), district, Assessment.objects.first().assessed_by)
    assert WorkPlan.objects.count() == 2  # seeding again adds nothing
