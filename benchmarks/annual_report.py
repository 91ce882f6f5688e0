"""Benchmark: the annual report of the demo district, every interface.

Loads the demo (seed_demo) into a scratch database unless it is already there,
then times evaluate(), the tables (whole and by children), the JSON command,
the Excel and the PDF exports, and prints seconds and SQL query counts.

    .venv/bin/python benchmarks/annual_report.py [--year 2025] [--repeat 5]

DATABASE_URL chooses the database (default: a temporary SQLite file).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from associations.models import Association
    from reports import catalog, exports, tables

    call_command("migrate", verbosity=0)
    if not Association.objects.filter(code="330703").exists():
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        print(f"seed_demo: {time.perf_counter() - started:.1f} s")
    district = Association.objects.get(code="330703")
    year = args.year

    def measure(label: str, work) -> None:
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                work()
                timings.append(time.perf_counter() - started)
        print(
            f"{label:<38} median {statistics.median(timings) * 1000:7.0f} ms"
            f"  min {min(timings) * 1000:7.0f} ms  {len(queries):3d} queries"
        )

    print(f"{district.name} {year}, {connection.vendor}, {len(catalog.INDICATORS)} indicators")
    measure("evaluate (whole catalog)", lambda: catalog.evaluate(district, year))
    measure("evaluate_children (11 towns + 1)", lambda: catalog.evaluate_children(district, year))
    measure("tables, whole", lambda: tables.annual_tables(district, year, by_children=False))
    measure("tables, by children", lambda: tables.annual_tables(district, year, by_children=True))
    measure(
        "annual_report --format json",
        lambda: call_command(
            "annual_report", scope="330703", year=year, format="json", stdout=io.StringIO()
        ),
    )
    measure("xlsx export", lambda: exports.write_xlsx(district, year, io.BytesIO()))
    measure("pdf export", lambda: exports.render_pdf_report(district, year))


if __name__ == "__main__":
    main()
