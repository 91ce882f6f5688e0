"""我的任务: the background jobs a user started — progress, result, download, retry."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import Job, JobStatus
from .spreadsheets.importing import ImportReport
from .tasks import live_progress


def _own_job(request: HttpRequest, pk: int) -> Job:
    """A job of the user's own; anyone else's is simply not found."""
    return live_progress(get_object_or_404(Job, pk=pk, owner=request.user))


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(owner=request.user)
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    page.object_list = [live_progress(job) for job in page.object_list]
    return render(request, "associations/jobs/list.html", {"page_obj": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    report = ImportReport.from_json(job.result) if job.result and "kind" in job.result else None
    context = {"job": job, "report": report, "errors": report.errors[:1000] if report else []}
    return render(request, "associations/jobs/detail.html", context)


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bar polls."""
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "status": job.shown_status,
            "status_label": JobStatus(job.shown_status).label,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "finished": job.shown_status in (JobStatus.SUCCEEDED, JobStatus.FAILED),
        }
    )


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    path = Path(job.result_file) if job.result_file else None
    if job.status != JobStatus.SUCCEEDED or path is None or not path.is_file():
        raise Http404(_("结果文件已过期或不存在，请重新运行该任务。"))
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)


@require_POST
@login_required
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        again = services.job_retry(by=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("associations:job", pk=job.pk)
    return redirect("associations:job", pk=again.pk)
