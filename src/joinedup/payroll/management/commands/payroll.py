from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.payroll.engine.calculator import calculate_csv


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # pure computation: no database, no URLs
    help = "Payroll tools. `payroll calculate INPUT.csv [-o OUTPUT.csv]`: gross to net, one period per row."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        calc = sub.add_parser("calculate", help="Gross-to-net for each row of a CSV file (see the README).")
        calc.add_argument("input", help="CSV file, or - for standard input.")
        calc.add_argument("-o", "--output", help="Where to write the result (default: standard output).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        source_name = options["input"]
        result = io.StringIO()
        if source_name == "-":
            errors = calculate_csv(sys.stdin, result)
        else:
            try:
                with Path(source_name).open(newline="", encoding="utf-8-sig") as source:
                    errors = calculate_csv(source, result)
            except OSError as exc:
                raise CommandError(f"Cannot read {source_name}: {exc.strerror}.") from exc
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(errors)} problem(s) in {source_name}; nothing was written.")
        if options["output"]:
            Path(options["output"]).write_text(result.getvalue(), encoding="utf-8", newline="")
        else:
            self.stdout.write(result.getvalue(), ending="")
