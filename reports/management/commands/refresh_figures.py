"""Recompute stored figures: what is marked out of date, or everything (--rebuild)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from associations.years import check_year
from reports.catalog.store import rebuild, stored_years, work_off


class Command(BaseCommand):
    help = "更新指标存量：默认处理所有待更新的协会；--rebuild 按当前指标定义重算全部。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild", dest="everything", action="store_true", help="重算所有协会、所有存量年度"
        )
        parser.add_argument("--year", type=int, action="append", help="只重算该年度（可重复）")

    def handle(self, *args, everything: bool, year: list[int] | None, **options) -> None:
        started = time.monotonic()
        if everything or year:
            years = [check_year(y) for y in year] if year else list(stored_years())
            for y in years:
                rows = rebuild(y)
                self.stdout.write(
                    f"{y} 年：{rows} 个协会，累计 {time.monotonic() - started:.1f} 秒"
                )
        done = work_off()
        self.stdout.write(
            f"已处理待更新标记 {done} 个，共用时 {time.monotonic() - started:.1f} 秒。"
        )
