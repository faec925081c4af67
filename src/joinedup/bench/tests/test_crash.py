"""The crash stress's own rules: kill points that replay from their seed, and database faults
only where the command may stop the database (the trials themselves: tests/test_crash_stress.py)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.bench import crash


def test_a_seed_draws_the_same_kill_point_and_fault_for_a_trial_whatever_runs_before_it() -> None:
    first = [crash.draw(7, "payrun", n, database_kill=True) for n in range(1, 51)]
    assert [crash.draw(7, "payrun", n, database_kill=True) for n in (50, 3, 1)] == [
        first[49],
        first[2],
        first[0],
    ]
    assert crash.draw(8, "payrun", 1, database_kill=True) != first[0]
    assert all(0 <= fraction < 1 for fraction, _ in first)
    # Fifty trials draw every kind of fault.
    assert {fault for _, fault in first} == {"worker", "database", "both"}


def test_without_database_kill_every_trial_kills_the_process_only() -> None:
    assert {crash.draw(7, "import", n, database_kill=False)[1] for n in range(1, 51)} == {"worker"}


def test_database_kill_is_refused_on_sqlite(tmp_path: Path) -> None:
    plan = crash.Plan(("payrun",), trials=1, seed=1, employees=10, batch_size=5, database_kill=True)
    with pytest.raises(crash.StressError) as raised:
        crash.check_cluster(plan, crash.SqliteScratch(tmp_path))
    assert str(raised.value) == (
        "--database-kill stops PostgreSQL: run it with DATABASE_URL on a PostgreSQL cluster."
    )


def test_database_kill_is_refused_without_a_cluster_it_may_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(crash.PG_CTL_VARIABLE, raising=False)
    plan = crash.Plan(("payrun",), trials=1, seed=1, employees=10, batch_size=5, database_kill=True)
    scratch = crash.PostgresScratch(tmp_path, "postgres://postgres@127.0.0.1:1/joinedup")
    with pytest.raises(crash.StressError) as raised:
        crash.check_cluster(plan, scratch)
    assert str(raised.value) == (
        "--database-kill needs a cluster it may stop: set JOINEDUP_PG_CTL to its pg_ctl command line "
        "(tools/with-postgres sets it for the command it runs)."
    )


def test_the_cluster_is_controlled_by_the_command_line_it_was_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crash.PG_CTL_VARIABLE, "runuser -u postgres -- /bin/pg_ctl -D '/srv/pg 15/data'")
    cluster = crash.Cluster.from_environment()
    assert cluster is not None
    assert cluster.command == ["runuser", "-u", "postgres", "--", "/bin/pg_ctl", "-D", "/srv/pg 15/data"]


def test_a_replayed_trial_must_be_one_of_the_trials() -> None:
    with pytest.raises(CommandError) as raised:
        call_command("stress", "crash", "--trials", "3", "--trial", "4", stdout=StringIO())
    assert str(raised.value) == "--trial must be one of the trials, from 1 to --trials."
