"""Report and dashboard reads from a streaming replica (DATABASE_REPLICA_URL).

Views that only read figures run inside `replica_reads()` (or are decorated with
`@replica_reads`); while the setting `REPORTS_READ_FROM_REPLICA` is on, the router sends their
reads to the "replica" database alias. Every write, and every read outside such a view, goes to
the primary. A replica lags its primary by a moment: figures read there are "as of" a second ago.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import models

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def replica_reads_view(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads of report views go to the replica when one is configured; all else to default."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        if _reading_reports.get() and getattr(settings, "REPORTS_READ_FROM_REPLICA", False):
            return REPLICA
        return None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
