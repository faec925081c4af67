"""The recharge pages: statements (page, CSV, PDF) to the partner and to the shared-services
body, 404 to other partners; the run form; the reconciliation; the spend-over-£500 download."""

from __future__ import annotations

from joinedup.ledger.models import Journal
from joinedup.recharges.models import RechargeRun
from joinedup.recharges.services import recharge_run
from joinedup.recharges.tests.base import RechargeTestCase
from joinedup.testing.pdf_text import pdf_strings


class TestRechargePages(RechargeTestCase):
    def test_a_partners_finance_officer_sees_its_statement_with_the_trend(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        client = self.signed_in(self.council_finance)
        page = client.get("/recharges/statements/WCC/2026-10/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "£450.00" in html and "£222.23" in html and "£672.23" in html
        assert "£225.0000" in html  # HR: £900 shared by headcount 4
        assert 'href="/recharges/"' in client.get("/").content.decode()  # the Recharges nav item
        assert (
            client.get("/recharges/statements/WCC/2026-10.csv").content.decode("utf-8-sig").count("\n") == 3
        )
        pdf = client.get("/recharges/statements/WCC/2026-10.pdf").content
        assert pdf.startswith(b"%PDF")
        # The last six months' headings, each in full with its year below (issue 19).
        drawn = pdf_strings(pdf)
        months = ["May", "June", "July", "August", "September", "October"]
        assert [text for text in drawn if text in months] == months
        assert [drawn[drawn.index(month) + 1] for month in months] == ["2026"] * 6

    def test_another_partners_finance_officer_gets_404_for_statements_and_403_for_the_reconciliation(
        self,
    ) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        client = self.signed_in(self.police_finance)
        for url in ("/recharges/statements/WCC/2026-10/", "/recharges/statements/WCC/2026-10.csv"):
            assert client.get(url).status_code == 404
        # A page their roles do not open is 403 (web/current.py partner_page), not an object.
        assert client.get("/recharges/reconciliation/").status_code == 403

    def test_the_shared_services_finance_officer_reads_every_statement_not_the_ledgers(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        client = self.signed_in(self.shared_finance)
        for code in ("WCC", "WPOL", "WFRS"):
            assert client.get(f"/recharges/statements/{code}/2026-10/").status_code == 200
        journal = Journal.objects.for_partner(self.council).get(idempotency_key="recharge:2026-10:WCC")
        assert client.get(f"/api/v1/journals/{journal.pk}").status_code in (401, 404)
        assert (
            "Every balance agrees." in client.get("/recharges/reconciliation/?month=2026-10").content.decode()
        )

    def test_the_shared_services_finance_officer_runs_a_month_from_the_page(self) -> None:
        client = self.signed_in(self.shared_finance)
        response = client.post("/recharges/", {"month": "2026-10"})
        assert response.status_code == 302
        assert RechargeRun.objects.for_partner(self.shared).get().total == 133_334
        assert "October 2026" in client.get("/recharges/").content.decode()

    def test_a_partner_cannot_run_the_recharge(self) -> None:
        response = self.signed_in(self.council_finance).post("/recharges/", {"month": "2026-10"})
        assert response.status_code == 403
        assert not RechargeRun.objects.for_partner(self.shared).exists()

    def test_the_spend_page_downloads_the_transparency_csv(self) -> None:
        client = self.signed_in(self.council_finance)
        assert client.get("/recharges/spend-over-500/").status_code == 200
        response = client.get(
            "/recharges/spend-over-500/",
            {"date_from": "2026-04-01", "date_to": "2026-10-31", "format": "csv"},
        )
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.decode("utf-8-sig").startswith("Body name,Date,Department,Beneficiary")
