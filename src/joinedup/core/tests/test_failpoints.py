"""Failpoints (core/failpoints.py): dormant unless the crash harness arms them; armed, they count
how often the work passes each, or hold the work at the K-th pass of one until released."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from joinedup.core import failpoints
from joinedup.core.failpoints import Armed, failpoint, failpoint_on_commit


@pytest.fixture(autouse=True)
def disarmed_afterwards() -> Iterator[None]:
    yield
    failpoints.arm(None)


def test_they_are_dormant_unless_the_environment_names_a_directory(tmp_path: Path) -> None:
    assert failpoints.from_environment({}) is None
    assert failpoints.from_environment({failpoints.VARIABLE: "  "}) is None
    # And the suite itself runs with them dormant: nothing in it sets the variable.
    assert failpoints._armed is None
    failpoint("payrun.batch_counted")
    assert list(tmp_path.iterdir()) == []


def test_armed_without_a_target_they_count_every_pass(tmp_path: Path) -> None:
    failpoints.arm(failpoints.from_environment({failpoints.VARIABLE: str(tmp_path)}))
    for name in ("payrun.batch_written", "payrun.batch_counted", "payrun.batch_written"):
        failpoint(name)
    assert (tmp_path / "hits").read_text().splitlines() == [
        "payrun.batch_written",
        "payrun.batch_counted",
        "payrun.batch_written",
    ]


def test_a_target_names_a_failpoint_and_which_pass_of_it(tmp_path: Path) -> None:
    armed = failpoints.from_environment(
        {failpoints.VARIABLE: str(tmp_path), failpoints.TARGET_VARIABLE: "recharge.journal_posted:3"}
    )
    assert armed is not None
    assert (armed.directory, armed.target) == (tmp_path, ("recharge.journal_posted", 3))
    for wrong in ("recharge.journal_posted", "recharge.journal_posted:0", ":2", "x:two"):
        with pytest.raises(ValueError) as raised:
            failpoints.parse_target(wrong)
        assert str(raised.value) == f"JOINEDUP_FAILPOINT_TARGET is NAME:K with K at least 1, not {wrong!r}."


def test_the_targeted_pass_holds_the_work_until_the_harness_releases_it(tmp_path: Path) -> None:
    failpoints.arm(Armed(tmp_path, ("payrun.batch_counted", 2)))
    passed: list[int] = []

    def work() -> None:
        for n in range(1, 4):
            failpoint("payrun.batch_written")  # another point: passes freely
            failpoint("payrun.batch_counted")
            passed.append(n)

    thread = threading.Thread(target=work)
    thread.start()
    hit = tmp_path / "hit"
    deadline = time.monotonic() + 30
    while not hit.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    # Held at the second pass: the first batch went by, the second is not let through.
    assert hit.read_text().split()[:2] == ["payrun.batch_counted", "2"]
    time.sleep(0.1)
    assert passed == [1]
    (tmp_path / "release").touch()
    thread.join(timeout=30)
    assert passed == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_a_failpoint_on_commit_is_passed_only_once_the_transaction_commits(tmp_path: Path) -> None:
    failpoints.arm(Armed(tmp_path))
    hits = tmp_path / "hits"
    with transaction.atomic():
        failpoint_on_commit("import.committed")
        assert not hits.exists()
    assert hits.read_text() == "import.committed\n"
    with pytest.raises(RuntimeError), transaction.atomic():
        failpoint_on_commit("import.committed")
        raise RuntimeError("rolled back")
    assert hits.read_text() == "import.committed\n"
