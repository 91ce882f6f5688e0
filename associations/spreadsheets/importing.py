"""Importing a spreadsheet, all or nothing.

The rows are read as a stream and handled a chunk at a time (batch look-ups),
each row written through the kind's services inside one transaction. Any bad
row — a cell that does not parse, a duplicate, a row outside the user's scope,
a service's ValidationError — is reported with its Excel row number, column
and reason, and the whole transaction is rolled back at the end; so is a dry
run. Good rows keep being written until the end (and rolled back with the
rest) so that later rows may refer to earlier ones and every error is found in
one pass.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

import openpyxl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from associations.signals import records_changed

from .cells import simplified
from .kinds import RecordResource, Row, RowError, get_kind, messages_of

CHUNK_SIZE = 1000
NEW, UPDATE, UNCHANGED = "new", "update", "skip"


@dataclass(frozen=True)
class CellError:
    """One problem: Excel row number (header = 1), column header ("" = whole row), reason."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("第 %(row)s 行") % {"row": self.row}
        if self.column:
            where += f"〔{self.column}〕"
        return f"{where}：{self.message}"


@dataclass
class ImportReport:
    kind: str
    label: str
    dry_run: bool
    file_name: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def committed(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    def fail(self, row: int, column: str, message: str) -> None:
        self.errors.append(CellError(row, column, str(message)))

    def as_json(self) -> dict[str, Any]:
        """The report as a job keeps it (see `from_json`)."""
        data = {name: getattr(self, name) for name in _REPORT_FIELDS}
        data["errors"] = [[e.row, e.column, e.message] for e in self.errors]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        report = cls(**{name: data[name] for name in _REPORT_FIELDS})
        report.errors = [CellError(*error) for error in data["errors"]]
        return report

    def summary(self) -> str:
        counts = _("新增 %(c)s 条，更新 %(u)s 条，未变 %(n)s 条，错误 %(e)s 处") % {
            "c": self.created,
            "u": self.updated,
            "n": self.unchanged,
            "e": len(self.errors),
        }
        if self.errors:
            return counts + _("；文件中有错误，没有导入任何数据。")
        if self.dry_run:
            return counts + _("；这是预检，没有写入任何数据。")
        return counts + _("；已全部导入。")


_REPORT_FIELDS = (
    "kind",
    "label",
    "dry_run",
    "file_name",
    "rows",
    "created",
    "updated",
    "unchanged",
    "ignored_columns",
)

# ── reading ──────────────────────────────────────────────────────────────────


class SheetError(Exception):
    """The file cannot be read as a spreadsheet."""


@dataclass
class Sheet:
    """A header row and the data rows, each with its Excel row number."""

    header: Sequence[Any]
    rows: Iterable[tuple[int, Sequence[Any]]]
    # The data rows the file declares (may be wrong): for progress only.
    declared_rows: int | None = None


@dataclass(frozen=True)
class Limits:
    """What an uploaded workbook may be, checked before it is parsed (a 1.6 MB file can unpack
    to gigabytes of shared strings): anything over is refused in a second, in bounded memory."""

    file_bytes: int = 50 * 1024 * 1024
    unpacked_bytes: int = 600 * 1024 * 1024
    shared_strings_bytes: int = 100 * 1024 * 1024
    rows: int = 500_000
    columns: int = 200
    cell_chars: int = 2000


LIMITS = Limits()
_CFB_MAGIC = b"\xd0\xcf\x11\xe0"  # an encrypted .xlsx or an old .xls file


class FormulaCell:
    """A cell holding a formula: refused with its row and column, never read as empty."""

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def __repr__(self) -> str:
        return f"FormulaCell({self.formula!r})"


def _size_of(source) -> int:
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    position = source.tell()
    source.seek(0, 2)
    size = source.tell()
    source.seek(position)
    return size


def _head(source, length: int = 4) -> bytes:
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return handle.read(length)
    position = source.tell()
    head = source.read(length)
    source.seek(position)
    return head


def inspect_upload(source: str | Path | IO[bytes], limits: Limits | None = None) -> None:
    """Refuse, before any parsing, a file that is not a workbook, is encrypted, or would
    unpack beyond the limits (SheetError with the reason in the user's words)."""
    limits = limits or LIMITS
    if _size_of(source) > limits.file_bytes:
        raise SheetError(
            _("文件超过 %(mb)s MB，请分成几个文件导入。") % {"mb": limits.file_bytes // 2**20}
        )
    if _head(source) == _CFB_MAGIC:
        raise SheetError(
            _("该文件设置了密码或是旧版 .xls 格式：请取消密码并另存为 .xlsx 后再上传。")
        )
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SheetError(_not_a_workbook()) from exc
    finally:
        if not isinstance(source, str | Path):
            source.seek(0)
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise SheetError(_not_a_workbook())
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise SheetError(_("该文件已加密，请取消密码后再上传。"))
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SheetError(
                _("该文件的压缩方式无法读取，请用 Excel 或 WPS 另存为 .xlsx 后再上传。")
            )
        if (
            entry.filename == "xl/sharedStrings.xml"
            and entry.file_size > limits.shared_strings_bytes
        ):
            raise SheetError(_too_large())
    if sum(entry.file_size for entry in entries) > limits.unpacked_bytes:
        raise SheetError(_too_large())


def _not_a_workbook() -> str:
    return _("无法读取该文件：请上传 Excel 工作簿（.xlsx）；旧的 .xls 文件请先另存为 .xlsx。")


def _too_large() -> str:
    return _("文件解压后内容过大，超出导入上限，请分成几个文件导入。")


def _damaged() -> str:
    return _("文件已损坏，读到一半无法继续，没有导入任何数据。请用 Excel 或 WPS 重新保存后再上传。")


def _values(cells, limits: Limits) -> list[Any]:
    values = []
    for cell in cells:
        value = cell.value
        if cell.data_type == "f":
            value = FormulaCell(str(value))
        elif isinstance(value, str) and len(value) > limits.cell_chars:
            value = value[: limits.cell_chars + 1]  # over-long: reported by the column's check
        values.append(value)
    return values


def _rows(worksheet, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """Data rows with their Excel numbers; damage found mid-file becomes a SheetError."""
    try:
        for number, cells in enumerate(worksheet.iter_rows(min_row=2), start=2):
            if number - 1 > limits.rows:
                raise SheetError(
                    _("文件超过 %(n)s 行数据，请分成几个文件导入。") % {"n": f"{limits.rows:,}"}
                )
            yield number, _values(cells, limits)
    except SheetError:
        raise
    except Exception as exc:  # zlib, XML and zip errors deep in the file
        raise SheetError(_damaged()) from exc


@contextlib.contextmanager
def open_xlsx(source: str | Path | IO[bytes], limits: Limits | None = None) -> Iterator[Sheet]:
    """The first worksheet of an .xlsx file, streamed (read-only mode keeps memory flat), after
    `inspect_upload` has vetted it. Formula cells arrive as `FormulaCell`s."""
    limits = limits or LIMITS
    inspect_upload(source, limits)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=False)
    except Exception as exc:  # every way a damaged workbook can fail to open
        raise SheetError(_not_a_workbook()) from exc
    try:
        worksheet = workbook.worksheets[0]
        declared = worksheet.max_row - 1 if worksheet.max_row else None
        # Some programs write a wrong sheet size; read every row that is really there.
        worksheet.reset_dimensions()
        try:
            header = next(worksheet.iter_rows(max_row=1, values_only=True), None) or ()
        except Exception as exc:
            raise SheetError(_damaged()) from exc
        if len(header) > limits.columns:
            raise SheetError(
                _("文件有 %(n)s 列，超过上限 %(max)s 列。")
                % {"n": len(header), "max": limits.columns}
            )
        yield Sheet(header=header, rows=_rows(worksheet, limits), declared_rows=declared)
    finally:
        workbook.close()


def dataset_sheet(dataset) -> Sheet:
    """A tablib Dataset (the admin's upload) as a Sheet."""
    return Sheet(header=dataset.headers or (), rows=enumerate(dataset, start=2))


def _is_blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _header_text(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    # Templates may mark required columns with * or （必填）.
    for mark in ("*", "＊", "（必填）", "(必填)"):
        text = text.replace(mark, "")
    return text.strip()


def map_header(
    resource: RecordResource, header: Sequence[Any], report: ImportReport
) -> dict[int, str]:
    """Column index → field name; unknown columns are ignored, missing required ones reported."""
    forms: dict[str, str] = {}
    for name, column in resource.columns():
        for form in column.header_forms():
            forms.setdefault(form, name)
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, raw in enumerate(header):
        text = _header_text(raw)
        if not text:
            continue
        name = forms.get(simplified(text))
        if name is None:
            report.ignored_columns.append(text)
            continue
        if resource.fields[name].readonly:
            continue  # written by exports for people to check against, never read
        if name in seen:
            report.fail(1, text, _("与“%(other)s”是同一列，重复了。") % {"other": seen[name]})
            continue
        seen[name] = text
        positions[index] = name
    for name, column in resource.columns():
        if column.required and name not in seen:
            report.fail(1, column.column_name, _("缺少这一必填列。"))
    if not seen and header:
        report.fail(1, "", _("第 1 行应为列名，没有识别出任何列。"))
    return positions


# ── importing ────────────────────────────────────────────────────────────────

OnRow = Callable[[Row, str, models.Model, Sequence[Any]], None]
Progress = Callable[[int, int | None], None]


@dataclass
class _Run:
    resource: RecordResource
    report: ImportReport
    positions: dict[int, str]
    headers: dict[str, str]  # field name → the header as the file writes it
    on_row: OnRow | None
    seen: dict[tuple, int] = field(default_factory=dict)

    def header_of(self, name: str | None) -> str:
        if name is None:
            return ""
        return self.headers.get(name) or self.resource.fields[name].column_name


def _parse(run: _Run, number: int, cells: Sequence[Any]) -> Row:
    row = Row(number=number, values={})
    for index, name in run.positions.items():
        raw = cells[index] if index < len(cells) else None
        column = run.resource.fields[name]
        if isinstance(raw, FormulaCell):
            row.error(
                name, _("单元格是公式（%(f)s），请改为直接填写的数值或文字。") % {"f": raw.formula}
            )
            continue
        row.raw[name] = raw
        try:
            value = column.widget.clean(raw)
        except (ValidationError, ValueError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            for message in messages:
                row.error(name, message)
            continue
        if value is None and column.required:
            row.error(name, _("必填，不能为空。"))
        row.values[name] = value
    return row


def _record(run: _Run, row: Row, error: Exception) -> None:
    if isinstance(error, RowError):
        row.error(error.field_name, error.message)
    elif isinstance(error, ValidationError):
        for key, messages in messages_of(error).items():
            for message in messages:
                row.error(run.resource.field_for_error(key), message)
    else:  # IntegrityError: a database constraint the services did not foresee
        row.error(None, _("与已有记录冲突，数据库拒绝保存此行。"))


def _import_row(run: _Run, row: Row, existing: dict[tuple, models.Model]) -> str | None:
    resource = run.resource
    keys = resource.key_names()
    key = tuple(row.values.get(name) for name in keys)
    if key in run.seen:
        row.error(keys[0], _("与第 %(row)s 行重复。") % {"row": run.seen[key]})
        return None
    run.seen[key] = row.number
    obj = existing.get(key)
    if obj is not None and not resource.in_scope(obj):
        row.error(keys[0], _("该记录属于您管辖范围以外的协会，不能导入。"))
        return None
    try:
        resource.check(row, obj)
        if row.errors:
            return None
        if obj is None:
            if resource.creates_in_bulk:
                return NEW  # written with the rest of the chunk
            with transaction.atomic():
                obj = resource.create(row)
            action = NEW
        else:
            changed = resource.changes(obj, row)
            if not changed:
                action = UNCHANGED
            else:
                with transaction.atomic():
                    obj = resource.update(obj, row, changed)
                action = UPDATE
    except (RowError, ValidationError, IntegrityError) as exc:
        _record(run, row, exc)
        return None
    row.obj = obj
    return action


def _import_chunk(run: _Run, chunk: list[tuple[Row, Sequence[Any]]]) -> None:
    resource, report = run.resource, run.report
    rows = [row for row, _cells in chunk]
    good = [row for row in rows if not row.errors]
    resource.prepare(good)
    existing = resource.existing(good)
    actions: dict[int, str | None] = {}
    for row in good:
        actions[row.number] = _import_row(run, row, existing)
    if resource.creates_in_bulk:
        fresh = [row for row in good if actions[row.number] == NEW and not row.errors]
        if fresh:
            try:
                with transaction.atomic():
                    resource.create_rows(fresh)
            except (ValidationError, IntegrityError) as exc:
                for row in fresh:
                    _record(run, row, exc)
    for row, cells in chunk:
        action = actions.get(row.number)
        if row.errors:
            for name, message in row.errors:
                report.fail(row.number, run.header_of(name), message)
            continue
        if action == NEW:
            report.created += 1
        elif action == UPDATE:
            report.updated += 1
        else:
            report.unchanged += 1
        if run.on_row is not None:
            run.on_row(row, action, getattr(row, "obj", None), cells)


def _chunks(rows: Iterable[tuple[int, Sequence[Any]]], run: _Run) -> Iterator[list]:
    data = ((number, cells) for number, cells in rows if not _is_blank(cells))
    while chunk := [(_parse(run, n, cells), cells) for n, cells in islice(data, CHUNK_SIZE)]:
        yield chunk


def import_sheet(
    kind: type[RecordResource] | str,
    sheet: Sheet,
    *,
    by,
    dry_run: bool = False,
    file_name: str = "",
    on_row: OnRow | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every row of `sheet` or none of them, as `by` (commands: the system actor).

    `progress(done, total)` is called after each chunk (a job's progress bar)."""
    resource_class = get_kind(kind) if isinstance(kind, str) else kind
    resource = resource_class(by=by)
    report = ImportReport(
        kind=resource.kind, label=str(resource.label), dry_run=dry_run, file_name=file_name
    )
    refusal = _refusal(by)
    if refusal:
        report.fail(1, "", refusal)
        return report
    positions = map_header(resource, sheet.header, report)
    if report.errors:
        return report
    headers = {name: _header_text(sheet.header[index]) for index, name in positions.items()}
    run = _Run(resource, report, positions, headers, on_row)
    with transaction.atomic():
        for chunk in _chunks(sheet.rows, run):
            report.rows += len(chunk)
            _import_chunk(run, chunk)
            if progress is not None:
                total = sheet.declared_rows
                progress(report.rows, total if total and total >= report.rows else None)
        if not report.ok or dry_run:
            transaction.set_rollback(True)
        else:
            # Bulk writes send no per-row signals: say what may have changed.
            records_changed.send(sender=resource_class, scope=getattr(by, "association", None))
    if report.rows == 0 and report.ok:
        report.fail(2, "", _("文件中没有数据行。"))
    return report


def import_file(
    kind: type[RecordResource] | str,
    source: str | Path | IO[bytes],
    *,
    by,
    dry_run: bool = False,
    file_name: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Import an .xlsx file (a path or an open binary file)."""
    resource_class = get_kind(kind) if isinstance(kind, str) else kind
    name = file_name or (Path(source).name if isinstance(source, str | Path) else "")
    try:
        with open_xlsx(source) as sheet:
            return import_sheet(
                resource_class, sheet, by=by, dry_run=dry_run, file_name=name, progress=progress
            )
    except SheetError as exc:
        report = ImportReport(
            kind=resource_class.kind,
            label=str(resource_class.label),
            dry_run=dry_run,
            file_name=name,
        )
        report.fail(1, "", str(exc))
        return report


def _refusal(by) -> str:
    """Why `by` may not import at all ("" if they may)."""
    if by.association_id is None and not by.is_superuser:
        return _("您的账号没有所属协会，不能导入数据。")
    if not by.has_perm("records.change"):
        return _("您的账号为只读，不能导入数据。")
    return ""


# ── the admin (django-import-export) ─────────────────────────────────────────


def admin_import(resource: RecordResource, dataset, *, dry_run: bool, by):
    """Run the engine on the admin's tablib Dataset and answer with an import-export Result."""
    from import_export.results import Result, RowResult

    result = Result()
    result.diff_headers = [str(h) for h in (dataset.headers or [])]
    result.total_rows = len(dataset)

    def on_row(row: Row, action: str, obj: models.Model | None, cells: Sequence[Any]) -> None:
        row_result = RowResult()
        row_result.import_type = action
        row_result.diff = ["" if v is None else v for v in cells]
        row_result.add_instance_info(obj)
        row_result.instance = obj
        result.append_row_result(row_result)
        result.increment_row_result_total(row_result)

    report = import_sheet(
        type(resource), dataset_sheet(dataset), by=by, dry_run=dry_run, on_row=on_row
    )
    by_row: dict[int, dict[str, list[str]]] = {}
    for error in report.errors:
        by_row.setdefault(error.row, {}).setdefault(error.column or "__all__", []).append(
            error.message
        )
    for number, messages in sorted(by_row.items()):
        result.append_invalid_row(number, {}, ValidationError(messages))
    if report.errors:
        result.rows = []  # nothing was imported
    result.report = report
    return result
