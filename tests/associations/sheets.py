"""Building and reading .xlsx files in tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl


def xlsx(header: Sequence[str], *rows: Iterable[Any], path: Path | None = None) -> BytesIO | Path:
    """A workbook whose first sheet holds `header` then `rows`; a file at `path` if given."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    if path is not None:
        workbook.save(path)
        return path
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "upload.xlsx"
    return buffer


def read(source) -> list[tuple]:
    """Every row of the first sheet, header included."""
    if isinstance(source, bytes):
        source = BytesIO(source)
    workbook = openpyxl.load_workbook(source, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


def sheet_names(source) -> list[str]:
    if isinstance(source, bytes):
        source = BytesIO(source)
    return openpyxl.load_workbook(source, read_only=True).sheetnames
