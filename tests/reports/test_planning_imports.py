"""Spreadsheet kinds `targets` and `context`: a good file imports (and again changes nothing),
an export imports back unchanged, and a bad row — an unknown indicator, a rate outside
0–100%, a unit outside the scope, a negative figure, a budget with three decimals — is
reported with its row number while nothing is imported."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from associations.spreadsheets.importing import import_file
from reports.models import Target, UnitContext

TARGET_HEADER = ["协会编码", "年度", "指标编码", "目标值"]
CONTEXT_HEADER = ["协会编码", "年度", "总人口", "户数", "已婚育龄妇女", "村民小组数", "计生事业费"]


def xlsx(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_targets_import_and_import_again_unchanged(network, town_secretary):
    rows = [
        ["33079901", 2025, "rate.villages_ba_you", 85],
        ["33079901201", 2025, "members.joined", 40],
        ["33079901202", 2025, "funds.expense", "12000.50"],
    ]
    report = import_file("targets", xlsx(TARGET_HEADER, rows), by=town_secretary)
    assert report.ok and report.created == 3, report.errors
    assert dict(Target.objects.values_list("code", "value")) == {
        "rate.villages_ba_you": Decimal("85.00"),
        "members.joined": Decimal("40.00"),
        "funds.expense": Decimal("12000.50"),
    }
    again = import_file("targets", xlsx(TARGET_HEADER, rows), by=town_secretary)
    assert again.ok and again.unchanged == 3
    target = Target.objects.get(code="members.joined")
    assert target.history.first().history_user == town_secretary


def test_a_bad_targets_file_imports_nothing_and_names_each_row(network, town_secretary):
    rows = [
        ["33079901", 2025, "rate.villages_ba_you", 85],  # good
        ["33079901", 2025, "rate.no_such_rate", 85],
        ["33079901201", 2025, "rate.villages_with_charter", 120],
        ["33079902201", 2025, "members.total", 10],  # town B: outside the scope
        ["33079901202", 2025, "members.total", "2.5"],
    ]
    report = import_file("targets", xlsx(TARGET_HEADER, rows), by=town_secretary)
    assert not report.ok
    errors = {(e.row, e.column): e.message for e in report.errors}
    assert errors[(3, "指标编码")] == "没有编码为“rate.no_such_rate”的指标。"
    assert (
        errors[(4, "目标值")]
        == "“自治章程制定率”是比率，目标值须在 0–100（%）之间（填写的是 120）。"
    )
    assert errors[(5, "协会编码")] == "协会“33079902201”不存在，或不在您的管辖范围内。"
    assert errors[(6, "目标值")] == "“会员总数”是计数，目标值须为整数（填写的是 2.5）。"
    assert not Target.objects.exists()


def test_context_imports_with_the_headers_of_the_issue(network, system):
    rows = [
        ["33079901201", 2024, 800, 240, 190, 6, None],
        ["33079901", 2024, None, None, None, None, "1800000.00"],
    ]
    report = import_file("context", xlsx(CONTEXT_HEADER, rows), by=system)
    assert report.ok and report.created == 2, report.errors
    town = UnitContext.objects.get(association__code="33079901")
    assert town.fp_budget == Decimal("1800000.00") and town.population is None


def test_a_bad_context_file_imports_nothing(network, town_secretary):
    rows = [
        ["33079901201", 2024, 800, 240, 190, 6, None],  # good
        ["33079901202", 2024, -300, None, None, None, None],
        ["33079901", 2024, None, None, None, None, "1234.567"],
        ["33079902", 2024, 5000, None, None, None, None],  # town B: outside the scope
    ]
    report = import_file("context", xlsx(CONTEXT_HEADER, rows), by=town_secretary)
    errors = {(e.row, e.column): e.message for e in report.errors}
    assert errors == {
        (3, "总人口"): "不能小于 0。",
        (4, "计生事业费"): "最多保留 2 位小数（填写的是 1234.567）。",
        (5, "协会编码"): "协会“33079902”不存在，或不在您的管辖范围内。",
    }
    assert not UnitContext.objects.exists()


@pytest.mark.parametrize("kind", ["targets", "context"])
def test_an_export_imports_back_unchanged(network, system, tmp_path, kind):
    rows = {
        "targets": (TARGET_HEADER, [["33079901", 2025, "rate.villages_ba_you", 85]]),
        "context": (CONTEXT_HEADER, [["33079901201", 2024, 800, 240, 190, 6, "1000.5"]]),
    }[kind]
    assert import_file(kind, xlsx(*rows), by=system).ok
    path = tmp_path / f"{kind}.xlsx"
    call_command("export_records", kind, scope="330799", output=str(path), stdout=StringIO())
    report = import_file(kind, path, by=system)
    assert report.ok and report.unchanged == 1 and report.created == 0, report.errors
