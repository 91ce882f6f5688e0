"""Admin for the association's work records, scoped like every other admin.

Rules live in the models' `clean()` (the same checks the services run), so
admin edits are validated too; derived fields are recomputed by the services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from associations.admin import ScopedAdmin
from associations.spreadsheets.admin import RecordsAdminMixin

from . import services
from .models import (
    Aid,
    Assessment,
    AssessmentItem,
    AssessmentTemplate,
    Award,
    Event,
    EventMaterial,
    LedgerEntry,
    Project,
    ProjectFunding,
    SelfGovernance,
)


class EventMaterialInline(admin.TabularInline):
    model = EventMaterial
    extra = 0


@admin.register(Event)
class EventAdmin(RecordsAdminMixin, ScopedAdmin):
    record_kind = "events"
    list_display = ["started_on", "title", "type", "association", "participants", "cost"]
    list_filter = ["type", "started_on"]
    list_select_related = ["association"]
    search_fields = ["title", "place"]
    date_hierarchy = "started_on"
    filter_horizontal = ["co_organisers"]
    raw_id_fields = ["attendees"]
    inlines = [EventMaterialInline]


class ProjectFundingInline(admin.TabularInline):
    model = ProjectFunding
    extra = 0


@admin.register(Project)
class ProjectAdmin(RecordsAdminMixin, ScopedAdmin):
    record_kind = "projects"
    list_display = ["code", "name", "kind", "association", "started_on", "ended_on"]
    list_filter = ["kind"]
    list_select_related = ["association"]
    search_fields = ["code", "name"]
    inlines = [ProjectFundingInline]


@admin.register(Aid)
class AidAdmin(RecordsAdminMixin, ScopedAdmin):
    record_kind = "aid"
    list_display = ["given_on", "household", "project", "kind", "amount", "provider"]
    list_filter = ["kind", "given_on"]
    list_select_related = ["household", "project"]
    search_fields = ["household__code", "household__head_name", "provider"]
    raw_id_fields = ["household"]
    date_hierarchy = "given_on"


class AwardAdminForm(forms.ModelForm):
    """The award's association follows its member or household recipient."""

    class Meta:
        model = Award
        fields = ["year", "level", "title", "awarding_body", "association", "member", "household"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["association"].required = False
        self.fields["association"].help_text = _("获奖对象为会员或家庭时，自动取其所在协会。")

    def clean(self):
        data = super().clean()
        person = data.get("member") or data.get("household")
        if person is not None:
            data["association"] = person.association
        elif not data.get("association"):
            self.add_error("association", _("请指定获奖对象：协会、会员或家庭之一。"))
        return data


@admin.register(Award)
class AwardAdmin(RecordsAdminMixin, ScopedAdmin):
    record_kind = "awards"
    form = AwardAdminForm
    list_display = ["year", "level", "title", "association", "member", "household"]
    list_filter = ["year", "level"]
    list_select_related = ["association", "member", "household"]
    search_fields = ["title", "awarding_body"]
    raw_id_fields = ["member", "household"]


class AssessmentItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 0


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    """Checklists are shared by the whole network: only administrators change them."""

    list_display = ["code", "name", "pass_rule", "pass_minimum"]
    inlines = [AssessmentItemInline]

    def _administrator(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.role == "admin"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._administrator(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._administrator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._administrator(request) and super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.assessments_refresh(template=form.instance)


class AssessmentAdminForm(forms.ModelForm):
    """Items ticked must belong to the chosen template (the list offers every template's)."""

    class Meta:
        model = Assessment
        fields = ["association", "year", "template", "items_met", "assessed_on", "note"]

    def clean(self):
        data = super().clean()
        template, items = data.get("template"), data.get("items_met")
        if template is not None and items is not None:
            strays = [item for item in items if item.template_id != template.pk]
            if strays:
                self.add_error(
                    "items_met",
                    _("“%(template)s”没有这些考核项：%(items)s。")
                    % {"template": template, "items": "、".join(str(i) for i in strays)},
                )
        return data


@admin.register(Assessment)
class AssessmentAdmin(RecordsAdminMixin, ScopedAdmin):
    record_kind = "assessments"
    form = AssessmentAdminForm
    list_display = ["year", "association", "template", "passed", "assessed_on"]
    list_filter = ["year", "template", "passed"]
    list_select_related = ["association", "template"]
    readonly_fields = ["passed"]
    filter_horizontal = ["items_met"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        assessment = form.instance
        services.assessment_record(
            association=assessment.association,
            year=assessment.year,
            template=assessment.template,
            items_met=[i.number for i in assessment.items_met.filter(template=assessment.template)],
            assessed_on=assessment.assessed_on,
            note=assessment.note,
        )


@admin.register(SelfGovernance)
class SelfGovernanceAdmin(RecordsAdminMixin, ScopedAdmin):
    record_kind = "selfgov"
    list_display = [
        "year",
        "association",
        "charter_adopted",
        "households_due",
        "households_signed",
        "is_pilot",
    ]
    list_filter = ["year", "charter_adopted", "is_pilot"]
    list_select_related = ["association"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(RecordsAdminMixin, ScopedAdmin):
    record_kind = "ledger"
    list_display = ["date", "association", "direction", "source", "purpose", "amount"]
    list_filter = ["direction", "source", "purpose", "date"]
    list_select_related = ["association"]
    search_fields = ["note"]
    date_hierarchy = "date"
    raw_id_fields = ["event", "project"]
