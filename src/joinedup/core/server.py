"""How `joinedup serve` runs gunicorn: the settings, in one place the tests can read."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandError

from joinedup.core.env import env_str

# A worker that spends longer than this on one request is killed and replaced. It is above the
# web statement timeout (settings.WEB_STATEMENT_TIMEOUT_MS, 30 s by default), so a slow query is
# cancelled by PostgreSQL with an error page rather than by a killed worker with none.
WORKER_TIMEOUT_SECONDS = 60
GRACEFUL_TIMEOUT_SECONDS = 30


def default_workers() -> int:
    """gunicorn's rule of thumb for synchronous workers: two per core plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def split_addrport(addrport: str) -> str:
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
        # them all restarting at once. A new worker spends about 1.4 CPU-seconds importing and
        # answering its first request (bench pages: 0.4 s of imports, 1 s for the first page),
        # which was 4-5% of the CPU at 2,000 requests a worker and is under 0.5% at 20,000.
        "max_requests": 20_000,
        "max_requests_jitter": 2_000,
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
