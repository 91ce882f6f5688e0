from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .models import AccessKind, Association, Level
from .records import StaleEdit
from .selectors import association_choices
from .services import ASSOCIATION_FIELDS

T = TypeVar("T")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's errors next to the fields they name (others above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    moved = getattr(form, "service_error_fields", {})
    for field, errors in exc.error_dict.items():
        field = moved.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


def run_service(form: forms.BaseForm, service: Callable[..., T], /, **kwargs: Any) -> T | None:
    """The one way a view calls a service with a form: when the form is valid, call
    `service(**form.cleaned_data, **kwargs)`; its errors go onto the form, what was
    typed stays. A stale save (someone else saved first) keeps the input and takes the
    newer version, so saving again is a conscious overwrite. Returns the service's
    result, or None when nothing was saved."""
    if not form.is_valid():
        return None
    try:
        return service(**form.cleaned_data, **kwargs)
    except StaleEdit as exc:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = str(exc.current_version)
        form.add_error(None, exc)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None


class VersionField(forms.IntegerField):
    """The version a record was read at, carried by its edit form (see `model_update`)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=1, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def model_field(model: type[models.Model], name: str, **kwargs: Any) -> forms.Field:
    """The model field's own form field (its label, choices, limits), dates as date pickers."""
    field = model._meta.get_field(name).formfield(**kwargs)
    if isinstance(field, forms.DateField):
        field.widget = DateInput()
    return field


class RecordForm(forms.Form):
    """The form of one record kind: the model's own form fields for the kind's declared field
    tuple, validating and normalising only (the service checks the rest).

    With `instance` it edits that record: its values are the initial ones and the
    version it was read at travels with the form (`version`, see `model_update`).
    """

    model: ClassVar[type[models.Model]]
    record_fields: ClassVar[tuple[str, ...]]

    def __init__(self, data=None, *args: Any, instance: models.Model | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                **model_to_dict(instance, fields=self.record_fields),
                **kwargs.get("initial", {}),
            }
        super().__init__(data, *args, **kwargs)
        self.instance = instance
        for name in self.record_fields:
            if name not in self.fields:
                self.fields[name] = model_field(self.model, name)
        if instance is not None and hasattr(instance, "version"):
            self.fields["version"] = VersionField(initial=instance.version)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.strip()
        return cleaned


class AssociationForm(RecordForm):
    """An association's own fields; its parent is fixed here (moving has its own page)."""

    model = Association
    record_fields = ASSOCIATION_FIELDS
    # A level that cannot sit under the (fixed) parent is the level's error here.
    service_error_fields = {"parent": "level"}

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


class WithdrawForm(forms.Form):
    """Withdrawing (作废) a record entered in error needs a reason; it can be restored."""

    reason = forms.CharField(
        label=_("作废原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：重复录入、录入错误")}),
    )


class PersonalDataLogFilterForm(forms.Form):
    username = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *AccessKind.choices]
    )
    since = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    until = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
