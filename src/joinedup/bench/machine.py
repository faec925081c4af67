"""What shapes a benchmark's figures besides the code: the database and the machine."""

from __future__ import annotations

import os
import sqlite3

from django.conf import settings
from django.db import connection


def conditions(load_before: float) -> str:
    """What else shapes the figures: Django's DEBUG (which records every query's SQL), the
    CPUs, and the load average (1 minute) before and after the timed part."""
    debug = "on (every query's SQL recorded)" if settings.DEBUG else "off"
    return (
        f"DEBUG {debug}, {os.cpu_count()} CPUs, load average {load_before:.2f} before and "
        f"{os.getloadavg()[0]:.2f} after"
    )


def database_label() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        version = int(getattr(connection, "pg_version", 0))
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return connection.vendor
