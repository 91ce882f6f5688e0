"""The annual report tables as an Excel workbook and as a PDF.

Both render the `Table` structures from `reports.tables` and compute nothing.

Excel layout, chosen so a secretary can paste or re-use the figures:
- one sheet per table: a merged title row (table, scope, year), a merged line
  with the units, two header rows and a row of indicator codes (which the
  sheet 指标说明 explains), then one row per association and the total row;
- counts are numbers formatted `#,##0`, amounts `#,##0.00`;
- a rate takes three columns: the share as a percent number (`0.0%`, so it can
  be sorted and charted), then its numerator and its denominator as numbers.
  A rate over an empty denominator is the text "—" with its 0 parts beside it;
- the header is frozen and each sheet prints on A4 landscape, fitted to the
  page width, with the header rows repeated on every page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from associations.models import Association

from .catalog import INDICATORS, Kind
from .pdf import render_pdf
from .tables import Column, Table, annual_tables, column_parts, in_money_unit

COUNT_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00"
QUANTITY_FORMAT = "#,##0.0"
RATE_FORMAT = "0.0%"
NAME_ROW, PART_ROW, CODE_ROW = 3, 4, 5  # indicator names, a rate's three parts, codes
HEADER_ROWS = (NAME_ROW, PART_ROW, CODE_ROW)
FIRST_DATA_ROW = 6

NUMBER_FORMATS = {Kind.AMOUNT: MONEY_FORMAT, Kind.QUANTITY: QUANTITY_FORMAT}

_thin = Side(style="thin", color="999999")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_header_fill = PatternFill("solid", fgColor="EEF2F6")
_total_fill = PatternFill("solid", fgColor="F4F6F8")
_code_font = Font(size=8, color="666666")
_center = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _width(column: Column) -> int:
    return 3 if column.kind == Kind.RATE else 1


def _sheet_title(table: Table) -> str:
    # Excel limits sheet names to 31 characters and forbids a few symbols.
    title = table.heading
    for symbol in "[]:*?/\\":
        title = title.replace(symbol, "、")
    return title[:31]


def _write_table(sheet: Worksheet, table: Table, generated: str) -> None:
    last_col = 2 + sum(_width(c) for c in table.columns)
    _write_title(sheet, table, generated, last_col)
    _write_header(sheet, table, last_col)
    for index, row in enumerate(table.rows):
        r = FIRST_DATA_ROW + index
        sheet.cell(r, 1, row.label)
        sheet.cell(r, 2, row.code)
        col = 3
        for column, cell in zip(table.columns, row.cells, strict=True):
            _write_figure(sheet, r, col, column, cell.value)
            col += _width(column)
        for c in range(1, last_col + 1):
            sheet.cell(r, c).border = _border
            if row.is_total:
                sheet.cell(r, c).font = Font(bold=True)
                sheet.cell(r, c).fill = _total_fill
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 14
    for c in range(3, last_col + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 13
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 3)
    _print_setup(sheet)


def _write_title(sheet: Worksheet, table: Table, generated: str, last_col: int) -> None:
    title = sheet.cell(1, 1, f"{table.heading}（{table.subtitle}）")
    title.font, title.alignment = Font(size=14, bold=True), _center
    note = _("%(units)s；统计年度：%(year)s；生成时间：%(time)s") % {
        "units": table.unit_line,
        "year": table.year,
        "time": generated,
    }
    if any(c.kind == Kind.RATE for c in table.columns):
        note += _("；每个比率占三列：比率、分子、分母")
    sheet.cell(2, 1, note).alignment = Alignment(wrap_text=True, vertical="center")
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    sheet.row_dimensions[2].height = 30


def _write_header(sheet: Worksheet, table: Table, last_col: int) -> None:
    """Names (a rate's name spans its three columns), the rate parts, then the codes."""
    for col, label in ((1, table.row_header), (2, _("编码"))):
        sheet.cell(NAME_ROW, col, label)
        sheet.merge_cells(start_row=NAME_ROW, start_column=col, end_row=PART_ROW, end_column=col)
    sheet.cell(CODE_ROW, 1, _("指标代码"))
    col = 3
    for column in table.columns:
        sheet.cell(NAME_ROW, col, column.name if column.kind == Kind.RATE else _heading(column))
        sheet.cell(CODE_ROW, col, column.code)
        if column.kind == Kind.RATE:
            for offset, part in enumerate((_("比率"), _("分子"), _("分母"))):
                sheet.cell(PART_ROW, col + offset, part)
            end = (NAME_ROW, col + 2)
        else:
            end = (PART_ROW, col)
        sheet.merge_cells(start_row=NAME_ROW, start_column=col, end_row=end[0], end_column=end[1])
        col += _width(column)
    for row in HEADER_ROWS:
        for col in range(1, last_col + 1):
            cell = sheet.cell(row, col)
            cell.fill, cell.border, cell.alignment = _header_fill, _border, _center
            cell.font = _code_font if row == CODE_ROW else Font(bold=True)
    sheet.row_dimensions[NAME_ROW].height = 45


def _heading(column: Column) -> str:
    return f"{column.name}\n（{column.unit}）" if column.unit else column.name


def _write_figure(sheet: Worksheet, row: int, col: int, column: Column, value) -> None:
    if column.kind == Kind.RATE:
        share = sheet.cell(row, col, "—" if value.value is None else value.value)
        share.number_format = RATE_FORMAT
        share.alignment = Alignment(horizontal="right")
        for offset, part in ((1, value.numerator), (2, value.denominator)):
            cell = sheet.cell(row, col + offset, part)
            cell.number_format = MONEY_FORMAT if isinstance(part, Decimal) else COUNT_FORMAT
        return
    cell = sheet.cell(row, col, value)
    cell.number_format = NUMBER_FORMATS.get(column.kind, COUNT_FORMAT)


def _print_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROWS[0]}:{HEADER_ROWS[-1]}"
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = _("第 &P 页，共 &N 页")


