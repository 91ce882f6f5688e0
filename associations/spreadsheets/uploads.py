"""Uploaded files waiting for confirmation, and files a job produced for download.

They hold personal data, so they live in `settings.PRIVATE_FILES_DIR` (directory 0700, files
0600: readable by the application's account only), never in the shared temporary directory.
An upload is deleted once its import is confirmed, and any file nobody claimed within an hour
(uploads) or a day (job results) is swept away.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

SESSION_KEY = "pending_imports"
UPLOAD_MAX_AGE_SECONDS = 3600
RESULT_MAX_AGE_SECONDS = 24 * 3600


def private_dir(kind: str) -> Path:
    """A private directory (created 0700) for one kind of file: "uploads" or "results"."""
    root = Path(settings.PRIVATE_FILES_DIR)
    path = root / kind
    for folder in (root, path):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    return path


def private_file(kind: str, suffix: str) -> Path:
    """A new, empty private file (0600) with an unguessable name."""
    path = private_dir(kind) / f"{secrets.token_urlsafe(16)}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    return path


def sweep(kind: str, max_age_seconds: int) -> int:
    """Delete this kind's files older than `max_age_seconds`; returns how many."""
    limit = time.time() - max_age_seconds
    removed = 0
    for old in private_dir(kind).iterdir():
        if old.is_file() and old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)
            removed += 1
    return removed


def sweep_all() -> int:
    return sweep("uploads", UPLOAD_MAX_AGE_SECONDS) + sweep("results", RESULT_MAX_AGE_SECONDS)


def upload_path(token: str) -> Path:
    return private_dir("uploads") / f"{token}.xlsx"


def _write(path: Path, chunks: Iterable[bytes]) -> None:
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)


def keep(request: HttpRequest, upload: UploadedFile, kind: str) -> tuple[str, Path]:
    """Store the upload privately until it is confirmed; returns its token and path."""
    sweep("uploads", UPLOAD_MAX_AGE_SECONDS)
    path = private_file("uploads", ".xlsx")
    token = path.stem
    _write(path, upload.chunks())
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"kind": kind, "name": upload.name}
    request.session[SESSION_KEY] = pending
    return token, path


def find(request: HttpRequest, token: str) -> tuple[dict, Path] | None:
    """The entry and file for a token of this session, or None (unknown, expired, used)."""
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if entry is None or not upload_path(token).is_file():
        return None
    return entry, upload_path(token)


def discard(request: HttpRequest, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    upload_path(token).unlink(missing_ok=True)
