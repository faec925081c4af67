from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def _run_check(extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "AUDIT_CHECKPOINT_KEY")
    }
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "joinedup.cli", "check", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[4],
    )


def test_the_production_settings_pass_djangos_deployment_checks(tmp_path: Path) -> None:
    result = _run_check(
        {
            "JOINEDUP_ENV": "production",
            "SECRET_KEY": "x" * 30 + "-not-a-real-key-but-long-and-varied-1234567890",
            "ALLOWED_HOSTS": "joinedup.example",
            "JOINEDUP_VAR_DIR": str(tmp_path),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "AUDIT_CHECKPOINT_KEY": "z" * 64,
            # Occupational health's clinical notes have keys of their own (wellbeing.E001).
            "JOINEDUP_OH_KEYS": Fernet.generate_key().decode(),
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_encryption_keys(tmp_path: Path) -> None:
    result = _run_check(
        {
            "JOINEDUP_ENV": "production",
            "SECRET_KEY": "y" * 60,
            "ALLOWED_HOSTS": "joinedup.example",
            "JOINEDUP_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0
    assert "Set FIELD_ENCRYPTION_KEYS in production" in result.stderr


def test_production_refuses_to_start_without_an_audit_checkpoint_key(tmp_path: Path) -> None:
    result = _run_check(
        {
            "JOINEDUP_ENV": "production",
            "SECRET_KEY": "y" * 60,
            "ALLOWED_HOSTS": "joinedup.example",
            "JOINEDUP_VAR_DIR": str(tmp_path),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        }
    )
    assert result.returncode != 0
    assert "Set AUDIT_CHECKPOINT_KEY in production" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _run_check(
        {"JOINEDUP_ENV": "production", "ALLOWED_HOSTS": "joinedup.example", "JOINEDUP_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "Set the environment variable SECRET_KEY" in result.stderr
