"""Row-level security, the database's own copy of the tenancy rule (core/rls.py).

Each test enforces the policies and switches to a role that owns no table and has no BYPASSRLS,
all inside the test's transaction, so the rest of the suite is untouched. The raw SQL reads
here skip the guarded manager on purpose: they are the leak that row-level security stops."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from joinedup.audit.models import AuditEvent
from joinedup.bench import payroll as bench
from joinedup.core import rls
from joinedup.core.actors import SystemActor
from joinedup.core.tenancy import PartnerScopedManager
from joinedup.payroll.models import Payslip
from joinedup.payroll.services import payrun_calculate, payrun_create
from joinedup.people.models import OrgUnit, Person
from joinedup.people.services import secondment_create
from joinedup.testing.people import PeopleTestCase

APP_ROLE = "joinedup_rls_probe"


def rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def acting_as_superuser() -> bool:
    return bool(rows("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0])


def enforce() -> None:
    """Enforce the policies, unless the suite already runs as the application role with them
    enforced (conftest.py, with ROW_LEVEL_SECURITY on)."""
    if acting_as_superuser():
        # ALTER TABLE waits for no deferred foreign-key check: run those now.
        rows("SET CONSTRAINTS ALL IMMEDIATE")
        rls.install(connection, enforce=True)


def partners_seen() -> set[int]:
    found = rows("SELECT DISTINCT partner_id FROM audit_auditevent WHERE partner_id IS NOT NULL")
    return {row[0] for row in found}


@contextmanager
def as_application() -> Iterator[None]:
    """Policies enforced, and the connection acting as a login-less role like the
    application's: no table of its own, no BYPASSRLS, only the grants an application needs.
    It starts with no context (the suite's fixtures may write in a system context)."""
    switch = acting_as_superuser()
    if switch:
        rows(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
            f"CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$"
        )
        rows(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
        rows(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
        rows(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
        enforce()
        rows(f"SET LOCAL ROLE {APP_ROLE}")
    before = rows("SELECT current_setting(%s, true), set_config(%s, '', true)", [rls.SYSTEM_SETTING] * 2)
    try:
        yield
    finally:
        rows("SELECT set_config(%s, %s, true)", [rls.SYSTEM_SETTING, before[0][0] or ""])
        if switch:
            rows("RESET ROLE")


@pytest.mark.postgres_only
class TestRowLevelSecurity(PeopleTestCase):
    def setUp(self) -> None:
        if not self.on_postgresql():
            pytest.skip("row-level security exists on PostgreSQL only")

    def test_every_guarded_table_has_a_policy_on_its_partner(self) -> None:
        enforce()
        tables = sorted(m._meta.db_table for m in rls.guarded_models())
        found = rows(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
            "JOIN pg_policies p ON p.tablename = c.relname AND p.policyname = %s ORDER BY c.relname",
            [rls.POLICY],
        )
        assert found == [(table, True, True) for table in tables]
        assert "audit_auditevent" in tables and "people_person" in tables

    def test_with_no_partner_context_a_query_sees_nothing(self) -> None:
        assert len(partners_seen()) == 4
        with as_application():
            assert rows("SELECT count(*) FROM audit_auditevent") == [(0,)]
            assert rows("SELECT count(*) FROM partnership_partner") == [(4,)]  # not partner-owned

    def test_context_a_then_b_on_one_connection_never_mixes(self) -> None:
        with as_application():
            with rls.partner_context([self.council]):
                assert partners_seen() == {self.council.pk}
            assert partners_seen() == set()
            with rls.partner_context([self.police]):
                assert partners_seen() == {self.police.pk}
                with rls.partner_context([self.fire]):
                    assert partners_seen() == {self.fire.pk}
                assert partners_seen() == {self.police.pk}
            assert partners_seen() == set()

    def test_a_deliberately_unscoped_read_as_one_partners_user_returns_no_other_partners_rows(self) -> None:
        with as_application(), rls.partner_context(rls.caller_partners(self.council_hr)):
            # What a forgotten scope would run: the guard is bypassed, the database is not.
            events = list(AuditEvent.objects.unscoped(reason="test: a forgotten scope"))
            raw = rows("SELECT partner_id FROM audit_auditevent")
        assert events and {e.partner_id for e in events} == {self.council.pk}
        assert {r[0] for r in raw} == {self.council.pk}

    def test_an_employee_with_no_partner_role_sees_their_own_records_and_no_one_elses(self) -> None:
        employee = self.make_user("mary.seacole", [])
        linking = Person.objects.unscoped(reason="test: link an employee to their person")
        linking.filter(pk=self.shared_person_council.person_id).update(user=employee)
        employments = "SELECT payroll_number FROM people_employment ORDER BY payroll_number"
        with as_application():
            with rls.partner_context([], user=employee):
                people = rows("SELECT ni_number FROM people_person")
                own = rows(employments)
            with rls.partner_context([]):
                nobody = rows(employments)
            refused = pytest.raises(DatabaseError, match="row-level security")
            with rls.partner_context([], user=employee), refused, transaction.atomic():
                rows(
                    "INSERT INTO people_orgunit (partner_id, code, name) VALUES (%s, 'X', 'Not mine')",
                    [self.council.pk],
                )
        # Mary Seacole works for both the council and the police: both employments are hers.
        assert people == [("JM112233D",)]
        assert own == [("WCC000002",), ("WPOL000002",)]
        assert nobody == []

    def test_it_refuses_to_write_a_row_for_another_partner(self) -> None:
        with as_application(), rls.partner_context([self.council]):
            with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
                rows(
                    "INSERT INTO people_orgunit (partner_id, code, name) VALUES (%s, 'X', 'Not mine')",
                    [self.police.pk],
                )
            # (Not the audit trail, which the application's role may not update at all.)
            police_units = "UPDATE people_orgunit SET name = name WHERE partner_id = %s RETURNING id"
            assert rows(police_units, [self.police.pk]) == []
        assert OrgUnit.objects.for_partner(self.police).exists()

    def test_a_request_sees_its_users_partners_and_an_anonymous_one_none(self) -> None:
        seen: list[set[int]] = []

        def view(request: HttpRequest) -> HttpResponse:
            seen.append(partners_seen())
            return HttpResponse()

        middleware = rls.PartnerContextMiddleware(view)
        request = RequestFactory().get("/")
        with override_settings(ROW_LEVEL_SECURITY=True), as_application():
            for user in (self.council_hr, self.ops_admin, AnonymousUser()):
                request.user = user
                middleware(request)
            after = partners_seen()
        assert seen == [
            {self.council.pk},
            {self.council.pk, self.police.pk, self.fire.pk, self.shared.pk},
            set(),
        ]
        assert after == set()

    def test_a_system_context_sees_every_partner_and_must_say_why(self) -> None:
        with pytest.raises(ValueError, match="Say why"), rls.system_context(" "):
            pass
        with as_application():
            with rls.system_context("test: audit verification reads every chain"):
                assert len(partners_seen()) == 4
            assert partners_seen() == set()

    def test_a_person_is_seen_by_their_employers_and_the_host_of_a_secondment_only(self) -> None:
        def names() -> list[tuple[object, ...]]:
            return rows("SELECT family_name FROM people_person ORDER BY family_name")

        with as_application():
            with rls.partner_context([self.fire]):
                assert names() == []
            with rls.partner_context([self.council]):
                council = names()
        assert council == [
            (p.family_name,) for p in Person.objects.for_partner(self.council).order_by("family_name")
        ]
        assert len(council) == 2
        secondment_create(
            actor=self.shared_hr,
            employment=self.council_emp,
            host_partner=self.fire,
            role_title="Analyst",
            start_date=date(2026, 10, 17),
            end_date=date(2027, 3, 31),
        )
        with as_application(), rls.partner_context([self.fire]):
            assert names() == [(self.council_emp.person.family_name,)]
            assert rows("SELECT count(*) FROM people_employment") == [(0,)]

    def test_a_pay_run_writes_its_payslips_under_the_policies_without_copy(self) -> None:
        # PostgreSQL refuses COPY into a table under row-level security; the payslip writer
        # stages its COPY in a temporary table and inserts from there, as the run's partner.
        partner = bench.seed_payroll_partner(5, partner_code="RLSPAY")
        actor = SystemActor(reason="test: a pay run under row-level security")
        run = payrun_create(actor=actor, partner=partner, frequency="monthly", pay_date=bench.PAY_DATE)
        with override_settings(ROW_LEVEL_SECURITY=True), as_application():
            with rls.partner_context([partner]):
                payrun_calculate(actor=actor, run=run, batch_size=2)
                written = rows("SELECT count(*), sum(net_pay) FROM payroll_payslip")
            with rls.partner_context([self.council]):
                hidden = rows("SELECT count(*) FROM payroll_payslip")
        assert written == [(5, sum(Payslip.objects.for_partner(partner).values_list("net_pay", flat=True)))]
        assert hidden == [(0,)]

    def test_the_application_role_cannot_bypass_row_level_security(self) -> None:
        with as_application():
            assert rows("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user") == [
                (False, False)
            ]
            with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
                rows("ALTER TABLE audit_auditevent DISABLE ROW LEVEL SECURITY")
            with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
                rows("SET LOCAL row_security = off")
                rows("SELECT count(*) FROM audit_auditevent")
            owned = rows("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        assert owned == [(0,)]


class TestPolicies:
    def test_a_policy_names_every_partner_column_the_scope_names(self) -> None:
        from joinedup.recharges.models import RechargeLine

        assert rls.partner_columns(RechargeLine) == ["partner_id", "charged_partner_id"]
        assert rls.condition(Person) == (
            "(joinedup_in_system_context()) OR (joinedup_person_visible(id, joinedup_caller_partners()))"
            " OR (user_id = joinedup_caller_user())"
        )
        assert rls.own_condition(Payslip) == "joinedup_employment_is_callers(employment_id)"
        assert rls.own_condition(RechargeLine) is None

    def test_every_guarded_model_gets_a_policy(self) -> None:
        for model in rls.guarded_models():
            assert isinstance(model._default_manager, PartnerScopedManager)
            assert rls.condition(model).startswith("(joinedup_in_system_context()) OR (")
