"""In a real browser: a town's annual report goes up, is returned, comes back and is approved;
an officer drills down the dashboard and opens the tables' Excel and PDF."""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from associations.years import default_report_year
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = default_report_year()


def _pdf_while_busy(page, shots, control, busy: Callable[[], None], shot: str, path: Path):
    """Click `control`, which fetches a PDF: while it is made (a few seconds) the control says
    so and takes no second click (`busy` asserts how). Returns the download, saved at `path`."""
    with page.expect_download() as pdf:
        control.click()
        busy()
        expect(control).to_have_text("正在生成 PDF，约需几秒…")
        shots(page, shot)
    pdf.value.save_as(path)
    assert path.read_bytes()[:4] == b"%PDF"
    return pdf.value


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
    path = tmp_path / "tables.pdf"
    busy = functools.partial(expect(link).to_have_attribute, "aria-busy", "true")
    pdf = _pdf_while_busy(page, shots, link, busy, "tables-pdf-being-made", path)
    assert pdf.suggested_filename.endswith(".pdf")
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
    busy = expect(button).to_be_disabled
    pdf = _pdf_while_busy(
        page, shots, button, busy, "work-report-pdf-being-made", tmp_path / "report.pdf"
    )
    assert pdf.suggested_filename.endswith("工作报告.pdf")
    expect(button).to_be_enabled()
    expect(button).to_have_text("导出PDF")
