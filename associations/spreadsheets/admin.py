"""django-import-export's import and export buttons for a ScopedAdmin, through the same kinds.

The admin's dry run, preview and confirmation use the engine (all or nothing,
services, scope of `request.user`), and exports are scoped and masked for the
user; only .xlsx files, so exported files import back unchanged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import XLSX
from import_export.forms import ExportForm, ImportForm

from .importing import SheetError, inspect_upload
from .kinds import get_kind

MAX_ERRORS_IN_MESSAGE = 20


class VettedImportForm(ImportForm):
    """The admin's upload is vetted like the staff pages' before anything parses it."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            inspect_upload(upload.file if hasattr(upload, "file") else upload)
        except SheetError as exc:
            raise ValidationError(str(exc)) from exc
        upload.seek(0)
        return upload


class RecordsAdminMixin(ImportExportMixin):
    """Put before ScopedAdmin: `class MemberAdmin(RecordsAdminMixin, ScopedAdmin)`."""

    record_kind: str = ""
    import_formats = [XLSX]
    export_formats = [XLSX]
    export_form_class = ExportForm  # all columns, so an export always imports back
    import_form_class = VettedImportForm

    def get_resource_classes(self, request: HttpRequest):
        return [get_kind(self.record_kind)]

    def get_resource_kwargs(self, request: HttpRequest, *args, **kwargs):
        return {"by": request.user}

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("records.change") and self.has_add_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def process_result(self, result, request: HttpRequest):
        report = getattr(result, "report", None)
        if report is not None and not report.committed:
            # The data changed between preview and confirmation: nothing was written.
            messages.error(request, report.summary())
            for error in report.errors[:MAX_ERRORS_IN_MESSAGE]:
                messages.error(request, str(error))
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(reverse(f"admin:{app_label}_{model_name}_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request: HttpRequest) -> None:
        messages.success(request, result.report.summary())
