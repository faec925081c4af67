"""The demo's year of purchasing (issue 14): October 2025 to September 2026 ordered, received,
invoiced, paid by monthly payment runs and posted to each partner's ledger; every category bought
by two or more partners from more than one supplier at different prices; one invoice in the
council's exceptions queue for a price beyond tolerance; one bank-detail change unverified."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from joinedup.bench.demo import SEEDER
from joinedup.core import rls
from joinedup.ledger.models import JournalLine
from joinedup.purchasing.models import (
    BankDetailChange,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentRun,
    SupplierKind,
)
from joinedup.recharges.transparency import spend_csv, spend_over_threshold
from tests.demo_checks.base import DemoChecks


class DemoPurchasingYearChecks(DemoChecks):
    def test_each_partner_has_twelve_months_paid_and_posted_to_its_ledger(self) -> None:
        # Net of the year's invoices, worked out from the demo's quantities and prices; the
        # ledger's expense lines hold the same pence (every demo VAT is recoverable).
        expected = {"WCC": Decimal("298565.00"), "WPOL": Decimal("281868.80"), "WFRS": Decimal("173690.35")}
        for code, net in expected.items():
            with self.subTest(code):
                partner = self.partners[code]
                paid = Invoice.objects.for_partner(partner).filter(status="paid")
                assert paid.count() == 60
                assert paid.aggregate(n=Sum("net"))["n"].quantize(Decimal("0.01")) == net
                runs = PaymentRun.objects.for_partner(partner).filter(status="paid")
                assert runs.count() == 12
                assert {r.payment_date.strftime("%Y-%m") for r in runs} == {
                    f"{y}-{m:02d}"
                    for y, m in [(2025, 10), (2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 10)]
                }
                expense = JournalLine.objects.for_partner(partner).filter(
                    journal__source="purchase_invoice", account__type="expense"
                )
                assert expense.aggregate(d=Sum("debit"))["d"] == int(net * 100)

    def test_every_category_is_bought_by_several_partners_from_several_suppliers_at_different_prices(
        self,
    ) -> None:
        seen: dict[str, dict[str, set[object]]] = defaultdict(lambda: defaultdict(set))
        with rls.system_context("the demo test compares every partner's purchases"):
            for category, partner, supplier, price in InvoiceLine.objects.unscoped(
                reason="the demo test compares every partner's purchases"
            ).values_list("category__name", "partner__code", "invoice__supplier__name", "unit_price"):
                seen[category]["partners"].add(partner)
                seen[category]["suppliers"].add(supplier)
                seen[category]["prices"].add(price)
        assert sorted(seen) == [
            "Agency staff",
            "External legal advice",
            "Fleet fuel",
            "ICT hardware",
            "Paper and stationery",
        ]
        for category, found in seen.items():
            with self.subTest(category):
                # A consolidation candidate: two or more partners, two or more suppliers.
                assert len(found["partners"]) == 3
                assert len(found["suppliers"]) == 2
                assert len(found["prices"]) >= 3

    def test_one_invoice_waits_in_the_exceptions_queue_and_one_bank_change_for_its_second_person(
        self,
    ) -> None:
        exceptions = Invoice.objects.unscoped(reason="the demo test reads the queues").filter(
            status="exception"
        )
        assert [(i.partner.code, i.number, [e["kind"] for e in i.exceptions]) for i in exceptions] == [
            ("WCC", "KI-WCC-7305", ["price"])
        ]
        pending = BankDetailChange.objects.get(status="pending")
        assert pending.supplier.name == "Hampshire Legal LLP"
        # Nothing was ever paid to the supplier whose details are not verified.
        assert (
            not Payment.objects.unscoped(reason="the demo test reads payments")
            .filter(supplier=pending.supplier)
            .exists()
        )

    def test_the_fire_services_spend_over_500_withholds_its_sole_traders_name(self) -> None:
        fire = self.partners["WFRS"]
        rows = spend_over_threshold(
            SEEDER, partner=fire, date_from=date(2025, 10, 1), date_to=date(2026, 9, 30)
        )
        sole = [r for r in rows if r.merchant_category == "External legal advice"]
        assert len(sole) == 12
        assert {r.beneficiary for r in sole} == {"Redacted: sole trader (personal data)"}
        text = spend_csv(rows)
        assert "Margaret Osei" not in text
        assert fire.name and "Peoplebank Agency Staffing Ltd" in text
        assert (
            InvoiceLine.objects.for_partner(fire)
            .filter(invoice__supplier__kind=SupplierKind.SOLE_TRADER)
            .count()
            == 12
        )
