"""Forms for the activities pages: they validate and normalise; services do the rest.

Every dropdown is limited to what the user may see; each form's `values()`
returns the keyword arguments of its service call.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from associations.forms import DateInput
from associations.models import VILLAGE_LEVELS, Association
from associations.selectors import association_choices
from members import idcard
from members.models import Household, Member

from .models import (
    Aid,
    AidKind,
    Assessment,
    AssessmentTemplate,
    Award,
    AwardLevel,
    Direction,
    Event,
    EventType,
    FundSource,
    LedgerEntry,
    MaterialKind,
    Project,
    ProjectKind,
    SelfGovernance,
)
from .selectors import AttendeeEntry, attendee_candidates

YEAR_FIELD = {"min_value": 1980, "max_value": 2100}


def association_label(association: Association) -> str:
    return f"{association.name}（{association.code}）"


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's field-keyed errors at the fields the form has, the rest on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _scoped_associations(
    user, *, levels: tuple[str, ...] | None = None, keep: int | None = None
) -> QuerySet[Association]:
    """Associations the user may pick; the record's current one stays even if dissolved."""
    queryset = association_choices(user, levels=levels)
    if keep:
        queryset = queryset | Association.objects.visible_to(user).filter(pk=keep)
    return queryset.order_by("path")


def _association_field(field: forms.ModelChoiceField, queryset: QuerySet[Association]) -> None:
    field.queryset = queryset
    field.label_from_instance = association_label


