"""Encryption of clinical notes at rest, under keys kept apart from the database's own.

Clinical notes are special-category health data that the employer's own staff (database
administrators included) must not read, so they are sealed with Fernet (AES-128-CBC with an
HMAC-SHA256; a token carries its time and is authenticated) under **occupational health's own
keys**, not the platform's ``FIELD_ENCRYPTION_KEYS``: a backup plus the platform's key still
does not open a note. Notes are few and read one case at a time, so Fernet's cost against
AES-GCM (core/crypto.py) does not matter here, and MultiFernet's ``rotate`` is what key
rotation needs.

Where the keys come from, first found wins:

1. the setting or environment variable ``JOINEDUP_OH_KEYS``: Fernet keys, comma-separated; the
   first encrypts, every one decrypts (rotate by putting a new key first, running
   ``notes.rotate_notes``, then dropping the old key);
2. the setting or environment variable ``JOINEDUP_OH_KEY_FILE``: a file holding the same list
   (commas or one key a line), for a secret mounted from a vault;
3. outside production only, ``INSECURE_DEVELOPMENT_OH_KEY``, a fixed published key, so the demo
   and the tests run with nothing set up. In production (``JOINEDUP_ENV=production``) no keys,
   this key, or a key shared with ``FIELD_ENCRYPTION_KEYS`` is an Error-level system check
   (``check_keys``), which stops ``joinedup serve`` and ``migrate`` at start.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured

# Published in this file, so it protects nothing: for development and tests only.
INSECURE_DEVELOPMENT_OH_KEY = "pGs6Cg2Z1nxm8a2SQ_4rZP1RmKb2tVHNySmJBpiCVKI="

KEYS_SETTING = "JOINEDUP_OH_KEYS"
KEY_FILE_SETTING = "JOINEDUP_OH_KEY_FILE"


class NoteKeyError(ValueError):
    """A note cannot be opened with the configured keys (a key dropped before rotation)."""


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _split(raw: str) -> list[str]:
    return [key.strip() for key in raw.replace("\n", ",").split(",") if key.strip()]


def configured_keys() -> list[str]:
    """The keys in order (the first encrypts). Raises ImproperlyConfigured for a key file that
    cannot be read; returns [] only in production with nothing set."""
    keys = _split(_setting(KEYS_SETTING))
    if keys:
        return keys
    path = _setting(KEY_FILE_SETTING).strip()
    if path:
        try:
            keys = _split(Path(path).read_text())
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{KEY_FILE_SETTING}={path!r} cannot be read: {exc.strerror}."
            ) from None
        if not keys:
            raise ImproperlyConfigured(f"{KEY_FILE_SETTING}={path!r} holds no key.")
        return keys
    if getattr(settings, "ENVIRONMENT", "development") == "production":
        return []
    return [INSECURE_DEVELOPMENT_OH_KEY]


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    try:
        each = [Fernet(key.encode()) for key in keys]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{KEYS_SETTING} holds a value that is not a Fernet key.") from exc
    return MultiFernet(each), each[0]


def _keys() -> tuple[MultiFernet, Fernet]:
    keys = configured_keys()
    if not keys:
        raise ImproperlyConfigured(f"Set {KEYS_SETTING} or {KEY_FILE_SETTING} in production.")
    return _fernets(tuple(keys))


def encrypt(text: str) -> str:
    return encrypt_bytes(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode()


def is_current(token: str) -> bool:
    """Whether ``token`` is sealed under the first (current) key: rotation leaves it alone."""
    return is_current_bytes(token.encode("ascii"))


def rotate(token: str) -> str:
    """``token`` sealed again under the current key (its time kept, as MultiFernet does)."""
    return rotate_bytes(token.encode("ascii")).decode("ascii")


# The same for bytes (an attachment's content): the token is Fernet's URL-safe base64, as bytes.


def encrypt_bytes(data: bytes) -> bytes:
    return _keys()[0].encrypt(data)


# PostgreSQL hands a bytea column back as a memoryview, SQLite as bytes.
def decrypt_bytes(token: bytes | memoryview) -> bytes:
    try:
        return _keys()[0].decrypt(bytes(token))
    except InvalidToken:
        raise NoteKeyError("This note cannot be read with the configured keys.") from None


def is_current_bytes(token: bytes | memoryview) -> bool:
    try:
        _keys()[1].decrypt(bytes(token))
    except InvalidToken:
        return False
    return True


def rotate_bytes(token: bytes | memoryview) -> bytes:
    try:
        return _keys()[0].rotate(bytes(token))
    except InvalidToken:
        raise NoteKeyError("This note cannot be read with the configured keys.") from None


def check_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The system check: in production the notes must have keys of their own."""
    production = getattr(settings, "ENVIRONMENT", "development") == "production"
    try:
        keys = configured_keys()
        if keys:
            _fernets(tuple(keys))
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="wellbeing.E002")]
    if not keys:
        return [
            Error(
                "Clinical notes have no encryption key.",
                hint=f"Set {KEYS_SETTING} (Fernet keys, comma-separated; the first encrypts) or "
                f"{KEY_FILE_SETTING} (a file holding them).",
                id="wellbeing.E001",
            )
        ]
    if not production:
        return []
    if INSECURE_DEVELOPMENT_OH_KEY in keys:
        return [
            Error(
                "Clinical notes use the published development key in production.",
                hint=f"Put a new key first in {KEYS_SETTING}, rotate the notes, then drop this key.",
                id="wellbeing.E003",
            )
        ]
    if set(keys) & set(getattr(settings, "FIELD_ENCRYPTION_KEYS", [])):
        return [
            Error(
                "Clinical notes share a key with FIELD_ENCRYPTION_KEYS.",
                hint="Occupational health's keys are its own: no key of the platform may open a note.",
                id="wellbeing.E004",
            )
        ]
    return []
