"""Forms of the planning pages (基本情况, 工作计划, 目标, 横向比较, 考核结果): built from the record
kinds' field tuples (`services.CONTEXT_FIELDS` …); they validate and normalise only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activities.models import AssessmentTemplate
from associations.forms import RecordForm
from associations.models import Association, Level
from associations.years import YearField, default_report_year

from . import services
from .catalog import SECTIONS, Kind, by_section
from .models import Target, UnitContext, WorkPlan
from .rankings import CHILDREN, level_label


def indicator_choices(*, kinds: tuple[Kind, ...] | None = None) -> list:
    """The catalog by section, each indicator as “name（code）”."""
    return [
        (
            str(SECTIONS[section]),
            [
                (spec.code, f"{spec.name}（{spec.code}）")
                for spec in specs
                if kinds is None or spec.kind in kinds
            ],
        )
        for section, specs in by_section().items()
        if specs
    ]


def unit_choices(user, scope: Association) -> QuerySet[Association]:
    """The scope and its current direct children that the user may see."""
    units = Association.objects.visible_to(user).current()
    return units.filter(Q(pk=scope.pk) | Q(parent=scope)).order_by("path")


def _label(association: Association) -> str:
    return f"{association.name}（{association.code}）"


class _UnitRecordForm(RecordForm):
    """A record of one unit and year: picked among the scope and its children when new, fixed
    when edited."""

    year = YearField()

    def __init__(self, data=None, *args: Any, user, scope: Association, instance=None, **kwargs):
        if instance is None:
            kwargs.setdefault("initial", {"year": default_report_year(), "association": scope})
        super().__init__(data, *args, instance=instance, **kwargs)
        field = self.fields["association"]
        field.queryset = unit_choices(user, scope)
        if instance is not None:
            field.queryset = field.queryset | Association.objects.filter(pk=instance.association_id)
            for name in ("association", "year"):
                self.fields[name].disabled = True
        field.label_from_instance = _label
        for number in self.fields.values():
            if isinstance(number, forms.IntegerField | forms.DecimalField):
                number.error_messages["min_value"] = _("不能为负数。")
        self.order_fields(self.record_fields)


class ContextForm(_UnitRecordForm):
    model = UnitContext
    record_fields = services.CONTEXT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].widget.attrs["rows"] = 3


class PlanForm(_UnitRecordForm):
    model = WorkPlan
    record_fields = services.PLAN_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["association"].label = _("制定单位")
        self.fields["tasks"].widget.attrs["rows"] = 10


class TargetForm(_UnitRecordForm):
    model = Target
    record_fields = services.TARGET_FIELDS

    code = forms.ChoiceField(label=_("指标"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "---------"), *indicator_choices()]
        self.fields["association"].label = _("下达给")


class BulkTargetForm(forms.Form):
    """One indicator's target for every child unit: the same value, or a total split."""

    code = forms.ChoiceField(label=_("指标"))
    value = forms.DecimalField(
        label=_("目标值"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_(
            "“各单位相同”时为每个单位的目标；分解时为总数，同时作为本单位的目标。"
            "比率填百分数，如 85。"
        ),
    )
    rule = forms.ChoiceField(label=_("下达方式"), choices=services.SplitRule.choices)
    level = forms.ChoiceField(label=_("下达对象"), required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args: Any, parent: Association, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "---------"), *indicator_choices()]
        levels = parent.children.current().order_by().values_list("level", flat=True).distinct()
        self.fields["level"].choices = [
            ("", _("全部直属下级单位")),
            *[(level, Level(level).label) for level in sorted(set(levels), key=Level.values.index)],
        ]


class RankingForm(forms.Form):
    """Which indicator to compare, across which units."""

    code = forms.ChoiceField(label=_("指标"))
    level = forms.ChoiceField(label=_("比较范围"), required=False)

    def __init__(self, *args: Any, scope: Association, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = indicator_choices()
        self.fields["level"].choices = level_choices(scope)


def level_choices(scope: Association) -> list[tuple[str, str]]:
    """The direct children, or every unit of one level below the scope's (villages and
    residents' committees together)."""
    order = list(Level.values)
    below = [
        level
        for level in Level
        if order.index(level) > order.index(scope.level) and level != Level.COMMUNITY
    ]
    return [
        (CHILDREN, level_label(CHILDREN)),
        *[
            (level.value, str(_("全部%(level)s") % {"level": level_label(level)}))
            for level in below
        ],
    ]


class ResultsForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("考核模板"), queryset=AssessmentTemplate.objects.all(), empty_label=None
    )
    level = forms.ChoiceField(label=_("考核对象"), required=False)

    def __init__(self, *args: Any, scope: Association, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(scope)

    def clean_level(self) -> str:
        return self.cleaned_data.get("level") or CHILDREN
