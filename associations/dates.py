"""Reading dates the way people type them into spreadsheets.

A cell may hold a real Excel date, a date-time, a serial number (a date cell
formatted as "General"), or text such as 2024-05-29, 2024/5/29, 2024.5.29,
2024年5月29日 or 20240529 — in half- or full-width characters.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# year, separator, month, separator, day, optional 日 and an optional time of day.
_SEPARATED = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel serials for 1900-01-01 … 9999-12-31; anything else numeric is not a date.
_EXCEL_SERIALS = (1, 2958465)
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0, accounting for Excel's 1900 leap-year bug


def _invalid(value: object) -> ValidationError:
    return ValidationError(
        _("日期“%(value)s”无法识别，请写成 2024-05-29、2024/5/29 或 2024年5月29日 这样的格式。")
        % {"value": value}
    )


def _build(year: str | int, month: str | int, day: str | int, original: object) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ValidationError(_("日期“%(value)s”不存在，请核对。") % {"value": original}) from exc


def _from_number(value: int | float | Decimal) -> dt.date:
    try:
        whole = value == int(value)
    except (OverflowError, ValueError):  # infinite, or not a number
        raise _invalid(value) from None
    if whole:
        number = int(value)
        compact = _COMPACT.match(str(number))
        if compact:
            return _build(*compact.groups(), original=number)
        if _EXCEL_SERIALS[0] <= number <= _EXCEL_SERIALS[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=number)
    raise _invalid(value)


def parse_date(value: object) -> dt.date | None:
    """The date in a cell, None for an empty cell; a ValidationError (in Chinese) otherwise."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise _invalid(value)
    if isinstance(value, int | float | Decimal):
        return _from_number(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if not match:
        raise _invalid(text)
    return _build(*match.groups()[:3], original=text)
