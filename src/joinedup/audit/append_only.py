"""On PostgreSQL no role but the tables' owner may change or remove audit rows.

Two locks, each proved by ``audit/tests/test_append_only.py``:

- **privileges**: UPDATE, DELETE and TRUNCATE on the audit events (and DELETE and TRUNCATE on
  the chain heads, which the application only inserts and moves forward) are revoked from
  PUBLIC and from every role that holds them other than the owner, after every ``migrate`` —
  so an operator's ``GRANT ALL ON ALL TABLES ... TO joinedup_app`` is taken back by the next
  migrate, whatever the application's login role is called. The application role then gets
  ``permission denied`` before any row is touched.
- **a trigger** (migration 0002) that refuses UPDATE and DELETE on an event from anyone,
  the owner included, so a grant made after the last migrate still changes nothing.

What neither stops: the owner's TRUNCATE and a superuser, who can switch triggers off. The hash
chain, the chain heads and the signed checkpoints (``joinedup audit verify``) are what detect
those. SQLite has no roles: there the chain is the only defence."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from joinedup.audit.models import AuditChainHead, AuditEvent

# What no role but the owner keeps, per table. Other apps add their own append-only tables
# with ``protect`` from their ``ready()`` (wellbeing's case access events), since audit imports
# no domain.
REVOKED = {
    AuditEvent._meta.db_table: ("UPDATE", "DELETE", "TRUNCATE"),
    AuditChainHead._meta.db_table: ("DELETE", "TRUNCATE"),
}


def protect(table: str, privileges: tuple[str, ...] = ("UPDATE", "DELETE", "TRUNCATE")) -> None:
    """Take ``privileges`` on ``table`` back from every role but the owner, with the audit
    tables, after every migrate (and whenever ``install`` runs)."""
    REVOKED[table] = privileges


def install(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """Revoke the privileges in ``REVOKED`` from PUBLIC and every non-owner role holding one;
    the roles they were taken from, per table. Does nothing unless connected as the owner
    (or a superuser): the application's own role may run ``migrate`` with nothing to do."""
    if connection.vendor != "postgresql":
        return {}
    taken: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper OR pg_has_role(c.relowner, 'USAGE') FROM pg_class c, pg_roles r "
            "WHERE c.oid = %s::regclass AND r.rolname = current_user",
            [AuditEvent._meta.db_table],
        )
        if not cursor.fetchone()[0]:
            return {}
        for table, privileges in REVOKED.items():
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue  # a migrate that stopped before the app's tables exist
            cursor.execute(
                "SELECT DISTINCT r.rolname FROM pg_class c, aclexplode(c.relacl) a "
                "JOIN pg_roles r ON r.oid = a.grantee "
                "WHERE c.oid = %s::regclass AND a.grantee <> c.relowner AND a.privilege_type = ANY (%s) "
                "ORDER BY r.rolname",
                [table, list(privileges)],
            )
            roles = [row[0] for row in cursor.fetchall()]
            grantees = ", ".join(["PUBLIC", *(connection.ops.quote_name(role) for role in roles)])
            cursor.execute(f'REVOKE {", ".join(privileges)} ON "{table}" FROM {grantees}')
            taken[table] = roles
    return taken


def post_migrate(using: str = DEFAULT_DB_ALIAS, app_config: Any = None, **kwargs: Any) -> None:
    if app_config is None or app_config.label == "audit":
        install(connections[using])
