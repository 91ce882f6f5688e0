"""Staff pages: templates, exports, and upload → preview → confirm → result.

Small files and exports are handled in the request; large ones become background jobs
(我的任务) with a progress bar. The everyday export masks personal data; a full export is a
deliberate, logged act with a stated purpose.
"""

from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.forms import ScopeForm
from associations.models import Level
from associations.scope import requested_scope, write_required
from associations.services import job_start

from . import uploads
from .exporting import write_export, write_template
from .forms import FullExportForm, UploadForm
from .importing import ImportReport, import_file, open_xlsx
from .jobs import (
    INLINE_EXPORT_ROWS,
    INLINE_IMPORT_ROWS,
    export_file_name,
    log_full_export,
)
from .kinds import RecordResource, get_kind, kinds

MAX_ERRORS_SHOWN = 1000
EXPORT_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN, Level.BRANCH)


def _kind(name: str) -> type[RecordResource]:
    try:
        return get_kind(name)
    except LookupError as exc:
        raise Http404(_("没有这种数据。")) from exc


@login_required
def index(
    request: HttpRequest,
    form: UploadForm | None = None,
    full_form: FullExportForm | None = None,
    chosen: str = "",
) -> HttpResponse:
    scope = requested_scope(request, request.POST.get("scope"))
    scope_form = ScopeForm(scope=scope, label=_("导出范围"), levels=EXPORT_LEVELS)
    context = {
        "kinds": kinds(),
        "scope": scope,
        "scope_form": scope_form,
        "form": form or UploadForm(),
        "full_form": full_form or FullExportForm(auto_id=False, initial={"scope": scope.pk}),
        "chosen": chosen,
        "may_reveal": request.user.has_perm("personal_data.view", scope),
    }
    return render(request, "associations/imports/index.html", context)


@login_required
def template(request: HttpRequest, kind: str) -> FileResponse:
    resource = _kind(kind)
    buffer = BytesIO()
    write_template(resource, buffer)
    buffer.seek(0)
    name = _("%(label)s导入模板.xlsx") % {"label": resource.label}
    return FileResponse(buffer, as_attachment=True, filename=name)


@login_required
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: the everyday export (personal data masked). POST with a purpose: the full export,
    for those allowed to see personal data, logged as a reveal."""
    _kind(kind)  # an unknown kind is not found before anything else
    scope = requested_scope(request, request.POST.get("scope"))
    reveal, purpose = False, ""
    if request.method == "POST":
        form = FullExportForm(request.POST, auto_id=False)
        if not form.is_valid():
            return index(request, full_form=form, chosen=kind)
        if not request.user.has_perm("personal_data.view", scope):
            raise PermissionDenied(_("您的账号没有查看完整个人信息的权限。"))
        reveal, purpose = True, form.cleaned_data["purpose"]
    return export_response(request, kind, scope, reveal=reveal, purpose=purpose)


def export_response(
    request: HttpRequest,
    kind: str,
    scope,
    *,
    reveal: bool = False,
    purpose: str = "",
    filters: dict | None = None,
) -> HttpResponse:
    """The export of `kind` under `scope` (of a staff list's `filters`, if given): a download
    when small, else a background job (我的任务) with a progress bar and a result link."""
    resource = _kind(kind)(by=request.user)
    rows = resource.scoped_export_queryset(scope)
    rows = resource.filtered(rows, filters) if filters else rows
    count = rows.count()
    if count > INLINE_EXPORT_ROWS:
        job = job_start(
            by=request.user,
            label=_("导出%(label)s：%(scope)s") % {"label": resource.label, "scope": scope.name},
            runner="associations.spreadsheets.jobs.run_export",
            params={
                "kind": kind,
                "scope_id": scope.pk,
                "reveal": reveal,
                "purpose": purpose,
                "filters": filters or {},
            },
            total=count,
        )
        return redirect("associations:job", pk=job.pk)
    # On disk, and deleted when the response has streamed and closed it.
    handle = tempfile.TemporaryFile(dir=uploads.private_dir("results"))  # noqa: SIM115
    written = write_export(
        type(resource), handle, scope=scope, by=request.user, reveal=reveal, filters=filters
    )
    if reveal and resource.has_personal_columns():
        log_full_export(request.user, kind, scope, written, purpose)
    handle.seek(0)
    name = export_file_name(kind, scope, timezone.localdate())
    return FileResponse(handle, as_attachment=True, filename=name)


def _count_rows(path) -> int:
    with open_xlsx(path) as sheet:
        return sheet.declared_rows or 0


@write_required
@require_POST
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    resource = _kind(kind)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return index(request, form=form, chosen=kind)
    name = form.cleaned_data["file"].name
    token, path = uploads.keep(request, form.cleaned_data["file"], kind)
    if _large(path):
        job = _import_job(request, kind, resource, path, name, dry_run=True)
        return redirect("associations:job", pk=job.pk)
    return redirect("associations:import_preview", token=token)


def _kept_upload(request: HttpRequest, token: str) -> tuple[dict, Path] | None:
    found = uploads.find(request, token)
    if found is None:
        messages.error(request, _("上传的文件已过期或已导入，请重新上传。"))
    return found


@write_required
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """A kept upload checked without saving: a page of its own, so that a reload or a
    language switch shows it again."""
    if (found := _kept_upload(request, token)) is None:
        return redirect("associations:imports")
    entry, path = found
    resource = _kind(entry["kind"])
    report = import_file(resource, path, by=request.user, dry_run=True, file_name=entry["name"])
    return _report(request, "associations/imports/preview.html", resource, report, token)


@write_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    if (found := _kept_upload(request, token)) is None:
        return redirect("associations:imports")
    entry, path = found
    resource = _kind(entry["kind"])
    if _large(path):
        job = _import_job(request, entry["kind"], resource, path, entry["name"])
        return redirect("associations:job", pk=job.pk)
    report = import_file(resource, path, by=request.user, file_name=entry["name"])
    if report.committed:
        uploads.discard(request, token)
    return _report(request, "associations/imports/result.html", resource, report, token)


def _large(path) -> bool:
    try:
        return _count_rows(path) > INLINE_IMPORT_ROWS
    except Exception:  # an unreadable file is reported by the import itself, in the request
        return False


def _import_job(request, kind: str, resource, path, name: str, *, dry_run: bool = False):
    label = _("预检%(label)s：%(name)s") if dry_run else _("导入%(label)s：%(name)s")
    return job_start(
        by=request.user,
        label=label % {"label": resource.label, "name": name},
        runner="associations.spreadsheets.jobs.run_import",
        params={
            "kind": kind,
            "token": path.stem,
            "file_name": name,
            "dry_run": dry_run,
        },
        total=_count_rows(path),
    )


def _report(request, template_name: str, resource, report: ImportReport, token: str):
    context = {
        "kind": resource,
        "report": report,
        "token": token,
        "errors": report.errors[:MAX_ERRORS_SHOWN],
        "more_errors": max(0, len(report.errors) - MAX_ERRORS_SHOWN),
    }
    return render(request, template_name, context)
