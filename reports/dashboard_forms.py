"""Forms of the dashboard and the drafted work report: they validate and normalise only."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import default_report_year

EARLIEST_YEAR = 1990


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(y, y) for y in range(this_year + 1, this_year - 15, -1)]


class YearField(forms.TypedChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label=_("年度"),
            choices=year_choices,
            coerce=int,
            error_messages={"invalid_choice": _("年度：请选择列表中的年份。")},
            **kwargs,
        )


class DashboardFilterForm(forms.Form):
    """The year (and ranking order) of a dashboard; bad input falls back to the defaults."""

    year = YearField(required=False)
    sort = forms.CharField(label=_("排名依据"), required=False, max_length=80)

    def __init__(self, data=None, *args, **kwargs) -> None:
        # The year select always shows the year on screen, chosen or defaulted.
        if data is not None and not data.get("year"):
            data = data.copy()
            data["year"] = str(default_report_year())
        kwargs.setdefault("initial", {"year": default_report_year()})
        super().__init__(data, *args, **kwargs)

    def year_or_default(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return default_report_year()

    def sort_or_none(self) -> str | None:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("sort") or None
        return None


class NarrativeForm(forms.Form):
    """The edited draft posted for export; nothing of it is stored."""

    year = YearField()
    title = forms.CharField(label=_("标题"), max_length=200)

    def __init__(self, *args, sections: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, title in sections:
            self.fields[f"section_{key}"] = forms.CharField(
                label=title,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 8}),
                error_messages={
                    "max_length": _("%(section)s：内容过长，请控制在20000字以内。")
                    % {"section": title}
                },
            )

    def section_texts(self) -> dict[str, str]:
        return {
            name.removeprefix("section_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("section_")
        }
