"""Nothing that happened can be dated after today: every kind refuses a future date or
year on its field, through the service and through an import row; a project may be
planned ahead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services
from associations.services import system_actor
from tests.activities.test_imports import TOWN_A, V_A1, messages, run, where
from tests.members.factories import HouseholdFactory


def today() -> dt.date:
    return timezone.localdate()


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)


def next_year() -> int:
    return today().year + 1


# Each: a write dated in the future, and the field that must name it.
FUTURE: dict[str, tuple[Callable[[dict], object], str]] = {
    "event starts": (
        lambda n: services.event_create(
            by=system_actor(),
            association=n["village_a1"],
            type="lecture",
            title="讲座",
            started_on=tomorrow(),
        ),
        "started_on",
    ),
    "event ends": (
        lambda n: services.event_create(
            by=system_actor(),
            association=n["village_a1"],
            type="training",
            title="培训",
            started_on=today(),
            ended_on=tomorrow(),
        ),
        "ended_on",
    ),
    "aid": (
        lambda n: services.aid_give(
            by=system_actor(),
            household=HouseholdFactory(association=n["village_a1"]),
            given_on=tomorrow(),
            kind="cash",
            amount=100,
            provider="民政办",
        ),
        "given_on",
    ),
    "ledger": (
        lambda n: services.ledger_record(
            by=system_actor(),
            association=n["village_a1"],
            date=tomorrow(),
            direction="income",
            source="bureau",
            amount=100,
        ),
        "date",
    ),
    "award": (
        lambda n: services.award_grant(
            by=system_actor(),
            year=next_year(),
            level="city",
            title="先进集体",
            awarding_body="市计生协",
            association=n["village_a1"],
        ),
        "year",
    ),
    "assessment year": (
        lambda n: services.assessment_create(
            by=system_actor(), association=n["village_a1"], year=next_year(), template="san_you"
        ),
        "year",
    ),
    "assessed on": (
        lambda n: services.assessment_create(
            by=system_actor(),
            association=n["village_a1"],
            year=today().year,
            template="san_you",
            assessed_on=tomorrow(),
        ),
        "assessed_on",
    ),
    "selfgov year": (
        lambda n: services.selfgov_create(
            by=system_actor(), association=n["village_a1"], year=next_year()
        ),
        "year",
    ),
    "charter": (
        lambda n: services.selfgov_create(
            by=system_actor(),
            association=n["village_a1"],
            year=today().year,
            charter_adopted=True,
            charter_adopted_on=tomorrow(),
        ),
        "charter_adopted_on",
    ),
}


@pytest.mark.parametrize("case", FUTURE)
def test_the_service_refuses_a_future_date(network, case):
    write, field = FUTURE[case]
    with pytest.raises(ValidationError) as exc:
        write(network)
    assert "不能登记在将来" in exc.value.message_dict[field][0]


def test_today_is_fine_and_an_update_into_the_future_is_refused(network, town_secretary):
    event = services.event_create(
        by=town_secretary,
        association=network["village_a1"],
        type="lecture",
        title="今天的讲座",
        started_on=today(),
    )
    with pytest.raises(ValidationError) as exc:
        services.event_update(by=town_secretary, event=event, started_on=tomorrow())
    assert list(exc.value.message_dict) == ["started_on"]
    event.refresh_from_db()
    assert event.started_on == today() and event.version == 1


def test_a_project_may_be_planned_ahead(network):
    start = tomorrow() + dt.timedelta(days=60)
    project = services.project_create(
        by=system_actor(),
        code="P-PLAN",
        association=network["town_a"],
        kind="fewer_births",
        name="明年的项目",
        started_on=start,
    )
    assert project.started_on == start


def _import_cases() -> dict[str, tuple[str, dict, str]]:
    """kind, a row ({column: value}) dated in the future, and the column that must name it."""
    day, year, this_year = tomorrow().isoformat(), next_year(), today().year
    return {
        "events": (
            "events",
            {"协会编码": V_A1, "类型": "讲座", "标题": "讲座", "开始日期": day},
            "开始日期",
        ),
        "aid": (
            "aid",
            {"户编码": "HA1", "日期": day, "方式": "现金", "金额": 100, "帮扶单位": "民政办"},
            "日期",
        ),
        "ledger": (
            "ledger",
            {"协会编码": TOWN_A, "日期": day, "收支": "收入", "来源或用途": "自筹", "金额": 10},
            "日期",
        ),
        "awards": (
            "awards",
            {
                "年度": year,
                "级别": "市级",
                "称号": "先进集体",
                "授予单位": "市计生协",
                "获奖协会编码": V_A1,
            },
            "年度",
        ),
        "assessment year": (
            "assessments",
            {"协会编码": V_A1, "年度": year, "模板": "三有", "达标项": "1"},
            "年度",
        ),
        "assessed on": (
            "assessments",
            {"协会编码": V_A1, "年度": this_year, "模板": "三有", "达标项": "1", "考核日期": day},
            "考核日期",
        ),
        "selfgov year": (
            "selfgov",
            {"协会编码": V_A1, "年度": year, "制定章程": "否", "应签户数": 10},
            "年度",
        ),
        "charter": (
            "selfgov",
            {
                "协会编码": V_A1,
                "年度": this_year,
                "制定章程": "是",
                "章程日期": day,
                "应签户数": 10,
            },
            "章程日期",
        ),
    }


@pytest.mark.parametrize("case", list(_import_cases()))
def test_an_import_row_dated_in_the_future_is_refused(network, case):
    HouseholdFactory(association=network["village_a1"], code="HA1")
    kind, row, column = _import_cases()[case]
    report = run(kind, list(row), [list(row.values())])
    assert where(report) == {(2, column)}, messages(report)
    assert "不能登记在将来" in report.errors[0].message


def test_an_imported_project_may_start_in_the_future(network):
    start = (tomorrow() + dt.timedelta(days=30)).isoformat()
    report = run(
        "projects",
        ["项目编码", "协会编码", "类别", "名称", "开始日期"],
        [["XMF", TOWN_A, "少生快富", "规划中", start]],
    )
    assert report.ok, messages(report)
