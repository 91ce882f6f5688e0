"""The filter of the annual report tables (year and layout): validates and normalises only.

The scope is not a form field: it is fetched with `get_visible_or_404`, so a
scope outside the user's subtree answers 404 rather than a form error.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import default_report_year

EARLIEST_YEAR = 1980
YEARS_OFFERED = 10

LAYOUT_CHILDREN = "children"
LAYOUT_WHOLE = "whole"


def year_choices(selected: int | None = None) -> list[int]:
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - YEARS_OFFERED, -1))
    if selected and selected not in years:
        years = sorted({*years, selected}, reverse=True)
    return years


class TableFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        error_messages={
            "invalid": _("年度：请填写四位数字年份。"),
            "required": _("年度：请选择年份。"),
        },
    )
    layout = forms.ChoiceField(
        label=_("排列方式"),
        choices=[(LAYOUT_CHILDREN, _("按直属下级分列")), (LAYOUT_WHOLE, _("本辖区合计"))],
        error_messages={"invalid_choice": _("排列方式：请选择“按直属下级分列”或“本辖区合计”。")},
    )

    def __init__(self, query=None) -> None:
        # Always bound: missing parameters take the defaults, so the first visit shows tables.
        data = {"year": default_report_year(), "layout": LAYOUT_CHILDREN}
        if query is not None:
            data.update({key: query[key] for key in ("year", "layout") if query.get(key)})
        super().__init__(data)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not EARLIEST_YEAR <= year <= this_year:
            raise forms.ValidationError(
                _("年度：只能选择 %(first)s 至 %(last)s 年。"),
                params={"first": EARLIEST_YEAR, "last": this_year},
            )
        return year

    @property
    def by_children(self) -> bool:
        return self.cleaned_data.get("layout", LAYOUT_CHILDREN) == LAYOUT_CHILDREN
