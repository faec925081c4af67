"""``joinedup recharges …``: the shared service's monthly recharge from the command line.

    joinedup recharges run --month 2026-10 --as shared.finance
    joinedup recharges statement --partner WCC --month 2026-10 [-o charges.csv|charges.pdf]
    joinedup recharges reconcile --month 2026-10
    joinedup recharges readings import readings.csv [--report problems.csv]
    joinedup recharges transparency --partner WCC --from 2026-04-01 --to 2026-06-30 -o spend.csv

Commands act as the user named by ``--as`` (their roles are checked as on the web), or as the
system when it is left out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from rich.console import Console
from rich.table import Table

from joinedup.core import tabular
from joinedup.core.dates import people_date, people_month
from joinedup.core.money import gbp
from joinedup.partnership.cli import acting_user, partner_by_code
from joinedup.partnership.models import Partner
from joinedup.recharges import outputs, selectors, services, transparency


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Command(BaseCommand):
    help = (
        "Shared-service recharges. `recharges run --month 2026-10`; `recharges statement --partner WCC "
        "--month 2026-10 [-o FILE.csv|.pdf]`; `recharges reconcile --month 2026-10`; `recharges readings "
        "import FILE`; `recharges transparency --partner WCC --from 2026-04-01 --to 2026-06-30 -o FILE`. "
        "Add --as USERNAME to act as that user (default: the system)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Recharge a month: share the pools and post the journals.")
        run.add_argument("--month", required=True, help="e.g. 2026-10")
        statement = sub.add_parser("statement", help="A partner's statement of charges for a month.")
        statement.add_argument("--partner", required=True, help="Partner code, e.g. WCC.")
        statement.add_argument("--month", required=True)
        statement.add_argument("-o", "--output", help="Write it to FILE (.csv or .pdf).")
        reconcile = sub.add_parser("reconcile", help="Inter-partner balances against each other.")
        reconcile.add_argument("--month", required=True)
        readings = sub.add_parser("readings", help="Driver readings (tickets, invoices, spend).")
        readings.add_argument("readings_action", choices=["import"])
        readings.add_argument("file", help="CSV or XLSX: partner, driver, month, quantity[, source].")
        readings.add_argument("--report", metavar="FILE", help="Write the problems found as CSV here.")
        spend = sub.add_parser("transparency", help="Spend over £500 (Transparency Code 2015) as CSV.")
        spend.add_argument("--partner", required=True)
        spend.add_argument("--from", dest="date_from", type=_date, required=True)
        spend.add_argument("--to", dest="date_to", type=_date, required=True)
        spend.add_argument("-o", "--output", required=True, help="CSV file (- for standard output).")
        for cmd in (run, statement, reconcile, readings, spend):
            cmd.add_argument("--as", dest="actor", help="Username acting (default: the system).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        actor = acting_user(options.get("actor"), command=f"recharges {action}")
        try:
            getattr(self, f"_{action}")(actor, options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except (PermissionDenied, Http404) as exc:
            raise CommandError(str(exc) or "Not found.") from exc

    @property
    def console(self) -> Console:
        return Console(file=cast(IO[str], self.stdout), highlight=False, width=120)

    @staticmethod
    def _partner(code: str) -> Partner:
        return partner_by_code(code)

    def _run(self, actor: Any, options: dict[str, Any]) -> None:
        run = services.recharge_run(actor=actor, month=options["month"])
        table = Table(title=f"Recharge {people_month(run.month)}")
        for heading in ("Charged by", "Partner", "Service", "Driver", "Quantity", "Amount"):
            table.add_column(heading, justify="right" if heading in ("Quantity", "Amount") else "left")
        for line in selectors.run_lines(run):
            table.add_row(
                line.partner.code,
                line.charged_partner.code,
                line.service or line.kind,
                line.driver,
                outputs.format_quantity(line.quantity),
                gbp(line.amount),
            )
        table.add_row("", "Total", "", "", "", gbp(run.total))
        self.console.print(table)

    def _statement(self, actor: Any, options: dict[str, Any]) -> None:
        partner = selectors.statement_partner(actor, code=options["partner"])
        statement = selectors.statement_for(actor, partner=partner, month=options["month"])
        output = options.get("output")
        if output:
            path = Path(output)
            if path.suffix.lower() == ".pdf":
                path.write_bytes(outputs.statement_pdf(statement))
            elif path.suffix.lower() == ".csv":
                path.write_text(outputs.statement_csv(statement), encoding="utf-8", newline="")
            else:
                raise CommandError("Write the statement to a .csv or .pdf file.")
            self.console.print(f"Wrote {path} ({len(statement.lines)} line(s), {gbp(statement.total)}).")
            return
        table = Table(title=f"{partner.name}: charges for {people_month(statement.month)}")
        for heading in ("Service", "Driver", "Quantity", "Rate", "Amount"):
            table.add_column(heading, justify="left" if heading in ("Service", "Driver") else "right")
        for line in statement.lines:
            table.add_row(
                line.service,
                line.driver,
                outputs.format_quantity(line.quantity),
                outputs.format_rate(line.rate),
                gbp(line.amount),
            )
        table.add_row("Total", "", "", "", gbp(statement.total))
        self.console.print(table)

    def _reconcile(self, actor: Any, options: dict[str, Any]) -> None:
        report = selectors.reconciliation(actor, month=options["month"])
        table = Table(title=f"Inter-partner balances at {people_date(report.as_at)}")
        for heading in ("Owed to", "Owed by", "Debtor balance", "Creditor balance", "Difference"):
            table.add_column(heading, justify="left" if heading.startswith("Owed") else "right")
        for r in report.rows:
            table.add_row(
                r.debtor, r.creditor, gbp(r.debtor_balance), gbp(r.creditor_balance), gbp(r.difference)
            )
        self.console.print(table)
        self.console.print(
            "Every balance agrees." if not report.differences else f"{len(report.differences)} difference(s)."
        )

    def _readings(self, actor: Any, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No file {path}.")
        result = services.readings_import(
            actor=actor,
            provider=services.shared_services_body(),
            source=path.read_bytes(),
            filename=path.name,
        )
        if result.ok:
            self.console.print(f"Saved {result.saved} reading(s) from {path.name}.")
            return
        if options.get("report"):
            Path(options["report"]).write_text(tabular.errors_as_csv(result.errors), encoding="utf-8")
        self.stderr.write(tabular.format_errors(result.errors, limit=200))
        raise CommandError(f"{len(result.errors)} problem(s) in {path.name}; nothing was saved.")

    def _transparency(self, actor: Any, options: dict[str, Any]) -> None:
        partner = self._partner(options["partner"])
        rows = transparency.spend_over_threshold(
            actor, partner=partner, date_from=options["date_from"], date_to=options["date_to"]
        )
        text = transparency.spend_csv(rows)
        if options["output"] == "-":
            self.stdout.write(text, ending="")
            return
        Path(options["output"]).write_text(text, encoding="utf-8", newline="")
        self.console.print(f"Wrote {options['output']}: {len(rows)} row(s) over the threshold.")
