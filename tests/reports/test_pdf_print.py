"""The PDFs secretaries print, laid out on the demo world: every table of the district and of a
town, the dashboard and the drafted work report. Every figure stays inside its cell, no words
are set on top of each other or run past the margins, and a total row (合计) never starts a page
alone. The pages are also kept as PNGs in out/print/ to look at.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from associations.models import Association, User
from reports import dashboard_views, work_report_views
from reports.demo import YEAR
from reports.exports import PDF_TABLES_TEMPLATE, pdf_report_context
from reports.pdf import render_document
from reports.tables import PRINT_COLUMNS_MOST, TABLES, table_label
from tests.reports.pdf_layout import measure, page_problems

pytestmark = [
    # Marked so the test database is set up even when only these tests run (the module's
    # world is seeded before any test's own `db`).
    pytest.mark.django_db,
    # Shares the demo world's way of seeding; one worker, one module at a time.
    pytest.mark.xdist_group("demo"),
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing"),
]
DISTRICT, TOWN = "330703", "330703101"  # 金东区, 孝顺镇
PNG_DIR = Path(settings.BASE_DIR) / "out" / "print"


def _keep_pngs(pdf: bytes, name: str) -> None:
    if not shutil.which("pdftoppm"):
        return
    folder = PNG_DIR / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(folder / f"{name}.pdf"), str(folder / "page")],
        check=True,
    )


# Module fixtures run before the per-test settings of tests/conftest.py: keep their stored
# figures out of the development cache (var/cache), where another database's figures live.
OWN_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "print"}
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world at a small scale, seeded once inside a transaction undone afterwards."""
    with (
        override_settings(CACHES=OWN_CACHE),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("seed_demo", scale=0.02, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def printed(world, django_db_blocker) -> dict:
    """The tables PDF of the district and of a town: its tables and measured pages."""
    result = {}
    with override_settings(CACHES=OWN_CACHE), django_db_blocker.unblock():
        for code in (DISTRICT, TOWN):
            context = pdf_report_context(Association.objects.get(code=code), YEAR)
            pdf, pages = measure(render_document(PDF_TABLES_TEMPLATE, context))
            _keep_pngs(pdf, f"tables-{code}")
            result[code] = {"tables": context["tables"], "pages": pages}
    return result


@pytest.mark.parametrize("code", [DISTRICT, TOWN])
def test_every_table_prints_inside_its_cells_with_no_total_alone(printed, code):
    assert page_problems(printed[code]["pages"]) == {}


@pytest.mark.parametrize("code", [DISTRICT, TOWN])
def test_tables_take_a_page_each_and_the_widest_is_printed_in_two_parts(printed, code):
    tables, pages = printed[code]["tables"], printed[code]["pages"]
    assert {table.label for table in tables} == {table_label(spec) for spec in TABLES}
    assert all(len(table.columns) <= PRINT_COLUMNS_MOST for table in tables)
    headings = [table.heading for table in tables]
    assert len(headings) == len(set(headings))
    assert "附表7 各类活动次数、参与人次和费用（续）" in headings  # 39 columns: two parts
    assert len(pages) == len(tables)
    # Every part has the row labels and the total row again.
    assert all(table.rows[-1].label == "合计" for table in tables)


def _long(table, children: int):
    """`table` with `children` rows before its total row (its own child rows, repeated)."""
    rows = table.rows[:-1]
    return replace(table, rows=(*(rows * children)[:children], table.rows[-1]))


def test_a_long_table_repeats_its_header_and_keeps_the_total_with_the_rows_before(printed):
    table = next(t for t in printed[DISTRICT]["tables"] if t.key == "liaison")
    context = {"scope": Association.objects.get(code=DISTRICT), "year": YEAR}

    def pages_of(children: int):
        document = render_document(
            PDF_TABLES_TEMPLATE, {**context, "tables": [_long(table, children)]}
        )
        return measure(document)[1]

    # How many rows fill the first page; then exactly that many rows before the total, which
    # would put the total alone on the next page.
    full = pages_of(60)[0].body_rows
    pages = pages_of(full)
    assert len(pages) == 2
    assert [page.headers for page in pages] == [["协会"], ["协会"]]
    assert pages[0].body_rows == full - 1  # the last child row went along with the total
    assert pages[1].body_rows == 2
    assert page_problems(pages) == {}


@pytest.fixture
def measured_renders(monkeypatch) -> list:
    """PDF views render through here while the test runs: each PDF's pages, measured."""
    seen = []

    def render(template_name, context, *, request=None):
        pdf, pages = measure(render_document(template_name, context, request=request))
        seen.append((pdf, pages))
        return pdf

    for module in (dashboard_views, work_report_views):
        monkeypatch.setattr(module, "render_pdf", render)
    return seen


def test_dashboard_and_work_report_pdfs_fit_their_pages(world, client, measured_renders):
    client.force_login(User.objects.get(username="qu_mishu"))
    district = Association.objects.get(code=DISTRICT)
    dashboard = client.get(reverse("reports:dashboard_pdf", args=[district.pk]), {"year": YEAR})
    assert dashboard.status_code == 200
    draft = client.get(reverse("reports:narrative", args=[district.pk]), {"year": YEAR})
    form = draft.context["form"]
    typed = {name: form[name].value() or "" for name in form.fields}
    report = client.post(
        reverse("reports:narrative_pdf", args=[district.pk]), {"year": YEAR, **typed}
    )
    assert report.status_code == 200
    assert len(measured_renders) == 2
    for (pdf, pages), name in zip(measured_renders, ("dashboard", "work-report"), strict=True):
        _keep_pngs(pdf, name)
        assert pages and page_problems(pages) == {}, name
