"""Cell widgets: what a spreadsheet cell may hold for one column, both ways.

Each widget is a django-import-export `Widget`: `clean` turns a cell into a
Python value (None for an empty cell) or raises a ValidationError whose message
is in Chinese and does not repeat the column name (the report adds it);
`render` turns a value into what the exported cell holds (native dates and
numbers, canonical simplified-Chinese labels that import back unchanged).
`describe` is the line shown in the template's documentation sheet.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import zhconv
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export.widgets import Widget
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from associations.dates import parse_date

_SPACES = re.compile(r"\s+")

# Text that a spreadsheet program would take for a formula. (openpyxl already writes text
# beginning with +, - or @ as text; only "=" turns into a formula on assignment.)
FORMULA_START = "="


def text_safe_row(sheet, values: list[Any]) -> list[Any]:
    """A row for a write-only sheet in which every text stays text: a name typed as
    "=HYPERLINK(…)" or "=1+1" is written as that text, never as a live formula; control
    characters a worksheet cannot hold are dropped rather than failing the export."""
    row = []
    for value in values:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith(FORMULA_START):
                value = _text_cell(sheet, value)
        row.append(value)
    return row


def _text_cell(sheet, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def set_text_safe(cell, value: Any) -> None:
    """Assign to a cell of an ordinary (not write-only) sheet, keeping text as text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"


@lru_cache(maxsize=4096)
def simplified(text: str) -> str:
    """Simplified characters, half-width letters and digits, no spaces: for matching
    headers and listed values (never applied to names or addresses)."""
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("", zhconv.convert(text, "zh-hans"))


def plain_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", everything stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()[:10]
    return str(value).strip()


class Cell(Widget):
    """Base widget: text in, text out."""

    def __init__(self) -> None:
        super().__init__(coerce_to_string=False)

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> Any:
        text = plain_text(value)
        return text or None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else value

    def describe(self) -> str:
        return _("文本")

    def mask(self, value: Any) -> Any:
        """What an export shows to someone not allowed to see the value."""
        return "******" if value else value


class TextCell(Cell):
    def __init__(self, max_length: int | None = None) -> None:
        super().__init__()
        self.max_length = max_length

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> str | None:
        text = plain_text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValidationError(
                _("内容过长：最多 %(max)s 个字，现有 %(n)s 个字。")
                % {"max": self.max_length, "n": len(text)}
            )
        return text or None

    def describe(self) -> str:
        if self.max_length:
            return _("文本，最多 %(max)s 个字") % {"max": self.max_length}
        return _("文本")


class CodeCell(TextCell):
    """Codes typed as numbers or with full-width digits still match: 330703 → "330703"."""

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> str | None:
        text = super().clean(value)
        return unicodedata.normalize("NFKC", text).replace(" ", "") if text else None

    def describe(self) -> str:
        return _("编码（文本），最多 %(max)s 位") % {"max": self.max_length}


class DateCell(Cell):
    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> dt.date | None:
        return parse_date(value)

    def describe(self) -> str:
        return _("日期：Excel 日期，或 2024-05-29、2024/5/29、2024年5月29日、2024.5.29")


class IntegerCell(Cell):
    def __init__(self, min_value: int | None = 0) -> None:
        super().__init__()
        self.min_value = min_value

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> int | None:
        text = unicodedata.normalize("NFKC", plain_text(value)).replace(",", "")
        if not text:
            return None
        try:
            number = int(text)
        except ValueError as exc:
            raise ValidationError(_("“%(value)s”不是整数。") % {"value": text}) from exc
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(_("不能小于 %(min)s。") % {"min": self.min_value})
        return number

    def describe(self) -> str:
        return _("整数")


# No stored amount or quantity has more digits before the point (money: 14 digits, 2 after).
MOST_DIGITS_BEFORE_POINT = 12


