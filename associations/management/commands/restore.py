"""Restore a backup made by `manage.py backup` into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from associations.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "把 backup 命令生成的备份恢复到一个空数据库（先用 createdb 新建，或指向新的 SQLite 文件），"
        "并核对行数与个人信息密钥。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", help="备份文件")
        parser.add_argument(
            "--allow-other-key",
            action="store_true",
            help="即使备份的个人信息密钥与当前不同也恢复（身份证号将无法读取）",
        )

    def handle(self, *args, backup: str, allow_other_key: bool, **options) -> None:
        try:
            manifest = restore(Path(backup), allow_other_key=allow_other_key)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {backup}（{manifest.created_at}）恢复，行数核对一致。")
