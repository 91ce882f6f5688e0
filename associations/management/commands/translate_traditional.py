"""Fill the zh-Hant catalogue from the simplified-Chinese msgids.

Source strings are written in simplified Chinese (the default language), so the
traditional catalogue is a character conversion; a translator may still edit any
entry by hand, and entries already translated are kept unless --force.
"""

from __future__ import annotations

from pathlib import Path

import zhconv
from django.conf import settings
from django.core.management.base import BaseCommand

# zhconv's generic traditional table prefers 爲; the seed documents and most readers use 為.
_PREFERRED = {"爲": "為", "着": "著"}


def to_traditional(text: str) -> str:
    converted = zhconv.convert(text, "zh-hant")
    for old, new in _PREFERRED.items():
        converted = converted.replace(old, new)
    return converted


class Command(BaseCommand):
    help = "用简体原文自动填写繁体中文（zh_Hant）翻译目录。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="覆盖已有的繁体翻译。")

    def handle(self, *args, force: bool = False, **options) -> None:
        import polib  # a development dependency: only translators run this

        path = Path(settings.BASE_DIR) / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        filled = 0
        for entry in catalogue:
            if entry.obsolete or (entry.translated() and not force and "fuzzy" not in entry.flags):
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {0: to_traditional(entry.msgid_plural)}
            else:
                entry.msgstr = to_traditional(entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
        catalogue.metadata["Language"] = "zh_Hant"
        catalogue.save(str(path))
        self.stdout.write(f"已填写 {filled} 条繁体翻译：{path}")
