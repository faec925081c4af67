from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from joinedup.core.env import env_bool, env_choice, env_list, env_str


def test_it_names_the_variable_when_a_boolean_is_mistyped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "treu")
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='treu' is not a boolean"):
        env_bool("DEBUG", default=False)


def test_it_reads_booleans_in_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG", default=not expected) is expected


def test_it_requires_a_variable_without_a_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="Set the environment variable SECRET_KEY"):
        env_str("SECRET_KEY")


def test_it_rejects_an_empty_host_in_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example,,b.example")
    with pytest.raises(ImproperlyConfigured, match="empty entry"):
        env_list("ALLOWED_HOSTS", [])


def test_it_rejects_an_unknown_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOINEDUP_ENV", "prod")
    with pytest.raises(ImproperlyConfigured, match="must be one of: development, test, production"):
        env_choice("JOINEDUP_ENV", "development", ("development", "test", "production"))
