"""Writing spreadsheets: exports of a scope and blank templates.

Exports stream: the queryset is read with `.iterator()` and rows go straight to
an openpyxl write-only workbook, so memory stays flat for any size. Every
workbook carries a second sheet documenting the columns, so an exported file is
also its own template, and it imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from associations.models import Association

from .cells import BoolCell, text_safe_row
from .kinds import RecordResource, get_kind

Progress = Callable[[int, int | None], None]

ITERATOR_CHUNK = 2000
# An Excel worksheet holds 1,048,576 rows; one is the header.
ROWS_PER_SHEET = 1_048_575
_BOLD = Font(bold=True)
_REQUIRED = PatternFill("solid", fgColor="FDE9D9")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _header_cells(sheet, resource: RecordResource) -> list[WriteOnlyCell]:
    cells = []
    for _name, column in resource.columns():
        cell = WriteOnlyCell(sheet, value=column.column_name)
        cell.font = _BOLD
        if column.required:
            cell.fill = _REQUIRED
        cells.append(cell)
    return cells


def _widths(sheet, resource: RecordResource) -> None:
    for index, (_name, column) in enumerate(resource.columns(), start=1):
        width = max(10, len(column.column_name) * 2 + 4, len(str(column.example or "")) + 4)
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 40)


def _data_sheet(workbook: Workbook, resource: RecordResource, part: int = 1):
    title = str(resource.label) if part == 1 else f"{resource.label} ({part})"
    sheet = workbook.create_sheet(title=title[:31])
    _widths(sheet, resource)
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, resource))
    return sheet


def _doc_sheet(workbook: Workbook, resource: RecordResource) -> None:
    sheet = workbook.create_sheet(title=_("填写说明"))
    for letter, width in zip("ABCDE", (16, 8, 48, 48, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    title = WriteOnlyCell(sheet, value=_("「%(kind)s」导入说明") % {"kind": resource.label})
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    keys = "、".join(resource.fields[name].column_name for name in resource.key_names())
    lines = [
        _(
            "只读取第一个工作表：第 1 行是列名，从第 2 行起每行一条记录；"
            "列的顺序不限，其他列会被忽略。"
        ),
        _("列名和可选值也可以用繁体字填写。"),
        _("日期可以是 Excel 日期，也可以写成 2024-05-29、2024/5/29、2024年5月29日 或 2024.5.29。"),
        _("“是/否”列可填 是、否、Y、N、1、0 或 √。"),
        _(
            "按“%(keys)s”识别同一条记录：已有的记录会被更新，没有的会新建；"
            "更新时留空的单元格表示保持原值不变。"
        )
        % {"keys": keys},
        _(
            "整个文件要么全部导入，要么全部不导入：只要有一行有错，就不写入任何数据，"
            "并列出每个错误的行号、列名和原因。同一文件再导入一次不会改变任何数据。"
        ),
        _("只能导入您管辖范围内的数据。"),
        *[str(note) for note in resource.notes],
    ]
    for line in lines:
        sheet.append([line])
    sheet.append([])
    heading = [_("列名"), _("必填"), _("填写要求"), _("说明"), _("示例")]
    sheet.append([_cell(sheet, text, bold=True) for text in heading])
    yes_no = BoolCell()
    readonly_note = _("仅供核对，导入时不读取。")
    for _name, column in resource.columns():
        sheet.append(
            [
                _cell(sheet, column.column_name, bold=column.required),
                yes_no.render(column.required) if not column.readonly else "—",
                _cell(sheet, column.widget.describe() if not column.readonly else ""),
                _cell(sheet, str(column.help) or (readonly_note if column.readonly else "")),
                column.example,
            ]
        )
    sheet.append([])
    sheet.append([_cell(sheet, _("示例行（可复制到第一个工作表）："), bold=True)])
    sheet.append([_cell(sheet, c.column_name, bold=True) for _n, c in resource.columns()])
    sheet.append([c.example for _n, c in resource.columns()])


def _cell(sheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAP
    if bold:
        cell.font = _BOLD
    return cell


def write_export(
    kind: type[RecordResource] | str,
    target: str | Path | IO[bytes],
    *,
    scope: Association,
    by,
    reveal: bool = True,
    progress: Progress | None = None,
    filters: dict[str, Any] | None = None,
) -> int:
    """Write every row of `kind` under `scope` that `by` may see, masked unless `by` may see
    personal data and `reveal` asks for it (the staff pages' everyday export does not);
    returns the row count.

    With `filters`, only the rows the kind's staff list shows with them (`filtered`).
    Past one worksheet's row limit the rows continue on further sheets ("会员 (2)" …).
    `progress(done, total)` is called as rows are written (a job's progress bar).
    """
    resource_class = get_kind(kind) if isinstance(kind, str) else kind
    resource = resource_class(by=by, reveal=reveal)
    workbook = Workbook(write_only=True)
    count = 0
    # Labels are written in simplified Chinese whatever the page language, so they import back.
    with translation.override("zh-hans"):
        queryset = resource.scoped_export_queryset(scope)
        if filters:
            queryset = resource.filtered(queryset, filters)
        total = queryset.count() if progress is not None else None
        sheet = _data_sheet(workbook, resource)
        for obj in queryset.iterator(chunk_size=ITERATOR_CHUNK):
            if count and count % ROWS_PER_SHEET == 0:
                sheet = _data_sheet(workbook, resource, part=count // ROWS_PER_SHEET + 1)
            sheet.append(text_safe_row(sheet, resource.export_row(obj)))
            count += 1
            if progress is not None and count % ITERATOR_CHUNK == 0:
                progress(count, total)
    _doc_sheet(workbook, resource)
    workbook.save(target)
    if progress is not None:
        progress(count, count)
    return count


def write_template(kind: type[RecordResource] | str, target: str | Path | IO[bytes]) -> None:
    """A blank workbook: the header row, and the documentation sheet with an example row."""
    resource_class = get_kind(kind) if isinstance(kind, str) else kind
    resource = resource_class()
    workbook = Workbook(write_only=True)
    _data_sheet(workbook, resource)
    _doc_sheet(workbook, resource)
    workbook.save(target)
