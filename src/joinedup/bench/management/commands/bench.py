from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from joinedup.bench.businesscase import run_businesscase_benchmark
from joinedup.bench.change_costing import run_change_costing_benchmark
from joinedup.bench.exit import run_exit_benchmark
from joinedup.bench.home import run_home_benchmark
from joinedup.bench.ledger import run_ledger_benchmark
from joinedup.bench.load.driver import LoadError, LoadSettings, parse_seconds, run_load
from joinedup.bench.load.plan import prepare_plan
from joinedup.bench.pages import measure_pages
from joinedup.bench.payables import run_payment_run_benchmark
from joinedup.bench.payroll import run_payrun_benchmark
from joinedup.bench.people import (
    analyze,
    reuse_search_population,
    run_import_benchmark,
    run_search_benchmark,
    seed_search_population,
)
from joinedup.bench.realisation import run_realisation_benchmark
from joinedup.bench.redundancy import run_redundancy_benchmark
from joinedup.bench.retention import run_retention_benchmark
from joinedup.bench.sar import run_sar_benchmark
from joinedup.bench.servicedesk import (
    SERVED_CLIENTS,
    SERVED_TICKETS,
    SERVED_WORKERS,
    run_servicedesk_benchmark,
)
from joinedup.bench.servicedesk_cost import run_create_cost
from joinedup.bench.spend import run_spend_benchmark
from joinedup.bench.wellbeing import run_wellbeing_benchmark
from joinedup.core.server import default_workers
from joinedup.payroll.engine.bench import run_benchmark
from joinedup.payroll.services import BATCH_SIZE


