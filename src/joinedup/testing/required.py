"""What a test does when a file or tool it needs is missing: on a developer's machine it skips and
says what is missing; in CI (``CI=true``, as .ci/run is run) it fails, so a missing reference file
or tool can never turn a test silent there. No Django: the pure engine's tests use it too."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(what: str) -> NoReturn:
    """Skip outside CI, fail in CI, naming ``what`` is missing and where it was looked for."""
    if in_ci():
        pytest.fail(f"CI needs {what}; it is missing, so this test cannot run", pytrace=False)
    pytest.skip(f"missing: {what} (CI fails here instead of skipping)")
