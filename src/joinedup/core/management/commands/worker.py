from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run a background worker: it takes queued jobs (pay runs, imports, exports) from the "
        "database. Start as many as you like, on any machine that reaches the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default="default", help="Queue to take jobs from.")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args: Any, queue: str, batch: bool, interval: float, **options: Any) -> None:
        call_command("db_worker", queue_name=queue, batch=batch, interval=interval)
