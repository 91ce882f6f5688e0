"""Benchmark: import 100,000 members from one Excel file.

Builds the demo network (associations.demo.build_network) in a scratch database,
writes an .xlsx of members spread over its villages and communities, runs
`import_records members` on it (and optionally again, when every row is
unchanged), and prints elapsed seconds and peak memory.

    .venv/bin/python benchmarks/import_members.py [--rows 100000] [--reimport] [--tracemalloc]
    DATABASE_URL=postgres://…/jsx_city .venv/bin/python benchmarks/import_members.py \
        --scope 339907101          # into a town of the city (`seed_demo --scale city`)

DATABASE_URL chooses the database (default: a fresh temporary SQLite file). With --scope the
members go into the villages of that association of an existing network, and everything the
run wrote is rolled back at the end, so the city stays as it was (the final COMMIT of the
rows is the only work not timed). The last line, `RESULT …`, is what `benchmarks/city.py`
reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _write_members(path: Path, rows: int, scope) -> None:
    from openpyxl import Workbook

    from associations.models import Association
    from members import idcard

    codes = list(
        Association.objects.within(scope)
        .filter(level__in=["village", "community"])
        .values_list("code", flat=True)
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("会员")
    sheet.append(
        [
            *("姓名", "性别", "身份证号", "出生日期", "所属协会编码", "入会日期"),
            *("状态", "离会日期", "会员小组", "手机号码", "志愿者", "文化程度"),
        ]
    )
    surnames = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑"
    given = "秀英桂兰玉兰建华志强海燕丽娟国平春梅永红"
    education = ["小学", "初中", "高中", "大专", "本科"]
    for i in range(rows):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=i % 18000)
        sequence = (i // 18000) * 2 + (i % 2)  # odd: male
        number = idcard.make("330703", birth, sequence)
        code = codes[i % len(codes)]
        joined = dt.date(2000 + i % 24, 1 + i % 12, 1 + i % 28)
        sheet.append(
            [
                surnames[i % 20] + given[(i * 7) % 20] + given[(i * 3) % 20],
                "男" if sequence % 2 else "女",
                number,
                birth,
                code,
                joined if joined >= birth else birth,
                "在册",
                None,
                f"第{1 + i % 8}会员小组",
                f"13{i % 10}{i:08d}"[:11],
                "是" if i % 10 == 0 else "否",
                education[i % 5],
            ]
        )
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reimport", action="store_true", help="import the same file again")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations")
    parser.add_argument("--scope", help="code of an association of an existing network")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="import-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import CommandError, call_command
    from django.db import connection, transaction

    from associations.demo import DISTRICT_CODE, build_network
    from associations.models import Association
    from members.models import Member

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.scope:
        scope = Association.objects.get(code=args.scope)
    else:
        call_command("migrate", verbosity=0)
        scope = build_network()
        Member.objects.all().delete()  # an earlier run on the same database
    assert args.scope or scope.code == DISTRICT_CODE
    path = scratch / "members.xlsx"
    started = time.perf_counter()
    _write_members(path, args.rows, scope)
    print(
        f"wrote {args.rows} rows to {path.name} ({path.stat().st_size / 1e6:.1f} MB) "
        f"in {time.perf_counter() - started:.1f} s; peak RSS so far {_peak_mb():.0f} MB"
    )

    runs = ["first import"] + (["re-import (unchanged)"] if args.reimport else [])
    timings = []
    with transaction.atomic():
        before = Member.objects.count()
        for label in runs:
            if args.tracemalloc:
                tracemalloc.start()
            started = time.perf_counter()
            try:
                call_command("import_records", "members", str(path))
            except CommandError as exc:
                print(f"import failed: {exc}")
            elapsed = time.perf_counter() - started
            timings.append(elapsed)
            traced = ""
            if args.tracemalloc:
                peak = tracemalloc.get_traced_memory()[1] / 1e6
                traced = f", Python allocations peak {peak:.0f} MB"
                tracemalloc.stop()
            print(f"{label}: {elapsed:.1f} s, peak RSS {_peak_mb():.0f} MB{traced}")
        added = Member.objects.count() - before
        print(f"members added: {added}")
        # Into an existing network: leave it as it was.
        transaction.set_rollback(bool(args.scope))
    print(f"RESULT {timings[0]:.1f} s, {_peak_mb():.0f} MB, {added} rows")


if __name__ == "__main__":
    main()
