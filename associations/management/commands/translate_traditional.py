"""Fill the zh-Hant catalogue from the simplified-Chinese msgids.

Source strings are written in simplified Chinese (the default language), so the
traditional catalogue is a character conversion, then a word list that keeps the wording
neutral between Taiwan and Hong Kong usage (登入, not 登錄, which reads as "register" in
Taiwan). Django's own messages, whose msgids are English, are converted from their
simplified wording in locale/zh_Hans. A translator may still edit any entry by hand;
entries already translated are kept unless --force.
"""

from __future__ import annotations

from pathlib import Path

import zhconv
from django.conf import settings
from django.core.management.base import BaseCommand

# zhconv keeps 爲 and 后 (valid characters, other meanings); our texts mean 為 and 後.
_PREFERRED = {"爲": "為", "着": "著", "后": "後"}

# Mainland computing words and their Taiwan/Hong Kong-neutral counterparts, longest first.
NEUTRAL_WORDS = {
    "個人信息": "個人資料",
    "信息": "資訊",
    "登錄": "登入",
    "默認": "預設",
    "鏈接": "連結",
    "視頻": "影片",
    "打印": "列印",
    "導出": "匯出",
    "導入": "匯入",
    "模板": "範本",
    "菜單": "選單",
    "搜索": "搜尋",
    "設置": "設定",
    "保存": "儲存",
    "賬號": "帳號",
    "賬戶": "帳戶",
    "郵箱": "電子郵件",
}

# Whole texts whose neutral wording is not a word-for-word conversion.
NEUTRAL_TEXTS = {"退出": "登出"}


def to_traditional(text: str) -> str:
    if text in NEUTRAL_TEXTS:
        return NEUTRAL_TEXTS[text]
    converted = zhconv.convert(text, "zh-hant")
    for old, new in (*_PREFERRED.items(), *NEUTRAL_WORDS.items()):
        converted = converted.replace(old, new)
    return converted


def _catalogue(language: str):
    import polib  # a development dependency: only translators run this

    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    return path, polib.pofile(str(path))


class Command(BaseCommand):
    help = "用简体原文自动填写繁体中文（zh_Hant）翻译目录。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="覆盖已有的繁体翻译。")

    def handle(self, *args, force: bool = False, **options) -> None:
        path, catalogue = _catalogue("zh_Hant")
        _, simplified = _catalogue("zh_Hans")  # Django's messages, reworded
        reworded = {entry.msgid: entry for entry in simplified}
        filled = 0
        for entry in catalogue:
            if entry.obsolete or (entry.translated() and not force and "fuzzy" not in entry.flags):
                continue
            source = reworded.get(entry.msgid)
            if entry.msgid_plural:
                text = source.msgstr_plural[0] if source else entry.msgid_plural
                entry.msgstr_plural = {0: to_traditional(text)}
            else:
                entry.msgstr = to_traditional(source.msgstr if source else entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
            filled += 1
        catalogue.metadata["Language"] = "zh_Hant"
        catalogue.save(str(path))
        self.stdout.write(f"已填写 {filled} 条繁体翻译：{path}")
