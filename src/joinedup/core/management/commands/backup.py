from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.core.backup import BackupRefused, backup


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to PATH while the application runs (SQLite's online backup API), "
        "through a temporary file renamed into place. PATH may be a folder: the copy is then named "
        "for the time. On PostgreSQL use pg_basebackup and WAL archiving (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write, or a folder to write it in.")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            done = backup(path)
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        events = f"{done.audit_events:,} audit event{'' if done.audit_events == 1 else 's'}"
        self.stdout.write(
            f"Backed up {done.source} to {done.target}: {done.bytes:,} bytes ({done.pages:,} pages), "
            f"{events}, in {done.seconds:.2f} s."
        )
        self.stdout.write(
            f"Check it any time with: DATABASE_URL=sqlite:///{done.target} joinedup audit verify"
        )
