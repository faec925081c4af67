"""The load test's plan: its sessions sign each role in without the sign-in form (so django-axes
never counts a failure), and every page the scenario reads answers 200 to the role reading it."""

from __future__ import annotations

from io import StringIO
from typing import Any
from urllib.parse import urlencode

from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, TestCase

from joinedup.bench.load.plan import EMPLOYEE_PREFIX, prepare_plan
from joinedup.partnership.models import Membership, Role, User
from joinedup.people.models import Person


def _client(plan: dict[str, Any], identity: dict[str, Any]) -> Client:
    client = Client()
    client.cookies[plan["cookie_name"]] = identity["session"]
    return client


class TestLoadPlanWithoutTheDemo(TestCase):
    def test_it_refuses_a_database_without_the_demo(self) -> None:
        with self.assertRaisesMessage(
            ValueError,
            "This database has no demo partnership: run `joinedup demo --no-serve --employees N` first.",
        ):
            prepare_plan(employee_accounts=1)


class TestLoadPlan(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", "--no-serve", "--employees", "60", stdout=StringIO())

    def test_employees_get_accounts_of_their_own_linked_to_a_paid_person(self) -> None:
        plan = prepare_plan(employee_accounts=3, searches=5)
        employees = plan["roles"]["employee"]
        assert [e["user"] for e in employees] == [f"{EMPLOYEE_PREFIX}{n:06d}" for n in (1, 2, 3)]
        for identity in employees:
            user = User.objects.get(username=identity["user"])
            person = Person.objects.unscoped(reason="the test finds the account's person").get(user=user)
            assert user.get_full_name() == person.full_name and not user.has_usable_password()
            roles = list(Membership.objects.filter(user=user).values_list("role", flat=True))
            assert roles == [Role.EMPLOYEE]
            assert len(identity["payslips"]) >= 1  # October 2026, the demo's paid month

    def test_a_second_plan_reuses_the_accounts_with_new_sessions(self) -> None:
        first = prepare_plan(employee_accounts=2, searches=5)
        second = prepare_plan(employee_accounts=2, searches=5)
        once, twice = first["roles"]["employee"], second["roles"]["employee"]
        assert [e["user"] for e in once] == [e["user"] for e in twice]
        assert once[0]["session"] != twice[0]["session"]
        assert User.objects.filter(username__startswith=EMPLOYEE_PREFIX).count() == 2

    def test_each_role_reads_its_pages_signed_in_by_its_session_alone(self) -> None:
        plan = prepare_plan(employee_accounts=2, searches=10)
        roles = plan["roles"]
        assert [len(roles[r]) for r in ("employee", "hr", "payroll", "finance")] == [2, 4, 4, 3]
        assert plan["population"]["employments"] >= 63
        pages: list[tuple[dict[str, Any], str]] = []
        for identity in roles["employee"]:
            pages += [(identity, "/me/payslips"), (identity, f"/payslips/{identity['payslips'][0]}")]
        for identity in roles["hr"]:
            query, person = identity["searches"][0]
            pages += [(identity, f"/people?{urlencode({'q': query})}"), (identity, f"/people/{person}")]
        for identity in roles["payroll"]:
            pages += [(identity, "/payroll"), (identity, f"/payroll/runs/{identity['runs'][0]}")]
        for identity in roles["finance"]:
            first, last = identity["year"]
            pages += [
                (identity, f"/ledger/trial-balance?period={identity['month']}"),
                (identity, f"/ledger/trial-balance?from={first}&to={last}"),
            ]
        for identity, path in pages:
            with self.subTest(user=identity["user"], path=path):
                response = _client(plan, identity).get(path)
                assert response.status_code == 200, response.get("Location")
        assert AccessAttempt.objects.count() == 0

    def test_payroll_officers_work_on_each_partner_by_switching_to_it(self) -> None:
        plan = prepare_plan(employee_accounts=1, searches=5)
        for identity in plan["roles"]["payroll"]:
            client = _client(plan, identity)
            client.get("/")
            assert client.post("/partner", {"partner": identity["partner"]}).status_code == 302
            page = client.get("/payroll")
            assert page.context["page"].object_list[0].partner_id == identity["partner"]
            assert [run.pk for run in page.context["page"]] == identity["runs"]

    def test_a_session_stops_working_when_the_password_changes(self) -> None:
        plan = prepare_plan(employee_accounts=1, searches=5)
        identity = plan["roles"]["finance"][0]
        user = User.objects.get(username=identity["user"])
        user.set_password("a-new-password-for-finance")
        user.save()
        response = _client(plan, identity).get(f"/ledger/trial-balance?period={identity['month']}")
        assert response.status_code == 302 and response["Location"].startswith("/sign-in")
