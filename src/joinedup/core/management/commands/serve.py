"""``joinedup serve``: the production web server (gunicorn), or Django's own with ``--dev``.

gunicorn's arbiter runs in this process and forks the workers: HUP reloads them gracefully
(new workers start, old ones finish their requests), TERM stops accepting, lets requests in
flight finish within the graceful timeout, and exits 0; INT/QUIT stop at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

from joinedup.core.server import default_workers, gunicorn_options, split_addrport


class Command(BaseCommand):
    help = (
        "Serve joinedup with gunicorn (workers: 2 x cores + 1 unless --workers; HUP reloads, "
        "TERM stops gracefully). --dev uses Django's development server instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--workers", type=int, default=None, help="Worker processes (default 2 x cores + 1)."
        )
        parser.add_argument(
            "--dev", action="store_true", help="Django's development server (one process, no hardening)."
        )

    def handle(self, *args: Any, addrport: str, workers: int | None, dev: bool, **options: Any) -> None:
        bind = split_addrport(addrport)
        if dev:
            call_command("runserver", bind, use_reloader=False, use_threading=True)
            return
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1.")
        # The workers are forked from this process: none may inherit its database connection.
        connections.close_all()
        _Server(gunicorn_options(bind=bind, workers=workers or default_workers())).run()


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from joinedup.wsgi import application

        return application
