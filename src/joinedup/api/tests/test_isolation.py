"""Partners, memberships, audit events and statements over the API. Isolation of every route,
web and API, in every role is tests/attack/test_isolation_matrix.py."""

from __future__ import annotations

from joinedup.audit.models import AuditEvent
from joinedup.ledger.models import Journal
from joinedup.recharges.services import recharge_run
from joinedup.recharges.tests.base import RechargeTestCase
from joinedup.testing.base import PartnerTestCase


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
