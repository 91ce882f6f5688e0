"""Faults: an import process killed half-way leaves all or nothing."""

import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from associations.models import Association
from tests.associations.sheets import xlsx

ROWS = 3000


def _database_copy(tmp_path) -> str:
    """A database the subprocess can open: the test database itself on PostgreSQL, a file copy
    of the in-memory one on SQLite. Returns its DATABASE_URL."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        host = f"{params['HOST']}:{params['PORT'] or 5432}"
        return f"postgres://{params['USER']}@{host}/{params['NAME']}"
    path = tmp_path / "copy.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{path}"


def _count_villages(url: str, tmp_path) -> int:
    if url.startswith("sqlite"):
        with sqlite3.connect(tmp_path / "copy.sqlite3") as db:
            return db.execute(
                "select count(*) from associations_association where code like '33079901%' "
                "and level = 'village'"
            ).fetchone()[0]
    return Association.objects.filter(code__startswith="33079901", level="village").count()


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_half_way_writes_nothing(network, tmp_path):
    before = Association.objects.filter(code__startswith="33079901", level="village").count()
    rows = [[f"33079901{5000 + i}", f"新村{i}", "村", "33079901", None] for i in range(ROWS)]
    path = xlsx(["编码", "名称", "级别", "上级编码", "成立日期"], *rows, path=tmp_path / "big.xlsx")
    url = _database_copy(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_records", "associations", str(path)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "PROGRESS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Kill it once the progress bar says the first thousand rows are written.
    seen = ""
    while "1,000" not in seen:
        chunk = process.stderr.read(1)
        assert chunk, f"the import ended before it could be killed: {seen[-300:]}"
        seen += chunk
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL  # killed, not finished
    assert _count_villages(url, tmp_path) == before  # all or nothing: nothing
