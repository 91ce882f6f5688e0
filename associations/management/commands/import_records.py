"""Import an Excel file of records, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from associations.management.progress import TerminalProgress
from associations.models import User
from associations.services import system_actor
from associations.spreadsheets.importing import import_file
from associations.spreadsheets.kinds import kinds


def user_named(username: str | None) -> User:
    """The account a command acts as: the named one, else the system actor (no scope limit)."""
    if not username:
        return system_actor()
    user = User.objects.select_related("association").filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(_("没有名为“%(name)s”的有效账号。") % {"name": username})
    return user


class Command(BaseCommand):
    help = _(
        "从 Excel 文件导入记录。整个文件要么全部导入，要么（只要有一行有错）全部不导入，"
        "并列出每个错误的行号、列名和原因。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=[kind.kind for kind in kinds()])
        parser.add_argument("file", help=_("Excel 工作簿（.xlsx）"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只检查并报告，不写入任何数据。")
        )
        parser.add_argument(
            "--as-user",
            dest="as_user",
            help=_("以该账号的身份和管辖范围导入（默认：以“系统”身份导入，不限范围）。"),
        )

    def handle(self, *args, kind: str, file: str, dry_run: bool, as_user: str | None, **options):
        if not Path(file).is_file():
            raise CommandError(_("找不到文件：%(file)s") % {"file": file})
        progress = TerminalProgress(_("导入中"))
        report = import_file(kind, file, by=user_named(as_user), dry_run=dry_run, progress=progress)
        progress.finish()
        self.stdout.write(f"{report.label}（{report.file_name}）：{report.summary()}")
        if report.ignored_columns:
            self.stdout.write(
                _("已忽略不认识的列：%(cols)s") % {"cols": "、".join(report.ignored_columns)}
            )
        for error in report.errors:
            self.stdout.write(str(error))
        if report.errors:
            raise CommandError(
                _("导入失败：%(n)s 行共 %(e)s 处错误，没有写入任何数据。")
                % {"n": report.error_rows, "e": len(report.errors)}
            )
