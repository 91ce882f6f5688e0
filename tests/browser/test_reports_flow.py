"""In a real browser: a town's annual report goes up, is returned, comes back and is approved;
an officer drills down the dashboard and opens the tables' Excel and PDF."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest
from playwright.sync_api import expect

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
    link = page.locator("a[data-download]")
    with page.expect_download() as pdf:
        link.click()
        # While the PDF is made (a few seconds) the link says so and takes no second click.
        expect(link).to_have_attribute("aria-busy", "true")
        expect(link).to_have_text("正在生成 PDF，约需几秒…")
        shots(page, "tables-pdf-being-made")
    path = tmp_path / "tables.pdf"
    pdf.value.save_as(path)
    assert path.read_bytes()[:4] == b"%PDF"
    assert pdf.value.suggested_filename.endswith(".pdf")
    expect(link).to_have_text("下载 PDF")
    expect(link).not_to_have_attribute("aria-busy", "true")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert network["county"].name in text


def test_the_work_report_pdf_button_shows_it_is_working_then_saves_the_file(
    open_as, shots, network, county_officer, tmp_path
):
    page = open_as(county_officer)
    page.goto(f"{page.base}/reports/narrative/{network['town_a'].pk}/?year={YEAR}")
    button = page.locator("button[data-download]")
    with page.expect_download() as pdf:
        button.click()
        expect(button).to_be_disabled()
        expect(button).to_have_text("正在生成 PDF，约需几秒…")
        shots(page, "work-report-pdf-being-made")
    path = tmp_path / "report.pdf"
    pdf.value.save_as(path)
    assert path.read_bytes()[:4] == b"%PDF"
    assert pdf.value.suggested_filename.endswith("工作报告.pdf")
    expect(button).to_be_enabled()
    expect(button).to_have_text("导出PDF")
