from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from joinedup.audit.verification import ChainReport, verify_all


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` walks every partner's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every audit chain and report the first broken link in each.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)

        def show(report: ChainReport) -> None:
            mark = "[green]ok[/green]" if report.broken is None else "[red]BROKEN[/red]"
            console.print(f"{mark} {report.chain}: {report.events} events")

        reports = verify_all(progress=show)
        broken = [r.broken for r in reports if r.broken is not None]
        if broken:
            for link in broken:
                self.stderr.write(f"Broken link — {link}")
            raise CommandError(f"{len(broken)} audit chain(s) broken.")
        total = sum(r.events for r in reports)
        console.print(f"All {len(reports)} chains intact ({total} events).")
