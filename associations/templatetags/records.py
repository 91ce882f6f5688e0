"""`{% history_section record %}`: the 修改记录 of any record, on every detail page."""

from __future__ import annotations

from django import template
from django.db import models
from django.urls import NoReverseMatch, reverse

from associations.records import history_of

register = template.Library()


@register.inclusion_tag("includes/history.html", takes_context=True)
def history_section(context, record: models.Model) -> dict:
    user = context["request"].user
    restore_url = ""
    if user.is_staff and user.has_perm("history.restore", record):
        opts = record._meta
        try:
            restore_url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk]
            )
        except NoReverseMatch:
            restore_url = ""
    return {"entries": history_of(record), "restore_url": restore_url}
