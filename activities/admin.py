"""Admin for the association's work records (system administrators only).

Every admin saves through the services (`ServiceAdmin.service_save`) with the
administrator as actor, so it refuses what the staff pages refuse: a chosen record
outside the scope, a project moved away from the households its aid went to. Related
records are picked with autocompletes, which are scoped and never look a label up
outside the scope. Materials, funding and evidence notes are shown read-only (they are
entered on the staff pages); an assessment's scores are one line of text, as in the
spreadsheets; a template's groups and items are edited inline and saved by the
template's service. Records are withdrawn (作废, the reason typed beside the action) and
restored with list actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.admin import ServiceAdmin
from associations.spreadsheets.admin import RecordsAdminMixin

from . import services
from .imports.assessments import (
    ItemList,
    as_service_scores,
    parse_items,
    render_items,
    scored_items,
)
from .models import (
    Aid,
    Assessment,
    AssessmentGroup,
    AssessmentItem,
    AssessmentTemplate,
    Award,
    Event,
    LedgerEntry,
    Project,
    SelfGovernance,
)


def _own(data: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The cleaned values of a record kind's declared fields that the form has."""
    return {name: data[name] for name in names if name in data}


class WithdrawActionForm(ActionForm):
    reason = forms.CharField(label=_("作废原因"), required=False, max_length=200)


