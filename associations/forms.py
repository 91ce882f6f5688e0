from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .middleware import LANGUAGE_SWITCH_FIELD
from .models import AccessKind, Association
from .pickers import Autocomplete, ScopeField, association_label, use_picker
from .records import StaleEdit
from .selectors import association_choices, move_targets
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
    newer version, so saving again is a conscious overwrite. A form posted again only to
    switch the language is shown again, validated, and not saved. Returns the service's
    result, or None when nothing was saved."""
    if not form.is_valid() or form.data.get(LANGUAGE_SWITCH_FIELD):
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
    """Where to: only associations that may be its parent (level, scope, not inside it)."""

    new_parent = forms.ModelChoiceField(
        label=_("新的上级协会"), queryset=Association.objects.none()
    )

    def __init__(self, *args, user, association: Association, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_parent"]
        field.queryset = move_targets(user, association)
        field.label_from_instance = association_label
        use_picker(field, Autocomplete("associations:pick", params={"move": association.pk}))


class TreeSearchForm(forms.Form):
    """Find an association in the tree by name or code (dissolved ones too)."""

    find = forms.ModelChoiceField(
        label=_("查找协会"), queryset=Association.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["find"]
        field.queryset = Association.objects.visible_to(user)
        field.label_from_instance = association_label
        widget = Autocomplete(
            "associations:pick", params={"all": "1"}, attrs={"data-autosubmit": ""}
        )
        use_picker(field, widget)


class DissolveForm(forms.Form):
    """The day, and — when the unit still has members in the roll — what becomes of them."""

    TRANSFER, END = "transfer", "end"

    dissolved_on = forms.DateField(label=_("撤销日期"), widget=DateInput())
    members = forms.ChoiceField(
        label=_("在册会员"),
        widget=forms.RadioSelect,
        choices=[(TRANSFER, _("全部转到另一个协会")), (END, _("结束会籍（撤销日离会）"))],
    )
    members_to = forms.ModelChoiceField(
        label=_("接收会员的协会"), queryset=Association.objects.none(), required=False
    )

    def __init__(self, *args, user, association: Association, active_members: int, **kwargs):
        super().__init__(*args, **kwargs)
        if not active_members:
            del self.fields["members"], self.fields["members_to"]
            return
        field = self.fields["members_to"]
        field.queryset = association_choices(user).exclude(pk=association.pk)
        field.label_from_instance = association_label
        field.help_text = _("会员连同会籍记录转入该协会；他们的会员小组随原协会撤销。")
        use_picker(field, Autocomplete("associations:pick", params={"outside": association.pk}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        choice = cleaned.pop("members", None)
        if choice == self.TRANSFER and not cleaned.get("members_to"):
            self.add_error("members_to", _("请选择接收会员的协会。"))
        if choice != self.TRANSFER:
            cleaned["members_to"] = None
        cleaned["end_memberships"] = choice == self.END
        return cleaned


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


class ScopeForm(forms.Form):
    """The association a page covers (`?scope=`, read and checked by the view), searched."""

    def __init__(self, *args, scope: Association, label, levels: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"] = ScopeField(scope, label=label, levels=levels)


class SavedFilterForm(forms.Form):
    """Save the filters of the list shown (its URL name and query string) under a name."""

    name = forms.CharField(label=_("名称"), max_length=40)
    page = forms.CharField(max_length=60, widget=forms.HiddenInput)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)
