"""Partner isolation over the whole API: every route that takes an object id answers 404 to
a caller from another partner. Routes are read from the OpenAPI document, so a new route is
covered as soon as it exists — and fails here until its id parameters have a sample below."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from joinedup.api.main import api
from joinedup.audit.models import AuditEvent
from joinedup.ledger.models import Journal
from joinedup.ledger.services import LineInput, journal_post, ledger_setup_partner
from joinedup.payroll.models import P45Issue, PayRun, Payslip, VarianceFlag
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.payroll.services import payrun_calculate, payrun_create
from joinedup.people.models import Absence, Secondment, TupeTransfer
from joinedup.people.services import absence_request, secondment_create, tupe_transfer
from joinedup.recharges.models import RechargeRun
from joinedup.recharges.services import recharge_run
from joinedup.recharges.tests.base import RechargeTestCase
from joinedup.testing.base import FIXTURES, PartnerTestCase
from joinedup.testing.people import PeopleTestCase

# For each path parameter: how to find an object of the *constabulary* to ask for.
POLICE_SAMPLES: dict[str, Callable[[Any], Any]] = {
    "partner_id": lambda t: t.police.pk,
    "event_id": lambda t: AuditEvent.objects.for_partner(t.police).order_by("seq")[0].pk,
    "person_id": lambda t: t.police_emp.person_id,
    "employment_id": lambda t: t.police_emp.pk,
    "post_id": lambda t: t.police_post.pk,
    "secondment_id": lambda t: t.police_secondment.pk,
    "transfer_id": lambda t: t.police_transfer.pk,
    "absence_id": lambda t: t.police_absence.pk,
    "run_id": lambda t: t.police_run.pk,
    "payslip_id": lambda t: Payslip.objects.for_partner(t.police).filter(run=t.police_run)[0].pk,
    "flag_id": lambda t: t.police_flag.pk,
    "journal_id": lambda t: t.police_journal.pk,
    # A statement is the police's by its partner id; a recharge run is the shared-services body's,
    # which the council's HR officer may not read either.
    "month": lambda t: "2026-10",
    "recharge_run_id": lambda t: t.recharge_run.pk,
}

# A valid body for each route that takes one, so a 404 proves the partner rule and not a
# rejected body. A new write route fails the test until it has one here.
BODIES: dict[tuple[str, str], Callable[[Any], dict[str, Any]]] = {
    ("POST", "/api/v1/partners/{partner_id}/employments"): lambda t: {
        "person": {
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1990-01-01",
            "ni_number": "AA999999A",
        },
        "payroll_number": "NEW1",
        "start_date": "2026-01-05",
        "terms": {"fte": "1", "weekly_hours": "37", "scheme": "njc-test", "pay_point": "SCP5"},
    },
    ("POST", "/api/v1/employments/{employment_id}/terms"): lambda t: {
        "effective_from": "2026-04-01",
        "reason": "Increment",
        "pay_point": "SCP25",
    },
    ("POST", "/api/v1/employments/{employment_id}/end"): lambda t: {
        "end_date": "2026-12-31",
        "reason": "Left",
    },
    ("POST", "/api/v1/employments/{employment_id}/cost-splits"): lambda t: {
        "effective_from": "2026-04-01",
        "reason": "Shared",
        "shares": [{"partner_id": t.police.pk, "percent": "100"}],
    },
    ("POST", "/api/v1/employments/{employment_id}/secondments"): lambda t: {
        "host_partner_id": t.council.pk,
        "role_title": "Analyst",
        "start_date": "2027-01-04",
        "end_date": "2027-03-31",
    },
    ("POST", "/api/v1/partners/{partner_id}/transfers"): lambda t: {
        "to_partner_id": t.shared.pk,
        "transfer_date": "2026-10-01",
        "reference": "T9",
        "employment_ids": [t.police_emp.pk],
    },
    ("POST", "/api/v1/employments/{employment_id}/absences"): lambda t: {
        "kind": "annual_leave",
        "start_date": "2026-11-02",
        "end_date": "2026-11-03",
    },
    ("POST", "/api/v1/absences/{absence_id}/decision"): lambda t: {"approve": True},
    ("POST", "/api/v1/partners/{partner_id}/pay-runs"): lambda t: {"pay_date": "2026-12-24"},
    ("POST", "/api/v1/pay-runs/{run_id}/calculate"): lambda t: {},
    ("POST", "/api/v1/pay-runs/{run_id}/approve"): lambda t: {},
    ("POST", "/api/v1/pay-runs/{run_id}/close"): lambda t: {},
    ("POST", "/api/v1/flags/{flag_id}/accept"): lambda t: {"note": "Checked"},
    ("POST", "/api/v1/partners/{partner_id}/journals"): lambda t: {
        "date": "2026-05-15",
        "description": "Stationery",
        "lines": [
            {"account": "4200", "debit": 1250, "cost_centre": "UNALLOCATED"},
            {"account": "B100", "credit": 1250},
        ],
    },
    ("POST", "/api/v1/journals/{journal_id}/reverse"): lambda t: {},
    ("POST", "/api/v1/employments/{employment_id}/p45"): lambda t: {},
}


# Documents the sample's state refuses with a reason (the constabulary's sample employment has no
# P45 issued — reading never issues one — and was not paid in the last tax year): an answer that
# is not 404 still proves the route passed the partner rule.
OWNER_REFUSALS: dict[str, int] = {
    "/api/v1/employments/{employment_id}/p45.pdf": 409,
    "/api/v1/partners/{partner_id}/p60s/{employment_id}.pdf": 422,
    # The service admin views pay runs but does not run payroll: payment files are not theirs.
    "/api/v1/pay-runs/{run_id}/bacs.txt": 403,
    "/api/v1/pay-runs/{run_id}/fps.xml": 403,
}


def _routes_with_ids() -> list[tuple[str, str, list[str]]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    routes: list[tuple[str, str, list[str]]] = []
    for path, operations in schema["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        if params:
            routes.extend((method.upper(), path, params) for method in operations)
    return routes


class TestEveryRouteHidesOtherPartnersObjects(PeopleTestCase):
    police_secondment: Secondment
    police_absence: Absence
    police_transfer: TupeTransfer
    police_run: PayRun
    police_flag: VarianceFlag
    police_journal: Journal
    recharge_run: RechargeRun

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police_secondment = secondment_create(
            actor=cls.shared_hr,
            employment=cls.police_emp,
            host_partner=cls.fire,
            role_title="Analyst",
            start_date=date(2026, 5, 1),
            end_date=date(2026, 6, 30),
        )
        cls.police_absence = absence_request(
            actor=cls.shared_hr,
            employment=cls.police_emp,
            kind="annual_leave",
            start_date=date(2026, 7, 6),
            end_date=date(2026, 7, 7),
        )
        cls.police_transfer = tupe_transfer(
            actor=cls.shared_hr,
            from_partner=cls.police,
            to_partner=cls.shared,
            transfer_date=date(2026, 9, 1),
            reference="TUPE-P1",
            employments=[cls.shared_person_police],
        ).transfer
        cls.police_run = payrun_calculate(
            actor=FIXTURES,
            run=payrun_create(
                actor=FIXTURES, partner=cls.police, frequency="monthly", pay_date=date(2026, 11, 25)
            ),
        )
        cls.police_flag = VarianceFlag.objects.create(
            partner=cls.police,
            run=cls.police_run,
            employment=cls.police_emp,
            kind="net_change",
            detail="test",
        )
        ledger_setup_partner(
            actor=FIXTURES, partner=cls.police, year=2026, cost_centres=establishment_cost_centres(cls.police)
        )
        cls.police_journal = journal_post(
            actor=FIXTURES,
            partner=cls.police,
            date=date(2026, 5, 15),
            lines=[
                LineInput(account="4200", debit=1250, cost_centre="UNALLOCATED"),
                LineInput(account="B100", credit=1250),
            ],
            description="Police stationery",
        )
        cls.recharge_run = RechargeRun.objects.create(partner=cls.shared, month=date(2026, 10, 1))

    def test_every_route_with_an_id_answers_404_for_another_partners_object(self) -> None:
        routes = _routes_with_ids()
        assert len(routes) >= 3  # the enumeration itself must find routes
        client = self.api(self.council_hr)
        events_before = AuditEvent.objects.for_partner(self.police).count()
        for method, path, params in routes:
            missing = [p for p in params if p not in POLICE_SAMPLES]
            assert not missing, f"{method} {path}: add a police sample for {missing} to POLICE_SAMPLES"
            url = path
            for param in params:
                url = url.replace(f"{{{param}}}", str(POLICE_SAMPLES[param](self)))
            body = BODIES.get((method, path))
            assert method == "GET" or body is not None, f"{method} {path}: add a valid body to BODIES"
            with self.subTest(f"{method} {path}"):
                payload = json.dumps(body(self) if body else {})
                response = client.generic(method, url, data=payload, content_type="application/json")
                assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
                assert response.json() == {"detail": "Not found."}
        assert AuditEvent.objects.for_partner(self.police).count() == events_before
        assert P45Issue.objects.for_partner(self.police).count() == 0

    def test_the_same_routes_answer_for_the_owning_partners_admin(self) -> None:
        # Proves the 404s above come from the partner rule, not from broken routes.
        client = self.api(self.ops_admin)
        for method, path, params in _routes_with_ids():
            url = path
            for param in params:
                url = url.replace(f"{{{param}}}", str(POLICE_SAMPLES[param](self)))
            if method == "GET":
                with self.subTest(path):
                    assert client.get(url).status_code == OWNER_REFUSALS.get(path, 200)


class TestPartnersApi(PartnerTestCase):
    def test_it_lists_only_the_callers_partners(self) -> None:
        body = self.api(self.council_hr).get("/api/v1/partners").json()
        assert body["count"] == 1
        assert [p["code"] for p in body["items"]] == ["WCC"]

    def test_it_lists_every_partner_to_a_service_admin(self) -> None:
        body = self.api(self.ops_admin).get("/api/v1/partners").json()
        assert [p["code"] for p in body["items"]] == ["WPOL", "WCC", "WFRS", "WSS"]

    def test_it_returns_the_callers_memberships(self) -> None:
        body = self.api(self.union_rep).get("/api/v1/me/memberships").json()
        assert sorted((m["partner_code"], m["role"]) for m in body) == [
            ("WCC", "union_rep"),
            ("WPOL", "union_rep"),
        ]

    def test_it_requires_a_token(self) -> None:
        response = self.client.get("/api/v1/partners")
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication required: send a valid bearer token."}

    def test_it_rejects_a_made_up_token(self) -> None:
        response = self.client.get("/api/v1/partners", headers={"Authorization": "Bearer jup_madeup"})
        assert response.status_code == 401

    def test_it_names_the_field_of_a_malformed_id(self) -> None:
        response = self.api(self.ops_admin).get("/api/v1/partners/not-a-number")
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["partner_id"]


class TestAuditApi(PartnerTestCase):
    def test_an_admin_pages_through_a_partners_events_newest_first(self) -> None:
        body = self.api(self.ops_admin).get(f"/api/v1/partners/{self.council.pk}/audit-events").json()
        seqs = [e["seq"] for e in body["items"]]
        assert body["count"] == AuditEvent.objects.for_partner(self.council).count()
        assert seqs == sorted(seqs, reverse=True)
        assert {e["partner_id"] for e in body["items"]} == {self.council.pk}

    def test_a_dpo_filters_by_action(self) -> None:
        body = (
            self.api(self.shared_dpo)
            .get(f"/api/v1/partners/{self.police.pk}/audit-events", {"action": "partner."})
            .json()
        )
        assert [e["action"] for e in body["items"]] == ["partner.created"]

    def test_an_hr_officer_of_the_partner_is_forbidden(self) -> None:
        response = self.api(self.council_hr).get(f"/api/v1/partners/{self.council.pk}/audit-events")
        assert response.status_code == 403
        assert "audit.view" in response.json()["detail"]


class TestRechargeStatementsIsolation(RechargeTestCase):
    """Statements are the charged partner's and the issuing shared-services body's; seeing them
    opens nothing of the partner's ledger."""

    def test_another_partners_finance_officer_gets_404_for_a_statement(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        url = f"/api/v1/partners/{self.council.pk}/statements/2026-10"
        for suffix in ("", ".csv", ".pdf"):
            assert self.api(self.police_finance).get(url + suffix).status_code == 404

    def test_the_shared_services_finance_officer_reads_statements_not_ledgers(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        client = self.api(self.shared_finance)
        assert client.get(f"/api/v1/partners/{self.council.pk}/statements/2026-10").status_code == 200
        journal = Journal.objects.for_partner(self.council).get(idempotency_key="recharge:2026-10:WCC")
        assert client.get(f"/api/v1/journals/{journal.pk}").status_code == 404
        assert client.get(f"/api/v1/partners/{self.council.pk}/accounts").status_code == 404
        assert (
            client.get(
                f"/api/v1/partners/{self.council.pk}/transparency.csv?from=2026-04-01&to=2026-10-31"
            ).status_code
            == 404
        )
