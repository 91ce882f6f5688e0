"""Admin for submission records, scoped like every admin (`ScopedAdmin`).

Reports change state only through `reports.services` (from the submission pages),
so the state machine, rights and snapshots are never bypassed: reports and their
transitions are read-only here. Deadlines are set through `deadline_set`, which
also restores an earlier version from the history page. Context records, plans and
targets save through their services and are withdrawn and restored by list actions.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from activities.admin import _RecordAdmin
from associations.admin import ScopedAdmin, ServiceAdmin

from . import services
from .models import (
    AnnualReport,
    FigureOverride,
    ReportDeadline,
    ReportTransition,
    Target,
    UnitContext,
    WorkPlan,
    WorkReport,
)


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class TransitionInline(ReadOnly, admin.TabularInline):
    model = ReportTransition
    fields = ["at", "by", "from_status", "to_status", "on_behalf", "comment"]
    readonly_fields = fields
    extra = 0


class OverrideInline(ReadOnly, admin.TabularInline):
    model = FigureOverride
    fields = ["at", "by", "code", "value", "note"]
    readonly_fields = fields
    extra = 0


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnly, ScopedAdmin):
    list_display = [
        "association",
        "year",
        "status",
        "first_submitted_at",
        "approved_at",
        "entered_by_parent",
    ]
    list_filter = ["year", "status", "entered_by_parent"]
    list_select_related = ["association"]
    search_fields = ["association__name", "association__code"]
    readonly_fields = [
        "association",
        "year",
        "status",
        "first_submitted_at",
        "submitted_at",
        "approved_at",
        "entered_by_parent",
        "snapshot_taken_at",
        "catalog_version",
        "snapshot",
    ]
    fields = readonly_fields
    inlines = [TransitionInline, OverrideInline]
    list_per_page = 50


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(ServiceAdmin):
    list_display = ["association", "year", "due_on", "set_by", "set_at"]
    list_filter = ["year"]
    list_select_related = ["association", "set_by"]
    search_fields = ["association__name", "association__code"]
    autocomplete_fields = ["association"]
    fields = ["association", "year", "due_on", "set_by", "set_at"]
    readonly_fields = ["set_by", "set_at"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # A deadline belongs to its parent and year; only the date moves.
        fixed = ["association", "year"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def service_save(self, request: HttpRequest, obj: ReportDeadline | None, data: dict):
        return services.deadline_set(
            by=request.user,
            parent=data.get("association") or obj.association,
            year=data.get("year") or obj.year,
            due_on=data["due_on"],
        )


@admin.register(ReportTransition)
class ReportTransitionAdmin(ReadOnly, ScopedAdmin):
    list_display = ["report", "from_status", "to_status", "by", "at", "on_behalf"]
    list_filter = ["to_status", "on_behalf"]
    list_select_related = ["report__association", "by"]
    search_fields = ["report__association__name", "comment"]
    readonly_fields = ["report", "from_status", "to_status", "by", "at", "on_behalf", "comment"]
    fields = readonly_fields


@admin.register(WorkReport)
class WorkReportAdmin(ReadOnly, ScopedAdmin):
    """Drafts are written, and their versions restored, on the work report page itself
    (through `reports.services`): read-only here."""

    list_display = ["association", "year", "title", "version", "generated_at", "updated_at"]
    list_filter = ["year"]
    list_select_related = ["association"]
    search_fields = ["association__name", "association__code", "title"]
    readonly_fields = ["association", "year", "title", "salutation", "version", "generated_at"]
    fields = readonly_fields


# ── Target management (目标管理) ───────────────────────────────────────────────
class _PlanningAdmin(_RecordAdmin):
    """Saved through `reports.services` (`<prefix>_create`, `<prefix>_update` with the kind's
    declared fields); withdrawn and restored by list actions."""

    record_fields: tuple[str, ...]

    def service(self, action: str):
        return getattr(services, f"{self.service_prefix}_{action}")

    @admin.action(description=_("作废所选记录（请先填写作废原因）"), permissions=["withdraw"])
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        reason = request.POST.get("reason", "")
        self._each(request, queryset, self.service("withdraw"), reason=reason)

    @admin.action(description=_("恢复所选的已作废记录"), permissions=["withdraw"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset.filter(withdrawn_at__isnull=False), self.service("restore"))

    def service_save(self, request: HttpRequest, obj, data: dict):
        own = {name: data[name] for name in self.record_fields if name in data}
        if obj is None:
            return self.service("create")(by=request.user, **own)
        return self.service("update")(by=request.user, **{self.keyword: obj}, **own)


@admin.register(UnitContext)
class UnitContextAdmin(_PlanningAdmin):
    record_kind = "context"
    service_prefix = keyword = "context"
    record_fields = services.CONTEXT_FIELDS
    fields = list(record_fields)
    list_display = ["year", "association", "population", "married_women", "fp_budget"]
    list_filter = ["year"]
    list_select_related = ["association"]
    search_fields = ["association__name", "association__code"]
    autocomplete_fields = ["association"]


@admin.register(WorkPlan)
class WorkPlanAdmin(_PlanningAdmin):
    service_prefix = keyword = "plan"
    record_fields = services.PLAN_FIELDS
    fields = list(record_fields)
    list_display = ["year", "association", "title", "document_number", "issued_on"]
    list_filter = ["year"]
    list_select_related = ["association"]
    search_fields = ["title", "document_number", "association__name"]
    autocomplete_fields = ["association"]

    # Plans have no spreadsheet kind: they are written on the plans page.
    def has_import_permission(self, request: HttpRequest) -> bool:
        return False

    def has_export_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Target)
class TargetAdmin(_PlanningAdmin):
    record_kind = "targets"
    service_prefix = keyword = "target"
    record_fields = services.TARGET_FIELDS
    fields = list(record_fields)
    list_display = ["year", "association", "code", "value", "note"]
    list_filter = ["year", "code"]
    list_select_related = ["association"]
    search_fields = ["code", "association__name", "association__code"]
    autocomplete_fields = ["association"]
