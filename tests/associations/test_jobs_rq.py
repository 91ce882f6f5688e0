"""The RQ backend on Redis (several machines): a job queued through it runs in an RQ worker.

Needs Redis at REDIS_TEST_URL (default 127.0.0.1:6379, database 15). CI sets REQUIRE_REDIS=1
so a missing Redis fails there instead of skipping.
"""

import os

import pytest
import redis

from associations.models import Association, Job, JobStatus
from associations.services import job_start

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def rq_backend(settings):
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip("Redis is not running")
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield connection
    connection.flushdb()


def test_a_job_queued_on_redis_runs_in_an_rq_worker(
    rq_backend, town_secretary, network, django_capture_on_commit_callbacks
):
    import django_rq
    from django_tasks_rq.backend import Job as TaskJob
    from rq import SimpleWorker

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            by=town_secretary,
            label="导出协会",
            runner="associations.spreadsheets.jobs.run_export",
            params={
                "kind": "associations",
                "scope_id": network["town_a"].pk,
                "reveal": False,
                "purpose": "",
            },
        )
    queue = django_rq.get_queue("default")
    assert queue.count == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED  # nothing ran yet
    # What `manage.py rqworker --job-class django_tasks_rq.backend.Job default` runs.
    SimpleWorker([queue], connection=queue.connection, job_class=TaskJob).work(burst=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert "4" in job.message and Association.objects.count() == 7
