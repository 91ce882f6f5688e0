"""Forms for the activities pages: they validate and normalise; the services do the rest.

Each record form is built from its kind's field tuple (`services.EVENT_FIELDS` …) by
`RecordForm`; what it adds is pickers limited to what the user may see, and the related
sets (materials, funding, attendees, item scores) in the shape the service takes them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from associations.forms import RecordForm
from associations.models import VILLAGE_LEVELS, Association
from associations.pickers import (
    Autocomplete,
    AutocompleteMultiple,
    ScopeField,
    association_picker,
    prefill_single,
    use_picker,
)
from associations.selectors import association_choices
from associations.years import (
    YearError,
    YearField,
    default_report_year,
    year_choices,
)
from members.forms import member_label
from members.models import Household, Member, MemberGroup

from . import services
from .models import (
    Aid,
    AidKind,
    Assessment,
    AssessmentItem,
    AssessmentTemplate,
    Award,
    AwardLevel,
    Direction,
    Event,
    EventType,
    FundSource,
    Grade,
    LedgerEntry,
    MaterialKind,
    Project,
    ProjectKind,
    SelfGovernance,
)
from .selectors import SheetRow, score_sheet


def _scoped_associations(
    user, *, levels: tuple[str, ...] | None = None, keep: int | None = None
) -> QuerySet[Association]:
    """Associations the user may pick; the record's current one stays even if dissolved."""
    queryset = association_choices(user, levels=levels)
    if keep:
        queryset = queryset | Association.objects.visible_to(user).filter(pk=keep)
    return queryset


class CodeChoiceField(forms.ModelChoiceField):
    """A household picked by its code: searched by code or head's name as the user types."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("没有找到户编码为“%(value)s”的户，或该户不在您的管辖范围内。")},
        )
        kwargs.setdefault(
            "widget",
            Autocomplete(
                "members:pick_household", value_field="code", placeholder=_("输入户编码或户主姓名")
            ),
        )
        super().__init__(queryset=Household.objects.none(), to_field_name="code", **kwargs)


def project_label(project: Project) -> str:
    return f"{project.code} {project.name}"


def event_label(event: Event) -> str:
    return f"{event.started_on:%Y-%m-%d} {event.title}"


def project_picker(field: forms.ModelChoiceField, user) -> None:
    """Projects the user may see, searched by code or name (a city runs thousands)."""
    field.queryset = Project.objects.visible_to(user)
    field.label_from_instance = project_label
    placeholder = _("输入项目编码或名称")
    use_picker(field, Autocomplete("activities:pick_project", placeholder=placeholder))


def member_field(
    label, *, multiple: bool = False, depends_on: str = "", **kwargs: Any
) -> forms.ModelChoiceField:
    """Members searched by name or ID tail (shown masked), under the association chosen in
    `depends_on` if named; the form sets the queryset (what the user may see)."""
    field_class = forms.ModelMultipleChoiceField if multiple else forms.ModelChoiceField
    widget_class = AutocompleteMultiple if multiple else Autocomplete
    kwargs.setdefault("error_messages", {"invalid_choice": _("所选会员不在您的管辖范围内。")})
    field = field_class(label=label, queryset=Member.objects.none(), **kwargs)
    field.label_from_instance = member_label
    placeholder = _("输入姓名或身份证号后 4 位")
    widget = widget_class("members:pick_member", depends_on=depends_on, placeholder=placeholder)
    return use_picker(field, widget)


# ── Filters ───────────────────────────────────────────────────────────────────
class _Filters(forms.Form):
    """Year, association (`?scope=`, its whole subtree) and, for those who may restore
    them, withdrawn records; subclasses add their own choices."""

    year = YearField(required=False)
    withdrawn = forms.BooleanField(label=_("已作废"), required=False)

    def __init__(self, *args: Any, user, scope: Association | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部")), *year_choices()]
        # Dissolved associations too: their past records are still listed.
        self.fields["scope"] = ScopeField(scope, label=_("协会（含下级）"), dissolved=True)
        self.order_fields(["year", "scope"])
        if not user.has_perm("records.withdraw"):
            del self.fields["withdrawn"]

    def values(self) -> dict[str, Any]:
        """The chosen filters for the selector (the view reads the scope itself); an
        unusable year is the site's one year error."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            if "year" in self.errors:
                raise YearError(self.errors["year"][0])
            return {}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("scope", "withdrawn") and value not in (None, "")
        }

    def wants_withdrawn(self) -> bool:
        """Withdrawn records instead of live ones (only offered to those who may restore)."""
        if "withdrawn" not in self.fields or not self.is_bound or not self.is_valid():
            return False
        return self.cleaned_data["withdrawn"]


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
    grade = _choice(_("等级"), Grade.choices)
    passed = _YesNo(_("达标"), _("达标"), _("未达标"))


class SelfGovFilterForm(_Filters):
    charter_adopted = _YesNo(_("自治章程"), _("已制定"), _("未制定"))


