"""Build the deterministic demo district. Safe to run again: existing rows are kept."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "载入演示数据：一个区、11 个镇乡（街道）及其下属协会、会员和工作记录，以及各角色演示账号。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="记录数量的比例（1 为完整演示规模；测试用 0.02 之类的小比例）。",
        )

    def handle(self, *args, **options) -> None:
        # Each app contributes its part in INSTALLED_APPS order (associations first),
        # so lower layers never import higher ones.
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout, scale=options["scale"])
