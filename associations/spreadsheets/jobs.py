"""Imports and exports too large for one request, run as background jobs (see associations.tasks).

A file of more than `INLINE_IMPORT_ROWS` data rows is checked and imported by the worker; an
export of more than `INLINE_EXPORT_ROWS` rows is written by the worker to a private file the
owner downloads from 我的任务. Both report progress as they go.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from associations.models import AccessKind, Association, Job
from associations.services import personal_data_access_record
from associations.tasks import JobOutcome, Progress

from .exporting import write_export
from .importing import import_file
from .kinds import get_kind
from .uploads import RESULT_MAX_AGE_SECONDS, private_file, sweep, upload_path

INLINE_IMPORT_ROWS = 2000
INLINE_EXPORT_ROWS = 5000


def run_import(
    *, job: Job, progress: Progress, kind: str, token: str, file_name: str, dry_run: bool
) -> JobOutcome:
    """Check (dry run) or import an uploaded file; all or nothing, as in a request."""
    path = upload_path(token)
    if not path.is_file():
        raise ValidationError(_("上传的文件已过期或已导入，请重新上传。"))
    report = import_file(
        kind, path, by=job.owner, dry_run=dry_run, file_name=file_name, progress=progress
    )
    if report.committed:
        path.unlink(missing_ok=True)
    return JobOutcome(message=report.summary(), result={**report.as_json(), "token": token})


def export_file_name(kind: str, scope: Association, day) -> str:
    return f"{get_kind(kind).label}-{scope.code}-{day:%Y%m%d}.xlsx"


def run_export(
    *,
    job: Job,
    progress: Progress,
    kind: str,
    scope_id: int,
    reveal: bool,
    purpose: str,
    filters: dict | None = None,
) -> JobOutcome:
    """Write the export (of a staff list's `filters`, if given) to a private file for the
    owner to download."""
    scope = Association.objects.visible_to(job.owner).get(pk=scope_id)
    sweep("results", RESULT_MAX_AGE_SECONDS)
    path = private_file("results", ".xlsx")
    count = write_export(
        kind, path, scope=scope, by=job.owner, reveal=reveal, progress=progress, filters=filters
    )
    if reveal and get_kind(kind).has_personal_columns():
        log_full_export(job.owner, kind, scope, count, purpose)
    return JobOutcome(
        message=_("已导出 %(n)s 行。") % {"n": count},
        file=path,
        file_name=export_file_name(kind, scope, job.created_at),
    )


def log_full_export(by, kind: str, scope: Association, rows: int, purpose: str) -> None:
    """An export with full personal data is a reveal: who, which file, when, why."""
    personal_data_access_record(
        by=by,
        kind=AccessKind.EXPORT,
        subject=_("%(label)s导出：%(scope)s")
        % {"label": get_kind(kind).label, "scope": scope.name},
        association=scope,
        purpose=purpose,
        rows=rows,
    )
