"""Encryption at rest: what is stored cannot be read without the key, is tamper-evident, and
survives key rotation and the change from Fernet tokens to AES-GCM."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from joinedup.core import crypto


@contextmanager
def keys(*values: str) -> Iterator[None]:
    crypto._fernet.cache_clear()
    crypto._ciphers.cache_clear()
    try:
        with override_settings(FIELD_ENCRYPTION_KEYS=list(values)):
            yield
    finally:
        crypto._fernet.cache_clear()
        crypto._ciphers.cache_clear()


OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_it_round_trips_and_never_stores_the_plaintext() -> None:
    with keys(OLD):
        token = crypto.encrypt("12345678")
        assert "12345678" not in token and token.startswith("g1.")
        assert crypto.decrypt(token) == "12345678"


def test_the_same_value_encrypts_differently_each_time() -> None:
    with keys(OLD):
        assert crypto.encrypt("40-47-84") != crypto.encrypt("40-47-84")


def test_it_still_reads_values_written_as_fernet_tokens() -> None:
    with keys(OLD):
        legacy = Fernet(OLD.encode()).encrypt(b"Ms A Person").decode()
        assert crypto.decrypt(legacy) == "Ms A Person"


def test_a_rotated_key_still_reads_what_the_old_key_wrote() -> None:
    with keys(OLD):
        token = crypto.encrypt("12345678")
    with keys(NEW, OLD):
        assert crypto.decrypt(token) == "12345678"
        fresh = crypto.encrypt("87654321")
    with keys(OLD), pytest.raises(ValueError, match="cannot be read"):
        crypto.decrypt(fresh)


def test_a_changed_token_is_refused_not_misread() -> None:
    with keys(OLD):
        token = crypto.encrypt("12345678")
        flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        with pytest.raises(ValueError):
            crypto.decrypt(flipped)


def test_a_key_that_is_not_a_fernet_key_is_refused() -> None:
    with keys("not-a-key"), pytest.raises(ValueError, match="not a Fernet key"):
        crypto.encrypt("x")


def test_reading_many_at_once_gives_what_reading_each_gives() -> None:
    with keys(OLD):
        old_token = crypto.encrypt("12345678")
        legacy = Fernet(OLD.encode()).encrypt(b"Ms A Person").decode()
    with keys(NEW, OLD):
        tokens = [crypto.encrypt("40-47-84"), "", old_token, legacy, crypto.encrypt("Seán Ó Briain")]
        assert crypto.decrypt_many(tokens) == ["40-47-84", "", "12345678", "Ms A Person", "Seán Ó Briain"]
        assert crypto.decrypt_many(iter(tokens)) == [crypto.decrypt(t) if t else "" for t in tokens]


def test_reading_many_refuses_a_changed_token_as_reading_one_does() -> None:
    with keys(OLD):
        token = crypto.encrypt("12345678")
        flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        with pytest.raises(ValueError, match="cannot be read"):
            crypto.decrypt_many([crypto.encrypt("1"), flipped])
        with pytest.raises(ValueError, match="damaged"):
            crypto.decrypt_many(["g1.!!!"])


def test_a_token_with_a_character_base64_never_holds_is_refused_as_damaged() -> None:
    with keys(OLD):
        token = crypto.encrypt("12345678")
        spoiled = token[:-4] + "é" + token[-3:]
        with pytest.raises(ValueError, match="damaged"):
            crypto.decrypt(spoiled)
        with pytest.raises(ValueError, match="damaged"):
            crypto.decrypt_many([spoiled])
