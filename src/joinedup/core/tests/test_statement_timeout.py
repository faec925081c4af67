"""Web connections cancel a runaway statement (settings.WEB_STATEMENT_TIMEOUT_MS); background
connections keep DB_STATEMENT_TIMEOUT_MS (none by default)."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections
from django.test import SimpleTestCase, TestCase

from joinedup.core.db import with_statement_timeout

NEEDS_POSTGRESQL = "statement_timeout is a PostgreSQL setting"


def _fresh_connection(settings_dict: dict[str, Any]) -> Any:
    """A second connection to the test database, made as a web or background process would."""
    return connections["default"].__class__(settings_dict, alias="statement-timeout-test")


@pytest.mark.postgres_only
class TestStatementTimeout(TestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip(NEEDS_POSTGRESQL)

    def test_a_web_connection_cancels_a_long_pg_sleep(self) -> None:
        web = copy.deepcopy(connection.settings_dict)
        with_statement_timeout(web, 200)
        conn = _fresh_connection(web)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                assert cursor.fetchone() == ("200ms",)
                with pytest.raises(OperationalError, match="canceling statement due to statement timeout"):
                    cursor.execute("SELECT pg_sleep(5)")
        finally:
            conn.close()

    def test_a_background_connection_has_no_statement_timeout_by_default(self) -> None:
        conn = _fresh_connection(copy.deepcopy(connection.settings_dict))
        try:
            with conn.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                assert cursor.fetchone() == ("0",)
                cursor.execute("SELECT pg_sleep(0.3)")
        finally:
            conn.close()

    def test_postgresql_connections_persist_with_health_checks(self) -> None:
        assert connection.settings_dict["CONN_MAX_AGE"] == 600
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


class TestConnectionSettings(SimpleTestCase):
    def test_the_web_timeout_is_thirty_seconds_and_background_work_has_none(self) -> None:
        assert settings.WEB_STATEMENT_TIMEOUT_MS == 30_000
        assert settings.DB_STATEMENT_TIMEOUT_MS == 0

    def test_sqlite_settings_are_left_alone(self) -> None:
        sqlite: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 20}}
        with_statement_timeout(sqlite, 200)
        assert sqlite == {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 20}}

    def test_the_wsgi_entry_point_gives_web_processes_the_web_timeout(self) -> None:
        # A fresh process, as gunicorn's worker is: no connection is opened, only configured.
        env = {
            **os.environ,
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            "WEB_STATEMENT_TIMEOUT_MS": "1234",
        }
        script = (
            "from django.conf import settings; import joinedup.wsgi; "
            "print(settings.DATABASES['default']['OPTIONS']['options'])"
        )
        before = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); " + script.replace("import joinedup.wsgi; ", ""),
            ],
            env={**env, "DJANGO_SETTINGS_MODULE": "joinedup.settings"},
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[4],
        )
        after = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[4],
        )
        assert before.stdout == "-c statement_timeout=0\n"
        assert after.stdout == "-c statement_timeout=1234\n"
