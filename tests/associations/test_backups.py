"""A backup restores into an empty database with the same rows and figures; a backup made under
another personal-data key, or into a database that is not empty, is refused."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from associations.backups import key_fingerprint
from tests.activities.factories import EventFactory
from tests.members.factories import MemberFactory

ROOT = Path(settings.BASE_DIR)


def _manage(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the same engine as the tests'; its URL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=params["HOST"],
        port=params["PORT"] or 5432,
        user=params["USER"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database(network, tmp_path, empty_database):
    MemberFactory.create_batch(3, association=network["village_a1"])
    EventFactory(association=network["village_a1"])
    target = tmp_path / "backup.dump"
    call_command("backup", "-o", str(target))
    manifest = json.loads((tmp_path / "backup.dump.json").read_text())
    assert manifest["key_fingerprint"] == key_fingerprint()
    assert manifest["rows"]["members.Member"] == 3 and manifest["rows"]["activities.Event"] == 1
    assert target.stat().st_mode & 0o777 == 0o600
    restored = _manage("restore", str(target), database_url=empty_database)
    assert restored.returncode == 0, restored.stderr
    figures = _manage(
        "annual_report",
        "--scope",
        "330799",
        "--year",
        "2024",
        "--format",
        "json",
        database_url=empty_database,
    )
    assert figures.returncode == 0, figures.stderr
    assert json.loads(figures.stdout)["indicators"]["org.associations.total"] == 7
    again = _manage("restore", str(target), database_url=empty_database)
    assert again.returncode != 0 and "不是空的" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_backup_made_under_another_key_is_refused(network, tmp_path, empty_database):
    target = tmp_path / "backup.dump"
    call_command("backup", "-o", str(target))
    other = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMDA="
    refused = _manage("restore", str(target), database_url=empty_database, PERSONAL_DATA_KEY=other)
    assert refused.returncode != 0 and "另一把个人信息密钥" in refused.stderr
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.dump"))
