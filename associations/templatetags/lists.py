"""Staff lists: `{% sort_header "name" _("姓名") %}` (a column header that sorts the list),
`{% list_tools "members:list" %}` (export of the filtered list and the user's saved filters)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from associations.forms import SavedFilterForm
from associations.lists import list_query

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str) -> str:
    """A header link sorting by `key`, ascending first; again on the sorted column reverses
    it. The context's `sort` is the key in force ("name" or "-name")."""
    current = context.get("sort", "")
    descending = current == key
    params = context["request"].GET.copy()
    params.pop("page", None)
    params["sort"] = f"-{key}" if descending else key
    arrow = {key: " ▲", f"-{key}": " ▼"}.get(current, "")
    return format_html(
        '<a class="sort" href="?{}" aria-sort="{}">{}{}</a>',
        params.urlencode(),
        {"": "none", " ▲": "ascending", " ▼": "descending"}[arrow],
        label,
        arrow,
    )


@register.inclusion_tag("includes/list_tools.html", takes_context=True)
def list_tools(context, page: str, export: bool = True) -> dict:
    """Export exactly the filtered list (masked), and the user's saved filters of this list."""
    request = context["request"]
    query = list_query(request.GET)
    return {
        "request": request,
        "page": page,
        "query": query,
        "export": export,
        "saved": request.user.saved_filters.filter(page=page),
        "form": SavedFilterForm(auto_id=False, initial={"page": page, "query": query}),
    }
