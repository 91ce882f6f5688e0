"""Searchable pickers: a select that renders only its chosen option(s) and asks the server as
the user types (Tom Select, served from static/vendor/, driven by static/js/pickers.js).

A picker field keeps its scoped queryset, so what is posted is validated exactly as before;
only the rendering changes: no page lists every association (or member, or household) of a
scope as <option>s. The JSON endpoints (`associations:pick`, `members:pick_*`) are scoped to
the user, return at most `PICKER_LIMIT` rows and mask personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

PICKER_LIMIT = 20


class Autocomplete(forms.Select):
    """A server-searched picker for a ModelChoiceField.

    `url` is a URL name (reversed when rendered), `params` fixed query parameters (e.g. the
    levels offered), `depends_on` the name of another field of the form whose value is sent
    along (the member groups of the chosen association) and clears this one when it changes.
    `value_field` is the key of the JSON rows used as the option's value ("value": the pk;
    "code" for a field keyed by code).
    """

    def __init__(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        depends_on: str = "",
        value_field: str = "value",
        placeholder: str = "",
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.url, self.params, self.depends_on = url, dict(params or {}), depends_on
        self.value_field, self.placeholder = value_field, placeholder

    class Media:
        css = {"all": ["vendor/tom-select/tom-select.min.css"]}
        js = ["vendor/tom-select/tom-select.complete.min.js", "js/pickers.js"]

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        return copy

    def endpoint(self) -> str:
        url = reverse(self.url)
        params = {k: v for k, v in self.params.items() if v not in (None, "")}
        return f"{url}?{urlencode(params, doseq=True)}" if params else url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        extra = {
            "data-autocomplete": self.endpoint(),
            "data-value-field": self.value_field,
            "data-placeholder": str(self.placeholder or _("输入名称或编码搜索")),
        }
        if self.depends_on:
            extra["data-depends-on"] = self.depends_on
        context["widget"]["attrs"].update(extra)
        return context

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None):
        """Only the chosen options (and an empty one to clear a single choice)."""
        everything = self.choices
        self.choices = self._chosen(value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything

    def _chosen(self, value: Iterable[Any]) -> list[tuple[Any, Any]]:
        wanted = [str(v) for v in value if v not in (None, "")]
        empty = [] if self.allow_multiple_selected else [("", "")]
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:  # plain choices
            return empty + [c for c in self.choices if str(c[0]) in wanted]
        if not wanted:
            return empty
        key = self.choices.field.to_field_name or "pk"
        try:
            rows = list(queryset.filter(**{f"{key}__in": wanted}))
        except (ValueError, TypeError, ValidationError):
            return empty  # a mangled value is the field's error, shown beside it
        return empty + [self.choices.choice(row) for row in rows]


class AutocompleteMultiple(Autocomplete):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # an empty multiple select sends nothing


def use_picker(field: forms.ModelChoiceField, widget: Autocomplete) -> forms.ModelChoiceField:
    """Give a model choice field a picker widget (after its queryset is set, or before)."""
    widget.is_required = field.required
    field.widget = widget
    widget.choices = field.choices  # the field's iterator: the queryset, read only as needed
    return field


def prefill_single(form: forms.BaseForm, name: str) -> None:
    """A single-choice field with exactly one option (a village clerk's own association) is
    chosen already; with more, the user picks."""
    field = form.fields.get(name)
    if field is None or not field.required or form.is_bound:
        return
    if form.initial.get(name) or field.initial:
        return
    options = list(field.queryset.values_list("pk", flat=True)[:2])
    if len(options) == 1:
        form.initial[name] = options[0]


def association_label(association) -> str:
    """How an association is named in pickers and their options: 名称（编码）."""
    return f"{association.name}（{association.code}）"


def association_picker(
    field: forms.ModelChoiceField,
    queryset,
    *,
    levels: Sequence[str] = (),
    dissolved: bool = False,
    multiple: bool = False,
) -> forms.ModelChoiceField:
    """Make an association field a picker searched on the server (`associations:pick`): it
    offers `levels` (all if empty), dissolved ones too if `dissolved` (filters of past
    records); what is posted is validated against `queryset`, what the user may choose."""
    field.queryset = queryset
    field.label_from_instance = association_label
    params = {"levels": ",".join(levels), "all": "1" if dissolved else ""}
    widget = AutocompleteMultiple if multiple else Autocomplete
    return use_picker(field, widget("associations:pick", params=params))


class ScopeField(forms.Field):
    """The `?scope=` picker of a list page. The view reads and checks the scope itself
    (`requested_scope`: 404 outside the user's subtree), so this field only shows the
    association in force and searches for another; it never queries to validate."""

    def __init__(
        self,
        scope,
        *,
        label,
        levels: Sequence[str] = (),
        dissolved: bool = False,
    ) -> None:
        params = {"levels": ",".join(levels), "all": "1" if dissolved else ""}
        widget = Autocomplete("associations:pick", params=params)
        initial = scope.pk if scope is not None else None
        super().__init__(label=label, required=False, widget=widget, initial=initial)
        self.widget.choices = [(scope.pk, association_label(scope))] if scope is not None else []

    def bound_data(self, data, initial):
        return data or initial  # a list opened without ?scope= shows the user's own


def association_rows(associations: Iterable) -> list[dict[str, Any]]:
    """Picker rows of associations, each with its parent as the hint (same-named villages)."""
    return [
        {
            "value": a.pk,
            "text": association_label(a),
            "hint": a.parent.name if a.parent_id else "",
        }
        for a in associations
    ]


def picker_response(rows: Sequence[dict[str, Any]]) -> JsonResponse:
    """The JSON a picker reads: {"results": [{"value", "text", "hint"?}, …]} (≤ the limit)."""
    return JsonResponse({"results": list(rows[:PICKER_LIMIT])})
