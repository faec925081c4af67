from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from joinedup.partnership.cli import acting_user, partner_by_code
from joinedup.privacy import exit as partner_exit


class Command(BaseCommand):
    help = (
        "A partner's exit. `partner export --partner WCC -o DIR` writes everything the partner owns "
        "(CSV per table, the shared rows they refer to, its audit chain) with a manifest; "
        "`partner verify-export DIR` checks it; `partner import DIR` loads it into this database; "
        "`partner erase --partner WCC --receipt REF` removes the partner's data once it has "
        "confirmed receipt (keeping what privacy/rules/exit_retained.toml lists)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write the partner's exit export into a new directory.")
        export.add_argument("--partner", required=True, help="The exiting partner's code, e.g. WCC.")
        export.add_argument("-o", "--output", required=True, type=Path, help="A new (or empty) directory.")
        export.add_argument("--as", dest="as_user", help="Act as this user (a service admin of the partner).")
        verify = sub.add_parser(
            "verify-export", help="Check an export's checksums, row counts and audit chain."
        )
        verify.add_argument("directory", type=Path)
        load = sub.add_parser("import", help="Load an export into this (migrated) database.")
        load.add_argument("directory", type=Path)
        load.add_argument("--as", dest="as_user")
        erase = sub.add_parser(
            "erase", help="Erase the partner's data after it confirmed receipt of its export."
        )
        erase.add_argument("--partner", required=True)
        erase.add_argument("--receipt", default="", help="The partner's reference confirming receipt.")
        erase.add_argument("--dry-run", action="store_true", help="Count what would go; change nothing.")
        erase.add_argument("--as", dest="as_user")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        try:
            if action == "export":
                self._export(console, options)
            elif action == "verify-export":
                self._verify(console, options["directory"])
            elif action == "import":
                actor = acting_user(options.get("as_user"), command="partner import")
                inserted = partner_exit.import_export(actor=actor, directory=options["directory"])
                console.print(f"Imported {sum(inserted.values())} rows into {len(inserted)} tables.")
            else:
                self._erase(console, options)
        except partner_exit.ExitError as exc:
            raise CommandError(str(exc)) from exc

    def _export(self, console: Console, options: dict[str, Any]) -> None:
        partner = partner_by_code(options["partner"])
        actor = acting_user(options.get("as_user"), command="partner export")
        errors = Console(file=sys.stderr, highlight=False)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=errors,
            transient=True,
        ) as bar:
            task = bar.add_task("tables", total=None)

            def show(step: partner_exit.Progress) -> None:
                bar.update(
                    task,
                    description=f"{step.model}: {step.rows} rows",
                    completed=step.tables_done,
                    total=step.tables_total,
                )

            manifest = partner_exit.export_partner(
                actor=actor, partner=partner, directory=options["output"], progress=show
            )
        rows = sum(t.rows for t in manifest.tables)
        console.print(
            f"Exported partner {partner.code}: {len(manifest.tables)} tables, {rows} rows, "
            f"{manifest.audit['head_seq']} audit events, into {options['output']}."
        )

    def _verify(self, console: Console, directory: Path) -> None:
        report = partner_exit.verify_export(directory)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The export in {directory} does not verify ({len(report.problems)} problem(s))."
            )
        console.print(
            f"Export verified: {report.tables} tables, {report.rows} rows, checksums match; "
            f"audit chain of {report.audit_events} events intact."
        )

    def _erase(self, console: Console, options: dict[str, Any]) -> None:
        partner = partner_by_code(options["partner"])
        actor = acting_user(options.get("as_user"), command="partner erase")
        report = partner_exit.erase_partner(
            actor=actor, partner=partner, receipt=options["receipt"], dry_run=options["dry_run"]
        )
        verb = "Would erase" if report.dry_run else "Erased"
        console.print(
            f"{verb} {sum(report.erased.values())} rows of partner {partner.code} in "
            f"{sum(1 for v in report.erased.values() if v)} tables and {report.persons_erased} people "
            f"no partner employs; kept {sum(report.retained.values())} rows "
            f"({', '.join(sorted(report.retained))})."
        )