def _dates_as_pickers(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = DateInput()


class IdNumberChoiceField(forms.ModelChoiceField):
    """A member picked by typing the full ID number (never put in a URL)."""

    def to_python(self, value: Any):
        if value in self.empty_values:
            return None
        return super().to_python(idcard.normalise(str(value)))


# ── Filters ───────────────────────────────────────────────────────────────────
class _Filters(forms.Form):
    """Year and association (its whole subtree) for every list; subclasses add one choice."""

    year = forms.IntegerField(label=_("年度"), required=False, **YEAR_FIELD)
    association = forms.ModelChoiceField(
        label=_("协会（含下级）"), queryset=Association.objects.none(), required=False
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _association_field(self.fields["association"], _scoped_associations(user))

    def values(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def _choice(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", _("全部")), *choices])


class EventFilterForm(_Filters):
    type = _choice(_("类型"), EventType.choices)


class ProjectFilterForm(_Filters):
    kind = _choice(_("类别"), ProjectKind.choices)


class AidFilterForm(_Filters):
    kind = _choice(_("方式"), AidKind.choices)


class AwardFilterForm(_Filters):
    level = _choice(_("级别"), AwardLevel.choices)


class _YesNo(forms.TypedChoiceField):
    def __init__(self, label, yes, no) -> None:
        super().__init__(
            label=label,
            required=False,
            choices=[("", _("全部")), ("1", yes), ("0", no)],
            coerce=lambda v: v == "1",
            empty_value=None,
        )


class AssessmentFilterForm(_Filters):
    template = forms.ModelChoiceField(
        label=_("考核模板"), queryset=AssessmentTemplate.objects.all(), required=False
    )
    passed = _YesNo(_("达标"), _("达标"), _("未达标"))


class SelfGovFilterForm(_Filters):
    charter_adopted = _YesNo(_("自治章程"), _("已制定"), _("未制定"))


class LedgerFilterForm(_Filters):
    direction = _choice(_("收支"), Direction.choices)


# ── Events ────────────────────────────────────────────────────────────────────
def _material_field(kind: str) -> str:
    return f"material_{kind}"


_ATTENDEE_SEPARATORS = re.compile(r"[\n,，、;；]+")
_ATTENDEE = re.compile(r"(?P<name>\D*?)\s*(?P<tail>\d+X?)?")
TAIL_DIGITS = 4


def attendee_label(member: Member) -> str:
    """How an attendee is written back into the field: name and the last ID digits."""
    return f"{member.name} {member.id_number[-TAIL_DIGITS:]}"


class AttendeesField(forms.CharField):
    """Members typed one a line: a name, the last digits of the ID number, or both."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value: Any) -> list[AttendeeEntry]:
        text = unicodedata.normalize("NFKC", super().to_python(value)).upper()
        entries = []
        for part in _ATTENDEE_SEPARATORS.split(text):
            match = _ATTENDEE.fullmatch(part.strip())
            if match is None or 0 < len(match["tail"] or "") < TAIL_DIGITS:
                raise ValidationError(
                    _("“%(entry)s”无法识别：每行填一名会员的姓名或身份证号后 4 位，或两者都填。")
                    % {"entry": part.strip()}
                )
            if match["name"] or match["tail"]:
                entries.append((match["name"].strip(), match["tail"] or ""))
        return list(dict.fromkeys(entries))


class EventForm(forms.ModelForm):
    # Never saved by the form (services set it): resolved to members in `clean`.
    attendees = AttendeesField(
        label=_("参加会员"),
        required=False,
        help_text=_(
            "每行一人，填姓名或身份证号后 4 位；重名时两者都填，如“张三 1234”。"
            "须为主办协会及其下级的会员。"
        ),
    )

    class Meta:
        model = Event
        fields = [
            "association",
            "type",
            "title",
            "started_on",
            "ended_on",
            "place",
            "participants",
            "attendees",
            "cost",
            "co_organisers",
            "screened",
            "cases_found",
            "training_sessions",
            "training_days",
            "trainees",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _dates_as_pickers(self)
        keep = self.instance.association_id
        _association_field(self.fields["association"], _scoped_associations(user, keep=keep))
        if keep and not self.is_bound:
            attendees = self.instance.attendees.order_by("name", "id_number")
            self.initial["attendees"] = "\n".join(attendee_label(m) for m in attendees)
        co = self.fields["co_organisers"]
        co.queryset = _scoped_associations(user)
        if keep:  # a co-organiser dissolved since must stay offered, or saving would drop it
            current = self.instance.co_organisers.values("pk")
            co.queryset = (
                co.queryset | Association.objects.visible_to(user).filter(pk__in=current)
            ).order_by("path")
        co.label_from_instance = association_label
        co.widget.attrs["size"] = 6
        current = {m.kind: m.quantity for m in self.instance.materials.all()} if keep else {}
        for kind, label in MaterialKind.choices:
            self.fields[_material_field(kind)] = forms.IntegerField(
                label=_("发放%(kind)s") % {"kind": label},
                required=False,
                min_value=0,
                initial=current.get(kind),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        entries, organiser = data.get("attendees"), data.get("association")
        if entries is not None and organiser is not None:
            data["attendees"] = self._attendees(entries, organiser)
        return data

    def _attendees(self, entries: list[AttendeeEntry], organiser: Association) -> list[Member]:
        """The members meant, or an error on the field for each entry missing or ambiguous."""
        members = Member.objects.visible_to(self.user)
        found, errors = [], []
        for (name, tail), matches in attendee_candidates(members, organiser, entries).items():
            entry = " ".join(filter(None, (name, tail)))
            if not matches:
                errors.append(
                    _("没有找到“%(entry)s”：须为“%(association)s”及其下级协会的会员。")
                    % {"entry": entry, "association": organiser.name}
                )
            elif len(matches) > 1:
                who = "、".join(
                    f"{m.name} {idcard.shown_to(m.id_number, self.user)}" for m in matches[:5]
                )
                errors.append(
                    _("“%(entry)s”对应多名会员（%(who)s），请同时填写姓名和身份证号后 4 位。")
                    % {"entry": entry, "who": who}
                )
            else:
                found.append(matches[0])
        if errors:
            self.add_error("attendees", errors)
        return list(dict.fromkeys(found))

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("material_")}
        data["materials"] = {
            kind: self.cleaned_data.get(_material_field(kind)) or 0 for kind in MaterialKind.values
        }
        for field in ("participants", "cost"):
            data[field] = data[field] or 0
        return data


# ── Projects ──────────────────────────────────────────────────────────────────
def _funding_field(source: str, part: str) -> str:
    return f"funding_{source}_{part}"


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "association",
            "kind",
            "name",
            "started_on",
            "ended_on",
            "funds_raised",
            "funds_spent",
            "households_out_of_poverty",
            "jobs_created",
            "fixed_assets",
            "output_value",
            "tax_paid",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates_as_pickers(self)
        keep = self.instance.association_id
        _association_field(self.fields["association"], _scoped_associations(user, keep=keep))
        self.fields["funds_raised"].help_text = _("留 0 则按下方各来源合计。")
        current = {f.source: f for f in self.instance.funding.all()} if keep else {}
        for source, label in FundSource.choices:
            row = current.get(source)
            for part, part_label in (("raised", _("筹集")), ("spent", _("支出"))):
                self.fields[_funding_field(source, part)] = forms.DecimalField(
                    label=_("%(source)s · %(part)s（元）") % {"source": label, "part": part_label},
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                    initial=getattr(row, part, None),
                )

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("funding_")}
        data["funding"] = {
            source: (
                self.cleaned_data.get(_funding_field(source, "raised")) or 0,
                self.cleaned_data.get(_funding_field(source, "spent")) or 0,
            )
            for source in FundSource.values
        }
        return data


# ── Aid ───────────────────────────────────────────────────────────────────────
class AidForm(forms.ModelForm):
    household = forms.ModelChoiceField(
        label=_("受助户（户编码）"),
        queryset=Household.objects.none(),
        to_field_name="code",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "invalid_choice": _("没有找到户编码为“%(value)s”的户，或该户不在您的管辖范围内。")
        },
    )

    class Meta:
        model = Aid
        fields = ["household", "project", "given_on", "kind", "amount", "provider", "note"]

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates_as_pickers(self)
        self.fields["household"].queryset = Household.objects.visible_to(user)
        if self.instance.household_id and not self.is_bound:
            # The field is typed by code; the model's initial would be the household's pk.
            self.initial["household"] = self.instance.household.code
        projects = Project.objects.visible_to(user).select_related("association")
        self.fields["project"].queryset = projects.order_by("-started_on", "code")
        self.fields["project"].label_from_instance = lambda p: f"{p.code} {p.name}"

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# ── Awards ────────────────────────────────────────────────────────────────────
class AwardForm(forms.ModelForm):
    """Granting: the recipient is an association, a member (full ID number) or a household."""

    association = forms.ModelChoiceField(
        label=_("获奖协会"), queryset=Association.objects.none(), required=False
    )
    member = IdNumberChoiceField(
        label=_("获奖会员（完整身份证号）"),
        queryset=Member.objects.none(),
        to_field_name="id_number",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid_choice": _("没有找到该身份证号的会员，或不在您的管辖范围内。")},
    )
    household = forms.ModelChoiceField(
        label=_("获奖家庭（户编码）"),
        queryset=Household.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "invalid_choice": _("没有找到户编码为“%(value)s”的户，或不在您的管辖范围内。")
        },
    )

    class Meta:
        model = Award
        fields = ["year", "level", "title", "awarding_body"]

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _association_field(self.fields["association"], _scoped_associations(user))
        self.fields["association"].help_text = _("协会、会员、家庭三者只填一项。")
        self.fields["member"].queryset = Member.objects.visible_to(user)
        self.fields["household"].queryset = Household.objects.visible_to(user)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AwardEditForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ["year", "level", "title", "awarding_body"]

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# ── Assessments ───────────────────────────────────────────────────────────────
class AssessmentForm(forms.Form):
    """The template's items as checkboxes; association and year are fixed when editing."""

    association = forms.ModelChoiceField(label=_("协会"), queryset=Association.objects.none())
    year = forms.IntegerField(label=_("年度"), **YEAR_FIELD)
    items_met = forms.TypedMultipleChoiceField(
        label=_("达标项"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    assessed_on = forms.DateField(label=_("考核日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(
        self, *args: Any, user, template: AssessmentTemplate, fixed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.fixed = fixed
        _association_field(self.fields["association"], _scoped_associations(user))
        self.fields["items_met"].choices = [
            (item.number, f"{item.number}. {item.text}") for item in template.items.all()
        ]
        self.fields["items_met"].help_text = template.get_pass_rule_display()
        if fixed:
            for name in ("association", "year"):
                self.fields[name].disabled = True
            self.fields["association"].queryset = Association.objects.filter(
                pk=self.initial.get("association")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        association, year = data.get("association"), data.get("year")
        if not self.fixed and association and year:
            existing = Assessment.objects.filter(
                association=association, year=year, template=self.template
            )
            if existing.exists():
                raise ValidationError(_("该协会本年度已有这项考核记录，请直接编辑该记录。"))
        return data

    def values(self) -> dict[str, Any]:
        return {**self.cleaned_data, "template": self.template}


# ── Village self-governance ───────────────────────────────────────────────────
class SelfGovForm(forms.ModelForm):
    class Meta:
        model = SelfGovernance
        fields = [
            "association",
            "year",
            "charter_adopted",
            "charter_adopted_on",
            "benefits_one_child",
            "rewards_second_birth_waiver",
            "subsidises_checkups",
            "other_provisions",
            "households_due",
            "households_signed",
            "is_pilot",
        ]
        widgets = {"other_provisions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates_as_pickers(self)
        keep = self.instance.association_id
        queryset = _scoped_associations(user, levels=VILLAGE_LEVELS, keep=keep)
        _association_field(self.fields["association"], queryset)
        if keep:
            for name in ("association", "year"):
                self.fields[name].disabled = True

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for field in ("households_due", "households_signed"):
            data[field] = data[field] or 0
        return data


# ── Ledger ────────────────────────────────────────────────────────────────────
class LedgerForm(forms.ModelForm):
    class Meta:
        model = LedgerEntry
        fields = [
            "association",
            "date",
            "direction",
            "amount",
            "source",
            "purpose",
            "event",
            "project",
            "note",
        ]

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates_as_pickers(self)
        keep = self.instance.association_id
        _association_field(self.fields["association"], _scoped_associations(user, keep=keep))
        self.fields["event"].queryset = self._event_choices(user)
        self.fields["event"].help_text = _("列出近三年本级及直属下级协会的活动。")
        self.fields["event"].label_from_instance = lambda e: f"{e.started_on} {e.title}"
        projects = Project.objects.visible_to(user).order_by("-started_on", "code")
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.code} {p.name}"

    def _event_choices(self, user) -> QuerySet[Event]:
        """Recent events one level deep: village lectures by the thousand would swamp the list."""
        depth = user.association.depth if user.association_id else 0
        events = Event.objects.visible_to(user).filter(
            started_on__year__gte=dt.date.today().year - 2, association__depth__lte=depth + 1
        )
        if self.instance.event_id:
            events = events | Event.objects.visible_to(user).filter(pk=self.instance.event_id)
        return events.select_related("association").order_by("-started_on")

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
