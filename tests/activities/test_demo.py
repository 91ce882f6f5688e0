import io

from django.core.management import call_command
from django.db.models import Count, Sum

from activities import demo, selectors
from activities.models import (
    Aid,
    Assessment,
    AssessmentScore,
    Award,
    Event,
    EventType,
    LedgerEntry,
    Project,
    ProjectKind,
    SelfGovernance,
)
from associations.models import Association


def test_demo_is_complete_plausible_and_idempotent(db):
    call_command("seed_demo", scale=0.02, stdout=io.StringIO())
    counts = {m: m.objects.count() for m in (Event, Project, Aid, Award, Assessment, LedgerEntry)}
    out = io.StringIO()
    demo.seed(out, scale=0.02)
    assert "已有演示数据" in out.getvalue()
    assert {m: m.objects.count() for m in counts} == counts

    district = Association.objects.get(code="330703")
    villages = Association.objects.within(district).filter(level__in=["village", "community"])
    towns = district.children.filter(level="town")
    assert set(Event.objects.values_list("type", flat=True)) == set(EventType.values)
    assert set(Project.objects.values_list("kind", flat=True)) == set(ProjectKind.values)
    for year in demo.YEARS:
        member_days = Event.objects.filter(type="member_day", started_on__year=year)
        assert set(towns) <= {e.association for e in member_days}
        district_day = member_days.get(association=district)
        assert 50000 <= district_day.cost <= 60000
        spent = selectors.ledger_totals(
            LedgerEntry.objects.filter(association=district).during(year)
        )
        assert 175000 <= spent["expense"] <= 195000
        ba_you = Assessment.objects.filter(year=year, template__code="ba_you")
        assert ba_you.count() == villages.count()
        assert 0.75 <= ba_you.filter(passed=True).count() / ba_you.count() <= 0.95
        rows = SelfGovernance.objects.filter(year=year)
        assert rows.count() == villages.count()
        assert 0.8 <= rows.filter(households_signed__gt=0).count() / rows.count() <= 0.97
        assert 0.3 <= rows.filter(charter_adopted=True).count() / rows.count() <= 0.7
        fewer = Project.objects.filter(kind="fewer_births", started_on__year=year)
        assert fewer.count() == 10
        assert fewer.aggregate(n=Sum("households_out_of_poverty"))["n"] >= 100
    # Checklists: the stored total is the number of items met, `passed` the pass mark.
    checklists = Assessment.objects.exclude(template__code=demo.TARGET_CODE)
    for assessment in checklists.annotate(
        points=Sum("scores__score"), met=Count("scores")
    ).select_related("template")[:200]:
        assert assessment.total_score == (assessment.points or 0) == assessment.met
        assert assessment.passed == (assessment.met >= assessment.template.pass_mark)
    # Every town's scored 目标管理考核, out of 100 with grades; the indicator item is filled by
    # the reports (reports.demo_targets): its points or nothing.
    targets = Assessment.objects.filter(template__code=demo.TARGET_CODE)
    assert targets.count() == towns.count() * len(demo.YEARS)
    assert {a.grade for a in targets} <= {"excellent", "good", "fair", "fail"}
    assert all(45 <= a.total_score <= 100 and a.passed == (a.total_score >= 60) for a in targets)
    filled = AssessmentScore.objects.filter(assessment__in=targets, item__indicator_code__gt="")
    assert filled.exists() and set(filled.values_list("score", flat=True)) <= {0, 10}
    # Project aid stays inside the project's subtree.
    for aid in Aid.objects.filter(project__isnull=False).select_related(
        "project__association", "household__association"
    ):
        assert aid.household.association.path.startswith(aid.project.association.path)
    aided = selectors.aid_totals(Aid.objects.filter(given_on__year=2024))
    if aided["households"]:
        assert 0.7 <= aided["fp_households"] / aided["households"] <= 0.82
    assert Award.objects.filter(level="national").exists()
