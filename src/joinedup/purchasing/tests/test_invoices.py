"""Invoices (issue 14): entry, duplicate detection, three-way match into the exceptions queue, approval
under the scheme of delegation, credit notes, cancelling; the other partner's staff see none of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.purchasing.invoices import (
    LineEntry,
    exceptions_queue,
    invoice_approve,
    invoice_cancel,
    invoices_visible_to,
)
from joinedup.purchasing.models import Invoice, InvoiceKind, InvoiceStatus
from joinedup.purchasing.tests.invoicing import DUE_DAY, INVOICE_DAY, InvoicingTestCase


def paper(quantity: str, price: str = "20.00", vat: str = "20") -> LineEntry:
    return LineEntry(
        description="A4 paper", quantity=D(quantity), unit_price=D(price), vat_rate=D(vat), order_line=1
    )


class TestInvoiceEntry(InvoicingTestCase):
    def count(self) -> int:
        return Invoice.objects.for_partner(self.council).count()

    def test_a_non_po_invoice_is_entered_with_its_totals_and_waits_for_approval(self) -> None:
        invoice = self.enter()
        assert (invoice.net, invoice.vat, invoice.gross) == (D("100.00"), D("20.00"), D("120.00"))
        assert invoice.status == InvoiceStatus.AWAITING_APPROVAL
        assert invoice.due_date == DUE_DAY  # the supplier's 30 days' terms
        assert invoice.number_key == "INV1001"
        assert invoice.exceptions == []
        line = invoice.lines.get()
        assert (line.cost_centre.code, line.account.code, line.net, line.vat) == (
            "HR",
            "4200",
            D("100.00"),
            D("20.00"),
        )
        event = AuditEvent.objects.for_partner(self.council).get(action="invoice.entered")
        assert event.after["gross"] == "120.00"
        assert event.after["status"] == "awaiting_approval"

    def test_an_invoice_that_matches_its_order_and_receipt_is_approved(self) -> None:
        invoice = self.enter(order=self.order, lines=[paper("8")])
        assert invoice.status == InvoiceStatus.APPROVED
        # Cost centre and account come from the order line.
        assert invoice.lines.get().account.code == "4200"
        assert invoice.gross == D("192.00")

    def test_invoicing_more_than_was_received_puts_it_in_the_exceptions_queue_with_the_reason(self) -> None:
        invoice = self.enter(order=self.order, lines=[paper("9")])
        assert invoice.status == InvoiceStatus.EXCEPTION
        assert invoice.exceptions == [
            {
                "kind": "quantity_received",
                "line": 1,
                "reason": "Line 1: Quantity invoiced 9 is 1 more than the 8 received; "
                "the tolerance is 0% and 0.",
            }
        ]
        assert list(exceptions_queue(self.council_buyer, partner=self.council)) == [invoice]

    def test_a_price_at_the_partners_tolerance_matches_and_a_penny_more_does_not(self) -> None:
        # 2% and £5: 20.40 is 2% over, £3.20 on 8 units.
        assert self.enter(order=self.order, lines=[paper("8", "20.40")]).status == InvoiceStatus.APPROVED
        over = self.enter(number="INV-2002", order=self.order, lines=[paper("8", "20.41")])
        # The first invoice took the 8 received (of 10 ordered): every reason is given.
        assert [e["kind"] for e in over.exceptions] == ["price", "quantity_received", "quantity_ordered"]
        assert over.exceptions[0]["reason"] == (
            "Line 1: Unit price £20.41 is £0.41 (2.05%) above the order's £20.00, £3.28 over on the line; "
            "the tolerance is 2% and £5.00."
        )

    def test_quantities_already_invoiced_count_against_the_receipt(self) -> None:
        self.enter(order=self.order, lines=[paper("8")])
        second = self.enter(number="INV-1002", order=self.order, lines=[paper("1")])
        assert second.exceptions[0]["reason"] == (
            "Line 1: Quantity invoiced 9 (8 on earlier invoices) is 1 more than the 8 received; "
            "the tolerance is 0% and 0."
        )

    def test_a_line_naming_no_line_of_the_order_is_refused(self) -> None:
        with pytest.raises(ValidationError) as raised:
            self.enter(order=self.order, lines=[LineEntry("x", D("1"), D("1"), D("20"), order_line=7)])
        assert raised.value.message_dict == {
            "lines.1.order_line": ["Order WCC-PO-000001 has no line 7."],
            "lines.1.cost_centre": ["Name a cost centre."],
            "lines.1.account": ["Name an expense account."],
        }
        assert self.count() == 0

    def test_the_same_supplier_and_number_again_is_flagged_as_a_possible_duplicate(self) -> None:
        first = self.enter()
        again = self.enter(number="inv 1001", invoice_date=INVOICE_DAY + timedelta(days=3))
        assert again.status == InvoiceStatus.EXCEPTION
        assert again.exceptions == [
            {
                "kind": "duplicate_same_number",
                "line": None,
                "reason": "Possible duplicate: same supplier and invoice number as "
                f"INV-1001 (invoice {first.pk}).",
            }
        ]

    def test_the_same_supplier_amount_and_date_is_flagged(self) -> None:
        first = self.enter()
        again = self.enter(number="X-77")
        assert [e["kind"] for e in again.exceptions] == ["duplicate_same_amount_and_date"]
        assert str(first.pk) in again.exceptions[0]["reason"]

    def test_the_same_amount_with_a_near_identical_number_from_another_supplier_is_flagged(self) -> None:
        self.enter()
        again = self.enter(
            number="INV-1010", supplier=self.beta, invoice_date=INVOICE_DAY + timedelta(days=9)
        )
        assert [e["kind"] for e in again.exceptions] == ["duplicate_near_number"]

    def test_a_cancelled_invoice_is_not_a_duplicate(self) -> None:
        first = self.enter()
        invoice_cancel(actor=self.council_buyer, invoice=first, reason="Sent to the wrong council")
        assert self.enter().status == InvoiceStatus.AWAITING_APPROVAL

    def test_a_credit_note_is_approved_without_matching(self) -> None:
        invoice = self.enter(order=self.order, lines=[paper("8")])
        note = self.enter(
            number="CN-1", kind=InvoiceKind.CREDIT_NOTE, credits=invoice, lines=[paper("1")], order=self.order
        )
        assert (note.kind, note.status, note.gross) == ("credit_note", InvoiceStatus.APPROVED, D("24.00"))

    def test_a_credit_note_for_another_suppliers_invoice_is_refused(self) -> None:
        invoice = self.enter()
        with pytest.raises(ValidationError) as raised:
            self.enter(number="CN-1", supplier=self.beta, kind=InvoiceKind.CREDIT_NOTE, credits=invoice)
        assert raised.value.message_dict == {"credits": ["Invoice INV-1001 is from another supplier."]}

    def test_a_cost_centre_the_partner_does_not_have_is_refused(self) -> None:
        with pytest.raises(ValidationError) as raised:
            self.enter(lines=[LineEntry("x", D("1"), D("1"), D("20"), cost_centre="NOPE", account="1000")])
        assert raised.value.message_dict == {"lines.1.cost_centre": ["WCC has no cost centre 'NOPE'."]}

    def test_another_partners_order_is_refused(self) -> None:
        with pytest.raises(ValidationError) as raised:
            self.enter(partner=self.police, actor=self.police_buyer, order=self.order, lines=[paper("1")])
        assert raised.value.message_dict == {"order": ["Not an order of this partner."]}
        assert Invoice.objects.for_partner(self.police).count() == 0

    def test_another_partners_purchasing_officer_cannot_enter_a_council_invoice(self) -> None:
        with pytest.raises(PermissionDenied):
            self.enter(actor=self.police_buyer)
        with pytest.raises(PermissionDenied):
            self.enter(actor=self.council_viewer)
        assert self.count() == 0
        assert not AuditEvent.objects.for_partner(self.council).filter(action="invoice.entered").exists()

    def test_another_partners_staff_see_none_of_the_councils_invoices(self) -> None:
        self.enter()
        with pytest.raises(PermissionDenied):
            invoices_visible_to(self.police_buyer, partner=self.council)
        assert list(invoices_visible_to(self.police_buyer, partner=self.police)) == []


class TestInvoiceApproval(InvoicingTestCase):
    def test_a_budget_holder_approves_a_non_po_invoice_within_their_limit(self) -> None:
        invoice = invoice_approve(actor=self.council_manager, invoice=self.enter())
        assert (invoice.status, invoice.approved_by) == (InvoiceStatus.APPROVED, self.council_manager)
        event = AuditEvent.objects.for_partner(self.council).get(action="invoice.approved")
        assert (event.before, event.after["status"]) == ({"status": "awaiting_approval"}, "approved")

    def test_an_invoice_over_the_approvers_limit_is_refused_and_unchanged(self) -> None:
        big = self.enter(
            lines=[LineEntry("Desk", D("1"), D("1000.01"), D("20"), cost_centre="HR", account="4000")]
        )
        with pytest.raises(ValidationError) as raised:
            invoice_approve(actor=self.council_manager, invoice=big)
        assert raised.value.message_dict == {
            "invoice": ["The net £1,000.01 is over your delegated limit of £1,000.00."]
        }
        big.refresh_from_db()
        assert big.status == InvoiceStatus.AWAITING_APPROVAL
        # Finance's line in the scheme has no limit.
        assert invoice_approve(actor=self.council_finance, invoice=big).status == InvoiceStatus.APPROVED

    def test_no_one_approves_an_invoice_they_entered(self) -> None:
        both = self.make_user(
            "council.both", [(self.council, Role.PURCHASING_OFFICER), (self.council, Role.MANAGER)]
        )
        invoice = self.enter(actor=both)
        with pytest.raises(ValidationError) as raised:
            invoice_approve(actor=both, invoice=invoice)
        assert raised.value.message_dict == {
            "invoice": ["You entered this invoice: someone else must approve it."]
        }

    def test_a_release_from_the_exceptions_queue_needs_a_reason(self) -> None:
        invoice = self.enter(order=self.order, lines=[paper("9")])
        with pytest.raises(ValidationError) as raised:
            invoice_approve(actor=self.council_finance, invoice=invoice)
        assert raised.value.message_dict == {"note": ["Say why the exceptions are accepted."]}
        released = invoice_approve(
            actor=self.council_finance, invoice=invoice, note="Ninth box delivered late"
        )
        assert released.status == InvoiceStatus.APPROVED

    def test_a_purchasing_officer_cannot_approve_and_nothing_changes(self) -> None:
        invoice = self.enter()
        with pytest.raises(PermissionDenied):
            invoice_approve(actor=self.council_buyer2, invoice=invoice)
        with pytest.raises(PermissionDenied):
            invoice_approve(actor=self.police_payer, invoice=invoice)
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.AWAITING_APPROVAL
        assert not AuditEvent.objects.for_partner(self.council).filter(action="invoice.approved").exists()
