"""``joinedup serve``: the production web server (gunicorn), or Django's own with ``--dev``.

gunicorn's arbiter runs in this process and forks the workers: HUP reloads them gracefully
(new workers start, old ones finish their requests), TERM stops accepting, lets requests in
flight finish within the graceful timeout, and exits 0; INT/QUIT stop at once.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

from joinedup.core.env import env_str

# A worker that spends longer than this on one request is killed and replaced. It is above the
# web statement timeout (settings.WEB_STATEMENT_TIMEOUT_MS, 30 s by default), so a slow query is
# cancelled by PostgreSQL with an error page rather than by a killed worker with none.
WORKER_TIMEOUT_SECONDS = 60
GRACEFUL_TIMEOUT_SECONDS = 30


def default_workers() -> int:
    """gunicorn's rule of thumb for synchronous workers: two per core plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def _split_addrport(addrport: str) -> str:
    host, sep, port = addrport.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", addrport
    if not port.isdigit():
        raise CommandError(f"{addrport!r} is not an address and port, such as 127.0.0.1:8000.")
    return f"{host or '127.0.0.1'}:{port}"


def gunicorn_options(*, bind: str, workers: int) -> dict[str, Any]:
    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": "sync",
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        # Recycle workers now and then so slow memory growth cannot build up; the jitter stops
        # them all restarting at once.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": env_str("LOG_LEVEL", "WARNING").lower(),
        # The proxy in front (TLS termination) is trusted for X-Forwarded-* only from here.
        "forwarded_allow_ips": env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        # gunicorn's runtime control socket lives in $HOME by default, shared by every instance
        # on the machine; HUP and TERM are the interface this service documents.
        "control_socket_disable": True,
        "proc_name": "joinedup",
    }


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
        bind = _split_addrport(addrport)
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
