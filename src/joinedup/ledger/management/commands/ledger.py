"""``joinedup ledger …``: a partner's ledger from the command line.

Each subcommand is one entry of :attr:`Command.subcommands`: a name, a help line, a function
that adds its arguments and the method that runs it. Add a subcommand by adding an entry (and
its two methods); the shared ``--partner`` and ``--as`` options come with :meth:`_common`.

Commands act as the user named by ``--as`` (their roles are checked as on the web), or as the
system when it is left out, as ``joinedup payroll`` does."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Sum
from rich.console import Console
from rich.table import Table

from joinedup.core import tabular
from joinedup.core.dates import people_date
from joinedup.core.money import gbp
from joinedup.ledger import imports, reports, selectors, services
from joinedup.ledger.models import JournalLine
from joinedup.partnership.cli import acting_user, partner_by_code
from joinedup.partnership.models import Partner
from joinedup.payroll.posting import establishment_cost_centres

# (name, help, add its arguments, name of the method that runs it)
Subcommand = tuple[str, str, Callable[[CommandParser], None], str]


def _year(parser: CommandParser) -> None:
    parser.add_argument(
        "--year", type=int, required=True, help="Financial year by its start: 2026 is 2026/27."
    )


def _period(parser: CommandParser) -> None:
    parser.add_argument("--period", required=True, help="The month, e.g. 2026-08.")


def _trial_balance(parser: CommandParser) -> None:
    _period(parser)
    parser.add_argument("--csv", metavar="FILE", help="Also write it as CSV (- for standard output).")


def _file(parser: CommandParser) -> None:
    parser.add_argument("--file", required=True, help="CSV or XLSX file.")
    parser.add_argument("--report", metavar="FILE", help="Write the problems found as CSV here.")


def _post(parser: CommandParser) -> None:
    _file(parser)
    parser.add_argument("--description", default="", help="What the journals are for.")


class Command(BaseCommand):
    help = (
        "A partner's ledger. `ledger setup --partner WCC --year 2026`: chart, cost centres and periods. "
        "`ledger trial-balance --partner WCC --period 2026-08 [--csv FILE]`. "
        "`ledger close --partner WCC --period 2026-08`. "
        "`ledger post --partner WCC --file journal.csv`: all-or-nothing journal import. "
        "`ledger budgets --partner WCC --file budgets.csv`: all-or-nothing budgets import. "
        "Add --as USERNAME to act as that user (default: the system)."
    )

    subcommands: list[Subcommand] = [
        ("setup", "Give a partner the chart, cost centres and a financial year.", _year, "_setup"),
        ("trial-balance", "Print a period's trial balance.", _trial_balance, "_trial_balance"),
        ("close", "Close a period to postings.", _period, "_close"),
        ("post", "Post the journals of a CSV/XLSX file, all or nothing.", _post, "_post"),
        ("budgets", "Set budgets from a CSV/XLSX file, all or nothing.", _file, "_budgets"),
    ]

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text, configure, _ in self.subcommands:
            cmd = sub.add_parser(name, help=text)
            self._common(cmd)
            configure(cmd)

    @staticmethod
    def _common(parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="Partner code, e.g. WCC.")
        parser.add_argument("--as", dest="actor", help="Username acting (default: the system).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        method = next(m for name, _, _, m in self.subcommands if name == action)
        partner = partner_by_code(options["partner"])
        actor = acting_user(options.get("actor"), command=f"ledger {action}")
        try:
            getattr(self, method)(actor, partner, options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

    @property
    def console(self) -> Console:
        return Console(file=cast(IO[str], self.stdout), highlight=False, width=120)

    # --- subcommands ------------------------------------------------------------------------

    def _setup(self, actor: Any, partner: Partner, options: dict[str, Any]) -> None:
        result = services.ledger_setup_partner(
            actor=actor,
            partner=partner,
            year=options["year"],
            cost_centres=establishment_cost_centres(partner),
        )
        self.console.print(
            f"{partner.name}: financial year {result.year.label}; created {result.accounts_created} "
            f"account(s), {result.cost_centres_created} cost centre(s), {result.periods_created} period(s)."
        )

    def _trial_balance(self, actor: Any, partner: Partner, options: dict[str, Any]) -> None:
        period = reports.period_for_month(actor, partner=partner, month=options["period"])
        balance = selectors.trial_balance(actor, partner=partner, period=period)
        if options["csv"]:
            out = io.StringIO()
            tabular.write_csv(reports.trial_balance_rows(balance), reports.TRIAL_BALANCE_HEADER, out)
            if options["csv"] == "-":
                self.stdout.write(out.getvalue(), ending="")
                return
            Path(options["csv"]).write_text(out.getvalue(), encoding="utf-8", newline="")
        table = Table(title=f"{partner.name}: trial balance, {period}")
        for heading in ("Account", "Name", "Debits", "Credits", "Balance"):
            table.add_column(
                heading, justify="right" if heading in ("Debits", "Credits", "Balance") else "left"
            )
        for row in balance.rows:
            table.add_row(
                row.account.code, row.account.name, gbp(row.debits), gbp(row.credits), gbp(row.balance)
            )
        table.add_row("", "Total", gbp(balance.total_debits), gbp(balance.total_credits), gbp(balance.net))
        self.console.print(table)
        if options["csv"]:
            self.console.print(f"Wrote {options['csv']}.")

    def _close(self, actor: Any, partner: Partner, options: dict[str, Any]) -> None:
        period = reports.period_for_month(actor, partner=partner, month=options["period"])
        period = services.period_close(actor=actor, period=period)
        self.console.print(f"{partner.name}: {period} is closed.")

    def _read(self, options: dict[str, Any]) -> bytes:
        try:
            return Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.") from exc

    def _refuse(self, result: imports.ImportResult, options: dict[str, Any]) -> None:
        if options.get("report"):
            Path(options["report"]).write_text(tabular.errors_as_csv(result.errors), encoding="utf-8")
        self.stderr.write(tabular.format_errors(result.errors, limit=200))
        raise CommandError(f"{len(result.errors)} problem(s) in {options['file']}; nothing was written.")

    def _post(self, actor: Any, partner: Partner, options: dict[str, Any]) -> None:
        result = imports.import_journal(
            actor=actor,
            partner=partner,
            source=self._read(options),
            filename=Path(options["file"]).name,
            description=options["description"],
        )
        if not result.ok:
            self._refuse(result, options)
        for journal in result.journals:
            total = (
                JournalLine.objects.for_partner(partner)
                .filter(journal=journal)
                .aggregate(t=Sum("debit"))["t"]
            )
            self.console.print(
                f"Posted journal {journal.pk} dated {people_date(journal.date)} "
                f"({journal.period}): {gbp(total)}."
            )
        if result.already_posted:
            self.console.print(f"{result.already_posted} journal(s) of this file were posted before.")
        self.console.print(f"{result.rows} row(s), {len(result.journals)} journal(s) posted.")

    def _budgets(self, actor: Any, partner: Partner, options: dict[str, Any]) -> None:
        result = imports.import_budgets(
            actor=actor, partner=partner, source=self._read(options), filename=Path(options["file"]).name
        )
        if not result.ok:
            self._refuse(result, options)
        self.console.print(f"{partner.name}: {result.budgets} budget(s) set.")
