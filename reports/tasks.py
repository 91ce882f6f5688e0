"""Background work of the reports app, run by the task worker."""

from __future__ import annotations

try:  # Django 6 ships the task framework; 5.2 has the backport with the same API.
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task()
def refresh_figures() -> int:
    """Bring every stored figure marked out of date up to date (see reports.catalog.store)."""
    from .catalog.store import work_off

    return work_off()


@task()
def send_digests() -> int:
    """The daily 待办 digests (see reports.digests); safe to run more often than daily."""
    from .digests import send_digests as send

    return send().sent
