"""Suite-wide test set-up. JOINEDUP_ENV=test picks fast password hashing and immediate tasks."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis judges properties, not speed: on a shared 2-core machine a draw can stall for a
# second while other work runs, and its timing health check and per-example deadline would then
# fail a correct test. Speed is measured by the benchmarks.
settings.register_profile("joinedup", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "joinedup"))

os.environ.setdefault("JOINEDUP_ENV", "test")

_RESULTS = Path(__file__).parent / "build" / "test-results"
_browser_outcomes: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" in report.keywords and (report.when == "call" or report.outcome == "skipped"):
        _browser_outcomes.append(report.outcome)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # .ci/run reads this to fail a build whose browser tests were silently skipped.
    if not _browser_outcomes or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    _RESULTS.mkdir(parents=True, exist_ok=True)
    ran = all(outcome == "passed" for outcome in _browser_outcomes)
    (_RESULTS / "browser.status").write_text("ran\n" if ran else "skipped\n")


@pytest.fixture(autouse=True)
def _restore_signal_handlers() -> Iterator[None]:
    """django-tasks' worker, run in-process by a test, installs SIGTERM and SIGINT handlers that
    turn a signal into SystemExit and outlive the test: CI's own stop would then surface as a
    failure inside whichever test was running, hiding the real cause."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


# The role the suite acts as on PostgreSQL when row-level security is enforced: it owns no
# table and has no BYPASSRLS, as the application's own login must (core/rls.py).
APP_ROLE = "joinedup_app"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Build the test database as its owner (migrations run as the owner in production too),
    then act as the application role for every test. The suite's own fixtures write in a
    session-wide system context; each web or API request replaces it with its user's partners
    for its own transaction, so requests run under the policies exactly as in production."""
    from django.conf import settings
    from django.db import connection

    from joinedup.audit import append_only
    from joinedup.core import rls

    if connection.vendor != "postgresql" or not settings.ROW_LEVEL_SECURITY:
        yield
        return
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
                f"CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$"
            )
            cursor.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
            cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
            cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
        rls.install(connection, enforce=True)
        # As after a deployment's migrate: the grant above is taken back on the audit tables.
        append_only.install(connection)
        connection.close()
        options = connection.settings_dict.setdefault("OPTIONS", {})
        options["assume_role"] = APP_ROLE
        options["options"] = f"-c {rls.SYSTEM_SETTING}=test-suite-fixtures"
    with _flush_as_owner():
        yield
    # The owner drops the test database: leave the application role first.
    with django_db_blocker.unblock():
        connection.close()
        options.pop("assume_role", None)
        options.pop("options", None)


@contextmanager
def _flush_as_owner() -> Iterator[None]:
    """Transactional tests (``TransactionTestCase``, ``django_db(transaction=True)``) empty every
    table after each test with TRUNCATE, which the application role may not do to the audit
    trail (audit/append_only.py). The suite's flush steps back to the session's own role, the
    owner, as an operator restoring a database would, and then acts as the application again."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(ops: Any, sql_list: list[str]) -> None:
        with ops.connection.cursor() as cursor:
            cursor.execute("SELECT current_user::text")
            acting = cursor.fetchone()[0]
            cursor.execute("RESET ROLE")
        try:
            original(ops, sql_list)
        finally:
            with ops.connection.cursor() as cursor:
                cursor.execute(f'SET ROLE "{acting}"')

    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        DatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]
