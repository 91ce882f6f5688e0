"""Admin for the association's work records (system administrators only).

Every admin saves through the services (`ServiceAdmin.service_save`) with the
administrator as actor, so it refuses what the staff pages refuse: a chosen record
outside the scope, a project moved away from the households its aid went to. Related
records are picked with autocompletes, which are scoped and never look a label up
outside the scope. Materials and funding are shown read-only (they are entered on the
staff pages); a checklist's items are edited as text through its service. Records are
withdrawn (作废, the reason typed beside the action) and restored with list actions.
"""

from __future__ import annotations

import re
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
from .models import (
    Aid,
    Assessment,
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
    """The award's association follows its member or household recipient."""

    class Meta:
        model = Award
        fields = list(services.AWARD_GRANT_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "association" in self.fields:
            self.fields["association"].required = False
            self.fields["association"].help_text = _("获奖对象为会员或家庭时，自动取其所在协会。")

    def clean(self):
        data = super().clean()
        person = data.get("member") or data.get("household")
        if person is not None:
            data["association"] = person.association
        return data


@admin.register(Award)
class AwardAdmin(_RecordAdmin):
    record_kind = "awards"
    service_prefix = keyword = "award"
    form = AwardAdminForm
    list_display = ["year", "level", "title", "association", "member", "household"]
    list_filter = ["year", "level"]
    list_select_related = ["association", "member", "household"]
    search_fields = ["title", "awarding_body"]
    autocomplete_fields = ["association", "member", "household"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return list(services.RECIPIENTS) if obj is not None else []  # fixed once granted

    def service_save(self, request: HttpRequest, obj: Award | None, data: dict) -> Award:
        own = _own(data, services.AWARD_FIELDS)
        if obj is not None:
            return services.award_update(by=request.user, award=obj, **own)
        person = {name: data[name] for name in ("member", "household") if data.get(name)}
        recipient = person or {"association": data.get("association")}
        return services.award_grant(by=request.user, **own, **recipient)


# A checklist item as written in the admin: "1. 有会员花名册".
_ITEM_LINE = re.compile(r"^\s*(\d+)\s*[.．、:：)）]?\s*(\S.*?)\s*$")


class AssessmentTemplateAdminForm(forms.ModelForm):
    items = forms.CharField(
        label=_("考核项"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "每行一项：序号和内容，如“1. 有会员花名册”。已被考核勾选的项不能删除；"
            "保存后按新的考核项和达标规则重新判定全部考核。"
        ),
    )

    class Meta:
        model = AssessmentTemplate
        fields = list(services.ASSESSMENT_TEMPLATE_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            lines = (f"{item.number}. {item.text}" for item in self.instance.items.all())
            self.initial["items"] = "\n".join(lines)

    def clean_items(self) -> list[tuple[int, str]]:
        items: dict[int, str] = {}
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            match = _ITEM_LINE.match(line)
            if match is None:
                raise ValidationError(
                    _("“%(line)s”无法识别：每行写序号和内容，如“1. 有会员花名册”。")
                    % {"line": line.strip()}
                )
            number = int(match[1])
            if number in items:
                raise ValidationError(_("第 %(n)s 项重复了。") % {"n": number})
            items[number] = match[2]
        return sorted(items.items())


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(ServiceAdmin):
    """Checklists are shared by the whole network: only administrators change them."""

    form = AssessmentTemplateAdminForm
    list_display = ["code", "name", "pass_rule", "pass_minimum"]
    fields = [*services.ASSESSMENT_TEMPLATE_FIELDS, "items"]

    def get_queryset(self, request: HttpRequest):
        return AssessmentTemplate.objects.all()  # network-wide, not scoped

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.has_perm("templates.change")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("templates.change")

    def has_change_history_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("history.restore")

    def service_save(
        self, request: HttpRequest, obj: AssessmentTemplate | None, data: dict
    ) -> AssessmentTemplate:
        own = _own(data, services.ASSESSMENT_TEMPLATE_FIELDS)
        if obj is None:
            return services.assessment_template_create(by=request.user, items=data["items"], **own)
        return services.assessment_template_update(
            by=request.user, template=obj, items=data["items"], **own
        )


class AssessmentAdminForm(forms.ModelForm):
    """Items ticked must belong to the chosen template (the list offers every template's)."""

    class Meta:
        model = Assessment
        fields = [*services.ASSESSMENT_FIELDS, "template", "items_met"]

    def clean(self):
        data = super().clean()
        template = data.get("template") or getattr(self.instance, "template", None)
        items = data.get("items_met")
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
class AssessmentAdmin(_RecordAdmin):
    record_kind = "assessments"
    service_prefix = keyword = "assessment"
    form = AssessmentAdminForm
    list_display = ["year", "association", "template", "passed", "assessed_on"]
    list_filter = ["year", "template", "passed"]
    list_select_related = ["association", "template"]
    fields = [*services.ASSESSMENT_FIELDS, "template", "items_met", "passed"]
    autocomplete_fields = ["association"]
    filter_horizontal = ["items_met"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # `passed` follows the items met; the template stays (items belong to it).
        return ["template", "passed"] if obj is not None else ["passed"]

    def service_save(self, request: HttpRequest, obj: Assessment | None, data: dict) -> Assessment:
        own = _own(data, services.ASSESSMENT_FIELDS)
        numbers = [item.number for item in data.get("items_met") or ()]
        if obj is None:
            template = data.get("template")
            return services.assessment_create(
                by=request.user, template=template, items_met=numbers, **own
            )
        return services.assessment_update(by=request.user, assessment=obj, items_met=numbers, **own)


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
