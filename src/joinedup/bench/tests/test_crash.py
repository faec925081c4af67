"""The crash stress's own rules: kill points that replay from their seed and cover every stage
of the work, and database faults only where the command may stop the database (the trials
themselves: tests/test_crash_stress.py)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.bench import crash
from joinedup.bench.crash_scenarios import KILL_POINTS, SCENARIOS, TIME_RANDOM


def test_a_seed_draws_the_same_kill_point_and_fault_for_a_trial_whatever_runs_before_it() -> None:
    first = [crash.draw(7, "payrun", n, database_kill=True) for n in range(1, 51)]
    assert [crash.draw(7, "payrun", n, database_kill=True) for n in (50, 3, 1)] == [
        first[49],
        first[2],
        first[0],
    ]
    assert crash.draw(8, "payrun", 1, database_kill=True) != first[0]
    assert all(0 <= d.fraction < 1 for d in first)
    # Fifty trials draw every kind of fault.
    assert {d.fault for d in first} == {"worker", "database", "both"}


@pytest.mark.parametrize("seed", [20261125, 1, 629, 715, 89])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_run_of_as_many_trials_as_kill_points_interrupts_every_stage_of_the_work(
    scenario: str, seed: int
) -> None:
    points = {*KILL_POINTS[scenario], TIME_RANDOM}
    drawn = [crash.draw(seed, scenario, n, database_kill=False).point for n in range(1, 101)]
    for start in range(len(drawn) - len(points) + 1):
        assert set(drawn[start : start + len(points)]) == points, (start, drawn)
    # A hundred trials share the points out evenly, a random time (as a crash falls) among them.
    assert {drawn.count(p) for p in points} <= {100 // len(points), 100 // len(points) + 1}


def test_a_point_passed_many_times_is_interrupted_at_a_hit_drawn_among_them() -> None:
    draws = [crash.draw(20261125, "payrun", n, database_kill=False) for n in range(1, 701)]
    batches = sorted({d.hit(9) for d in draws if d.point == "payrun.batch_counted"})
    assert batches == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert {crash.Draw("import.checked", f, "worker").hit(1) for f in (0.0, 0.5, 0.999)} == {1}


def test_the_kill_points_are_those_of_the_work_in_the_order_it_passes_them() -> None:
    assert list(KILL_POINTS["payrun"]) == [
        "payrun.task_started",
        "payrun.calculation_started",
        "payrun.batch_written",
        "payrun.batch_counted",
        "payrun.run_recorded",
        "payrun.task_returning",
    ]
    assert list(KILL_POINTS["import"]) == [
        "import.checked",
        "import.people_written",
        "import.employments_written",
        "import.terms_written",
        "import.recorded",
        "import.committed",
    ]
    assert list(KILL_POINTS["recharge"]) == [
        "recharge.lines_written",
        "recharge.journal_posted",
        "recharge.recorded",
        "recharge.committed",
    ]


def test_an_uninterrupted_runs_passes_are_counted_from_its_hits_file(tmp_path: Path) -> None:
    assert crash.count_hits(tmp_path) == {}
    (tmp_path / "hits").write_text("payrun.batch_written\npayrun.batch_counted\npayrun.batch_written\n")
    assert crash.count_hits(tmp_path) == {"payrun.batch_counted": 1, "payrun.batch_written": 2}


def test_without_database_kill_every_trial_kills_the_process_only() -> None:
    assert {crash.draw(7, "import", n, database_kill=False).fault for n in range(1, 51)} == {"worker"}


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


def test_the_summary_counts_the_trials_interrupted_at_each_kill_point() -> None:
    result = crash.ScenarioResult("recharge", window=6.0, expected={}, hits={"recharge.journal_posted": 8})
    result.trials = [
        crash.Trial("recharge", 1, "worker", 0.3, 1.2, killed=True, point="recharge.journal_posted"),
        crash.Trial("recharge", 2, "worker", 0.6, 1.3, killed=True, point="recharge.journal_posted"),
        crash.Trial("recharge", 3, "worker", 0.9, 5.9, point=TIME_RANDOM),  # the work finished first
        crash.Trial("recharge", 4, "database", 0.1, 1.1, database_stopped=True, point="recharge.recorded"),
    ]
    summary = result.summary()
    assert summary["kill_points"] == {
        "recharge.lines_written": 0,
        "recharge.journal_posted": 2,
        "recharge.recorded": 1,
        "recharge.committed": 0,
        "time-random": 0,
    }
    assert (summary["finished_before_interruption"], summary["failpoint_hits"]) == (
        1,
        {"recharge.journal_posted": 8},
    )


def test_a_trial_says_which_pass_of_which_failpoint_it_interrupted() -> None:
    trial = crash.Trial(
        "payrun",
        4,
        "both",
        0.4,
        1.25,
        killed=True,
        database_stopped=True,
        point="payrun.batch_counted",
        hit=4,
        hits=9,
        stage="payslips part written (25-50%)",
    )
    assert trial.describe() == (
        "payrun trial 4: SIGKILL and PostgreSQL stopped at payrun.batch_counted (hit 4 of 9) "
        "after 1.250 s (payslips part written (25-50%))"
    )


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