class LedgerFilterForm(_Filters):
    direction = _choice(_("收支"), Direction.choices)


# ── Record forms ──────────────────────────────────────────────────────────────
class _ScopedRecordForm(RecordForm):
    """A record kind's form whose association picker holds what `user` may choose."""

    association_levels: ClassVar[tuple[str, ...] | None] = None

    def __init__(self, data=None, *args: Any, user, instance=None, **kwargs: Any) -> None:
        super().__init__(data, *args, instance=instance, **kwargs)
        self.user = user
        self.order_fields(self.record_fields)
        if "association" in self.fields:
            keep = getattr(instance, "association_id", None)
            queryset = _scoped_associations(user, levels=self.association_levels, keep=keep)
            levels = self.association_levels or ()
            association_picker(self.fields["association"], queryset, levels=levels)
            prefill_single(self, "association")
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3


# ── Events ────────────────────────────────────────────────────────────────────
def _material_field(kind: str) -> str:
    return f"material_{kind}"


class EventForm(_ScopedRecordForm):
    model = Event
    record_fields = services.EVENT_FIELDS

    co_organisers = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=Association.objects.none(), required=False
    )
    attendees = member_field(
        _("参加会员"),
        multiple=True,
        depends_on="association",
        required=False,
        help_text=_("按姓名或身份证号后 4 位查找，可选多人；须为主办协会及其下级的会员。"),
    )

    def __init__(self, *args: Any, user, instance: Event | None = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, instance=instance, **kwargs)
        co = self.fields["co_organisers"]
        association_picker(co, _scoped_associations(user), multiple=True)
        self.fields["attendees"].queryset = Member.objects.visible_to(user)
        current: dict[str, int] = {}
        if instance is not None:
            organisers = instance.co_organisers.values("pk")
            # A co-organiser dissolved since must stay offered, or saving would drop it.
            co.queryset = co.queryset | Association.objects.visible_to(user).filter(
                pk__in=organisers
            )
            self.initial.setdefault("co_organisers", [a["pk"] for a in organisers])
            attendees = instance.attendees.values_list("pk", flat=True)
            self.initial.setdefault("attendees", list(attendees))
            current = {m.kind: m.quantity for m in instance.materials.all()}
        for kind, label in MaterialKind.choices:
            self.fields[_material_field(kind)] = forms.IntegerField(
                label=_("发放%(kind)s") % {"kind": label},
                required=False,
                min_value=0,
                initial=current.get(kind),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("attendees") is not None:
            data["attendees"] = list(data["attendees"])
        data["materials"] = {
            kind: data.pop(_material_field(kind), None) or 0 for kind in MaterialKind.values
        }
        return data


# ── Projects ──────────────────────────────────────────────────────────────────
def _funding_field(source: str, part: str) -> str:
    return f"funding_{source}_{part}"


FUNDING_PARTS = (("raised", _("筹集")), ("spent", _("支出")))


class ProjectForm(_ScopedRecordForm):
    model = Project
    record_fields = services.PROJECT_FIELDS

    def __init__(self, *args: Any, user, instance: Project | None = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, instance=instance, **kwargs)
        self.fields["funds_raised"].help_text = _("留 0 则按下方各来源合计。")
        current = {f.source: f for f in instance.funding.all()} if instance else {}
        for source, label in FundSource.choices:
            for part, part_label in FUNDING_PARTS:
                self.fields[_funding_field(source, part)] = forms.DecimalField(
                    label=_("%(source)s · %(part)s（元）") % {"source": label, "part": part_label},
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                    initial=getattr(current.get(source), part, None),
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["funding"] = {
            source: tuple(
                data.pop(_funding_field(source, part), None) or 0 for part, _label in FUNDING_PARTS
            )
            for source in FundSource.values
        }
        return data


# ── Aid ───────────────────────────────────────────────────────────────────────
class AidForm(_ScopedRecordForm):
    model = Aid
    record_fields = services.AID_FIELDS

    household = CodeChoiceField(label=_("受助户"))

    def __init__(self, *args: Any, user, instance: Aid | None = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, instance=instance, **kwargs)
        self.fields["household"].queryset = Household.objects.visible_to(user)
        if instance is not None:
            self.initial["household"] = instance.household.code  # typed by code, not pk
        project_picker(self.fields["project"], user)


# ── Awards ────────────────────────────────────────────────────────────────────
class AwardEditForm(_ScopedRecordForm):
    """What the award is; its recipient is fixed once granted."""

    model = Award
    record_fields = services.AWARD_FIELDS

    year = YearField()


class AwardForm(AwardEditForm):
    """Granting: the recipient is an association, a member group, a member, a household or
    a person outside the member register (each searched, the name typed)."""

    record_fields = services.AWARD_GRANT_FIELDS

    association = forms.ModelChoiceField(
        label=_("获奖协会"),
        queryset=Association.objects.none(),
        required=False,
        help_text=_(
            "授予协会时只填此项；授予会员小组或名册外的个人时也填其所在协会。"
            "会员小组、会员、家庭、个人姓名四项最多填一项。"
        ),
    )
    member_group = forms.ModelChoiceField(
        label=_("获奖会员小组"),
        queryset=MemberGroup.objects.none(),
        required=False,
        help_text=_("先选获奖协会，再选该协会的会员小组。"),
        error_messages={"invalid_choice": _("所选会员小组不在您的管辖范围内。")},
    )
    member = member_field(_("获奖会员"), required=False)
    household = CodeChoiceField(label=_("获奖家庭"), required=False)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": default_report_year()})
        super().__init__(*args, user=user, **kwargs)
        # Dissolved groups too (an award of a past year); the picker offers the current ones.
        group = self.fields["member_group"]
        group.queryset = MemberGroup.objects.visible_to(user)
        group.label_from_instance = lambda g: g.name
        placeholder = _("先选获奖协会，再选小组")
        use_picker(
            group,
            Autocomplete("members:pick_group", depends_on="association", placeholder=placeholder),
        )
        self.fields["member"].queryset = Member.objects.visible_to(user)
        self.fields["household"].queryset = Household.objects.visible_to(user)


# ── Assessments ───────────────────────────────────────────────────────────────
def _score_input(item: AssessmentItem, stored: SheetRow) -> forms.Field:
    """A tick for a 1-point item (unless it was given part of its point), else a score."""
    if item.points == 1 and stored.score in (0, 1):
        return forms.BooleanField(label=_("达到"), required=False, initial=stored.score == 1)
    field = forms.DecimalField(
        label=_("得分"),
        required=False,
        min_value=0,
        max_value=item.points,
        decimal_places=2,
        initial=stored.score if stored.score else None,
    )
    field.widget.attrs["aria-label"] = _("第 %(n)s 项得分") % {"n": item.number}
    return field


class AssessmentForm(_ScopedRecordForm):
    """The record's fields and the template's score sheet: each item scored by hand with
    its evidence (items filled from an indicator are shown, the reports fill them).
    Association and year are fixed when editing."""

    model = Assessment
    record_fields = services.ASSESSMENT_FIELDS
    page = "assessment_form.html"  # the record form's page with the score sheet

    year = YearField()

    def __init__(
        self,
        *args: Any,
        user,
        template: AssessmentTemplate,
        instance: Assessment | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is None:
            kwargs.setdefault("initial", {}).setdefault("year", default_report_year())
        super().__init__(*args, user=user, instance=instance, **kwargs)
        self.sheet_template = template
        self.sheet = score_sheet(template, instance.scores.all() if instance else ())
        self.scored = []  # the items scored by hand, with their field names
        for _section, rows in self.sheet.sections:
            for row in rows:
                if row.item.from_indicator:
                    continue
                score, note = f"score_{row.item.number}", f"evidence_{row.item.number}"
                self.fields[score] = _score_input(row.item, row)
                self.fields[note] = forms.CharField(
                    label=_("评分依据"), required=False, max_length=200, initial=row.evidence
                )
                self.fields[note].widget.attrs["aria-label"] = _("第 %(n)s 项评分依据") % {
                    "n": row.item.number
                }
                row.input, row.note = self[score], self[note]
                self.scored.append((row.item, score, note))
        if instance is not None:
            for name in ("association", "year"):
                self.fields[name].disabled = True

    def visible_fields(self) -> list:
        """The record's own fields; the items are laid out by the score sheet."""
        inputs = {name for _item, *names in self.scored for name in names}
        return [field for field in super().visible_fields() if field.name not in inputs]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        scores = {}
        for item, score, note in self.scored:
            value = data.pop(score, None)
            if isinstance(value, bool):
                value = item.points if value else 0
            scores[item.number] = services.ItemScore(value or 0, data.pop(note, "") or "")
        data["scores"] = scores
        return data


# ── Village self-governance ───────────────────────────────────────────────────
class SelfGovForm(_ScopedRecordForm):
    model = SelfGovernance
    record_fields = services.SELFGOV_FIELDS
    association_levels = VILLAGE_LEVELS

    year = YearField()

    def __init__(self, *args: Any, instance: SelfGovernance | None = None, **kwargs: Any) -> None:
        if instance is None:
            kwargs.setdefault("initial", {"year": default_report_year()})
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None:
            for name in ("association", "year"):
                self.fields[name].disabled = True


# ── Ledger ────────────────────────────────────────────────────────────────────
class LedgerForm(_ScopedRecordForm):
    model = LedgerEntry
    record_fields = services.LEDGER_FIELDS

    def __init__(self, *args: Any, user, instance: LedgerEntry | None = None, **kwargs: Any):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        event = self.fields["event"]
        event.queryset = Event.objects.visible_to(user)
        event.label_from_instance = event_label
        event.help_text = _("按活动标题查找，新近的在前。")
        use_picker(event, Autocomplete("activities:pick_event", placeholder=_("输入活动标题")))
        project_picker(self.fields["project"], user)
