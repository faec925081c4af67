"""The recharges API: runs, statements in three forms, reconciliation, transparency CSV, and who
may read each."""

from __future__ import annotations

from datetime import date

from joinedup.ledger.models import Journal
from joinedup.ledger.services import LineInput, journal_post
from joinedup.recharges.models import RechargeRun
from joinedup.recharges.services import recharge_run
from joinedup.recharges.tests.base import RechargeTestCase


class TestRechargesApi(RechargeTestCase):
    def test_the_shared_services_finance_officer_runs_a_month_once(self) -> None:
        client = self.api(self.shared_finance)
        first = client.post("/api/v1/recharges/runs", {"month": "2026-10"}, content_type="application/json")
        assert first.status_code == 201
        body = first.json()
        assert (body["month"], body["total"], len(body["lines"])) == ("2026-10", 133_334, 5)
        again = client.post("/api/v1/recharges/runs", {"month": "2026-10"}, content_type="application/json")
        assert again.json()["id"] == body["id"]
        assert Journal.objects.for_partner(self.shared).filter(source="recharge_run").count() == 3
        listed = client.get("/api/v1/recharges/runs").json()
        assert [r["month"] for r in listed] == ["2026-10"]

    def test_a_partners_finance_officer_cannot_run_it(self) -> None:
        response = self.api(self.council_finance).post(
            "/api/v1/recharges/runs", {"month": "2026-10"}, content_type="application/json"
        )
        assert response.status_code == 403
        assert not RechargeRun.objects.for_partner(self.shared).exists()

    def test_a_partner_reads_its_statement_as_json_csv_and_pdf(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        client = self.api(self.council_finance)
        url = f"/api/v1/partners/{self.council.pk}/statements/2026-10"
        body = client.get(url).json()
        assert [
            (x["service"], x["driver"], x["quantity"], x["rate"], x["amount"]) for x in body["lines"]
        ] == [
            ("HR", "Headcount", "2", "225.0000", 45_000),
            ("ICT", "ICT tickets", "2", "111.1133", 22_223),
        ]
        assert body["total"] == 67_223
        assert body["trend_months"] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
        assert body["trend"] == [
            {"service": "HR", "amounts": [0, 0, 0, 0, 0, 45_000]},
            {"service": "ICT", "amounts": [0, 0, 0, 0, 0, 22_223]},
        ]
        csv = client.get(f"{url}.csv")
        assert csv["Content-Type"] == "text/csv; charset=utf-8"
        assert csv.content.decode("utf-8-sig").splitlines() == [
            "month,partner,charged_by,service,driver,description,quantity,rate,amount,source",
            '2026-10,WCC,WSS,HR,Headcount,"HR recharge, October 2026",2,225.0000,450.00,'
            "joinedup's people and payroll records",
            '2026-10,WCC,WSS,ICT,ICT tickets,"ICT recharge, October 2026",2,111.1133,222.23,Driver readings',
        ]
        pdf = client.get(f"{url}.pdf")
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")

    def test_the_shared_services_finance_officer_reads_every_statement_but_no_partner_ledger(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        client = self.api(self.shared_finance)
        for partner, total in ((self.council, 67_223), (self.police, 56_111), (self.fire, 10_000)):
            assert client.get(f"/api/v1/partners/{partner.pk}/statements/2026-10").json()["total"] == total
        fire = client.get(f"/api/v1/partners/{self.fire.pk}/statements/2026-10").json()
        # A fixed 10% reads as 10, not 1E+1.
        assert [(x["driver"], x["quantity"], x["rate"]) for x in fire["lines"]] == [
            ("Fixed percentage", "10", "10.0000")
        ]
        journal = Journal.objects.for_partner(self.council).get(idempotency_key="recharge:2026-10:WCC")
        assert client.get(f"/api/v1/journals/{journal.pk}").status_code == 404
        assert client.get(f"/api/v1/partners/{self.council.pk}/accounts").status_code == 404
        assert client.get(f"/api/v1/partners/{self.council.pk}/journals").status_code == 404

    def test_another_partners_finance_officer_gets_404_for_a_statement(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        client = self.api(self.police_finance)
        for suffix in ("", ".csv", ".pdf"):
            response = client.get(f"/api/v1/partners/{self.council.pk}/statements/2026-10{suffix}")
            assert response.status_code == 404
            assert response.json() == {"detail": "Not found."}
        assert client.get(f"/api/v1/partners/{self.police.pk}/statements/2026-10").json()["total"] == 56_111

    def test_the_reconciliation_is_for_the_shared_services_body(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        body = (
            self.api(self.shared_finance).get("/api/v1/recharges/reconciliation", {"month": "2026-10"}).json()
        )
        assert body["total_difference"] == 0
        assert [(r["debtor"], r["creditor"], r["difference"]) for r in body["rows"]] == [
            ("WSS", "WCC", 0),
            ("WSS", "WFRS", 0),
            ("WSS", "WPOL", 0),
        ]
        denied = self.api(self.council_finance).get("/api/v1/recharges/reconciliation", {"month": "2026-10"})
        assert denied.status_code == 403

    def test_pools_and_agreements_are_listed(self) -> None:
        pools = self.api(self.shared_finance).get("/api/v1/recharges/pools").json()
        assert [(p["service"], p["cost_centres"]) for p in pools] == [("hr", ["SS-HR"]), ("ict", ["SS-ICT"])]
        own = self.api(self.fire_finance).get("/api/v1/recharges/agreements").json()
        assert [(a["partner"], a["service"], a["driver"], a["percentage"], a["live"]) for a in own] == [
            ("WFRS", "hr", "fixed_percentage", "10.000", False)
        ]


class TestTransparencyApi(RechargeTestCase):
    def test_it_exports_invoices_over_500_pounds_in_the_code_form(self) -> None:
        for key, pence, supplier in (("inv-1", 50_001, "Acme Ltd"), ("inv-2", 50_000, "Small Co")):
            journal_post(
                actor=self.council_finance,
                partner=self.council,
                date=date(2026, 6, 3),
                description=f"Invoice {key}",
                idempotency_key=key,
                source="purchase_invoice",
                lines=[
                    LineInput(account="4300", debit=pence, cost_centre="HR", description=supplier),
                    LineInput(account="B300", credit=pence),
                ],
            )
        response = self.api(self.council_finance).get(
            f"/api/v1/partners/{self.council.pk}/transparency.csv", {"from": "2026-04-01", "to": "2026-06-30"}
        )
        assert response.content.decode("utf-8-sig").splitlines() == [
            "Body name,Date,Department,Beneficiary,Purpose of expenditure,Amount,"
            "Irrecoverable VAT,Merchant category",
            "Wessex County Council,2026-06-03,Council HR,Acme Ltd,"
            "Professional and consultancy services,500.01,,",
        ]
        other = self.api(self.police_finance).get(
            f"/api/v1/partners/{self.council.pk}/transparency.csv", {"from": "2026-04-01", "to": "2026-06-30"}
        )
        assert other.status_code == 404
