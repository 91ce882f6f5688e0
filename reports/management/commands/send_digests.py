"""Mail each account its daily 待办 digest (new items only; at most one a day; none empty)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports.digests import send_digests


class Command(BaseCommand):
    help = "发送每日待办摘要邮件：每人每天最多一封，只列新事项，没有新事项不发。"

    def handle(self, *args, **options) -> None:
        run = send_digests()
        self.stdout.write(f"已发送 {run.sent} 封待办摘要，跳过 {run.skipped} 个账号。")
