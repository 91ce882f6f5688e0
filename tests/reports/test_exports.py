"""Excel and PDF exports: the same figures as `annual_report --format json` and evaluate()."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.catalog import INDICATORS, Kind, evaluate, evaluate_children
from reports.exports import FIRST_DATA_ROW, render_pdf_report, write_xlsx
from reports.tables import TABLES, table_codes
from tests.reports import tables_data
from tests.reports.tables_data import YEAR


@pytest.fixture
def data(network):
    tables_data.seed(network)
    return network


def _workbook(scope, *, by_children=True):
    buffer = io.BytesIO()
    write_xlsx(scope, YEAR, buffer, by_children=by_children)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def _sheet_figures(sheet) -> dict[str, dict[str, object]]:
    """{row code: {indicator code: value}} read back through the sheet's code row (row 5).

    A rate reads back as {"share", "numerator", "denominator"} from its three columns.
    """
    codes = [cell.value for cell in sheet[5]]
    figures: dict[str, dict[str, object]] = {}
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        values: dict[str, object] = {}
        for col, code in enumerate(codes):
            if not code or col < 2:
                continue
            if INDICATORS[code].kind == Kind.RATE:
                values[code] = {
                    "share": row[col],
                    "numerator": row[col + 1],
                    "denominator": row[col + 2],
                }
            else:
                values[code] = row[col]
        figures[row[1]] = values
    return figures


def _json_payload(scope) -> dict:
    out = io.StringIO()
    call_command("annual_report", scope=scope.code, year=YEAR, stdout=out)
    return json.loads(out.getvalue())["indicators"]


def _same(sheet_value, json_value) -> bool:
    if isinstance(json_value, dict):  # a rate
        share = None if sheet_value["share"] == "—" else round(sheet_value["share"], 4)
        return (
            share == json_value["value"]
            and sheet_value["numerator"] == json_value["numerator"]
            and sheet_value["denominator"] == json_value["denominator"]
        )
    return sheet_value == json_value


def test_xlsx_total_rows_match_annual_report_json(data):
    county = data["county"]
    workbook = _workbook(county)
    payload = _json_payload(county)
    for spec in TABLES:
        sheet = workbook[workbook.sheetnames[TABLES.index(spec)]]
        total = _sheet_figures(sheet)[county.code]
        assert set(total) == set(spec.codes)
        for code, value in total.items():
            assert _same(value, payload[code]), (spec.key, code, value, payload[code])


def test_xlsx_child_rows_match_each_childs_json_and_evaluate_children(data):
    county = data["county"]
    workbook = _workbook(county)
    codes = table_codes()
    children = dict(evaluate_children(county, YEAR, codes))
    for child in children:
        payload = _json_payload(child)
        for index in range(len(TABLES)):
            row = _sheet_figures(workbook.worksheets[index])[child.code]
            for code, value in row.items():
                assert _same(value, payload[code]), (child.code, code)
    members = _sheet_figures(workbook["表2 会员与理事"])
    assert members["33079901"]["members.total"] == 5
    assert members["33079902"]["members.total"] == 2
    assert members["330799"]["members.total"] == 7
    projects = _sheet_figures(workbook["表4 项目与帮扶"])
    assert projects["330799"]["rate.aid_fp_share"] == {
        "share": pytest.approx(2 / 3),
        "numerator": 2,
        "denominator": 3,
    }


def test_xlsx_layout_formats_and_print_setup(data):
    workbook = _workbook(data["county"])
    assert workbook.sheetnames == [
        "表1 组织建设",
        "表2 会员与理事",
        "表3 会员联系户",
        "表4 项目与帮扶",
        "表5 活动与宣传",
        "表6 表彰、考核与村民自治",
        "表7 经费",
        *[f"附表{n} {spec.title}"[:31] for n, spec in enumerate(TABLES[7:], start=1)],
        "指标说明",
    ]
    sheet = workbook["表4 项目与帮扶"]
    assert sheet["A1"].value == "表4 项目与帮扶（示范区计生协 · 2024年度）"
    assert "A1" in {str(r).split(":")[0] for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value.startswith("单位：项、户、人、元；比率：百分比（分子/分母）")
    assert "统计年度：2024" in sheet["A2"].value
    assert sheet.freeze_panes == f"C{FIRST_DATA_ROW}"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    codes = [c.value for c in sheet[5]]
    header = [c.value for c in sheet[4]]
    rate_col = codes.index("rate.aid_fp_share")
    assert header[rate_col : rate_col + 3] == ["比率", "分子", "分母"]
    total_row = FIRST_DATA_ROW + 2  # two towns, then the total
    assert sheet.cell(total_row, 1).value == "合计" and sheet.cell(total_row, 1).font.bold
    assert sheet.cell(total_row, rate_col + 1).number_format == "0.0%"
    amount_col = codes.index("aid.amount") + 1
    assert sheet.cell(total_row, amount_col).number_format == "#,##0.00"
    assert sheet.cell(total_row, amount_col).value == 1300
    count_col = codes.index("projects.total") + 1
    assert sheet.cell(total_row, count_col).number_format == "#,##0"


def test_xlsx_empty_denominator_is_a_dash(data):
    workbook = _workbook(data["village_a2"])
    row = _sheet_figures(workbook["表4 项目与帮扶"])[data["village_a2"].code]
    assert row["rate.aid_fp_share"] == {"share": "—", "numerator": 0, "denominator": 0}


def test_xlsx_definitions_sheet_lists_every_indicator(data):
    sheet = _workbook(data["town_a"], by_children=False)["指标说明"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(INDICATORS)
    share = next(row for row in rows if row[0] == "rate.aid_fp_share")
    assert share[4:6] == ("aid.fp_households", "aid.households")
    assert all(row[2] for row in rows)  # every indicator has a definition


def test_xlsx_whole_layout(data):
    sheet = _workbook(data["county"], by_children=False)["表7 经费"]
    figures = _sheet_figures(sheet)
    assert list(figures) == ["330799"]
    assert figures["330799"]["funds.income"] == 3000.5
    assert figures["330799"]["funds.income"] == float(
        evaluate(data["county"], YEAR)["funds.income"]
    )


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    pypdf = pytest.importorskip("pypdf", reason="neither pdftotext nor pypdf is available")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def test_pdf_has_the_tables_in_chinese_with_page_numbers(data, tmp_path):
    pdf = render_pdf_report(data["county"], YEAR)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    for expected in (
        "示范区计生协 2024年度计生协年报表",
        "表1 组织建设",
        "表7 经费",
        "甲镇计生协",
        "合计",
        "66.7% (2/3)",
        "3,000.50",
        "附表11 村民自治",
        "第 1 页，共 ",
        "生成时间：",
        "单位：元",
    ):
        assert expected in text, expected


def test_pdf_embeds_a_cjk_font(data, tmp_path):
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) is not installed, cannot list embedded fonts")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf_report(data["town_a"], YEAR, by_children=False))
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    cjk = [line for line in listing.splitlines() if "CJK" in line or "WenQuanYi" in line]
    assert cjk, listing
    assert all(line.split()[-5] == "yes" for line in cjk), listing  # the "emb" column


def test_annual_report_command_writes_xlsx_and_pdf(data, tmp_path, town_secretary):
    xlsx, pdf = tmp_path / "a.xlsx", tmp_path / "a.pdf"
    call_command("annual_report", scope="33079901", year=YEAR, format="xlsx", output=str(xlsx))
    call_command(
        "annual_report",
        scope="33079901",
        year=YEAR,
        format="pdf",
        output=str(pdf),
        as_user="town_secretary",
        layout="whole",
    )
    workbook = load_workbook(xlsx)
    assert _sheet_figures(workbook["表2 会员与理事"])["33079901"]["members.total"] == 5
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "甲镇计生协" in _pdf_text(pdf.read_bytes(), tmp_path)


def test_annual_report_command_keeps_scope_checks_and_needs_a_file(data, tmp_path, outsider):
    with pytest.raises(CommandError, match="无权查看"):
        call_command(
            "annual_report",
            scope="33079901",
            year=YEAR,
            format="xlsx",
            output=str(tmp_path / "x.xlsx"),
            as_user="outsider",
        )
    assert not (tmp_path / "x.xlsx").exists()
    with pytest.raises(CommandError, match="--output"):
        call_command("annual_report", scope="33079901", year=YEAR, format="pdf")
