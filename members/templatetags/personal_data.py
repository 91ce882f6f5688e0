"""Show personal data only to those allowed: `{{ member.id_number|id_for:user }}`."""

from __future__ import annotations

from django import template

from members import idcard

register = template.Library()


@register.filter
def id_for(id_number: str, user) -> str:
    """The full ID number for users with members.view_personal_data, otherwise masked."""
    return idcard.shown_to(id_number, user)
