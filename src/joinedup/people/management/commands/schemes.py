from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from joinedup.partnership.cli import operator
from joinedup.people.schemes_sync import schemes_sync


class Command(BaseCommand):
    help = "Terms-and-conditions schemes. `schemes sync` loads their data files into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sync", help="Load or update every scheme and its dated pay scales (idempotent).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        report = schemes_sync(actor=operator("schemes sync"))
        self.stdout.write(
            f"Schemes created: {report.schemes_created}; points created: {report.points_created}; "
            f"rates created: {report.rates_created}; rates corrected: {len(report.rates_corrected)}."
        )
