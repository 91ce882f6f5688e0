"""In a real browser: a town's annual report goes up, is returned, comes back and is approved;
an officer drills down the dashboard and opens the tables' Excel and PDF."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest

from associations.years import default_report_year
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = default_report_year()


def test_a_town_report_is_returned_resubmitted_and_approved(
    open_as, shots, network, town_secretary, county_secretary
):
    town = network["town_a"]
    url = f"/reports/submission/{town.pk}/{YEAR}/"

    page = open_as(town_secretary)
    page.goto(page.base + url)
    shots(page, "town-draft")
    page.get_by_role("button", name="上报", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "已上报" in page.content()
    shots(page, "town-submitted")

    county = open_as(county_secretary)
    county.goto(county.base + url)
    county.fill("textarea", "会员联系户数据与上年差异较大，请核实。")
    county.get_by_role("button", name="退回").click()
    county.wait_for_load_state("networkidle")
    assert "已退回" in county.content()
    shots(county, "county-returned")

    page.goto(page.base + url)
    assert "会员联系户数据与上年差异较大" in page.content()  # the reason, on the town's page
    shots(page, "town-sees-the-reason")
    page.get_by_role("button", name="上报", exact=True).click()
    page.wait_for_load_state("networkidle")

    county.goto(county.base + url)
    county.get_by_role("button", name="审核通过").click()
    county.wait_for_load_state("networkidle")
    assert "已审核通过" in county.content()
    shots(county, "county-approved")


def test_an_officer_drills_down_and_opens_the_excel_and_pdf(
    open_as, shots, network, county_officer, tmp_path
):
    MemberFactory(association=network["village_a1"])
    page = open_as(county_officer)
    page.goto(f"{page.base}/reports/dashboard/?year={YEAR}")
    shots(page, "county-dashboard")
    page.get_by_role("link", name=network["town_a"].name).first.click()
    page.wait_for_load_state("networkidle")
    assert network["town_a"].name in page.locator("h1").inner_text()
    shots(page, "town-dashboard")

    page.goto(f"{page.base}/reports/tables/?year={YEAR}")
    shots(page, "tables")
    with page.expect_download() as excel:
        page.get_by_role("link", name="Excel").first.click()
    path = tmp_path / "tables.xlsx"
    excel.value.save_as(path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert len(workbook.sheetnames) >= 7
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF").first.click()
    path = tmp_path / "tables.pdf"
    pdf.value.save_as(path)
    assert path.read_bytes()[:4] == b"%PDF"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert network["county"].name in text