def _write_definitions(sheet: Worksheet) -> None:
    headers = (
        _("指标代码"),
        _("指标名称"),
        _("定义"),
        _("单位"),
        _("分子"),
        _("分母"),
    )
    for col, label in enumerate(headers, start=1):
        cell = sheet.cell(1, col, label)
        cell.font, cell.fill, cell.border, cell.alignment = (
            Font(bold=True),
            _header_fill,
            _border,
            _center,
        )
    for r, spec in enumerate(INDICATORS.values(), start=2):
        values = (
            spec.code,
            str(spec.name),
            str(spec.definition),
            str(spec.unit),
            spec.numerator or "",
            spec.denominator or "",
        )
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(r, col, value)
            cell.border = _border
            cell.alignment = Alignment(vertical="top", wrap_text=col == 3)
    for letter, width in zip("ABCDEF", (34, 30, 60, 8, 30, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    _print_setup(sheet)
    sheet.print_title_rows = "1:1"


def write_xlsx(
    scope: Association, year: int, fileobj: BinaryIO, *, by_children: bool = True
) -> None:
    """Write the annual report workbook for `scope` and `year` to `fileobj`."""
    tables = annual_tables(scope, year, by_children=by_children)
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        _write_table(workbook.create_sheet(_sheet_title(table)), table, generated)
    _write_definitions(workbook.create_sheet(_("指标说明")))
    workbook.properties.title = _("%(scope)s %(year)s年度计生协年报") % {
        "scope": scope.name,
        "year": year,
    }
    workbook.save(fileobj)


PDF_TABLES_TEMPLATE = "reports/pdf/tables.html"


def pdf_report_context(
    scope: Association, year: int, *, by_children: bool = True
) -> dict[str, Any]:
    """What the PDF template gets: the tables as printed, money in each table's unit and a
    table too wide for the page in parts."""
    tables = [
        part
        for table in annual_tables(scope, year, by_children=by_children)
        for part in column_parts(in_money_unit(table))
    ]
    return {"tables": tables, "scope": scope, "year": year}


def render_pdf_report(scope: Association, year: int, *, by_children: bool = True) -> bytes:
    """The annual report tables for `scope` and `year` as a PDF (A4 landscape)."""
    return render_pdf(PDF_TABLES_TEMPLATE, pdf_report_context(scope, year, by_children=by_children))
