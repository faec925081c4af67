"""``joinedup stress crash``: interrupt a pay run, an import and a recharge run at drawn points
(failpoints inside the work, or a random time) and check that nothing is duplicated, lost or
half written (see :mod:`joinedup.bench.crash`).

    joinedup stress crash --trials 100 [--scenario payrun|import|recharge|all] [--database-kill]
                          [--seed S] [--trial N] [--json]

``stress step prepare|check|ready`` are the harness's own children, run against one scratch database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from joinedup.bench import crash, crash_scenarios
from joinedup.core import rls


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Stress tests. `stress crash --trials N [--scenario payrun|import|recharge|all] [--database-kill] "
        "[--seed S] [--trial N] [--json]`: kill the work at drawn points (its failpoints, or a random "
        "time), restart it and check that "
        "nothing is duplicated, lost or half written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("crash", help="Kill a pay run, an import and a recharge run part way; check.")
        run.add_argument("--trials", type=int, default=10, help="Trials per scenario (default 10).")
        run.add_argument("--scenario", choices=[*crash_scenarios.SCENARIOS, "all"], default="all")
        run.add_argument(
            "--database-kill",
            action="store_true",
            help=f"Also stop PostgreSQL with pg_ctl -m immediate (needs {crash.PG_CTL_VARIABLE}).",
        )
        run.add_argument(
            "--seed", type=int, default=20261125, help="Seed of the kill points (default 20261125)."
        )
        run.add_argument("--trial", type=int, help="Run only this trial number (to replay a failure).")
        run.add_argument("--employees", type=int, default=400, help="Employees of the demo partnership.")
        run.add_argument("--batch-size", type=int, default=25, help="Employees per pay-run batch.")
        run.add_argument("--keep-failed", action="store_true", help="Keep failed trials' databases.")
        run.add_argument("--json", action="store_true", help="Print one JSON object on standard output.")
        step = sub.add_parser("step", help="(The harness's own child: one step against one database.)")
        step.add_argument("step", choices=["prepare", "check", "ready"])
        step.add_argument("--scenario", choices=crash_scenarios.SCENARIOS, required=True)
        step.add_argument("--root", required=True, type=Path)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "step":
            self._step(options)
            return
        if options["trials"] < 1 or options["employees"] < 1 or options["batch_size"] < 1:
            raise CommandError("--trials, --employees and --batch-size must be at least 1.")
        if options["trial"] is not None and not 1 <= options["trial"] <= options["trials"]:
            raise CommandError("--trial must be one of the trials, from 1 to --trials.")
        scenarios = crash_scenarios.SCENARIOS if options["scenario"] == "all" else (options["scenario"],)
        plan = crash.Plan(
            scenarios=scenarios,
            trials=options["trials"],
            seed=options["seed"],
            employees=options["employees"],
            batch_size=options["batch_size"],
            database_kill=options["database_kill"],
            only=options["trial"],
            keep_failed=options["keep_failed"],
        )
        # With --json the figures alone go to standard output; progress goes to standard error.
        console = Console(file=sys.stderr if options["json"] else cast(IO[str], self.stdout), highlight=False)
        database = settings.DATABASES["default"]
        vendor = "sqlite" if str(database["ENGINE"]).endswith("sqlite3") else "postgresql"
        console.print(
            f"stress crash: seed {plan.seed}, {len(plan.numbers())} trial(s) of {', '.join(scenarios)} "
            f"on {vendor}{', PostgreSQL stopped too' if plan.database_kill else ''}"
        )
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("failures {task.fields[failures]}"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            bar = progress.add_task("setting up", total=len(plan.numbers()) * len(scenarios), failures=0)
            failures = 0

            def advance(trial: crash.Trial) -> None:
                nonlocal failures
                failures += bool(trial.problems)
                # One line a trial, so that a long run can be followed and any trial replayed.
                if not trial.problems:
                    progress.console.print(f"ok {trial.describe()} ({trial.seconds:.1f} s)")
                else:
                    progress.console.print(
                        f"[red]FAILED[/red] {trial.describe()}: {'; '.join(trial.problems)}"
                    )
                progress.update(
                    bar, advance=1, failures=failures, description=f"{trial.scenario} {trial.number}"
                )

            try:
                results = crash.run(
                    plan, database, say=lambda text: progress.update(bar, description=text), advance=advance
                )
            except crash.StressError as exc:
                raise CommandError(str(exc)) from exc
        outcome = crash.report(plan, results, vendor)
        self._summary(console, outcome, plan)
        if options["json"]:
            self.stdout.write(json.dumps(outcome))
        if outcome["failures"]:
            raise CommandError(f"{outcome['failures']} of {outcome['trials']} trials broke an invariant.")

    def _summary(self, console: Console, outcome: dict[str, Any], plan: crash.Plan) -> None:
        table = Table(title=f"Crash trials (seed {plan.seed}, {outcome['database']})")
        for heading in (
            "scenario",
            "trials",
            "kills",
            "database stops",
            "finished first",
            "failures",
            "window",
            "start-up",
            "s/trial",
        ):
            table.add_column(heading, justify="left" if heading == "scenario" else "right")
        for name, row in outcome["scenarios"].items():
            table.add_row(
                name,
                str(row["trials"]),
                str(row["kills"]),
                str(row["database_stops"]),
                str(row["finished_before_interruption"]),
                str(row["failures"]),
                f"{row['window_seconds']:.2f} s",
                f"{row['startup_seconds']:.2f} s",
                f"{row['seconds_per_trial']:.1f}",
            )
        console.print(table)
        for name, row in outcome["scenarios"].items():
            hits = row["failpoint_hits"]
            points = ", ".join(
                f"{point} {n}" if hits.get(point, 1) == 1 else f"{point} (of {hits[point]} hits) {n}"
                for point, n in row["kill_points"].items()
            )
            console.print(f"{name} kill points: {points}")
            landed = ", ".join(f"{stage} {n}" for stage, n in row["stages"].items())
            console.print(f"{name} database just after: {landed}")
        for name, row in outcome["scenarios"].items():
            for failed in row["failed_trials"]:
                console.print(
                    f"replay {name} trial {failed['number']}: joinedup stress crash --scenario {name} "
                    f"--seed {plan.seed} --trials {plan.trials} --trial {failed['number']}"
                    f"{' --database-kill' if plan.database_kill else ''}"
                )

    def _step(self, options: dict[str, Any]) -> None:
        scenario, root = options["scenario"], options["root"]
        if options["step"] == "ready":
            # Started and connected: what every piece of work costs before it begins.
            connection.ensure_connection()
            return
        with rls.session_context(f"stress crash: {options['step']} {scenario}"):
            if options["step"] == "prepare":
                crash_scenarios.prepare(scenario, root)
                return
            self.stdout.write(json.dumps(crash_scenarios.figures(scenario, root), default=str))
