"""Consistent backups of the whole database and their restore (manage.py backup / restore).

PostgreSQL is dumped with `pg_dump --format=custom` (one consistent snapshot while the system
runs) and restored with `pg_restore`; SQLite is copied with its online backup API. Beside each
backup a manifest records when and from what it was made, the row counts of the main tables and
the fingerprint of the personal-data key: the encrypted ID numbers in a backup can only be read
with that key, so a restore under another key is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

COUNTED_MODELS = (
    "associations.Association",
    "associations.User",
    "members.Member",
    "members.Household",
    "members.LiaisonPair",
    "members.OfficerPosition",
    "activities.Event",
    "activities.Project",
    "activities.Aid",
    "activities.LedgerEntry",
    "reports.AnnualReport",
)


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason."""


@dataclass
class Manifest:
    created_at: str
    engine: str
    database: str
    key_fingerprint: str
    rows: dict[str, int]

    def write(self, backup: Path) -> Path:
        path = manifest_path(backup)
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(path, 0o600)
        return path

    @classmethod
    def read(cls, backup: Path) -> Manifest:
        path = manifest_path(backup)
        if not path.is_file():
            raise BackupError(f"找不到备份说明文件 {path}（每个备份旁都应有一个）。")
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def key_fingerprint(key: str | None = None) -> str:
    """Identifies the personal-data key without revealing it."""
    key = key if key is not None else settings.PERSONAL_DATA_KEY
    return hashlib.sha256(("jishengxie-key-fingerprint:" + key).encode()).hexdigest()[:16]


def row_counts(using: str = "default") -> dict[str, int]:
    return {
        label: apps.get_model(label)._base_manager.using(using).count() for label in COUNTED_MODELS
    }


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _pg_args(settings_dict: dict) -> list[str]:
    args = []
    for option, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    return args


def _engine(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"].rsplit(".", 1)[-1]
    if engine not in ("sqlite3", "postgresql"):
        raise BackupError(f"不支持的数据库：{engine}")
    return engine


def backup(target: Path, *, using: str = "default") -> Manifest:
    """Write a consistent copy of the database to `target` (0600) and its manifest."""
    db = connections[using]
    settings_dict = db.settings_dict
    engine = _engine(settings_dict)
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine == "postgresql":
        command = ["pg_dump", "--format=custom", "--no-owner", "-f", str(target)]
        run = subprocess.run(
            [*command, *_pg_args(settings_dict), str(settings_dict["NAME"])],
            env=_pg_env(settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode:
            raise BackupError(f"pg_dump 失败：{run.stderr.strip()}")
    else:
        db.ensure_connection()
        with sqlite3.connect(target) as copy:
            db.connection.backup(copy)
        copy.close()
    os.chmod(target, 0o600)
    manifest = Manifest(
        created_at=timezone.now().isoformat(timespec="seconds"),
        engine=engine,
        database=str(settings_dict["NAME"]),
        key_fingerprint=key_fingerprint(),
        rows=row_counts(using),
    )
    manifest.write(target)
    return manifest


def _is_empty(using: str) -> bool:
    with connections[using].cursor() as cursor:
        tables = connections[using].introspection.table_names(cursor)
    return "django_migrations" not in tables


def restore(source: Path, *, using: str = "default", allow_other_key: bool = False) -> Manifest:
    """Load a backup into an empty database (made with `createdb`, or a new SQLite file)."""
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}。")
    manifest = Manifest.read(source)
    if manifest.key_fingerprint != key_fingerprint() and not allow_other_key:
        raise BackupError(
            "该备份用另一把个人信息密钥加密（密钥指纹 "
            f"{manifest.key_fingerprint}，当前 {key_fingerprint()}）：请先把 PERSONAL_DATA_KEY "
            "设为备份时的密钥，否则恢复后身份证号无法读取。"
        )
    db = connections[using]
    engine = _engine(db.settings_dict)
    if engine != manifest.engine:
        raise BackupError(f"备份来自 {manifest.engine}，不能恢复到 {engine}。")
    if not _is_empty(using):
        raise BackupError("目标数据库不是空的：恢复只写入新建的空数据库，以免覆盖现有数据。")
    if engine == "postgresql":
        run = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "-d",
                str(db.settings_dict["NAME"]),
                *_pg_args(db.settings_dict),
                str(source),
            ],
            env=_pg_env(db.settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode:
            raise BackupError(f"pg_restore 失败：{run.stderr.strip()}")
    else:
        db.ensure_connection()
        with sqlite3.connect(source) as original:
            original.backup(db.connection)
        original.close()
    restored = row_counts(using)
    if restored != manifest.rows:
        raise BackupError(f"恢复后的行数与备份说明不一致：{restored} ≠ {manifest.rows}")
    return manifest
