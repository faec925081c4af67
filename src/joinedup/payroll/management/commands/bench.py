from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from joinedup.payroll.engine.bench import run_benchmark


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # pure computation: no database, no URLs
    help = "Benchmarks that print figures. `bench engine --employees N`: the payroll engine alone."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="target", required=True)
        engine = sub.add_parser("engine", help="Gross to net for a generated population, both paths.")
        engine.add_argument("--employees", type=int, default=2_000_000)
        engine.add_argument("--scalar-sample", type=int, default=2_000)
        engine.add_argument("--repeats", type=int, default=3)

    def handle(self, *args: Any, target: str, **options: Any) -> None:
        if options["employees"] < 1:
            self.stderr.write("--employees must be at least 1.")
            raise SystemExit(2)
        self.stdout.write(f"Generating {options['employees']:,} employees and timing the engine…")
        result = run_benchmark(
            options["employees"], scalar_sample=options["scalar_sample"], repeats=options["repeats"]
        )
        self.stdout.write(result.report())
