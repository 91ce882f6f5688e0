"""In a real browser: the town secretary returns a village's report with a reason; the village
clerk signs in, sees the 待办 badge, opens 待办, reads the reason, follows the link and finds the
reason at the top of the report page. The 待办 page is kept as out/inbox.png, the report page
as out/inbox-report.png."""

from __future__ import annotations

import shutil

import pytest
from django.conf import settings

from associations.years import default_report_year
from reports import services
from reports.selectors import report_for

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = default_report_year()
REASON = "会员联系户数据与上年差异较大，请核实后重新上报。"


def test_the_clerk_finds_the_returned_report_through_the_inbox(
    open_as, shots, network, town_secretary, village_clerk
):
    village = network["village_a1"]
    url = f"/reports/submission/{village.pk}/{YEAR}/"
    services.report_submit(by=village_clerk, report=report_for(village, YEAR))

    town = open_as(town_secretary)
    town.goto(town.base + url)
    town.fill("textarea", REASON)
    town.get_by_role("button", name="退回").click()
    town.wait_for_load_state("networkidle")
    assert "已退回" in town.content()

    page = open_as(village_clerk)
    badge = page.locator(".inboxlink .badge.count")
    badge.wait_for(state="visible")
    assert badge.inner_text() == "1"
    shots(page, "badge")

    page.locator(".inboxlink").click()
    page.wait_for_load_state("networkidle")
    item = page.locator(".inbox-item.returned")
    assert f"{village.name} {YEAR}年度报表已被退回" in item.inner_text()
    assert f"甲镇秘书长退回意见：{REASON}" in item.inner_text()
    listed = shots(page, "inbox")

    item.get_by_role("link", name=f"{village.name} {YEAR}年度报表已被退回").click()
    page.wait_for_load_state("networkidle")
    alert = page.get_by_role("alert").filter(has_text="报表已被退回")
    assert REASON in alert.inner_text()
    assert "甲镇秘书长" in alert.inner_text()
    # At the top: the alert comes before the report's first card.
    first_card = page.locator("section.card").first.bounding_box()
    assert alert.bounding_box()["y"] < first_card["y"]
    at_the_top = shots(page, "reason-at-the-top")

    out = settings.BASE_DIR / "out"  # for the closing note
    out.mkdir(exist_ok=True)
    shutil.copy(listed, out / "inbox.png")
    shutil.copy(at_the_top, out / "inbox-report.png")
