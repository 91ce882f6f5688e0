"""Forms of the submission pages: validate and normalise only; services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from associations.forms import DateInput
from associations.models import Association

from .catalog import INDICATORS, Kind
from .selectors import enterable_codes


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
    due_on = forms.DateField(label=_("上报截止日期"), widget=DateInput())


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
            for code in enterable_codes()
        ]

    def clean(self):
        cleaned = super().clean()
        code, value = cleaned.get("code"), cleaned.get("value")
        counted = code and INDICATORS[code].kind == Kind.COUNT
        if counted and value is not None and value != value.to_integral_value():
            self.add_error("value", _("该指标为计数，填报值必须是整数。"))
        return cleaned

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


class OnBehalfForm(OverrideForm):
    """The compilation page's entry form: the same figure entry, for a chosen child."""

    unit = forms.ModelChoiceField(label=_("下级单位"), queryset=Association.objects.none())

    field_order = ["unit", "code", "value", "note"]

    def __init__(self, *args, units: QuerySet[Association], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.order_fields(self.field_order)
