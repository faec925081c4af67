from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from joinedup.core import tabular
from joinedup.core.dates import people_date
from joinedup.core.money import gbp
from joinedup.partnership.cli import acting_user, partner_by_code
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.payroll import run_files, year_end
from joinedup.payroll.engine.calculator import calculate_csv
from joinedup.payroll.models import PayRun, RunKind, RunStatus
from joinedup.payroll.payments import post_payment_later
from joinedup.payroll.periods import pay_period
from joinedup.payroll.posting import post_payroll_run
from joinedup.payroll.services import (
    payment_waits_for,
    payrun_approve,
    payrun_calculate,
    payrun_create,
    payrun_mark_paid,
    run_totals,
)
from joinedup.payroll.take_on import take_on_import
from joinedup.people.models import Employment


class Command(BaseCommand):
    help = (
        "Payroll. `payroll calculate IN.csv [-o OUT.csv]`: gross to net per row. "
        "`payroll run --partner WCC --pay-date 2026-11-25`: create or recalculate a pay run. "
        "`payroll approve|close|post-journal|post-payment --partner WCC --pay-date …`. "
        "`payroll journal|fps|bacs --partner WCC --pay-date … [--as USER]`: the run's files, to those "
        "who may (bacs: `--processing-date` once the pay date has passed). "
        "`payroll p45 --partner WCC --payroll-number X -o p45.pdf`; "
        "`payroll p60 --partner WCC --tax-year 2026 -o DIR [--preview]`; "
        "`payroll take-on --partner WCC --tax-year 2026 --file F [--report problems.csv]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        calc = sub.add_parser("calculate", help="Gross-to-net for each row of a CSV file (see the README).")
        calc.add_argument("input", help="CSV file, or - for standard input.")
        calc.add_argument("-o", "--output", help="Where to write the result (default: standard output).")
        for name, text in (
            ("run", "Create the run if needed and calculate it, with progress."),
            ("approve", "Approve a calculated run (not by the person who calculated it)."),
            ("close", "Mark an approved run paid; it cannot change after."),
            ("post-journal", "Post an approved run's journal to the ledgers, if approval could not."),
            ("post-payment", "Post a paid run's payment to the employer's ledger, if closing could not."),
        ):
            cmd = sub.add_parser(name, help=text)
            cmd.add_argument("--partner", required=True, help="Partner code, e.g. WPOL.")
            cmd.add_argument("--pay-date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
            cmd.add_argument(
                "--frequency", default="monthly", choices=["monthly", "weekly", "fortnightly", "four_weekly"]
            )
            cmd.add_argument("--as", dest="actor", help="Username acting (default: the system).")
            cmd.add_argument("--batch-size", type=int, default=5000, help="Employees per batch (run only).")
        journal = sub.add_parser("journal", help="Write a run's balanced payroll journal as CSV.")
        journal.add_argument("--partner", required=True)
        journal.add_argument("--pay-date", required=True, type=date.fromisoformat)
        journal.add_argument(
            "--frequency", default="monthly", choices=["monthly", "weekly", "fortnightly", "four_weekly"]
        )
        journal.add_argument("-o", "--output", help="CSV file (default: standard output).")
        journal.add_argument("--as", dest="actor", help="Username acting (default: the system).")
        fps = sub.add_parser("fps", help="Write an approved run's RTI Full Payment Submission XML.")
        fps.add_argument("--partner", required=True)
        fps.add_argument("--pay-date", required=True, type=date.fromisoformat)
        fps.add_argument(
            "--frequency", default="monthly", choices=["monthly", "weekly", "fortnightly", "four_weekly"]
        )
        fps.add_argument("-o", "--output", required=True, help="XML file to write.")
        fps.add_argument("--as", dest="actor", help="Username acting (default: the system).")
        bacs = sub.add_parser("bacs", help="Write an approved run's BACS Standard 18 payment file.")
        bacs.add_argument("--partner", required=True)
        bacs.add_argument("--pay-date", required=True, type=date.fromisoformat)
        bacs.add_argument(
            "--frequency", default="monthly", choices=["monthly", "weekly", "fortnightly", "four_weekly"]
        )
        bacs.add_argument(
            "--processing-date",
            type=date.fromisoformat,
            help="YYYY-MM-DD; needed once the pay date has passed (default: the pay date).",
        )
        bacs.add_argument("-o", "--output", required=True, help="File to write.")
        bacs.add_argument("--as", dest="actor", help="Username acting (default: the system).")
        p45 = sub.add_parser("p45", help="Issue a leaver's P45 (or write the one issued) as PDF.")
        p45.add_argument("--partner", required=True)
        p45.add_argument("--payroll-number", required=True)
        p45.add_argument("-o", "--output", required=True, help="PDF file to write.")
        p45.add_argument("--as", dest="actor", help="Username acting (default: the system).")
        take_on = sub.add_parser(
            "take-on",
            help="Import take-on balances (figures to date from the previous payroll): all rows or none.",
        )
        take_on.add_argument("--partner", required=True)
        take_on.add_argument("--tax-year", required=True, type=int, help="First year: 2026 is 2026/27.")
        take_on.add_argument(
            "--file", required=True, help="CSV or XLSX; see the column list in payroll.take_on."
        )
        take_on.add_argument("--report", metavar="FILE", help="Write the problems found as CSV here.")
        take_on.add_argument("--as", dest="actor", help="Username acting (default: the system).")
        p60 = sub.add_parser("p60", help="Write every employee's P60 for a tax year, and a CSV summary.")
        p60.add_argument("--partner", required=True)
        p60.add_argument("--tax-year", required=True, type=int, help="First year: 2026 is 2026/27.")
        p60.add_argument("-o", "--output", required=True, help="Folder to write the PDFs and p60s.csv to.")
        p60.add_argument("--preview", action="store_true", help="Before the final run is approved.")
        p60.add_argument("--as", dest="actor", help="Username acting (default: the system).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "calculate":
            self._calculate(options)
            return
        if action == "journal":
            self._journal(options)
            return
        if action == "fps":
            self._fps(options)
            return
        if action == "bacs":
            self._bacs(options)
            return
        if action == "take-on":
            self._take_on(options)
            return
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        partner = self._partner(options)
        actor = self._actor(options, action)
        if action in ("p45", "p60"):
            try:
                (self._p45 if action == "p45" else self._p60)(console, actor, partner, options)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
            return
        try:
            run = self._find_or_create(action, actor, partner, options)
            if action == "run":
                run = self._run(console, actor, run, options["batch_size"])
            elif action == "approve":
                run = payrun_approve(actor=actor, run=run)
            elif action == "post-journal":
                journals = post_payroll_run(actor=actor, run=run)
                for journal in journals:
                    console.print(
                        f"Posted to {journal.partner.code}'s ledger: journal {journal.pk} ({journal.period})."
                    )
                return
            elif action == "post-payment":
                payment = post_payment_later(actor=actor, run=run)
                console.print(
                    f"Payment posted to {partner.code}'s ledger: journal {payment.pk} ({payment.period})."
                    if payment
                    else "The run paid nobody anything: no payment to post."
                )
                return
            else:
                run = payrun_mark_paid(actor=actor, run=run)
                waits = payment_waits_for(run)
                if waits:
                    console.print(f"The payment waits for the ledger: {'; '.join(waits)}.")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        totals = run_totals(run)
        console.print(
            f"{partner.name} {run}: [bold]{run.get_status_display()}[/bold]; {run.progress_total} payslips; "
            f"gross {gbp(totals['gross_pay'])}, tax {gbp(totals['tax'])}, "
            f"NI {gbp(totals['ni_employee'] + totals['ni_employer'])}, net {gbp(totals['net_pay'])}; "
            f"{run.flags.filter(status='open').count()} open flag(s)."
        )

    def _partner(self, options: dict[str, Any]) -> Partner:
        return partner_by_code(options["partner"])

    def _actor(self, options: dict[str, Any], action: str) -> Any:
        return acting_user(options["actor"], command=f"payroll {action}")

    def _p45(self, console: Console, actor: Any, partner: Partner, options: dict[str, Any]) -> None:
        employment = (
            Employment.objects.for_partner(partner).filter(payroll_number=options["payroll_number"]).first()
        )
        if employment is None:
            raise CommandError(f"{partner.code} has no employment {options['payroll_number']!r}.")
        p45 = year_end.p45_issue(actor=actor, employment=employment)
        Path(options["output"]).write_bytes(year_end.p45_pdf_bytes(p45))
        console.print(
            f"Wrote {options['output']}: P45 for {employment.payroll_number}, left "
            f"{people_date(p45.issue.leaving_date)}; pay {gbp(p45.figures.pay)}, tax {gbp(p45.figures.tax)} "
            f"in this employment in {year_end.tax_year_label(p45.issue.tax_year)}."
        )

    def _p60(self, console: Console, actor: Any, partner: Partner, options: dict[str, Any]) -> None:
        authorise(actor, "payroll.view", partner)
        found = year_end.p60s(partner.pk, tax_year=options["tax_year"], preview=options["preview"])
        folder = Path(options["output"])
        folder.mkdir(parents=True, exist_ok=True)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("Writing P60s", total=len(found))
            for p60 in found:
                (folder / year_end.p60_filename(p60)).write_bytes(year_end.p60_pdf_bytes(p60))
                bar.advance(task)
        summary = "p60s-preview.csv" if options["preview"] else "p60s.csv"
        with (folder / summary).open("w", encoding="utf-8", newline="") as out:
            writer = tabular.csv_writer(out)
            writer.writerow(year_end.P60_CSV_HEADER)
            writer.writerows(year_end.p60_csv_row(p60) for p60 in found)
        console.print(
            f"Wrote {len(found)} P60(s) for {partner.name} {year_end.tax_year_label(options['tax_year'])} "
            f"and {summary} to {folder}."
        )

    def _find_or_create(self, action: str, actor: Any, partner: Partner, options: dict[str, Any]) -> PayRun:
        period = pay_period(options["frequency"], options["pay_date"])
        run = (
            PayRun.objects.for_partner(partner)
            .filter(
                frequency=options["frequency"],
                tax_year=period.tax_year,
                period=period.period,
                kind=RunKind.REGULAR,
            )
            .first()
        )
        if run is None:
            if action != "run":
                raise CommandError(
                    f"No {options['frequency']} run for {partner.code} on {options['pay_date']}."
                )
            run = payrun_create(
                actor=actor, partner=partner, frequency=options["frequency"], pay_date=options["pay_date"]
            )
        return run

    def _run(self, console: Console, actor: Any, run: PayRun, batch_size: int) -> PayRun:
        if run.status == RunStatus.CALCULATING:
            console.print("This run's last calculation did not finish; calculating it again from the start.")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task(f"Calculating {run}", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return payrun_calculate(actor=actor, run=run, progress=progress, batch_size=max(batch_size, 1))

    def _journal(self, options: dict[str, Any]) -> None:
        _, found = self._run_file(options, run_files.JOURNAL)
        if options["output"]:
            Path(options["output"]).write_bytes(found.content)
        else:
            self.stdout.write(found.content.decode("utf-8"), ending="")

    def _fps(self, options: dict[str, Any]) -> None:
        run, found = self._run_file(options, run_files.FPS)
        Path(options["output"]).write_bytes(found.content)
        self.stdout.write(f"Wrote {options['output']} ({run.progress_total} employees).")

    def _run_file(self, options: dict[str, Any], kind: str) -> tuple[PayRun, run_files.RunFile]:
        """The run's file, fetched as the ``--as`` user (or the operator's system account) may:
        refused before anything is written."""
        partner = self._partner(options)
        actor = self._actor(options, kind)
        run = self._find_or_create(kind, actor, partner, options)
        try:
            return run, run_files.run_file(
                actor, run=run, kind=kind, processing_date=options.get("processing_date")
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

    def _bacs(self, options: dict[str, Any]) -> None:
        run, found = self._run_file(options, run_files.BACS)
        Path(options["output"]).write_bytes(found.content)
        self.stdout.write(
            f"Wrote {options['output']}: {run.progress_total - len(found.left_out)} credit(s); "
            f"{len(found.left_out)} left out (no bank details or nothing to pay)."
        )

    def _take_on(self, options: dict[str, Any]) -> None:
        partner = self._partner(options)
        actor = self._actor(options, "take-on")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            result = take_on_import(
                actor=actor, partner=partner, tax_year=options["tax_year"], source=data, filename=path.name
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            if options["report"]:
                Path(options["report"]).write_text(tabular.errors_as_csv(result.errors), encoding="utf-8")
            self.stderr.write(tabular.format_errors(result.errors, limit=20))
            raise CommandError(f"{len(result.errors)} problem(s) in {path.name}; nothing was imported.")
        self.stdout.write(
            f"Imported take-on balances for {result.employments} employment(s) of {partner.code} "
            f"({result.rows} row(s)) for {year_end.tax_year_label(options['tax_year'])}."
        )

    def _calculate(self, options: dict[str, Any]) -> None:
        source_name = options["input"]
        if source_name == "-":
            stdin = sys.stdin
            data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode("utf-8")
        else:
            try:
                data = Path(source_name).read_bytes()
            except OSError as exc:
                raise CommandError(f"Cannot read {source_name}: {exc.strerror}.") from exc
        try:
            # Decoded as every upload is: UTF-8 (with Excel's BOM or not), else Windows-1252.
            text = tabular.decode_text(data)
        except ValueError as exc:
            raise CommandError(f"{source_name}: {exc}; nothing was written.") from None
        result = io.StringIO()
        # The input's own columns pass through to a file opened in a spreadsheet: written by the
        # writer that neutralises formulas (OWASP CSV injection) in every export.
        errors = calculate_csv(
            io.StringIO(text, newline=""),
            result,
            writer=lambda stream: tabular.csv_writer(stream, lineterminator="\n"),
        )
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(errors)} problem(s) in {source_name}; nothing was written.")
        if options["output"]:
            Path(options["output"]).write_text(result.getvalue(), encoding="utf-8", newline="")
        else:
            self.stdout.write(result.getvalue(), ending="")