class DecimalCell(Cell):
    def __init__(self, places: int = 2, min_value: Decimal | None = Decimal(0)) -> None:
        super().__init__()
        self.places = places
        self.min_value = min_value

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> Decimal | None:
        if isinstance(value, float):
            value = repr(value)
        text = unicodedata.normalize("NFKC", plain_text(value)).replace(",", "")
        text = text.removesuffix("元")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(_("“%(value)s”不是数字。") % {"value": text}) from exc
        if not number.is_finite():
            raise ValidationError(_("“%(value)s”不是数字。") % {"value": text})
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(_("不能小于 %(min)s。") % {"min": self.min_value})
        if number.adjusted() >= MOST_DIGITS_BEFORE_POINT:  # and rounding it would overflow
            raise ValidationError(_("“%(value)s”超出了可填写的范围。") % {"value": text})
        return number.quantize(Decimal(1).scaleb(-self.places))

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else Decimal(value)

    def describe(self) -> str:
        return _("数字，最多 %(places)s 位小数") % {"places": self.places}


TRUE_WORDS = ("是", "Y", "YES", "TRUE", "1", "√", "✓", "✔", "对", "有")
FALSE_WORDS = ("否", "N", "NO", "FALSE", "0", "×", "✗", "✘", "无", "不是")


class BoolCell(Cell):
    """是/否, Y/N, 1/0, √ — and Excel's own TRUE/FALSE."""

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        text = simplified(plain_text(value)).upper()
        if not text:
            return None
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValidationError(_("“%(value)s”应填“是”或“否”。") % {"value": plain_text(value)})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return _("是") if value else _("否")

    def describe(self) -> str:
        return _("是 / 否（也可填 Y/N、1/0、√）")


def _variants(label: str) -> set[str]:
    """A label and the shorter forms people write: "县（区）" → 县区, 县, 区."""
    base = simplified(label)
    forms = {base}
    inner = re.match(r"^(.+?)[（(](.+)[)）]$", base)
    if inner:
        outer, bracketed = inner.groups()
        forms |= {outer + bracketed, outer, bracketed}
    return forms


class ChoiceCell(Cell):
    """One of a model's choices, by its label, its stored value or a listed alias.

    Exports write the label in simplified Chinese, which imports back to the same value.
    """

    def __init__(
        self,
        choices: Iterable[tuple[str, Any]],
        aliases: Mapping[str, str] | None = None,
        *,
        shown: Iterable[str] | None = None,
    ) -> None:
        super().__init__()
        with translation.override("zh-hans"):
            self.labels = {value: str(label) for value, label in choices}
        self.aliases = dict(aliases or {})
        self.lookup: dict[str, str] = {}
        for value, label in self.labels.items():
            for form in _variants(label):
                self.lookup.setdefault(form, value)
        for value in self.labels:
            if value:
                self.lookup.setdefault(simplified(value).lower(), value)
        for alias, value in self.aliases.items():
            self.lookup[simplified(alias)] = value
        self.shown = list(shown) if shown is not None else list(self.labels.values())

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> str | None:
        text = plain_text(value)
        if not text:
            return None
        key = simplified(text)
        found = self.lookup.get(key, self.lookup.get(key.lower()))
        if found is None:
            raise ValidationError(
                _("“%(value)s”不是可选的值；可填：%(allowed)s。")
                % {"value": text, "allowed": "、".join(self.shown)}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return self.labels.get(value, value)

    def describe(self) -> str:
        return _("可填：%(allowed)s") % {"allowed": "、".join(self.shown)}


# Several listed values in one cell: "独生子女户、计生困难家庭".
LIST_SEPARATORS = re.compile(r"[、,，;；/|\s]+")


class MultiChoiceCell(ChoiceCell):
    """Several choices in one cell; "无" means none. Cleans to a frozenset of values."""

    NONE_WORDS = ("无", "没有", "-", "—")

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> frozenset | None:
        text = plain_text(value)
        if not text:
            return None
        if simplified(text) in self.NONE_WORDS:
            return frozenset()
        picked = set()
        for part in LIST_SEPARATORS.split(text):
            if part:
                picked.add(super().clean(part))
        return frozenset(picked)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        if not value:
            return self.NONE_WORDS[0]  # a value in the file, not page text: never translated
        return "、".join(self.labels[v] for v in self.labels if v in value)

    def describe(self) -> str:
        return _("可填一个或多个，用“、”或逗号分隔（“无”表示都不是）：%(allowed)s") % {
            "allowed": "、".join(self.shown)
        }
