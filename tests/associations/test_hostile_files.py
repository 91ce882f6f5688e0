"""Hostile and broken spreadsheets: text stays text both ways, formulas are refused, files over
the limits, encrypted, corrupt or mutated are refused with a reason — never a traceback, never
a partial import."""

import functools
import io
import time
import zipfile

import openpyxl
import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from associations.models import Association
from associations.services import system_actor
from associations.spreadsheets import importing
from associations.spreadsheets.cells import set_text_safe
from associations.spreadsheets.exporting import write_export
from associations.spreadsheets.importing import Limits, import_file
from associations.spreadsheets.kinds import get_kind, kinds
from tests.associations.sheets import read, xlsx
from tests.associations.test_imports import HEADER, good_rows

FORMULA_LIKE = [
    "=1+1",
    '=HYPERLINK("http://evil.example","点我")',
    "+8613800000000",
    "-5",
    "@SUM(A1)",
]


def _text_workbook(header, rows) -> io.BytesIO:
    """Like tests.associations.sheets.xlsx, but "=…" written as text (as a person typing in
    WPS or Excel with the cell formatted as text would)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            set_text_safe(sheet.cell(row=r, column=c), value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_formula_like_names_are_exported_as_text_and_import_back_identically(network, tmp_path):
    system = system_actor()
    rows = [[f"3307990130{i}", name, "村", "33079901", None] for i, name in enumerate(FORMULA_LIKE)]
    assert import_file("associations", _text_workbook(HEADER, rows), by=system).committed
    path = tmp_path / "export.xlsx"
    write_export("associations", path, scope=network["town_a"], by=system)
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    exported = {row[1] for row in read(path)[1:]}
    assert set(FORMULA_LIKE) <= exported
    again = import_file("associations", path, by=system)
    assert again.committed and again.unchanged == len(read(path)) - 1 and again.updated == 0


def test_a_formula_cell_is_refused_with_its_row_and_column(network):
    rows = [["33079901301", '=CONCAT("甲","村")', "村", "33079901", None]]
    buffer = xlsx(HEADER, *rows)  # openpyxl writes "=…" as a formula cell
    report = import_file("associations", buffer, by=system_actor())
    assert not report.committed
    [error] = report.errors
    assert (error.row, error.column) == (2, "名称") and "公式" in error.message
    assert not Association.objects.filter(code="33079901301").exists()


def _bomb(shared_strings_bytes: int) -> io.BytesIO:
    """A small file whose shared strings unpack to `shared_strings_bytes`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"A" * shared_strings_bytes + b"</sst>")
    buffer.seek(0)
    return buffer


def test_a_workbook_that_unpacks_too_large_is_refused_at_once(monkeypatch, db):
    monkeypatch.setattr(importing, "LIMITS", Limits(shared_strings_bytes=1_000_000))
    bomb = _bomb(5_000_000)
    assert len(bomb.getvalue()) < 20_000  # the upload itself is tiny
    started = time.monotonic()
    report = import_file("associations", bomb, by=system_actor())
    assert time.monotonic() - started < 2
    assert "过大" in report.errors[0].message and not report.committed


def test_too_many_rows_is_refused_and_nothing_is_written(monkeypatch, network):
    monkeypatch.setattr(importing, "LIMITS", Limits(rows=3))
    report = import_file("associations", xlsx(HEADER, *good_rows()), by=system_actor())
    assert "超过 3 行" in report.errors[0].message
    assert not Association.objects.filter(code="33079901203").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\0" * 600, "密码"),  # encrypted .xlsx / old .xls (OLE)
        (b"PK\x03\x04not really a zip", "Excel 工作簿"),
        (b"", "Excel 工作簿"),
        (b"name,code\n1,2\n", "Excel 工作簿"),
    ],
)
def test_not_a_workbook_is_refused_with_the_reason(db, content, words):
    report = import_file("associations", io.BytesIO(content), by=system_actor())
    assert words in report.errors[0].message and not report.committed


@functools.cache
def _good_file() -> bytes:
    """One file for every example (a workbook's bytes carry its save time)."""
    return xlsx(HEADER, *good_rows()).getvalue()


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_workbooks_never_crash_and_never_import_partly(network, data):
    """Flip, cut and splice bytes of a good file: the import is refused with a reason, or it
    imports every row — never an exception, never some rows."""
    original = bytearray(_good_file())
    mutation = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if mutation == "flip":
        for _ in range(data.draw(st.integers(1, 20))):
            position = data.draw(st.integers(0, len(original) - 1))
            original[position] = data.draw(st.integers(0, 255))
    elif mutation == "truncate":
        original = original[: data.draw(st.integers(0, len(original) - 1))]
    else:
        start = data.draw(st.integers(0, len(original) - 1))
        original[start:start] = data.draw(st.binary(min_size=1, max_size=200))
    before = Association.objects.count()
    report = import_file("associations", io.BytesIO(bytes(original)), by=system_actor())
    after = Association.objects.count()
    if report.committed:
        assert after - before == report.created
    else:
        assert report.errors and after == before


cell = st.one_of(
    st.none(),
    # What a worksheet can hold (openpyxl refuses control characters when writing the test file).
    st.text(max_size=60).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.booleans(),
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.lists(st.sampled_from([*HEADER, "备注", "编码", "", "级 别"]), max_size=8),
    rows=st.lists(st.lists(cell, max_size=8), max_size=12),
)
def test_any_cells_give_row_numbered_errors_or_a_whole_import(network, header, rows):
    report = import_file("associations", xlsx(header, *rows), by=system_actor(), dry_run=True)
    assert report.ok or all(error.row >= 1 and error.message for error in report.errors)
    assert Association.objects.count() == 7  # a dry run never writes


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("associations", "members", "activities")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    }


@pytest.mark.parametrize("kind", [kind.kind for kind in kinds()])
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_kind_gives_row_numbered_errors_or_a_whole_import(network, kind, data):
    """Each kind's own header, shuffled, cut or doubled, over random cells: the import writes
    every row or none, and each error names its row."""
    header = [column.column_name for _name, column in get_kind(kind)().columns()]
    header = data.draw(
        st.one_of(
            st.just(header),
            st.permutations(header),
            st.lists(st.sampled_from(header), max_size=len(header) + 2),
        )
    )
    rows = data.draw(st.lists(st.lists(cell, max_size=len(header)), max_size=8))
    before = _counts()
    report = import_file(kind, xlsx(header, *rows), by=system_actor())
    if report.committed:
        assert report.ok
    else:
        assert all(error.row >= 1 and error.message for error in report.errors)
        assert _counts() == before


def test_an_amount_too_large_for_any_record_is_refused_on_its_row(network):
    """Found by the test above: 1e+26 in a money cell used to raise while rounding."""
    header = ["协会编码", "日期", "收支", "来源或用途", "金额"]
    report = import_file(
        "ledger",
        xlsx(header, ["33079901201", "2024-05-29", "收入", "会费", 1e26]),
        by=system_actor(),
    )
    assert not report.committed
    assert [(e.row, e.message) for e in report.errors if "范围" in e.message] == [
        (2, "“1e+26”超出了可填写的范围。")
    ]
