"""Forms of the reports pages: they validate and normalise only; services and the catalog decide.

The scope (`?scope=` or the pk in the path) and the year (`?year=` or the year in
the path) are never form fields: they are read with `requested_scope` and the
years module, so an unusable one gets the same answer on every page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from associations.forms import DateInput, VersionField, model_field
from associations.models import Association

from . import narrative, selectors
from .catalog import INDICATORS, Kind
from .models import ReportDeadline, WorkReport
from .services import WORK_REPORT_FIELDS


# ── Submission ────────────────────────────────────────────────────────────────
class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.required = required
        if required:
            field.error_messages["required"] = _("请填写意见（退回或撤回审核时必须说明原因）。")

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()


class DeadlineForm(forms.Form):
    """The children's deadline; it carries the version of the deadline it was read at."""

    due_on = forms.DateField(label=_("上报截止日期"), widget=DateInput())
    version = VersionField()

    def __init__(self, *args, deadline: ReportDeadline | None = None, **kwargs):
        if deadline is not None:
            kwargs.setdefault("initial", {"due_on": deadline.due_on, "version": deadline.version})
        super().__init__(*args, **kwargs)


class OverrideForm(forms.Form):
    code = forms.ChoiceField(label=_("指标"))
    value = forms.DecimalField(
        label=_("填报值"), min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (code, f"{INDICATORS[code].name}（{INDICATORS[code].unit}）")
            for code in selectors.enterable_codes()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code, value = cleaned.get("code"), cleaned.get("value")
        counted = code and INDICATORS[code].kind == Kind.COUNT
        if counted and value is not None and value != value.to_integral_value():
            self.add_error("value", _("该指标为计数，填报值必须是整数。"))
        return cleaned

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


class OnBehalfForm(OverrideForm):
    """The compilation page's entry form: the same figure entry, for a chosen child,
    whose report of the year it cleans to."""

    unit = forms.ModelChoiceField(label=_("下级单位"), queryset=Association.objects.none())

    field_order = ["unit", "code", "value", "note"]
    service_error_fields = {"report": "unit"}

    def __init__(self, *args, units: QuerySet[Association], year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["unit"].queryset = units
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("unit") is not None:
            cleaned["report"] = selectors.report_for(cleaned.pop("unit"), self.year)
        return cleaned


# ── Tables ────────────────────────────────────────────────────────────────────
LAYOUT_CHILDREN = "children"
LAYOUT_WHOLE = "whole"


class TableFilterForm(forms.Form):
    """The layout of the annual report tables (by direct children, or the whole area)."""

    layout = forms.ChoiceField(
        label=_("排列方式"),
        choices=[(LAYOUT_CHILDREN, _("按直属下级分列")), (LAYOUT_WHOLE, _("本辖区合计"))],
        error_messages={"invalid_choice": _("排列方式：请选择“按直属下级分列”或“本辖区合计”。")},
    )

    def __init__(self, query=None) -> None:
        # Always bound: a missing layout takes the default, so the first visit shows tables.
        super().__init__({"layout": (query or {}).get("layout") or LAYOUT_CHILDREN})

    @property
    def by_children(self) -> bool:
        return self.cleaned_data.get("layout", LAYOUT_CHILDREN) == LAYOUT_CHILDREN


# ── The drafted work report ───────────────────────────────────────────────────
class WorkReportForm(forms.Form):
    """The work report as the secretary edits it: its declared fields (title, salutation)
    and a textarea per section (a paragraph per line) that clean into `texts`. It carries
    the version of the saved report it was read at."""

    version = VersionField()

    def __init__(self, *args, headings: dict[str, tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in WORK_REPORT_FIELDS:
            if name != "texts":
                self.fields[name] = model_field(WorkReport, name)
        for key in narrative.SECTION_KEYS:
            title = headings[key][1] or _("开头")
            self.fields[f"section_{key}"] = forms.CharField(
                label=title,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 6}),
                error_messages={
                    "max_length": _("%(section)s：内容过长，请控制在20000字以内。")
                    % {"section": title}
                },
            )

    def section_fields(self) -> dict[str, forms.BoundField]:
        return {key: self[f"section_{key}"] for key in narrative.SECTION_KEYS}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("title", "salutation"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        cleaned["texts"] = {
            key: cleaned.pop(f"section_{key}", "") or "" for key in narrative.SECTION_KEYS
        }
        return cleaned