class WithdrawnFilter(admin.SimpleListFilter):
    title = _("作废")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("0", _("未作废")), ("1", _("已作废"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(withdrawn_at__isnull=self.value() == "0")
        return queryset


class _RecordAdmin(RecordsAdminMixin, ServiceAdmin):
    """A work record: saved through its services, withdrawn and restored by list actions."""

    service_prefix: ClassVar[str]  # `<prefix>_withdraw`, `<prefix>_restore` in services
    keyword: ClassVar[str]  # the services' name for the record
    action_form = WithdrawActionForm
    actions = ["withdraw_selected", "restore_selected"]

    def get_list_filter(self, request: HttpRequest):
        return [*super().get_list_filter(request), WithdrawnFilter]

    def has_withdraw_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("records.withdraw")

    @admin.action(description=_("作废所选记录（请先填写作废原因）"), permissions=["withdraw"])
    def withdraw_selected(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        withdraw = getattr(services, f"{self.service_prefix}_withdraw")
        self._each(request, queryset, withdraw, reason=request.POST.get("reason", ""))

    @admin.action(description=_("恢复所选的已作废记录"), permissions=["withdraw"])
    def restore_selected(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        restore = getattr(services, f"{self.service_prefix}_restore")
        self._each(request, queryset.filter(withdrawn_at__isnull=False), restore)

    def _each(self, request: HttpRequest, queryset, service: Callable[..., Any], **kwargs) -> None:
        done = 0
        for obj in queryset:
            try:
                service(by=request.user, **{self.keyword: obj}, **kwargs)
            except (ValidationError, PermissionDenied) as exc:
                reasons = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                messages.error(request, f"{obj}：{' '.join(reasons)}")
            else:
                done += 1
        if done:
            messages.success(request, gettext("已处理 %(n)s 条记录。") % {"n": done})


@admin.register(Event)
class EventAdmin(_RecordAdmin):
    record_kind = "events"
    service_prefix = keyword = "event"
    list_display = ["started_on", "title", "type", "association", "participants", "cost"]
    list_filter = ["type", "started_on"]
    list_select_related = ["association"]
    search_fields = ["title", "place"]
    date_hierarchy = "started_on"
    fields = [*services.EVENT_FIELDS, "co_organisers", "attendees", "materials_given"]
    readonly_fields = ["materials_given"]
    autocomplete_fields = ["association", "co_organisers", "attendees"]

    # Shown, not edited: the staff page's event form writes them through the service.
    @admin.display(description=_("发放资料（在活动页面上修改）"))
    def materials_given(self, obj: Event) -> str:
        return "、".join(f"{m.get_kind_display()} {m.quantity}" for m in obj.materials.all()) or "—"

    def service_save(self, request: HttpRequest, obj: Event | None, data: dict) -> Event:
        own = _own(data, services.EVENT_FIELDS)
        sets = {name: list(data.get(name) or ()) for name in ("co_organisers", "attendees")}
        if obj is None:
            return services.event_create(by=request.user, **sets, **own)
        return services.event_update(by=request.user, event=obj, **sets, **own)


@admin.register(Project)
class ProjectAdmin(_RecordAdmin):
    record_kind = "projects"
    service_prefix = keyword = "project"
    list_display = ["code", "name", "kind", "association", "started_on", "ended_on"]
    list_filter = ["kind"]
    list_select_related = ["association"]
    search_fields = ["code", "name"]
    fields = [*services.PROJECT_FIELDS, "funding_by_source"]
    readonly_fields = ["funding_by_source"]
    autocomplete_fields = ["association"]

    # Shown, not edited: the staff page's project form writes them through the service.
    @admin.display(description=_("资金来源（筹集/支出，在项目页面上修改）"))
    def funding_by_source(self, obj: Project) -> str:
        rows = obj.funding.all()
        return "、".join(f"{f.get_source_display()} {f.raised}/{f.spent}" for f in rows) or "—"

    def service_save(self, request: HttpRequest, obj: Project | None, data: dict) -> Project:
        own = _own(data, services.PROJECT_FIELDS)
        if obj is None:
            return services.project_create(by=request.user, **own)
        return services.project_update(by=request.user, project=obj, **own)


@admin.register(Aid)
class AidAdmin(_RecordAdmin):
    record_kind = "aid"
    service_prefix = keyword = "aid"
    list_display = ["given_on", "household", "project", "kind", "amount", "provider"]
    list_filter = ["kind", "given_on"]
    list_select_related = ["household", "project"]
    search_fields = ["household__code", "household__head_name", "provider"]
    date_hierarchy = "given_on"
    fields = list(services.AID_FIELDS)
    autocomplete_fields = ["household", "project"]

    def service_save(self, request: HttpRequest, obj: Aid | None, data: dict) -> Aid:
        own = _own(data, services.AID_FIELDS)
        if obj is None:
            return services.aid_give(by=request.user, **own)
        return services.aid_update(by=request.user, aid=obj, **own)


class AwardAdminForm(forms.ModelForm):
    """The award's association follows its member group, member or household recipient."""

    class Meta:
        model = Award
        fields = list(services.AWARD_GRANT_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "association" in self.fields:
            self.fields["association"].required = False
            self.fields["association"].help_text = _(
                "获奖对象为会员小组、会员或家庭时，自动取其所在协会；为名册外的个人时须填写。"
            )

    def clean(self):
        data = super().clean()
        below = data.get("member_group") or data.get("member") or data.get("household")
        if below is not None and data.get("association") is None:
            data["association"] = below.association
        return data


@admin.register(Award)
class AwardAdmin(_RecordAdmin):
    record_kind = "awards"
    service_prefix = keyword = "award"
    form = AwardAdminForm
    list_display = [
        "year",
        "level",
        "title",
        "association",
        "member_group",
        "member",
        "household",
        "person_name",
    ]
    list_filter = ["year", "level"]
    list_select_related = ["association", "member_group", "member", "household"]
    search_fields = ["title", "awarding_body", "person_name"]
    autocomplete_fields = ["association", "member_group", "member", "household"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return list(services.RECIPIENTS) if obj is not None else []  # fixed once granted

    def service_save(self, request: HttpRequest, obj: Award | None, data: dict) -> Award:
        own = _own(data, services.AWARD_FIELDS)
        if obj is not None:
            return services.award_update(by=request.user, award=obj, **own)
        recipient = _own(data, services.RECIPIENTS)
        return services.award_grant(by=request.user, **own, **recipient)


class _TemplateRows(admin.TabularInline):
    """A template's groups or items, edited with it by administrators; the template's
    service writes them (`AssessmentTemplateAdmin.posted_rows`)."""

    extra = 1

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("templates.change")

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class GroupInline(_TemplateRows):
    model = AssessmentGroup
    fields = list(services.ASSESSMENT_GROUP_FIELDS)
    extra = 0


class ItemInlineForm(forms.ModelForm):
    def validate_unique(self) -> None:
        """Numbers may be swapped in one save: the service checks them (the formset still
        refuses a number given twice)."""


class ItemInline(_TemplateRows):
    model = AssessmentItem
    form = ItemInlineForm
    fields = list(services.ASSESSMENT_ITEM_FIELDS)

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        groups = obj.groups.all() if obj is not None else AssessmentGroup.objects.none()
        formset.form.base_fields["group"].queryset = groups
        return formset


def _posted(formset) -> list[dict[str, Any]]:
    """The rows of a valid formset as the service takes them (`id`: the stored row)."""
    deleted = {id(form) for form in formset.deleted_forms}
    return [
        {
            "id": form.instance.pk,
            **{name: form.cleaned_data.get(name) for name in form._meta.fields},
        }
        for form in formset.forms
        if id(form) not in deleted and (form.instance.pk is not None or form.has_changed())
    ]


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(ServiceAdmin):
    """Templates are shared by the whole network: only administrators change them. The
    groups and items are edited inline and saved, with the template, by its service
    (which re-scores every assessment against it)."""

    list_display = ["code", "name", "pass_mark", "excellent_from", "good_from", "fair_from"]
    fields = list(services.ASSESSMENT_TEMPLATE_FIELDS)
    inlines = [GroupInline, ItemInline]

    def get_queryset(self, request: HttpRequest):
        return AssessmentTemplate.objects.all()  # network-wide, not scoped

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.has_perm("templates.change")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("templates.change")

    def has_change_history_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("history.restore")

    def posted_rows(self, request: HttpRequest, obj: AssessmentTemplate | None) -> dict:
        """The groups and items as posted: the admin's own inline formsets, bound again to
        the request. None given (left as they are) when the page has no inlines (the
        history page's revert) or they do not validate (the page shows their errors)."""
        if request.method != "POST":
            return {}
        formsets = {}
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            prefix = formset_class.get_default_prefix()
            if f"{prefix}-TOTAL_FORMS" not in request.POST:
                return {}
            kwargs = self.get_formset_kwargs(request, obj or AssessmentTemplate(), inline, prefix)
            formset = formset_class(**kwargs)
            if not formset.is_valid():
                return {}
            formsets[inline.model] = formset
        groups, items = _posted(formsets[AssessmentGroup]), _posted(formsets[AssessmentItem])
        named = {row["id"]: row["name"] for row in groups if row["id"]}  # renamed now
        for row in items:
            row["group"] = named.get(row["group"].pk, row["group"].name) if row["group"] else None
        return {"groups": groups, "items": items}

    def service_save(
        self, request: HttpRequest, obj: AssessmentTemplate | None, data: dict
    ) -> AssessmentTemplate:
        own = _own(data, services.ASSESSMENT_TEMPLATE_FIELDS)
        rows = self.posted_rows(request, obj)
        if obj is None:
            return services.assessment_template_create(by=request.user, **rows, **own)
        return services.assessment_template_update(by=request.user, template=obj, **rows, **own)


class AssessmentAdminForm(forms.ModelForm):
    """The scores in one line, as in the spreadsheets: the items met (full points) by
    number, partial scores as “number=score”. Evidence is entered on the assessment page."""

    scores = forms.CharField(
        label=_("得分"),
        required=False,
        help_text=_(
            "达到（得满分）的项填序号，部分得分写“序号=得分”，如 1,2,3=4.5；未列出的项为 0 分。"
        ),
    )

    # The service's errors on the items met or scored belong to this one line.
    service_error_fields = {"items_met": "scores"}

    class Meta:
        model = Assessment
        fields = [*services.ASSESSMENT_FIELDS, "template"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["scores"] = render_items(scored_items(self.instance))

    def clean_scores(self) -> ItemList:
        return parse_items(self.cleaned_data["scores"])


@admin.register(Assessment)
class AssessmentAdmin(_RecordAdmin):
    record_kind = "assessments"
    service_prefix = keyword = "assessment"
    form = AssessmentAdminForm
    list_display = ["year", "association", "template", "total_score", "grade", "passed"]
    list_filter = ["year", "template", "grade", "passed"]
    list_select_related = ["association", "template"]
    fields = [
        *services.ASSESSMENT_FIELDS,
        *("template", "scores", "evidence", "total_score", "grade", "passed", "assessed_by"),
    ]
    autocomplete_fields = ["association"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Computed by the service from the scores; the template stays (items belong to it).
        computed = ["evidence", "total_score", "grade", "passed", "assessed_by"]
        return ["template", *computed] if obj is not None else computed

    # Shown, not edited: the staff page's assessment form writes it through the service.
    @admin.display(description=_("评分依据（在考核页面上修改）"))
    def evidence(self, obj: Assessment) -> str:
        rows = obj.scores.select_related("item").exclude(evidence="")
        return "；".join(f"{row.item.number}. {row.evidence}" for row in rows) or "—"

    def service_save(self, request: HttpRequest, obj: Assessment | None, data: dict) -> Assessment:
        own = _own(data, services.ASSESSMENT_FIELDS)
        scores = as_service_scores(data.get("scores") or {})
        if obj is None:
            template = data.get("template")
            return services.assessment_create(by=request.user, template=template, **scores, **own)
        return services.assessment_update(by=request.user, assessment=obj, **scores, **own)


@admin.register(SelfGovernance)
class SelfGovernanceAdmin(_RecordAdmin):
    record_kind = "selfgov"
    service_prefix = keyword = "selfgov"
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
    fields = list(services.SELFGOV_FIELDS)
    autocomplete_fields = ["association"]

    def service_save(
        self, request: HttpRequest, obj: SelfGovernance | None, data: dict
    ) -> SelfGovernance:
        own = _own(data, services.SELFGOV_FIELDS)
        if obj is None:
            return services.selfgov_create(by=request.user, **own)
        return services.selfgov_update(by=request.user, selfgov=obj, **own)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_RecordAdmin):
    record_kind = "ledger"
    service_prefix, keyword = "ledger", "entry"
    list_display = ["date", "association", "direction", "source", "purpose", "amount"]
    list_filter = ["direction", "source", "purpose", "date"]
    list_select_related = ["association"]
    search_fields = ["note"]
    date_hierarchy = "date"
    fields = list(services.LEDGER_FIELDS)
    autocomplete_fields = ["association", "event", "project"]

    def service_save(
        self, request: HttpRequest, obj: LedgerEntry | None, data: dict
    ) -> LedgerEntry:
        own = _own(data, services.LEDGER_FIELDS)
        if obj is None:
            return services.ledger_record(by=request.user, **own)
        return services.ledger_update(by=request.user, entry=obj, **own)
