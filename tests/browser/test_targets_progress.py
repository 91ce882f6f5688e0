"""In a real browser: a county's work plan with its targets for the towns, the dashboard's
progress to target with the towns behind it, and the towns compared on a rate."""

from __future__ import annotations

import datetime as dt

import pytest

from associations.years import default_report_year
from reports import services
from tests.members.factories import MemberFactory
from tests.reports.catalog_world import assess

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = default_report_year()


@pytest.fixture
def county_plan(network, county_secretary, system):
    county = network["county"]
    for village, members in (("village_a1", 4), ("village_a2", 2), ("village_b1", 1)):
        for _n in range(members):
            MemberFactory(association=network[village], joined_on=dt.date(YEAR, 3, 1))
    for village in ("village_a1", "village_a2"):  # 八有 passed (the shipped checklist may
        assess(network[village], YEAR, "ba_you", passed=True)  # be flushed by earlier tests)
    services.context_create(by=system, association=county, year=YEAR, fp_budget=1800000)
    plan = services.plan_create(
        by=county_secretary,
        association=county,
        year=YEAR,
        title=f"{YEAR}年全区计划生育协会工作要点",
        document_number=f"示范计生协〔{YEAR}〕1号",
        issued_on=dt.date(YEAR, 1, 27),
        tasks="对照先进合格村（居）协会标准，分类指导，搞好创优工作\n"
        "3—4月把当年新婚夫妇吸收到协会中来，发展壮大会员队伍\n"
        "发动群众每年2次以上对计生工作各项目标任务完成情况进行评议",
    )
    for code, value, rule in (
        ("rate.villages_ba_you", 85, services.SplitRule.SAME),
        ("members.joined", 8, services.SplitRule.EVEN),
    ):
        services.targets_set_for_children(
            by=county_secretary, parent=county, year=YEAR, code=code, value=value, rule=rule
        )
    services.target_create(
        by=county_secretary, association=county, year=YEAR, code="rate.villages_ba_you", value=85
    )
    return plan


def test_a_county_plan_its_town_targets_and_the_dashboard_progress(
    open_as, shots, network, county_plan, county_secretary
):
    county = network["county"]
    page = open_as(county_secretary)
    page.goto(f"{page.base}/reports/plans/{county_plan.pk}/")
    assert "示范计生协" in page.locator("h1").inner_text() or county_plan.title in page.content()
    assert "落后于目标的单位" in page.content()
    shots(page, "county-plan")

    page.goto(f"{page.base}/reports/plans/?scope={county.pk}&year={YEAR}")
    shots(page, "county-plans-and-town-targets")

    page.goto(f"{page.base}/reports/dashboard/{county.pk}/?year={YEAR}")
    progress = page.locator("#targets")
    progress.scroll_into_view_if_needed()
    assert "目标完成进度" in progress.inner_text()
    assert "乙镇计生协" in progress.inner_text()  # behind on both targets
    progress.screenshot(path=str(shots(page, "dashboard").with_name("03b-dashboard-progress.png")))

    page.goto(
        f"{page.base}/reports/rankings/?scope={county.pk}&year={YEAR}"
        "&code=rate.villages_ba_you&level=village"
    )
    assert "低于参考线" in page.content()
    shots(page, "villages-compared")
