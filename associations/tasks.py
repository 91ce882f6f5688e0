"""Background jobs (我的任务) on Django's task framework (the `django-tasks` backport).

A page starts a job with `associations.services.job_start`; the task worker (`manage.py
db_worker` with the database backend, an RQ worker with Redis) runs `run_job`, which calls the
job's runner — a function `runner(*, job, progress, **params) -> JobOutcome` named by its dotted
path, so any app can offer runners without this app importing it. Progress goes through the
cache (visible at once, even while the runner's own transaction is open); the outcome and the
final status are written to the Job row.

A worker killed mid-job leaves the runner's transaction rolled back (an import is all or
nothing) and the job's progress silent: `Job.is_stale` then shows it as failed, with a retry.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Job, JobStatus

try:  # Django 6 ships the task framework; 5.2 has the backport with the same API.
    from django.tasks import task
except ImportError:
    from django_tasks import task

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.5


@dataclass
class JobOutcome:
    """What a runner hands back: a report (JSON-ready) and/or a file to download."""

    message: str = ""
    result: dict[str, Any] | None = None
    file: Path | None = None
    file_name: str = ""


def _progress_key(job_id: int) -> str:
    return f"job-progress:{job_id}"


class Progress:
    """Called by a runner as it goes: `progress(done, total)`; cheap to call per row."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_EVERY_SECONDS and (total is None or done < total):
            return
        self._last = now
        cache.set(
            _progress_key(self.job.pk),
            {"done": done, "total": total, "message": message, "at": timezone.now()},
            timeout=24 * 3600,
        )


def live_progress(job: Job) -> Job:
    """The job with the latest progress its runner reported (while it runs)."""
    if job.status == JobStatus.RUNNING:
        latest = cache.get(_progress_key(job.pk))
        if latest:
            job.done, job.total = latest["done"], latest["total"]
            job.message = latest["message"] or job.message
            job.heartbeat_at = latest["at"]
    return job


def _failure_reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return _("处理时系统出错（%(error)s），已记录。请重试，或联系系统管理员。") % {
        "error": type(exc).__name__
    }


@task()
def run_job(job_id: int) -> str:
    """Run one job to its end; the job row records the outcome whatever happens."""
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return "skipped"
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
    job.status = JobStatus.RUNNING
    runner = import_string(job.runner)
    try:
        # Reports, files and messages in the owner's language? The documents the system writes
        # are Chinese whatever the page language, as everywhere else.
        with override("zh-hans"):
            outcome: JobOutcome = runner(job=job, progress=Progress(job), **job.params)
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.runner)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=_failure_reason(exc)
        )
        return "failed"
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        message=outcome.message[:500],
        result=outcome.result,
        result_file=str(outcome.file or ""),
        result_name=outcome.file_name,
        done=cache.get(_progress_key(job.pk), {}).get("done", 0),
        total=cache.get(_progress_key(job.pk), {}).get("total"),
    )
    cache.delete(_progress_key(job.pk))
    return "succeeded"
