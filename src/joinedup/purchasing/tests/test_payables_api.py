"""The payables API (api/payables.py): invoices in, the exceptions queue, a payment run through to its
BACS file and remittance advice; another partner's objects answer 404, a member without the
permission 403 with nothing changed."""

from __future__ import annotations

import json
from typing import Any

from joinedup.core.bacs import parse_bacs18
from joinedup.purchasing.models import Invoice, PaymentRun
from joinedup.purchasing.tests.invoicing import InvoicingTestCase

BODY: dict[str, Any] = {
    "number": "API-1",
    "invoice_date": "2026-05-11",
    "order_number": "WCC-PO-000001",
    "lines": [
        {"description": "A4 paper", "quantity": "9", "unit_price": "20.00", "vat_rate": "20", "order_line": 1}
    ],
}


class TestPayablesApi(InvoicingTestCase):
    def send(self, user: Any, url: str, body: dict[str, Any]) -> Any:
        return self.api(user).post(url, data=json.dumps(body), content_type="application/json")

    def test_an_invoice_entered_over_the_api_lands_in_the_exceptions_queue_with_its_reason(self) -> None:
        url = f"/api/v1/partners/{self.council.pk}/purchasing/invoices"
        response = self.send(self.council_buyer, url, {**BODY, "supplier_id": self.acme.pk})
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["status"], body["gross"], body["order"]) == ("exception", "216.00", "WCC-PO-000001")
        assert body["exceptions"][0]["kind"] == "quantity_received"
        queue = self.api(self.council_buyer).get(f"/api/v1/partners/{self.council.pk}/purchasing/exceptions")
        assert [i["number"] for i in queue.json()] == ["API-1"]

    def test_a_bad_line_is_a_422_naming_the_field(self) -> None:
        url = f"/api/v1/partners/{self.council.pk}/purchasing/invoices"
        line = {**BODY["lines"][0], "order_line": None}
        bad = {**BODY, "supplier_id": self.acme.pk, "order_number": "", "lines": [line]}
        response = self.send(self.council_buyer, url, bad)
        assert response.status_code == 422
        assert "lines.1.cost_centre" in response.content.decode()
        assert Invoice.objects.for_partner(self.council).count() == 0

    def test_a_viewer_may_not_enter_an_invoice_and_nothing_changes(self) -> None:
        url = f"/api/v1/partners/{self.council.pk}/purchasing/invoices"
        response = self.send(self.council_viewer, url, {**BODY, "supplier_id": self.acme.pk})
        assert response.status_code == 403
        assert Invoice.objects.for_partner(self.council).count() == 0

    def test_another_partners_invoice_and_run_answer_404(self) -> None:
        invoice = self.enter()
        assert self.api(self.police_buyer).get(f"/api/v1/purchasing/invoices/{invoice.pk}").status_code == 404
        response = self.send(
            self.police_payer, f"/api/v1/purchasing/invoices/{invoice.pk}/approve", {"note": "x"}
        )
        assert response.status_code == 404
        invoice.refresh_from_db()
        assert invoice.status == "awaiting_approval"

    def test_a_run_is_made_approved_by_another_and_its_file_and_remittance_downloaded(self) -> None:
        invoice = self.enter()
        self.send(self.council_manager, f"/api/v1/purchasing/invoices/{invoice.pk}/approve", {})
        runs = f"/api/v1/partners/{self.council.pk}/purchasing/payment-runs"
        made = self.send(self.council_finance, runs, {"due_by": "2026-06-30", "payment_date": "2026-06-05"})
        assert made.status_code == 201, made.content
        run = made.json()
        assert (run["total"], run["status"], len(run["payments"])) == ("120.00", "draft", 1)
        assert run["held_back"] == []
        approve = self.send(self.council_payer, f"/api/v1/purchasing/payment-runs/{run['id']}/approve", {})
        assert approve.json()["status"] == "approved"
        bacs = self.api(self.council_finance).get(f"/api/v1/purchasing/payment-runs/{run['id']}/bacs.txt")
        assert parse_bacs18(bacs.content.decode("ascii")).credit_total == 12_000
        # A purchasing officer reads the remittance but not the bank file.
        refused = self.api(self.council_buyer).get(f"/api/v1/purchasing/payment-runs/{run['id']}/bacs.txt")
        assert refused.status_code == 403
        payment = run["payments"][0]["id"]
        remittance = self.api(self.council_buyer).get(f"/api/v1/purchasing/payments/{payment}/remittance.csv")
        assert remittance.status_code == 200
        assert "INV-1001" in remittance.content.decode("utf-8-sig")
        paid = self.send(self.council_finance, f"/api/v1/purchasing/payment-runs/{run['id']}/paid", {})
        assert paid.json()["status"] == "paid"
        assert PaymentRun.objects.for_partner(self.council).get().status == "paid"
        police = self.api(self.police_payer).get(f"/api/v1/purchasing/payments/{payment}/remittance.pdf")
        assert police.status_code == 404
