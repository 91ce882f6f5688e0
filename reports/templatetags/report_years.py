"""`{% year_choices as choices %}`: the selectable years (associations.years) for year pickers."""

from __future__ import annotations

from django import template

from associations import years

register = template.Library()


@register.simple_tag
def year_choices() -> list[tuple[int, int]]:
    return years.year_choices()
