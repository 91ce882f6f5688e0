"""Resident identity numbers (居民身份证号码, GB 11643-1999)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise(value: str) -> str:
    """Strip spaces and use a capital X, as cards are printed."""
    return re.sub(r"\s+", "", value or "").upper()


def birth_date(id_number: str) -> dt.date:
    """The birth date embedded in digits 7–14."""
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def validate_id_number(value: str, *, birth: dt.date | None = None) -> str:
    """Return the normalised number, or raise a ValidationError saying what is wrong.

    The area code is not checked: cards keep the division code of issue.
    """
    number = normalise(value)
    if not _SHAPE.match(number):
        raise ValidationError(_("身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X。"))
    try:
        embedded = birth_date(number)
    except ValueError as exc:
        raise ValidationError(_("身份证号中的出生日期无效。")) from exc
    if not dt.date(1900, 1, 1) <= embedded <= dt.date.today():
        raise ValidationError(_("身份证号中的出生日期无效。"))
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"))
    if birth is not None and birth != embedded:
        raise ValidationError(
            _("身份证号中的出生日期（%(embedded)s）与填写的出生日期不一致。")
            % {"embedded": embedded.isoformat()}
        )
    return number


def mask(id_number: str) -> str:
    """First 3 and last 4 characters shown: 330***********1234."""
    if not id_number:
        return ""
    if len(id_number) <= 7:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def make(area: str, birth: dt.date, sequence: int) -> str:
    """A valid number for a birth date and a 3-digit sequence (odd: male, even: female)."""
    first17 = f"{area[:6]:0<6}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)


PERSONAL_DATA_PERMISSION = "members.view_personal_data"


def may_view_full(user) -> bool:
    """Whether the user may see full ID numbers (permission members.view_personal_data)."""
    return bool(
        user is not None and user.is_authenticated and user.has_perm(PERSONAL_DATA_PERMISSION)
    )


def shown_to(id_number: str, user) -> str:
    """The number as `user` may see it: in full with the permission, masked otherwise."""
    return id_number if may_view_full(user) else mask(id_number)
