"""Back up the whole database: a consistent copy plus a manifest (see associations.backups)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from associations.backups import BackupError, backup


class Command(BaseCommand):
    help = "备份整个数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份），并在旁边写一份备份说明。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            help="备份文件路径（默认 var/backups/jishengxie-<时间>.dump 或 .sqlite3）",
        )

    def handle(self, *args, output: str | None, **options) -> None:
        from django.db import connection

        if output is None:
            suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = f"var/backups/jishengxie-{stamp}.{suffix}"
        try:
            manifest = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        members = manifest.rows.get("members.Member", 0)
        self.stdout.write(
            f"已备份到 {output}（会员 {members} 人；密钥指纹 {manifest.key_fingerprint}）。"
        )
