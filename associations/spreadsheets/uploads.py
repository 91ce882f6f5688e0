"""Uploaded files waiting for confirmation: kept on disk, keyed in the session.

The preview and the confirmation read the same file; the session only holds a
random token, the kind and the original name, never the data.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

SESSION_KEY = "pending_imports"
MAX_AGE_SECONDS = 24 * 3600


def upload_dir() -> Path:
    default = Path(tempfile.gettempdir()) / "jishengxie-imports"
    return Path(getattr(settings, "IMPORT_UPLOAD_DIR", default))


def _path(token: str) -> Path:
    return upload_dir() / f"{token}.xlsx"


def _sweep() -> None:
    """Forget files nobody confirmed within a day."""
    limit = time.time() - MAX_AGE_SECONDS
    for old in upload_dir().glob("*.xlsx"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def keep(request: HttpRequest, upload: UploadedFile, kind: str) -> tuple[str, Path]:
    """Store the upload; returns its token and path."""
    upload_dir().mkdir(parents=True, exist_ok=True)
    _sweep()
    token = secrets.token_urlsafe(16)
    path = _path(token)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"kind": kind, "name": upload.name}
    request.session[SESSION_KEY] = pending
    return token, path


def find(request: HttpRequest, token: str) -> tuple[dict, Path] | None:
    """The entry and file for a token of this session, or None (unknown, expired)."""
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if entry is None or not _path(token).is_file():
        return None
    return entry, _path(token)


def discard(request: HttpRequest, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    _path(token).unlink(missing_ok=True)
