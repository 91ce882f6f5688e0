"""Personal data in pages: `{{ member.id_number|masked_id }}` (330***********1234)."""

from __future__ import annotations

from django import template

from members import idcard

register = template.Library()


@register.filter
def masked_id(id_number: str) -> str:
    """The number as pages show it; the full number only on a logged reveal."""
    return idcard.mask(id_number)
