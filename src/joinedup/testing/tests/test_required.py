"""A missing file or tool skips a test on a developer's machine and fails it in CI."""

from __future__ import annotations

import pytest

from joinedup.testing.required import in_ci, missing


def test_in_ci_a_missing_file_fails_the_test_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        missing("the reference file /x/y.csv")
    assert str(failed.value) == "CI needs the reference file /x/y.csv; it is missing, so this test cannot run"


def test_outside_ci_a_missing_file_skips_the_test_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        missing("the reference file /x/y.csv")
    assert str(skipped.value) == "missing: the reference file /x/y.csv (CI fails here instead of skipping)"


@pytest.mark.parametrize(
    ("value", "ci"), [("true", True), ("1", True), ("TRUE", True), ("", False), ("false", False)]
)
def test_ci_is_recognised_as_ci_services_set_it(
    monkeypatch: pytest.MonkeyPatch, value: str, ci: bool
) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() is ci
