"""Background jobs (我的任务): large imports and exports, progress, failure and retry; the
full export's purpose and the log of personal-data reveals."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import AccessKind, Association, Job, JobStatus, PersonalDataAccess, Role
from associations.services import job_start, personal_data_access_record
from tests.associations.sheets import read, xlsx
from tests.associations.test_imports import HEADER, good_rows
from tests.conftest import make_person


@pytest.fixture
def small_limits(monkeypatch):
    """Two rows count as "large" here, so the job path is taken with a tiny file."""
    monkeypatch.setattr("associations.spreadsheets.views.INLINE_IMPORT_ROWS", 2)
    monkeypatch.setattr("associations.spreadsheets.views.INLINE_EXPORT_ROWS", 2)


def _upload(client, kind, content):
    return client.post(reverse("associations:import_upload", args=[kind]), {"file": content})


def test_a_large_import_is_checked_and_imported_by_the_worker(
    client_for, town_secretary, small_limits, django_capture_on_commit_callbacks, settings
):
    client = client_for(town_secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "associations", xlsx(HEADER, *good_rows()))
    check = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/associations/jobs/{check.pk}/"
    assert (check.status, check.owner, check.total) == (JobStatus.SUCCEEDED, town_secretary, 4)
    page = client.get(response["Location"])
    assert page.context["report"].created == 4 and "确认导入" in page.content.decode()
    assert not Association.objects.filter(code="33079901203").exists()  # a check only
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("associations:import_confirm"), {"token": check.result["token"]}
        )
    done = Job.objects.exclude(pk=check.pk).get()
    assert done.status == JobStatus.SUCCEEDED and "已全部导入" in done.message
    assert Association.objects.filter(code="33079901205").exists()
    assert not list((settings.PRIVATE_FILES_DIR / "uploads").iterdir())  # deleted once imported


def test_a_large_export_is_written_by_the_worker_for_its_owner_only(
    client_for, town_secretary, outsider, network, small_limits, django_capture_on_commit_callbacks
):
    client = client_for(town_secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("associations:export", args=["associations"]))
    job = Job.objects.get()
    assert response["Location"] == reverse("associations:job", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.result_name.endswith(".xlsx")
    download = client.get(reverse("associations:job_download", args=[job.pk]))
    rows = read(b"".join(download.streaming_content))
    assert [r[0] for r in rows[1:]] == ["33079901", "33079901001", "33079901201", "33079901202"]
    for url in ("job", "job_status", "job_download"):
        assert (
            client_for(outsider).get(reverse(f"associations:{url}", args=[job.pk])).status_code
            == 404
        )


def test_progress_is_polled_and_a_dead_worker_shows_as_failed_with_a_retry(
    client_for, town_secretary, django_capture_on_commit_callbacks
):
    job = Job.objects.create(
        owner=town_secretary,
        label="导入会员",
        runner="associations.spreadsheets.jobs.run_import",
        params={"kind": "members", "token": "gone", "file_name": "x.xlsx", "dry_run": True},
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        total=100,
    )
    client = client_for(town_secretary)
    status = client.get(reverse("associations:job_status", args=[job.pk])).json()
    assert status["status"] == "running" and not status["finished"]
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    status = client.get(reverse("associations:job_status", args=[job.pk])).json()
    assert (status["status"], status["finished"]) == ("failed", True)
    page = client.get(reverse("associations:job", args=[job.pk])).content.decode()
    assert "任务中断" in page and "重试" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("associations:job_retry", args=[job.pk]))
    again = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("associations:job", args=[again.pk])
    # The upload is gone, so the retried check fails — with the reason, never a traceback.
    assert again.status == JobStatus.FAILED and "已过期" in again.message


def test_a_failing_runner_records_why(town_secretary, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            by=town_secretary,
            label="导出",
            runner="associations.spreadsheets.jobs.run_export",
            params={"kind": "associations", "scope_id": 0, "reveal": False, "purpose": ""},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "系统出错" in job.message


def test_full_export_needs_a_purpose_and_is_logged(client_for, county_secretary, network):
    client = client_for(county_secretary)
    url = reverse("associations:export", args=["members"])
    response = client.post(url, {"scope": network["town_a"].pk, "purpose": ""})
    assert response.status_code == 200 and "须填写用途" in response.content.decode()
    assert not PersonalDataAccess.objects.exists()
    response = client.post(url, {"scope": network["town_a"].pk, "purpose": "核对会员名册"})
    assert response.status_code == 200
    [entry] = PersonalDataAccess.objects.all()
    assert (entry.by, entry.kind, entry.association, entry.purpose) == (
        county_secretary,
        AccessKind.EXPORT,
        network["town_a"],
        "核对会员名册",
    )


def test_full_export_is_refused_without_the_permission(client_for, outsider, network):
    url = reverse("associations:export", args=["members"])
    response = client_for(outsider).post(url, {"scope": network["town_b"].pk, "purpose": "看看"})
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_reveal_log_is_for_administrators_in_their_scope(
    client_for, network, town_admin, town_secretary, county_secretary
):
    for where in ("town_a", "town_b"):
        personal_data_access_record(
            by=county_secretary,
            kind=AccessKind.VIEW,
            subject=f"会员 张三 {where}",
            association=network[where],
            purpose="核对",
        )
    url = reverse("associations:personal_data_log")
    response = client_for(town_admin).get(url)
    assert response.status_code == 200
    assert [e.subject for e in response.context["page_obj"].object_list] == ["会员 张三 town_a"]
    assert client_for(town_secretary).get(url).status_code == 403
    superuser = make_person("root2", None, Role.ADMIN, is_superuser=True)
    assert len(client_for(superuser).get(url).context["page_obj"].object_list) == 2
