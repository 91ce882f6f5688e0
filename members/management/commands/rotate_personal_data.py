"""Re-encrypt members' ID numbers under the current key and re-hash them (after a key change)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from members import personal_data
from members.models import Member

BATCH = 2000


class Command(BaseCommand):
    help = _(
        "更换 PERSONAL_DATA_KEY 后运行（旧密钥列入 PERSONAL_DATA_OLD_KEYS）：用新密钥重新加密"
        "会员身份证号及其修改记录，并重建查找索引（在恢复服务前运行）；完成后即可移除旧密钥。"
    )

    def handle(self, *args, **options) -> None:
        members = self._rotate(
            Member.all_objects.all(), ["id_number_encrypted", "id_number_hash"], rehash=True
        )
        history = self._rotate(Member.history.all(), ["id_number_encrypted"], rehash=False)
        self.stdout.write(
            _("已重新加密 %(m)s 名会员的身份证号和 %(h)s 条修改记录。")
            % {"m": members, "h": history}
        )

    @staticmethod
    def _rotate(queryset, columns: list[str], *, rehash: bool) -> int:
        """Every row a batch at a time. Many rows: bulk_update rather than a save (and a
        history entry) each, as the numbers themselves do not change."""
        count, last = 0, 0
        model = queryset.model
        key = model._meta.pk.attname
        while rows := list(queryset.filter(**{f"{key}__gt": last}).order_by(key)[:BATCH]):
            for row in rows:
                number = personal_data.decrypt(row.id_number_encrypted)
                row.id_number_encrypted = personal_data.rotate(row.id_number_encrypted)
                if rehash:
                    row.id_number_hash = personal_data.id_hash(number)
            with transaction.atomic():
                model._base_manager.bulk_update(rows, columns)
            count += len(rows)
            last = getattr(rows[-1], key)
        return count
