"""A row-level security context that begins its transaction is not set back when the block ends:
its settings are the transaction's own (``set_config(..., true)``) and end with it, which saves
each request a statement (issue 15: a ticket through the API at 200 a second). These tests run
outside the suite's per-test transaction, since only there does a context begin one; what they
check is that nothing of the context outlives it, and that a nested one is still set back."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from joinedup.core import rls

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the contexts are PostgreSQL settings; on SQLite they are no-ops")


def _settings() -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), coalesce(current_setting(%s, true), ''), "
            "coalesce(current_setting(%s, true), '')",
            [rls.PARTNERS_SETTING, rls.SYSTEM_SETTING, rls.USER_SETTING],
        )
        found = cursor.fetchone()
    return (str(found[0]), str(found[1]), str(found[2]))


def _set_configs(captured: CaptureQueriesContext) -> int:
    return sum(1 for query in captured.captured_queries if "set_config" in query["sql"])


def test_a_partner_context_that_begins_the_transaction_ends_with_it_unrestored() -> None:
    before = _settings()
    with CaptureQueriesContext(connection) as captured, rls.partner_context([7, 9]):
        inside = _settings()
    assert inside == ("7,9", "", "")
    assert _settings() == before
    assert _set_configs(captured) == 1


def test_a_system_context_that_begins_the_transaction_ends_with_it_unrestored() -> None:
    before = _settings()
    with CaptureQueriesContext(connection) as captured, rls.system_context("test: the end of a transaction"):
        inside = _settings()
    assert inside[1] == "test: the end of a transaction"
    assert _settings() == before
    assert _set_configs(captured) == 1


def test_a_nested_context_sets_back_the_one_around_it() -> None:
    with transaction.atomic(), rls.partner_context([7]):
        with CaptureQueriesContext(connection) as captured:
            with rls.system_context("test: nested, without a savepoint", savepoint=False):
                assert _settings()[1] == "test: nested, without a savepoint"
            with rls.partner_context([9]):
                assert _settings()[0] == "9"
        after = _settings()
    assert after == ("7", "", "")
    assert _set_configs(captured) == 4
    savepoints = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1  # the partner context's; the system context asked for none
