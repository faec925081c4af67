"""Database connection settings that differ between the web and background work.

Web requests get a PostgreSQL ``statement_timeout`` (settings.WEB_STATEMENT_TIMEOUT_MS, 30 s by
default): a runaway query is cancelled and the user sees an error page, instead of a worker held
until gunicorn kills it. The background worker and CLI commands (pay runs, imports, year end)
keep settings.DB_STATEMENT_TIMEOUT_MS, which is none unless set.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections

POSTGRESQL = "django.db.backends.postgresql"


def with_statement_timeout(settings_dict: dict[str, Any], milliseconds: int) -> None:
    """Set libpq's ``options`` so every new connection made from ``settings_dict`` starts with
    this statement timeout (0: none). A no-op for SQLite, which has no such limit."""
    if settings_dict["ENGINE"] != POSTGRESQL:
        return
    options = settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"-c statement_timeout={int(milliseconds)}"


def use_web_statement_timeout() -> None:
    """Called once by joinedup.wsgi, in the web process and before it serves: connections made
    from now on, by this process only, carry the web timeout."""
    for alias in settings.DATABASES:
        with_statement_timeout(settings.DATABASES[alias], settings.WEB_STATEMENT_TIMEOUT_MS)
    # A connection already open (a check run before gunicorn forked) would keep the old timeout.
    for connection in connections.all(initialized_only=True):
        with_statement_timeout(connection.settings_dict, settings.WEB_STATEMENT_TIMEOUT_MS)
        connection.close()
