from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Association, Level
from .selectors import association_choices


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's errors next to the fields they name (others above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AssociationForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["parent", "code", "name", "level", "founded_on", "population", "address"]
        widgets = {"founded_on": DateInput()}

    def __init__(self, *args, parent: Association | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The parent is fixed here (moving has its own page) but shown, so that a
        # level that cannot sit under it is reported against it.
        parent = parent if parent is not None else self.instance.parent
        field = self.fields["parent"]
        field.disabled = True
        field.required = False
        field.queryset = Association.objects.filter(pk=parent.pk if parent else None)
        field.initial = parent.pk if parent else None

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label=_("新的上级协会"), queryset=Association.objects.none()
    )

    def __init__(self, *args, user, association: Association, **kwargs):
        super().__init__(*args, **kwargs)
        choices = association_choices(user, levels=tuple(Level.values)).exclude(
            path__startswith=association.path
        )
        self.fields["new_parent"].queryset = choices
        self.fields["new_parent"].label_from_instance = lambda a: f"{a.name}（{a.code}）"


class DissolveForm(forms.Form):
    dissolved_on = forms.DateField(label=_("撤销日期"), widget=DateInput())
