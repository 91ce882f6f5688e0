"""Mainland mobile numbers (手机号码)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Separators people type or spreadsheets keep: spaces, dashes, dots, brackets.
_SEPARATORS = re.compile(r"[\s\-.()（）]+")


def normalise(value: str) -> str:
    """Digits only, without separators or a +86 / 0086 country prefix."""
    number = _SEPARATORS.sub("", str(value or ""))
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix) :]
    if len(number) == 13 and number.startswith("86"):
        number = number[2:]
    return number


def validate_mobile(value: str) -> str:
    """Return the normalised number ("" stays ""), or raise a ValidationError in Chinese."""
    number = normalise(value)
    if number and not _MOBILE.match(number):
        raise ValidationError(_("手机号码应为 11 位数字，且以 13–19 开头。"))
    return number
