"""The demo world (`seed_demo`), seeded once for this module: plausible in every app, and a
second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from activities import demo as activities_demo
from activities import selectors
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
from associations.models import Association, Level, User
from members import demo as members_demo
from members import idcard
from members.models import (
    Household,
    LiaisonPair,
    Member,
    MembershipPeriod,
    OfficerPosition,
    OfficerTitle,
)
from reports import narrative
from reports.demo_targets import YEAR as PLAN_YEAR
from reports.models import Target, UnitContext, WorkPlan
from reports.targets import plan_against_actual

# The tests share one seeded world, so they run on one worker, one after the other.
pytestmark = pytest.mark.xdist_group("demo")
COUNTED = (
    *(Association, User, Member, LiaisonPair, Event, Project, Aid, Award, LedgerEntry),
    *(WorkPlan, Target, UnitContext),
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Seeds once at a small scale inside a transaction undone after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", scale=0.02, stdout=out)
        yield {"out": out.getvalue(), "counts": _counts()}
        transaction.set_rollback(True)


@pytest.fixture
def district(world, db) -> Association:
    return Association.objects.get(code="330703")


def test_network_and_accounts(world, district):
    assert "demo-2026" in world["out"]
    assert district.children.filter(level=Level.TOWN).count() == 11
    villages = Association.objects.within(district).filter(level__in=["village", "community"])
    assert 240 <= villages.count() <= 270
    users = set(User.objects.values_list("username", flat=True))
    assert {"qu_mishu", "xiaoshun_mishu", "qu_lingdao", "cun_luru"} <= users


def test_members_follow_the_rules(world, district):
    assert "名会员" in world["out"]
    villages = Association.objects.filter(level=Level.VILLAGE).count()
    assert Member.objects.count() >= 3 * villages

    # Every ID valid and matching the birth date; the sex digit matches the gender.
    for member in Member.objects.all():
        number = member.id_number
        assert idcard.validate_id_number(number, birth=member.birth_date) == number
        assert (int(number[16]) % 2 == 1) == (member.gender == "M")

    # Each village of 500 people or more has a full-time vice-chair in office today.
    big = Association.objects.filter(level__in=["village", "community"], population__gte=500)
    with_fvc = (
        OfficerPosition.objects.held_on(members_demo.DEMO_TODAY)
        .filter(title=OfficerTitle.FULLTIME_VICE_CHAIR, association__in=big)
        .values("association")
        .distinct()
    )
    assert with_fvc.count() == big.count()

    # Posts and pairs start while the member is in the roll, within their association's reach.
    for position in OfficerPosition.objects.select_related("member__association", "association"):
        assert position.member.association.path.startswith(position.association.path)
        assert MembershipPeriod.objects.filter(member=position.member).active_on(
            position.started_on
        )
    for pair in LiaisonPair.objects.select_related("member", "household"):
        assert pair.member.association_id == pair.household.association_id
        assert MembershipPeriod.objects.filter(member=pair.member).active_on(pair.started_on)
    assert not LiaisonPair.objects.filter(ended_on__lt=F("started_on")).exists()

    # History is visible: joins and leaves in 2024.
    assert MembershipPeriod.objects.filter(joined_on__year=2024).exists()
    assert MembershipPeriod.objects.filter(left_on__year=2024).exists()
    share = Household.objects.aggregate(
        n=Count("id"), fp=Count("id", filter=Q(is_family_planning=True))
    )
    assert 0.6 < share["fp"] / share["n"] < 0.9


def test_activities_are_complete_and_plausible(world, district):
    villages = Association.objects.within(district).filter(level__in=["village", "community"])
    towns = district.children.filter(level="town")
    assert set(Event.objects.values_list("type", flat=True)) == set(EventType.values)
    assert set(Project.objects.values_list("kind", flat=True)) == set(ProjectKind.values)
    for year in activities_demo.YEARS:
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
    checklists = Assessment.objects.exclude(template__code=activities_demo.TARGET_CODE)
    for assessment in checklists.annotate(
        points=Sum("scores__score"), met=Count("scores")
    ).select_related("template")[:200]:
        assert assessment.total_score == (assessment.points or 0) == assessment.met
        assert assessment.passed == (assessment.met >= assessment.template.pass_mark)
    # Every town's scored 目标管理考核, out of 100 with grades; the indicator item is filled by
    # the reports (reports.demo_targets): its points or nothing.
    targets = Assessment.objects.filter(template__code=activities_demo.TARGET_CODE)
    assert targets.count() == towns.count() * len(activities_demo.YEARS)
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


def test_the_district_plans_sets_targets_and_fills_its_assessments(world, district):
    assert "目标管理" in world["out"]
    towns = district.children.filter(level="town")
    assert set(WorkPlan.objects.values_list("year", flat=True)) == {PLAN_YEAR, PLAN_YEAR + 1}
    enterprise = Target.objects.filter(year=PLAN_YEAR, code="org.associations.enterprise")
    assert sum(t.value for t in enterprise.exclude(association=district)) == 25
    assert enterprise.get(association=district).value == 25
    assert Target.objects.filter(year=PLAN_YEAR, code="rate.villages_ba_you").count() == 12
    assert UnitContext.objects.filter(association__in=towns, fp_budget__isnull=False).count() == 11
    progress = plan_against_actual(district, PLAN_YEAR)
    assert len(progress.children) == 11 and progress.own
    filled = Assessment.objects.filter(template__code=activities_demo.TARGET_CODE, year=PLAN_YEAR)
    assert filled.count() == 11
    assert all(a.scores.filter(item__indicator_code__gt="").exists() for a in filled)
    draft = {s.key: s.text for s in narrative.generate(district, PLAN_YEAR).sections}
    assert draft["suggestions"].startswith(
        "根据《2027年全区计划生育协会工作要点》（金东计生协〔2026〕9号），2027年的主要任务是："
    )


def test_a_second_run_changes_nothing(world, district):
    network = sorted(Association.objects.values_list("code", "path", "name"))
    out = io.StringIO()
    call_command("seed_demo", scale=0.02, stdout=out)
    assert "已有演示数据" in out.getvalue()
    assert _counts() == world["counts"]
    assert sorted(Association.objects.values_list("code", "path", "name")) == network
