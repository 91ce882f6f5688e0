"""Resident ID numbers at rest (PIPL): encrypted, looked up by a keyed hash, never stored plain.

A member's number is kept as three columns: the Fernet ciphertext (`settings.PERSONAL_DATA_KEY`,
retired keys in `PERSONAL_DATA_OLD_KEYS` still read), an HMAC-SHA256 of the number under a key
derived from PERSONAL_DATA_KEY (unique: every look-up by full number uses it) and the last four
characters (what a masked number shows, for tail searches). After changing the key, run
`manage.py rotate_personal_data` to re-encrypt and re-hash.

Refusing a number that is already registered says that it exists somewhere; so each refusal is
logged, and an account may be refused only so often (see `duplicate_refusal_allowed`).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.cache import cache

TAIL_LENGTH = 4
# The hash key is derived, so the encryption key itself never hashes anything.
_HASH_LABEL = b"jishengxie members: resident ID number look-up v1"

# At most this many refused duplicate ID numbers per account and window.
DUPLICATE_REFUSALS_PER_WINDOW = 20
DUPLICATE_WINDOW_SECONDS = 3600


@lru_cache(maxsize=4)
def _keys(current: str, old: tuple[str, ...]) -> tuple[MultiFernet, bytes]:
    fernet = MultiFernet([Fernet(key) for key in (current, *old)])
    hash_key = hmac.new(current.encode(), _HASH_LABEL, hashlib.sha256).digest()
    return fernet, hash_key


def _current() -> tuple[MultiFernet, bytes]:
    return _keys(settings.PERSONAL_DATA_KEY, tuple(settings.PERSONAL_DATA_OLD_KEYS))


def encrypt(text: str) -> str:
    return _current()[0].encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The plain text; a token no configured key opens raises (never shows ciphertext)."""
    if not token:
        return ""
    try:
        return _current()[0].decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal data encrypted with an unknown key") from exc


def rotate(token: str) -> str:
    """The token re-encrypted under the current key."""
    return _current()[0].rotate(token.encode()).decode() if token else ""


def id_hash(number: str) -> str:
    """The keyed hash full-number look-ups (duplicates, the look-up page, imports) use."""
    if not number:
        return ""
    return hmac.new(_current()[1], number.encode(), hashlib.sha256).hexdigest()


def id_tail(number: str) -> str:
    return number[-TAIL_LENGTH:] if number else ""


def id_columns(number: str) -> dict[str, str]:
    """The stored columns of a member's ID number."""
    return {
        "id_number_encrypted": encrypt(number),
        "id_number_hash": id_hash(number),
        "id_number_tail": id_tail(number),
    }


# ── refused duplicates ───────────────────────────────────────────────────────


def _refusals_key(user) -> str:
    return f"members:duplicate-id-refusals:{user.pk}"


def duplicate_refusal_allowed(user) -> bool:
    """Whether the account may still be told that a number is taken (else: too many tries)."""
    return cache.get(_refusals_key(user), 0) < DUPLICATE_REFUSALS_PER_WINDOW


def count_duplicate_refusal(user) -> None:
    key = _refusals_key(user)
    cache.add(key, 0, timeout=DUPLICATE_WINDOW_SECONDS)  # the window starts at the first one
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, timeout=DUPLICATE_WINDOW_SECONDS)
