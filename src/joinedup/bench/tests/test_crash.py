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


def test_kill_points_are_drawn_after_the_start_up_every_command_pays() -> None:
    result = crash.ScenarioResult("payrun", window=10.0, expected={}, startup=4.0)
    assert [result.delay(f) for f in (0.0, 0.5, 0.99)] == [4.0, 7.0, 9.94]


def test_where_a_pay_run_was_cut_off_is_named_from_its_progress() -> None:
    assert crash.stage("payrun", []) == "no run"
    assert crash.stage("payrun", [("calculating", 0, 160)]) == "no payslip written yet"
    assert crash.stage("payrun", [("calculating", 40, 160)]) == "payslips part written (25-50%)"
    assert crash.stage("payrun", [("calculating", 159, 160)]) == "payslips part written (75-100%)"
    assert crash.stage("payrun", [("calculated", 160, 160)]) == "all payslips written, run calculated"


def test_where_an_import_or_a_recharge_run_was_cut_off_is_named_from_what_it_committed() -> None:
    assert crash.stage("import", [(0,)]) == "no employment in yet"
    assert crash.stage("import", [(240,)]) == "240 employments in"
    assert crash.stage("recharge", [(0,)]) == "no recharge run yet"
    assert crash.stage("recharge", [(1,)]) == "recharge run written"


def test_the_summary_counts_where_the_interruptions_landed_and_the_time_a_trial_took() -> None:
    result = crash.ScenarioResult("import", window=6.0, expected={}, startup=2.0)
    for number, (stage, seconds) in enumerate(
        [("no employment in yet", 9.0), ("240 employments in", 11.0), ("no employment in yet", 10.0)], 1
    ):
        trial = crash.Trial("import", number, "worker", 0.5, 4.0, killed=True, stage=stage, seconds=seconds)
        result.trials.append(trial)
    summary = result.summary()
    assert summary["stages"] == {"240 employments in": 1, "no employment in yet": 2}
    assert (summary["seconds_per_trial"], summary["startup_seconds"]) == (10.0, 2.0)


def test_trials_take_turns_across_the_scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """So that a sweep stopped part way has covered every scenario alike."""
    monkeypatch.setattr(crash, "seed_database", lambda scratch, plan: None)
    monkeypatch.setattr(
        crash, "prepare_scenario", lambda scratch, name, plan: crash.ScenarioResult(name, 1.0, {})
    )
    monkeypatch.setattr(
        crash,
        "run_trial",
        lambda scratch, cluster, result, number, plan: crash.Trial(result.name, number, "worker", 0.0, 0.0),
    )
    plan = crash.Plan(
        ("payrun", "import", "recharge"), trials=2, seed=1, employees=1, batch_size=1, database_kill=False
    )
    order: list[tuple[str, int]] = []
    crash.run(
        plan, {"ENGINE": "django.db.backends.sqlite3"}, advance=lambda t: order.append((t.scenario, t.number))
    )
    assert order == [
        ("payrun", 1),
        ("import", 1),
        ("recharge", 1),
        ("payrun", 2),
        ("import", 2),
        ("recharge", 2),
    ]
