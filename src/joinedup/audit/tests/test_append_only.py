"""Issue 18: on PostgreSQL the application's role cannot UPDATE or DELETE audit rows at all
(audit/append_only.py: privileges taken back after every migrate; migration 0002: a trigger
that refuses even the owner). Each test reads the row back as the owner afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import ProgrammingError, connection, transaction

from joinedup.audit import append_only
from joinedup.audit.models import AuditEvent
from joinedup.audit.services import record_event
from joinedup.audit.verification import verify_all
from joinedup.testing.base import FIXTURES, PartnerTestCase

PROBE_ROLE = "joinedup_audit_probe"


def rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def roles() -> tuple[str, str]:
    acting, session = rows("SELECT current_user::text, session_user::text")[0]
    return acting, session


@contextmanager
def as_owner() -> Iterator[None]:
    """The session's own role (the tables' owner), for the length of the block."""
    acting, session = roles()
    if acting != session:
        rows("RESET ROLE")
    try:
        yield
    finally:
        if acting != session:
            rows(f'SET ROLE "{acting}"')


@contextmanager
def as_application() -> Iterator[str]:
    """Act as the application's role. The PostgreSQL suite of `make test` already does
    (conftest.py: ``joinedup_app``); otherwise the test makes a role like it in its own
    transaction, granted everything on every table as an operator might, then takes the audit
    privileges back as a migrate does."""
    acting, session = roles()
    if acting != session:
        yield acting
        return
    rows(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PROBE_ROLE}') THEN "
        f"CREATE ROLE {PROBE_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$"
    )
    rows(f"GRANT USAGE ON SCHEMA public TO {PROBE_ROLE}")
    rows(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {PROBE_ROLE}")
    rows(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {PROBE_ROLE}")
    append_only.install(connection)
    rows(f"SET LOCAL ROLE {PROBE_ROLE}")
    try:
        yield PROBE_ROLE
    finally:
        rows("RESET ROLE")


def stored(event: AuditEvent) -> tuple[Any, ...]:
    """The row as the database holds it, read as the owner."""
    with as_owner():
        found = rows(
            "SELECT seq, action, actor_label, after::text, prev_hash, hash "
            "FROM audit_auditevent WHERE id = %s",
            [event.pk],
        )
    assert len(found) == 1
    return found[0]


@pytest.mark.postgres_only
class TestAuditRowsCannotChangeOnPostgreSQL(PartnerTestCase):
    def setUp(self) -> None:
        if not self.on_postgresql():
            pytest.skip("SQLite has no roles: the hash chain is its only defence")
        self.event = record_event(
            actor=self.ops_admin, partner=self.police, action="test.salary", after={"salary": "30000.00"}
        )
        self.before = stored(self.event)

    def refused(self, statement: str, params: list[Any] | None = None) -> str:
        with pytest.raises(ProgrammingError) as caught, transaction.atomic():
            rows(statement, params)
        return str(caught.value).splitlines()[0]

    def test_the_application_role_may_not_update_an_audit_event(self) -> None:
        with as_application():
            message = self.refused(
                "UPDATE audit_auditevent SET after = %s WHERE id = %s",
                ['{"salary": "90000.00"}', self.event.pk],
            )
        assert message == "permission denied for table audit_auditevent"
        assert stored(self.event) == self.before

    def test_the_application_role_may_not_delete_an_audit_event(self) -> None:
        with as_application():
            message = self.refused("DELETE FROM audit_auditevent WHERE id = %s", [self.event.pk])
        assert message == "permission denied for table audit_auditevent"
        assert stored(self.event) == self.before

    def test_the_application_role_may_not_truncate_the_audit_trail_or_remove_a_chain_head(self) -> None:
        with as_application():
            truncate = self.refused("TRUNCATE audit_auditevent")
            head = self.refused("DELETE FROM audit_auditchainhead WHERE partner_id = %s", [self.police.pk])
        assert truncate == "permission denied for table audit_auditevent"
        assert head == "permission denied for table audit_auditchainhead"
        assert stored(self.event) == self.before
        assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5

    def test_the_application_role_still_appends_events(self) -> None:
        with as_application():
            appended = record_event(actor=FIXTURES, partner=self.police, action="test.after")
        assert stored(appended)[:2] == (self.before[0] + 1, "test.after")
        assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5

    def test_the_application_role_holds_no_update_delete_or_truncate_privilege_on_the_audit_tables(
        self,
    ) -> None:
        with as_application() as role:
            pass
        found = rows(
            "SELECT t, p, has_table_privilege(%s, t, p) FROM unnest(%s::text[]) t, unnest(%s::text[]) p "
            "ORDER BY t, p",
            [role, ["audit_auditevent", "audit_auditchainhead"], ["UPDATE", "DELETE", "TRUNCATE"]],
        )
        assert found == [
            ("audit_auditchainhead", "DELETE", False),
            ("audit_auditchainhead", "TRUNCATE", False),
            # The head moves forward with each event: the append updates it.
            ("audit_auditchainhead", "UPDATE", True),
            ("audit_auditevent", "DELETE", False),
            ("audit_auditevent", "TRUNCATE", False),
            ("audit_auditevent", "UPDATE", False),
        ]

    def test_a_grant_of_everything_made_after_migrate_is_taken_back_by_the_next_migrate(self) -> None:
        with as_application() as role:
            pass
        with as_owner():
            rows(f'GRANT ALL ON audit_auditevent, audit_auditchainhead TO "{role}"')
            assert rows("SELECT has_table_privilege(%s, 'audit_auditevent', 'UPDATE')", [role]) == [(True,)]
            taken = append_only.install(connection)
        # Wellbeing's case access events are protected the same way (wellbeing/apps.py); this
        # role's privileges there were taken back by the migrate before.
        assert taken == {
            "audit_auditevent": [role],
            "audit_auditchainhead": [role],
            "wellbeing_caseaccessevent": [],
        }
        assert rows("SELECT has_table_privilege(%s, 'audit_auditevent', 'UPDATE')", [role]) == [(False,)]

    def test_the_trigger_refuses_even_the_owner_an_update_or_a_delete(self) -> None:
        # Privileges do not bind the owner; migration 0002's trigger does (a superuser can
        # switch triggers off, which `joinedup audit verify` then detects: test_chain.py).
        with as_owner():
            update = self.refused("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [self.event.pk])
            delete = self.refused("DELETE FROM audit_auditevent WHERE id = %s", [self.event.pk])
        assert update == "audit events are append-only: UPDATE refused"
        assert delete == "audit events are append-only: DELETE refused"
        assert stored(self.event) == self.before
