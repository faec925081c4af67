"""Suite-wide test set-up. JOINEDUP_ENV=test picks fast password hashing and immediate tasks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("JOINEDUP_ENV", "test")

_RESULTS = Path(__file__).parent / "build" / "test-results"
_browser_outcomes: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" in report.keywords and (report.when == "call" or report.outcome == "skipped"):
        _browser_outcomes.append(report.outcome)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # .ci/run reads this to fail a build whose browser tests were silently skipped.
    if not _browser_outcomes or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    _RESULTS.mkdir(parents=True, exist_ok=True)
    ran = all(outcome == "passed" for outcome in _browser_outcomes)
    (_RESULTS / "browser.status").write_text("ran\n" if ran else "skipped\n")
