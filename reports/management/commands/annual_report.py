"""Print (or save) an association's annual figures: `annual_report --scope CODE --year Y`.

Every figure comes from `reports.catalog`; this command only picks the scope,
checks that the named account may see it, and renders the chosen format.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from associations.models import Association, User
from associations.years import YearError, check_year
from reports import catalog, exports
from reports.targets import targets_json

FORMATS = ("json", "xlsx", "pdf")


def _plain_change(value: int | Decimal | float | None) -> int | float | None:
    return catalog.as_json(value) if isinstance(value, Decimal) else value


def report_payload(scope: Association, year: int, *, yoy: bool = False) -> dict[str, Any]:
    """The JSON document: every indicator's value, and with `yoy` last year's and the change;
    `targets` holds the unit's own targets beside their figures (see `targets.targets_json`)."""
    targets = targets_json(scope, year)
    if not yoy:
        values = catalog.evaluate(scope, year)
        return {
            "scope": scope.code,
            "year": year,
            "indicators": catalog.figures_as_json(values),
            "targets": targets,
        }
    figures = catalog.evaluate_with_yoy(scope, year)
    return {
        "scope": scope.code,
        "year": year,
        "indicators": {code: catalog.as_json(now) for code, (now, _b, _c) in figures.items()},
        "previous": {code: catalog.as_json(before) for code, (_n, before, _c) in figures.items()},
        "change": {code: _plain_change(delta) for code, (_n, _b, delta) in figures.items()},
        "targets": targets,
    }


def render_json(scope: Association, year: int, *, yoy: bool = False) -> str:
    return json.dumps(
        report_payload(scope, year, yoy=yoy), ensure_ascii=False, sort_keys=True, indent=2
    )


class Command(BaseCommand):
    help = _("输出某协会（含下级协会）某年度的全部统计指标（年报）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scope", required=True, help=_("协会编码，例如 330703。"))
        parser.add_argument("--year", type=int, required=True, help=_("统计年度，例如 2024。"))
        parser.add_argument(
            "--format", choices=FORMATS, default="json", help=_("输出格式（默认 json）。")
        )
        parser.add_argument(
            "--as-user",
            dest="as_user",
            help=_("以该账号的权限运行：协会须在该账号的管辖范围内。"),
        )
        parser.add_argument(
            "--yoy", action="store_true", help=_("同时输出上年数（previous）和增减（change）。")
        )
        parser.add_argument(
            "--layout",
            choices=("children", "whole"),
            default="children",
            help=_(
                "xlsx、pdf 报表的排列方式：children 按直属下级分列（默认），whole 只列本辖区合计。"
            ),
        )
        parser.add_argument(
            "--output", "-o", help=_("写入该文件（默认输出到屏幕；xlsx、pdf 须指定文件）。")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = check_year(options["year"])
        except YearError as exc:
            raise CommandError(exc.messages[0]) from None
        scope = self._scope(options["scope"], options["as_user"])
        output = options["output"]
        fmt = options["format"]
        if fmt == "json":
            self._write_text(render_json(scope, year, yoy=options["yoy"]), output)
            return
        # Excel and PDF come from reports/exports.py and always go to a file.
        if not output:  # checked before the (slow) rendering
            raise CommandError(_("xlsx、pdf 格式须用 --output 指定输出文件。"))
        by_children = options["layout"] == "children"
        if fmt == "xlsx":
            buffer = io.BytesIO()
            exports.write_xlsx(scope, year, buffer, by_children=by_children)
            data = buffer.getvalue()
        else:  # pdf: `--format` accepts only FORMATS
            data = exports.render_pdf_report(scope, year, by_children=by_children)
        Path(output).write_bytes(data)

    def _scope(self, code: str, username: str | None) -> Association:
        scope = Association.objects.filter(code=code.strip()).first()
        if scope is None:
            raise CommandError(_("没有编码为“%(code)s”的协会。") % {"code": code})
        if username is None:
            return scope
        user = User.objects.filter(username=username).select_related("association").first()
        if user is None:
            raise CommandError(_("没有用户名为“%(username)s”的账号。") % {"username": username})
        if not Association.objects.visible_to(user).filter(pk=scope.pk).exists():
            raise CommandError(
                _("账号“%(username)s”无权查看“%(scope)s”（%(code)s）的数据。")
                % {"username": username, "scope": scope.name, "code": scope.code}
            )
        return scope

    def _write_text(self, text: str, output: str | None) -> None:
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
