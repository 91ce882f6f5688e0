"""Admin for submission records, scoped like every admin (`ScopedAdmin`).

Reports change state only through `reports.services` (from the submission pages),
so the state machine, rights and snapshots are never bypassed: reports and their
transitions are read-only here. Deadlines are set through `deadline_set`, which
also restores an earlier version from the history page.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from associations.admin import ScopedAdmin, ServiceAdmin

from . import services
from .models import AnnualReport, FigureOverride, ReportDeadline, ReportTransition, WorkReport


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
