"""Encryption at rest for personal data that must not sit readable in the database or its
backups (bank details).

Values are written with AES-256-GCM (authenticated; a fresh 96-bit nonce each time) under a key
derived by HKDF-SHA256 from the first configured key. AES-GCM rather than Fernet because a
BACS file or a pay run reads three encrypted fields for each of up to a million people, and
Fernet's decryption costs about nine times as much (8.8 µs against 1.0 µs here). Values written
earlier as Fernet tokens are still read. The keys stay in Fernet's format (32 random bytes,
urlsafe base64): the first encrypts, all decrypt, so a key is rotated by putting a new one
first."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterable
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

# Marks the AES-GCM format; a Fernet token is urlsafe base64, which never holds a dot.
_GCM_PREFIX = "g1."
_NONCE_BYTES = 12
_HKDF_INFO = b"joinedup field encryption: AES-256-GCM"
# A bytes table: str.translate looks each character up in a dict, and for a 60-character token
# cost more than the decryption (30 µs against 8 under load); bytes.translate indexes a table.
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _raw_keys() -> list[bytes]:
    keys = settings.FIELD_ENCRYPTION_KEYS
    try:
        raw = [base64.urlsafe_b64decode(key.encode()) for key in keys]
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ValueError("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key.") from exc
    if not raw or any(len(key) != 32 for key in raw):
        raise ValueError("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key.")
    return raw


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in _raw_keys()])


@cache
def _ciphers() -> tuple[AESGCM, ...]:
    return tuple(
        AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(key))
        for key in _raw_keys()
    )


def encrypt(value: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _ciphers()[0].encrypt(nonce, value.encode(), None)
    return _GCM_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token.startswith(_GCM_PREFIX):
        try:
            return _fernet().decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("Encrypted value cannot be read with the configured keys.") from exc
    try:
        # binascii directly: base64.urlsafe_b64decode's layers cost more than the decryption.
        raw = binascii.a2b_base64(
            token[len(_GCM_PREFIX) :].encode("ascii").translate(_FROM_URLSAFE), strict_mode=True
        )
    except (ValueError, binascii.Error) as exc:
        raise ValueError("Encrypted value is damaged.") from exc
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    for cipher in _ciphers():
        try:
            return cipher.decrypt(nonce, sealed, None).decode()
        except InvalidTag:
            continue
    raise ValueError("Encrypted value cannot be read with the configured keys.")


def decrypt_many(tokens: Iterable[str]) -> list[str]:
    """:func:`decrypt` of each token, an empty one read as '' (as :class:`EncryptedCharField`
    reads it). A BACS file reads two for each of up to a million people, and at that count the
    per-value lookups and calls around the 1 µs decryption cost more than it does: the usual
    token (AES-GCM under the first key) is opened here with them hoisted; anything else (Fernet,
    an older key, a damaged value) goes through :func:`decrypt`, which gives the same answer or
    raises the same error."""
    first = _ciphers()[0].decrypt
    a2b = binascii.a2b_base64
    translation = _FROM_URLSAFE
    prefix, start = _GCM_PREFIX, len(_GCM_PREFIX)
    plain: list[str] = []
    append = plain.append
    for token in tokens:
        if not token:
            append("")
            continue
        if token.startswith(prefix):
            try:
                raw = a2b(token[start:].encode("ascii").translate(translation), strict_mode=True)
                append(first(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], None).decode())
                continue
            except (ValueError, InvalidTag):  # binascii.Error and UnicodeError are ValueErrors
                pass
        append(decrypt(token))
    return plain


class EncryptedCharField(models.TextField[str, str]):
    """Stores ciphertext, hands the application plaintext. Not searchable or sortable, by
    design; an empty value is stored as an empty string, unencrypted."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return encrypt(str(value))
