"""Build the deterministic demo district, or a city for measuring scale. Safe to run again:
existing rows are kept."""

from __future__ import annotations

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


class Command(BaseCommand):
    help = (
        "载入演示数据：默认为一个区（11 个镇乡（街道）及其下属协会、会员和工作记录，以及各角色演示"
        "账号）；--scale city 载入一个城市（约 1,500 个协会、50 万会员、三年记录），用于测量性能。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            default="1",
            help="记录数量的比例（1 为完整演示区；测试用 0.02 之类的小比例），或 city。",
        )

    def handle(self, *args, scale: str, **options) -> None:
        started = time.monotonic()
        city = scale == "city"
        if not city:
            try:
                factor = float(scale)
            except ValueError as exc:
                raise CommandError("--scale 须为数字或 city。") from exc
        # Each app contributes its part in INSTALLED_APPS order (associations first),
        # so lower layers never import higher ones.
        module_name = "demo_city" if city else "demo"
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.{module_name}":
                    raise
                continue
            with transaction.atomic():
                if city:
                    module.seed(self.stdout)
                else:
                    module.seed(self.stdout, scale=factor)
        if connection.vendor == "postgresql":
            # The planner knows nothing of rows loaded in bulk until autovacuum's next pass
            # (or never, where it is off); a city's pages would be planned as if empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"演示数据载入完毕，用时 {time.monotonic() - started:.0f} 秒。")