class Command(BaseCommand):
    # The engine is pure computation (no database, no URLs); the people benchmarks check the
    # database is migrated themselves, so `bench engine` still runs on a machine without one.
    requires_system_checks: list[str] = []
    help = (
        "Benchmarks that print figures. `bench engine --employees N`: the payroll engine alone. "
        "`bench people-import --rows N [--format csv|xlsx]`: the employments import. "
        "`bench people-search --people N --queries Q`: the employee search. "
        "`bench payrun --employees N`: a whole pay run, stage by stage. "
        "`bench ledger --lines N`: trial balance and budget against actual over N journal lines. "
        "`bench payment-run --invoices N`: a purchasing payment run of N approved invoices, made, "
        "approved, written to BACS, paid and posted. "
        "`bench redundancy --people N`: full redundancy quotes (statutory, enhanced, notice, holiday, "
        "strain) for N generated people. "
        "`bench change-costing --people N [--json]`: a change programme's costing with N people in scope. "
        "`bench businesscase --lines N --years Y`: a business case's appraisal with its sensitivities. "
        "`bench realisation --lines N [--json]`: a business case's benefits realisation for three partners "
        "over a year of an N-line ledger. "
        "`bench spend --lines N [--json]`: purchasing's spend cube and consolidation candidates over N "
        "invoice lines of three partners (seeded once for each N). "
        "`bench servicedesk --tickets N [--json]`: the monthly service-level report for one partner from N "
        "tickets with their histories (seeded once for each N), and tickets raised through the API. "
        "`bench wellbeing --cases N [--json]`: a clinician's case list and a case page over N "
        "occupational-health cases of three partners (seeded once for each N). "
        "`bench exit --employees N [--json]`: a partner's exit export and its verification at N employees "
        "(seeded once for each N). "
        "`bench sar --employees N [--json]`: one person's subject-access export (JSON, and once PDF) at N "
        "employees (seeded once for each N). "
        "`bench retention --payslips N [--expired-share 0.5] [--json]`: the retention run over N payslips "
        "(seeded once for each N), stage by stage, then again and the audit chains verified. "
        "`bench home --employees N [--json]`: each role's home page at N employees (seeded once for each N). "
        "`bench load --employees N --users U --duration 60s`: the served demo under Locust users. "
        "`bench pages --repeat N`: CPU ms and queries per request of each page the load test reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="target", required=True)
        engine = sub.add_parser("engine", help="Gross to net for a generated population, both paths.")
        engine.add_argument("--employees", type=int, default=2_000_000)
        engine.add_argument("--scalar-sample", type=int, default=2_000)
        engine.add_argument("--repeats", type=int, default=3)
        people_import = sub.add_parser(
            "people-import", help="Import a generated employments file into a new partner, stage by stage."
        )
        people_import.add_argument("--rows", type=int, default=100_000)
        people_import.add_argument("--format", dest="fmt", choices=["csv", "xlsx"], default="csv")
        search = sub.add_parser(
            "people-search", help="Seed people across new partners, then time searches through them."
        )
        search.add_argument("--people", type=int, default=100_000)
        search.add_argument("--queries", type=int, default=1_000)
        search.add_argument("--partners", type=int, choices=[2, 3], default=3)
        search.add_argument("--limit", type=int, default=50, help="Hits per search (the API's 50).")
        search.add_argument(
            "--reuse", metavar="STAMP", help="Time the population of an earlier run (BENCH<STAMP>…) again."
        )
        payrun = sub.add_parser(
            "payrun",
            help="Seed employees for a new partner, then time a pay run end to end "
            "(calculate, journal, approve, BACS).",
        )
        payrun.add_argument("--employees", type=int, default=100_000)
        payrun.add_argument(
            "--partner-code", metavar="CODE", help="Code of the new partner (default BENCH<timestamp>)."
        )
        payrun.add_argument(
            "--reuse",
            metavar="CODE",
            help="Time the run again on an earlier benchmark partner (BENCH…), without seeding.",
        )
        payrun.add_argument(
            "--prior-months",
            type=int,
            default=0,
            help="Approved monthly runs before the timed one (0-7, untimed), for history to read.",
        )
        payrun.add_argument(
            "--batch-size", type=int, default=None, help="Payslips per batch (the service's)."
        )

        ledger = sub.add_parser(
            "ledger", help="Seed a new partner's ledger with N lines, then time its reports."
        )
        ledger.add_argument("--lines", type=int, default=1_000_000)
        ledger.add_argument(
            "--partner-code", metavar="CODE", help="Code of the new partner (default BENCH<timestamp>)."
        )

        payment_run = sub.add_parser(
            "payment-run", help="Seed a new partner with N approved invoices, then time a payment run."
        )
        payment_run.add_argument("--invoices", type=int, default=10_000)

        redundancy = sub.add_parser(
            "redundancy", help="Quote N generated people in full, as a change programme's costing does."
        )
        redundancy.add_argument("--people", type=int, default=5_000)
        costing = sub.add_parser(
            "change-costing",
            help="Seed a change programme with N people in scope (not timed), then time its costing "
            "with a full quote for each, stage by stage.",
        )
        costing.add_argument("--people", type=int, default=5_000)
        costing.add_argument("--runs", type=int, default=3)
        costing.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")
        businesscase = sub.add_parser(
            "businesscase", help="Appraise a generated business case: NPV, payback, sensitivities, shares."
        )
        businesscase.add_argument("--lines", type=int, default=500)
        businesscase.add_argument("--years", type=int, default=60)
        businesscase.add_argument("--json", action="store_true", help="Print one JSON object.")
        realised = sub.add_parser(
            "realisation",
            help="Seed three partners' ledgers (N lines in all), people and a live business case, then "
            "time the benefits-realisation dashboard's figures.",
        )
        realised.add_argument("--lines", type=int, default=1_000_000)
        realised.add_argument("--json", action="store_true", help="Print one JSON object.")
        spent = sub.add_parser(
            "spend",
            help="Seed three partners' invoices (N lines, once for each N), then time the spend cube and "
            "the consolidation candidates.",
        )
        spent.add_argument("--lines", type=int, default=1_000_000)
        spent.add_argument("--json", action="store_true", help="Print one JSON object.")
        desk = sub.add_parser(
            "servicedesk",
            help="Seed three partners' tickets with their histories (N, once for each N), then time the "
            "monthly service-level report for one partner and raising tickets through the API.",
        )
        desk.add_argument("--tickets", type=int, default=1_000_000)
        desk.add_argument("--json", action="store_true", help="Print one JSON object.")
        desk.add_argument(
            "--served-tickets",
            type=int,
            default=SERVED_TICKETS,
            help=f"Tickets raised through `joinedup serve` on loopback by concurrent clients "
            f"(default {SERVED_TICKETS}; 0 leaves the server out).",
        )
        desk.add_argument(
            "--workers", type=int, default=SERVED_WORKERS, help=f"gunicorn workers ({SERVED_WORKERS})."
        )
        desk.add_argument(
            "--clients", type=int, default=SERVED_CLIENTS, help=f"Client threads (default {SERVED_CLIENTS})."
        )
        desk.add_argument(
            "--served-partners",
            type=int,
            default=1,
            help="The served tickets' requesters work for this many of the benchmark's partners "
            "(1 to 3; default 1), the client threads taking them in turn.",
        )
        desk.add_argument(
            "--profile-create",
            type=int,
            default=0,
            metavar="N",
            help="Instead: the CPU milliseconds and queries one ticket raised through the API costs "
            "this process (N tickets through Django's WSGI handler, each timed by process_time).",
        )
        desk.add_argument(
            "--cprofile",
            type=Path,
            default=None,
            metavar="FILE",
            help="With --profile-create: write a cProfile of N more tickets to FILE (python -m pstats FILE).",
        )
        oh = sub.add_parser(
            "wellbeing",
            help="Seed three partners' occupational-health cases with notes, appointments and access "
            "events (N, once for each N), then time a clinician's case list and a case page.",
        )
        oh.add_argument("--cases", type=int, default=100_000)
        oh.add_argument("--json", action="store_true", help="Print one JSON object.")
        leaving = sub.add_parser(
            "exit",
            help="Seed a partner with N employees (once for each N), then time its exit export "
            "(`joinedup partner export`) and the export's verification.",
        )
        leaving.add_argument("--employees", type=int, default=100_000)
        leaving.add_argument(
            "--payslip-months",
            type=int,
            default=12,
            help="Approved monthly runs seeded before the export, a payslip with two lines for every "
            "employee in each (0: people tables only). Default 12.",
        )
        leaving.add_argument("--json", action="store_true", help="Print one JSON object.")
        access = sub.add_parser(
            "sar",
            help="Seed a council with N employees and one subject with a history at it and at a fire "
            "service (once for each N), then time the subject's export (`joinedup privacy sar`).",
        )
        access.add_argument("--employees", type=int, default=100_000)
        access.add_argument("--json", action="store_true", help="Print one JSON object.")
        keeping = sub.add_parser(
            "retention",
            help="Seed a council with N payslips over 12 tax years, a share past retention and some "
            "people under a legal hold (once for each N), then time `joinedup privacy retention-run`.",
        )
        keeping.add_argument("--payslips", type=int, default=100_000)
        keeping.add_argument(
            "--expired-share", type=float, default=0.5, help="Share of the tax years past retention."
        )
        keeping.add_argument("--json", action="store_true", help="Print one JSON object.")
        home = sub.add_parser(
            "home",
            help="Seed a council with N employees, 13 months of pay, leave, budgets and a user of each "
            "role (once for each N), then time each role's home page through the WSGI application.",
        )
        home.add_argument("--employees", type=int, default=100_000)
        home.add_argument("--json", action="store_true", help="Print one JSON object.")
        load = sub.add_parser(
            "load",
            help="Serve the demo at N employees with gunicorn on loopback and read it with Locust users "
            "of four roles for a fixed time; per-page p50/p95/p99, requests/s and errors.",
        )
        load.add_argument("--employees", type=int, default=100_000)
        load.add_argument("--users", type=int, default=10, help="Locust users at once (default 10).")
        load.add_argument("--duration", default="60s", help="Measured time, after the warm-up (60s, 2m…).")
        load.add_argument("--warmup", default="5s", help="Time first, left out of the figures (default 5s).")
        load.add_argument(
            "--workers", type=int, default=None, help="gunicorn workers (default 2 x cores + 1)."
        )
        load.add_argument(
            "--think", type=float, default=0.0, help="Mean seconds a user waits between pages (default 0)."
        )
        load.add_argument("--dir", default="build/load", help="Folder for the database, logs and samples.")
        load.add_argument(
            "--reuse", action="store_true", help="Load the demo seeded in --dir by an earlier run."
        )
        load.add_argument("--employee-accounts", type=int, default=200, help="Employees who sign in (200).")
        load.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")
        prepare = sub.add_parser(
            "load-prepare",
            help="(A step of `bench load`.) Sign in the load test's users and write what each reads.",
        )
        prepare.add_argument("--plan", required=True, help="The JSON file to write.")
        prepare.add_argument("--employee-accounts", type=int, default=200)
        pages = sub.add_parser(
            "pages",
            help="CPU ms and queries per request of each page the load test reads, one request at a "
            "time through the WSGI application, with the load plan's signed-in users.",
        )
        pages.add_argument("--repeat", type=int, default=50, help="Requests per page (default 50).")
        pages.add_argument(
            "--plan", help="A plan written by `bench load-prepare` (default: sign in a few users now)."
        )
        pages.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")

    def handle(self, *args: Any, target: str, **options: Any) -> None:
        if target == "load":
            self._load(options)
            return
        if target == "load-prepare":
            self._load_prepare(options)
            return
        if target == "pages":
            self._pages(options)
            return
        if target == "change-costing":
            self._change_costing(options)
        elif target == "redundancy":
            self._redundancy(options["people"])
        elif target == "businesscase":
            self._businesscase(options)
        elif target == "ledger":
            self._ledger(options)
        elif target == "payment-run":
            self._payment_run(options)
        elif target == "realisation":
            self._realisation(options)
        elif target == "spend":
            self._spend(options)
        elif target == "servicedesk":
            self._servicedesk(options)
        elif target == "wellbeing":
            self._wellbeing(options)
        elif target == "exit":
            self._exit(options)
        elif target == "sar":
            self._sar(options)
        elif target == "retention":
            self._retention(options)
        elif target == "home":
            self._home(options)
        elif target == "people-import":
            self._people_import(options["rows"], options["fmt"])
        elif target == "people-search":
            self._people_search(options)
        elif target == "payrun":
            self._payrun(options)
        else:
            self._engine(options)

    def _engine(self, options: dict[str, Any]) -> None:
        if options["employees"] < 1:
            self.stderr.write("--employees must be at least 1.")
            raise SystemExit(2)
        self.stdout.write(f"Generating {options['employees']:,} employees and timing the engine…")
        result = run_benchmark(
            options["employees"], scalar_sample=options["scalar_sample"], repeats=options["repeats"]
        )
        self.stdout.write(result.report())

    def _redundancy(self, people: int) -> None:
        if people < 1:
            raise CommandError("--people must be at least 1.")
        self.stdout.write(f"Generating {people:,} people and timing their quotes…")
        self.stdout.write(run_redundancy_benchmark(people).report())

    def _change_costing(self, options: dict[str, Any]) -> None:
        if options["people"] < 1 or options["runs"] < 1:
            raise CommandError("--people and --runs must be at least 1.")
        self._require_migrated()
        if options["json"]:
            result = run_change_costing_benchmark(options["people"], runs=options["runs"])
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        with self._console().status("Seeding the programme (not timed)…") as status:
            result = run_change_costing_benchmark(
                options["people"],
                runs=options["runs"],
                progress=lambda what, done, total: status.update(f"{what} {done:,}/{total:,}"),
            )
        self.stdout.write(result.report())

    def _businesscase(self, options: dict[str, Any]) -> None:
        if options["lines"] < 1 or not 1 <= options["years"] <= 1000:
            raise CommandError("--lines must be at least 1 and --years 1 to 1000.")
        result = run_businesscase_benchmark(options["lines"], options["years"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(result.report())

    def _console(self) -> Console:
        return Console(file=cast(IO[str], self.stdout), highlight=False)

    def _require_migrated(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                f"The database ({connection.settings_dict['NAME']}) is not migrated: "
                "run `joinedup migrate` first, with the same settings."
            )

    def _people_import(self, rows: int, fmt: str) -> None:
        if rows < 1:
            raise CommandError("--rows must be at least 1.")
        self._require_migrated()
        console = self._console()
        with console.status("Setting up…") as status:
            result = run_import_benchmark(rows, fmt=fmt, say=lambda message: status.update(message.strip()))
        self.stdout.write(result.report())

    def _people_search(self, options: dict[str, Any]) -> None:
        if options["people"] < 1 or options["queries"] < 1 or options["limit"] < 1:
            raise CommandError("--people, --queries and --limit must be at least 1.")
        self._require_migrated()
        console = self._console()
        if options["reuse"]:
            try:
                seed = reuse_search_population(options["reuse"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        else:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console) as bar:
                task = bar.add_task("Seeding", total=None)

                def progress(description: str, done: int, total: int) -> None:
                    bar.update(task, description=description, completed=done, total=total or None)

                seed = seed_search_population(
                    options["people"], partners=options["partners"], progress=progress
                )
            console.print(f"Seeded {seed.people:,} people in {seed.seconds:.1f} s (stamp {seed.stamp}).")
        with console.status(f"Running {options['queries']:,} searches…"):
            result = run_search_benchmark(seed, options["queries"], limit=options["limit"])
        self.stdout.write(result.report())

    def _payrun(self, options: dict[str, Any]) -> None:
        batch_size = options["batch_size"] or BATCH_SIZE
        if options["employees"] < 1 or batch_size < 1:
            raise CommandError("--employees and --batch-size must be at least 1.")
        self._require_migrated()
        console = self._console()
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("Seeding", total=None)

            def progress(description: str, done: int, total: int) -> None:
                bar.update(task, description=description, completed=done, total=total or None)

            try:
                result = run_payrun_benchmark(
                    options["employees"],
                    partner_code=options["partner_code"],
                    reuse=options["reuse"],
                    prior_months=options["prior_months"],
                    batch_size=batch_size,
                    progress=progress,
                    say=lambda message: bar.update(task, description=message),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(result.report())

    def _ledger(self, options: dict[str, Any]) -> None:
        self._require_migrated()
        with self._console().status("Seeding…") as status:
            try:
                result = run_ledger_benchmark(
                    options["lines"], partner_code=options["partner_code"], say=status.update
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(result.report())

    def _payment_run(self, options: dict[str, Any]) -> None:
        self._require_migrated()
        with self._console().status("Seeding…") as status:
            try:
                result = run_payment_run_benchmark(options["invoices"], say=status.update)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(result.report())

    def _realisation(self, options: dict[str, Any]) -> None:
        self._seeded(options, lambda say: run_realisation_benchmark(options["lines"], say=say))

    def _spend(self, options: dict[str, Any]) -> None:
        self._seeded(options, lambda say: run_spend_benchmark(options["lines"], say=say))

    def _servicedesk(self, options: dict[str, Any]) -> None:
        self._require_migrated()
        if options["profile_create"]:
            try:
                cost = run_create_cost(
                    options["tickets"], options["profile_create"], cprofile=options["cprofile"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps(cost.as_dict(), indent=2) if options["json"] else cost.line())
            return
        with self._console().status("Seeding…") as status:
            try:
                result, _ = run_servicedesk_benchmark(
                    options["tickets"],
                    served_tickets=options["served_tickets"],
                    workers=options["workers"],
                    clients=options["clients"],
                    served_partners=options["served_partners"],
                    say=status.update,
                )
            except (ValueError, LoadError) as exc:
                raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(result.report())

    def _seeded(self, options: dict[str, Any], run: Callable[[Callable[[str], None]], Any]) -> None:
        """A benchmark that seeds what it times once for each size: ``run`` is given the status
        line to report its seeding on, and its result is printed as a report or one JSON object."""
        self._require_migrated()
        with self._console().status("Seeding…") as status:
            try:
                result = run(status.update)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(result.report())

    def _wellbeing(self, options: dict[str, Any]) -> None:
        self._seeded(options, lambda say: run_wellbeing_benchmark(options["cases"], say=say))

    def _exit(self, options: dict[str, Any]) -> None:
        self._seeded(
            options,
            lambda say: run_exit_benchmark(
                options["employees"], payslip_months=options["payslip_months"], say=say
            ),
        )

    def _sar(self, options: dict[str, Any]) -> None:
        self._seeded(options, lambda say: run_sar_benchmark(options["employees"], say=say))

    def _retention(self, options: dict[str, Any]) -> None:
        self._seeded(
            options,
            lambda say: run_retention_benchmark(
                options["payslips"], expired_share=options["expired_share"], say=say
            ),
        )

    def _home(self, options: dict[str, Any]) -> None:
        self._seeded(options, lambda say: run_home_benchmark(options["employees"], say=say))

    def _load(self, options: dict[str, Any]) -> None:
        try:
            chosen = LoadSettings(
                employees=options["employees"],
                users=options["users"],
                duration=parse_seconds(options["duration"]),
                warmup=parse_seconds(options["warmup"]),
                workers=options["workers"] or default_workers(),
                think=options["think"],
                directory=Path(options["dir"]),
                reuse=options["reuse"],
                employee_accounts=options["employee_accounts"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if min(chosen.employees, chosen.users, chosen.workers, chosen.employee_accounts) < 1:
            raise CommandError("--employees, --users, --workers and --employee-accounts must be at least 1.")
        if chosen.duration <= 0 or chosen.warmup < 0 or chosen.think < 0:
            raise CommandError("--duration must be more than 0; --warmup and --think 0 or more.")
        say = self.stderr.write if options["json"] else self.stdout.write
        try:
            result = run_load(chosen, say=say)
        except LoadError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), indent=2))
        else:
            self.stdout.write(result.report())

    def _pages(self, options: dict[str, Any]) -> None:
        self._require_migrated()
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        if options["plan"]:
            plan = json.loads(Path(options["plan"]).read_text())
        else:
            try:
                plan = prepare_plan(employee_accounts=2, searches=50)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        result = measure_pages(plan, repeat=options["repeat"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), indent=2))
        else:
            self.stdout.write(result.report())

    def _load_prepare(self, options: dict[str, Any]) -> None:
        self._require_migrated()
        if options["employee_accounts"] < 1:
            raise CommandError("--employee-accounts must be at least 1.")
        analyze()  # a demo seeded before `joinedup demo` did it has no planner statistics
        try:
            plan = prepare_plan(employee_accounts=options["employee_accounts"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        Path(options["plan"]).write_text(json.dumps(plan))
        roles = ", ".join(f"{len(identities)} {role}" for role, identities in plan["roles"].items())
        self.stdout.write(f"Signed in: {roles}. Plan written to {options['plan']}.")
