"""Staff pages: templates, exports, and upload → preview → confirm → result."""

from __future__ import annotations

import datetime as dt
import tempfile
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.models import Level
from associations.scope import requested_scope, write_required
from associations.selectors import association_choices

from . import uploads
from .exporting import write_export, write_template
from .forms import UploadForm
from .importing import import_file
from .kinds import PERSONAL_DATA_PERMISSION, RecordResource, get_kind, kinds

MAX_ERRORS_SHOWN = 1000
EXPORT_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN, Level.BRANCH)


def _kind(name: str) -> type[RecordResource]:
    try:
        return get_kind(name)
    except LookupError as exc:
        raise Http404(_("没有这种数据。")) from exc


@login_required
def index(request: HttpRequest, form: UploadForm | None = None, chosen: str = "") -> HttpResponse:
    scope = requested_scope(request)
    scopes = association_choices(request.user, levels=EXPORT_LEVELS).order_by("path")
    context = {
        "kinds": kinds(),
        "scope": scope,
        "scopes": scopes,
        "form": form or UploadForm(),
        "chosen": chosen,
        "masked": not request.user.has_perm(PERSONAL_DATA_PERMISSION),
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
def export(request: HttpRequest, kind: str) -> FileResponse:
    resource, scope = _kind(kind), requested_scope(request)
    # On disk, and deleted when the response has streamed and closed it.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    write_export(resource, handle, scope=scope, by=request.user)
    handle.seek(0)
    name = f"{resource.label}-{scope.code}-{dt.date.today():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name)


@write_required
@require_POST
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    resource = _kind(kind)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return index(request, form=form, chosen=kind)
    token, path = uploads.keep(request, form.cleaned_data["file"], kind)
    report = import_file(
        resource, path, by=request.user, dry_run=True, file_name=form.cleaned_data["file"].name
    )
    return _report(request, "associations/imports/preview.html", resource, report, token)


@write_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    found = uploads.find(request, token)
    if found is None:
        messages.error(request, _("上传的文件已过期或已导入，请重新上传。"))
        return redirect("associations:imports")
    entry, path = found
    resource = _kind(entry["kind"])
    report = import_file(resource, path, by=request.user, file_name=entry["name"])
    if report.committed:
        uploads.discard(request, token)
    return _report(request, "associations/imports/result.html", resource, report, token)


def _report(request, template_name: str, resource, report, token: str) -> HttpResponse:
    context = {
        "kind": resource,
        "report": report,
        "token": token,
        "errors": report.errors[:MAX_ERRORS_SHOWN],
        "more_errors": max(0, len(report.errors) - MAX_ERRORS_SHOWN),
    }
    return render(request, template_name, context)
