"""`{{ value|points }}`: a score, points or a pass mark as people write it (8, 4.5, 79.5)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from activities.models import shown_number
from activities.scoring import rounded

register = template.Library()


@register.filter
def points(value) -> str:
    if value in (None, ""):
        return "—"
    try:
        return shown_number(rounded(Decimal(str(value))))
    except InvalidOperation:
        return str(value)
