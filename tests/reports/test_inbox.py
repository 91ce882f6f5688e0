"""待办 (reports.inbox): each kind of item for the people of the conftest network, worked out by
hand; scope (an outsider sees none of town A), read-only officers without actions, the order,
and a fixed number of queries whatever the number of items.

Network (conftest): town_a has village_a1 (the clerk's unit), village_a2 and community_a (no
staff: the town secretary submits for them); town_b (the outsider's) has village_b1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from associations.models import Job, JobStatus, Role
from members.models import OfficerTitle
from reports import inbox, services
from reports.catalog import INDICATORS
from reports.inbox import DUE_SOON, JOB, OVERDUE, RETURNED, REVIEW, SUBMIT, TARGET, TERM
from reports.selectors import report_for
from tests.conftest import make_person
from tests.members.factories import MemberFactory, OfficerPositionFactory

from .planning_world import build_figures

# In the reporting season (January–March) the report year is the one just closed.
TODAY = dt.date(2025, 2, 20)
YEAR = 2024


@pytest.fixture(autouse=True)
def _fresh_badges():
    cache.clear()


@pytest.fixture
def town_officer(network):
    return make_person("town_officer", network["town_a"], Role.OFFICER, full_name="甲镇领导")


def items_of(user, today: dt.date = TODAY) -> list[inbox.Item]:
    return inbox.inbox_items(user, today=today, now=timezone.now())


def of_kind(items, kind: str) -> list[inbox.Item]:
    return [item for item in items if item.kind == kind]


def set_deadline(by, parent, due_on: dt.date):
    return services.deadline_set(by=by, parent=parent, year=YEAR, due_on=due_on)


def submit(by, unit):
    return services.report_submit(by=by, report=report_for(unit, YEAR))


# ── Reports to submit ─────────────────────────────────────────────────────────
def test_a_draft_is_a_to_do_once_the_parent_sets_the_deadline(
    network, village_clerk, town_secretary, outsider
):
    assert of_kind(items_of(village_clerk), SUBMIT) == []  # no deadline, nothing to chase

    set_deadline(town_secretary, network["town_a"], dt.date(2025, 3, 1))  # 9 days after TODAY
    [item] = items_of(village_clerk)
    assert item.kind == SUBMIT
    assert item.title == "甲一村计生协 2024年度报表待上报"
    assert item.detail == "上报截止日期：2025-03-01"
    assert item.on == dt.date(2025, 3, 1)
    assert item.flag == DUE_SOON
    assert item.action == "去上报"
    assert item.url == f"/reports/submission/{network['village_a1'].pk}/{YEAR}/"

    # The town secretary answers for the children without staff (and the town's own report
    # has no deadline from the county).
    titles = [i.title for i in of_kind(items_of(town_secretary), SUBMIT)]
    assert sorted(titles) == [
        "甲二村计生协 2024年度报表待上报",
        "甲镇城东社区计生协 2024年度报表待上报",
    ]
    assert items_of(outsider) == []


def test_the_deadline_flags_overdue_due_soon_or_nothing(network, village_clerk, town_secretary):
    set_deadline(town_secretary, network["town_a"], dt.date(2025, 3, 1))
    assert items_of(village_clerk, dt.date(2025, 3, 2))[0].flag == OVERDUE
    assert items_of(village_clerk, dt.date(2025, 3, 1))[0].flag == DUE_SOON  # the day itself
    assert items_of(village_clerk, dt.date(2025, 2, 15))[0].flag == DUE_SOON  # 14 days before
    assert items_of(village_clerk, dt.date(2025, 2, 14))[0].flag == ""  # 15 days before


def test_a_submitted_report_is_no_longer_to_submit(network, village_clerk, town_secretary):
    set_deadline(town_secretary, network["town_a"], dt.date(2025, 3, 1))
    submit(village_clerk, network["village_a1"])
    assert items_of(village_clerk) == []


# ── Returned ──────────────────────────────────────────────────────────────────
def test_a_returned_report_comes_with_who_returned_it_and_why(
    network, village_clerk, town_secretary, outsider
):
    set_deadline(town_secretary, network["town_a"], dt.date(2025, 3, 1))
    village = network["village_a1"]
    report = submit(village_clerk, village)
    services.report_return(by=town_secretary, report=report, comment="会员数有误，请核实。")

    [item] = items_of(village_clerk)  # returned, not also "to submit"
    assert item.kind == RETURNED
    assert item.title == "甲一村计生协 2024年度报表已被退回"
    assert item.detail == "会员数有误，请核实。"
    assert item.by == "甲镇秘书长"
    assert item.flag == DUE_SOON  # the deadline still runs
    assert item.action == "修改后重新上报"
    assert of_kind(items_of(outsider), RETURNED) == []

    # Returned again after a resubmission: the latest reason, a new item.
    submit(village_clerk, village)
    services.report_return(by=town_secretary, report=report, comment="联系户数仍有误。")
    [again] = items_of(village_clerk)
    assert again.detail == "联系户数仍有误。"
    assert again.key != item.key


# ── Awaiting review ───────────────────────────────────────────────────────────
def test_children_s_submissions_await_the_parent_s_review(
    network, village_clerk, town_secretary, town_officer, county_secretary, outsider
):
    submit(village_clerk, network["village_a1"])
    [item] = of_kind(items_of(town_secretary), REVIEW)
    assert item.title == "甲一村计生协 2024年度报表待审核"
    assert item.action == "去审核"
    [seen] = of_kind(items_of(town_officer), REVIEW)  # read-only: the item, no action
    assert seen.title == item.title
    assert seen.action == ""
    assert of_kind(items_of(village_clerk), REVIEW) == []
    assert of_kind(items_of(county_secretary), REVIEW) == []  # not the county's child
    assert items_of(outsider) == []

    services.report_approve(by=town_secretary, report=report_for(network["village_a1"], YEAR))
    assert of_kind(items_of(town_secretary), REVIEW) == []


# ── Targets behind ────────────────────────────────────────────────────────────
def test_targets_not_reached_of_the_unit_and_its_children(
    network, county_secretary, town_secretary, village_clerk, outsider
):
    build_figures(network)  # village_a1: 3 members; town_a: expenses 7,500.50
    village, town = network["village_a1"], network["town_a"]
    behind = services.target_create(
        by=county_secretary, association=village, year=YEAR, code="members.total", value=4
    )
    services.target_create(
        by=county_secretary,
        association=town,
        year=YEAR,
        code="funds.expense",
        value=Decimal("7500.50"),
    )  # reached: no item
    unit = INDICATORS["members.total"].unit
    expected = (f"target:{behind.pk}", "甲一村计生协：会员总数未达到2024年目标")
    [item] = of_kind(items_of(town_secretary), TARGET)  # a child's
    assert (item.key, item.title) == expected
    assert item.detail == f"实际 3{unit}，目标 ≥ 4{unit}"
    assert item.url == f"/reports/targets/{behind.pk}/"
    [own] = of_kind(items_of(village_clerk), TARGET)  # the unit's own
    assert (own.key, own.title) == expected
    assert of_kind(items_of(outsider), TARGET) == []


# ── Officer terms ending ──────────────────────────────────────────────────────
def test_terms_ending_within_sixty_days_in_the_user_s_subtree(
    network, town_secretary, town_officer, outsider
):
    chair = MemberFactory(association=network["village_a1"], name="王会长")

    def post(association, ended_on, member=chair, title=OfficerTitle.CHAIR):
        return OfficerPositionFactory(
            member=member, association=association, title=title, ended_on=ended_on
        )

    ending = post(network["town_a"], TODAY + dt.timedelta(days=60))
    post(network["village_a1"], TODAY + dt.timedelta(days=61), title=OfficerTitle.VICE_CHAIR)
    post(network["village_a1"], TODAY - dt.timedelta(days=1), title=OfficerTitle.SECRETARY)
    other = MemberFactory(association=network["village_b1"], name="李会长")
    elsewhere = post(network["village_b1"], TODAY + dt.timedelta(days=5), member=other)

    [item] = of_kind(items_of(town_secretary), TERM)
    assert item.title == "甲镇计生协 会长 王会长 任期即将届满"
    assert item.detail == f"任职结束日期：{ending.ended_on:%Y-%m-%d}"
    assert item.action == "调整任职"
    assert item.action_url == f"/members/positions/{ending.pk}/edit/"
    assert of_kind(items_of(town_officer), TERM)[0].action == ""
    [theirs] = of_kind(items_of(outsider), TERM)
    assert theirs.key == f"term:{elsewhere.pk}:{elsewhere.ended_on:%Y%m%d}"


# ── Background jobs ───────────────────────────────────────────────────────────
def test_jobs_finished_since_the_user_last_looked(network, village_clerk, town_secretary):
    now = timezone.now()

    def job(owner, label, status=JobStatus.SUCCEEDED, finished=now - dt.timedelta(hours=1)):
        return Job.objects.create(
            owner=owner, label=label, runner="x", status=status, finished_at=finished
        )

    done = job(village_clerk, "导入会员")
    failed = job(village_clerk, "导出户", JobStatus.FAILED, now - dt.timedelta(hours=2))
    job(village_clerk, "运行中", JobStatus.RUNNING, None)
    job(village_clerk, "上周的导入", finished=now - dt.timedelta(days=8))
    job(town_secretary, "别人的任务")

    jobs = of_kind(inbox.inbox_items(village_clerk, today=TODAY, now=now), JOB)
    assert [(j.title, j.url) for j in jobs] == [
        ("导入会员", f"/associations/jobs/{done.pk}/"),  # newest first
        ("导出户", f"/associations/jobs/{failed.pk}/"),
    ]
    assert jobs[0].detail == "已完成"

    services.inbox_mark_seen(by=village_clerk, now=now)
    assert of_kind(inbox.inbox_items(village_clerk, today=TODAY, now=now), JOB) == []


# ── Order and cost ────────────────────────────────────────────────────────────
def _busy_town(network, county_secretary, town_secretary, village_clerk, children: int):
    """Overdue (town_a's own), due soon (the children without staff), awaiting review,
    a term ending, a finished job."""
    services.deadline_set(
        by=county_secretary, parent=network["county"], year=YEAR, due_on=dt.date(2025, 2, 15)
    )
    set_deadline(town_secretary, network["town_a"], dt.date(2025, 3, 1))
    submit(village_clerk, network["village_a1"])
    for n in range(children):
        member = MemberFactory(association=network["town_a"], name=f"理事{n}")
        OfficerPositionFactory(member=member, ended_on=TODAY + dt.timedelta(days=30 + n))
        Job.objects.create(
            owner=town_secretary,
            label=f"任务{n}",
            runner="x",
            status=JobStatus.SUCCEEDED,
            finished_at=timezone.now(),
        )


def test_most_urgent_first(network, county_secretary, town_secretary, village_clerk):
    _busy_town(network, county_secretary, town_secretary, village_clerk, children=1)
    items = items_of(town_secretary)
    assert [(i.kind, i.flag) for i in items] == [
        (SUBMIT, OVERDUE),  # town_a's own, due 2025-02-15
        (SUBMIT, DUE_SOON),  # the two children without staff, due 2025-03-01
        (SUBMIT, DUE_SOON),
        (REVIEW, ""),
        (TERM, ""),
        (JOB, ""),
    ]
    assert items[0].title == "甲镇计生协 2024年度报表待上报"


def test_a_fixed_number_of_queries_and_the_badge_cached(
    network, county_secretary, town_secretary, village_clerk, django_assert_num_queries
):
    _busy_town(network, county_secretary, town_secretary, village_clerk, children=1)
    with CaptureQueriesContext(connection) as few:
        assert len(items_of(town_secretary)) == 6
    for n in range(2, 5):  # more children, posts and jobs: more items, the same queries
        member = MemberFactory(association=network["town_a"], name=f"新理事{n}")
        OfficerPositionFactory(member=member, ended_on=TODAY + dt.timedelta(days=10))
        Job.objects.create(
            owner=town_secretary,
            label=f"新任务{n}",
            runner="x",
            status=JobStatus.SUCCEEDED,
            finished_at=timezone.now(),
        )
    with CaptureQueriesContext(connection) as many:
        assert len(items_of(town_secretary)) == 12
    assert len(many) == len(few)
    assert (
        len(few) <= 10
    )  # 9 today: state, units, reports, deadlines, reviews, targets (2), posts, jobs

    town_secretary.refresh_from_db()  # the badge's user as a request has it
    count = inbox.open_count(town_secretary)
    with django_assert_num_queries(0):  # within the minute: from the cache
        assert inbox.open_count(town_secretary) == count
