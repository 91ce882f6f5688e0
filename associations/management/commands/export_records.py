"""Export the records of one scope to an Excel file that imports back unchanged."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from associations.management.progress import TerminalProgress
from associations.models import Association
from associations.spreadsheets.exporting import write_export
from associations.spreadsheets.jobs import log_full_export
from associations.spreadsheets.kinds import PERSONAL_DATA_PERMISSION, get_kind, kinds

from .import_records import user_named


class Command(BaseCommand):
    help = _("把某个协会及其下级的记录导出为 Excel 文件（可修改后再导入）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=[kind.kind for kind in kinds()])
        parser.add_argument("--scope", required=True, help=_("协会编码：导出该协会及其全部下级"))
        parser.add_argument("-o", "--output", required=True, help=_("输出文件（.xlsx）"))
        parser.add_argument(
            "--as-user",
            dest="as_user",
            help=_("以该账号的身份导出：只含其管辖范围，无权查看个人信息时身份证号打码。"),
        )
        parser.add_argument(
            "--purpose",
            default="",
            help=_(
                "导出完整个人信息（如完整身份证号）的用途；不填则身份证号打码。每次完整导出都会记录。"
            ),
        )

    def handle(
        self,
        *args,
        kind: str,
        scope: str,
        output: str,
        as_user: str | None,
        purpose: str,
        **options,
    ):
        user = user_named(as_user)
        association = Association.objects.filter(code=scope).first()
        if association is None or not user.has_perm("scope.view", association):
            raise CommandError(
                _("协会编码“%(code)s”不存在，或不在该账号的管辖范围内。") % {"code": scope}
            )
        reveal = bool(purpose.strip())
        progress = TerminalProgress(_("导出中"))
        count = write_export(
            kind, output, scope=association, by=user, reveal=reveal, progress=progress
        )
        progress.finish()
        if (
            reveal
            and user.has_perm(PERSONAL_DATA_PERMISSION)
            and get_kind(kind).has_personal_columns()
        ):
            log_full_export(user, kind, association, count, purpose)
        label = get_kind(kind).label
        self.stdout.write(
            _("已导出 %(n)s 条%(label)s（%(scope)s）到 %(file)s")
            % {"n": count, "label": label, "scope": association.name, "file": output}
        )
        if get_kind(kind).has_personal_columns() and not (
            reveal and user.has_perm(PERSONAL_DATA_PERMISSION)
        ):
            self.stdout.write(
                _(
                    "注意：身份证号已打码；会员文件可凭会员编号再导入，"
                    "其他含身份证号的文件须填写 --purpose 导出完整号码后才能再导入。"
                )
            )
