"""Payment runs (issue 14): approved invoices due by a date paid once, only to verified bank details,
by a BACS Standard 18 file from the partner's account, with remittance advice, posted to the
partner's ledger as invoices (expense, recoverable VAT, creditor) and then payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.core.bacs import parse_bacs18
from joinedup.ledger.models import JournalLine
from joinedup.purchasing.invoices import LineEntry, invoice_approve
from joinedup.purchasing.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentRun,
    PaymentRunStatus,
)
from joinedup.purchasing.payments import (
    bacs_file,
    journals_of,
    payment_run_approve,
    payment_run_cancel,
    payment_run_create,
    payment_run_mark_paid,
    payment_runs_visible_to,
    remittance_csv,
    remittance_pdf,
)
from joinedup.purchasing.tests.invoicing import DUE_DAY, PAY_DAY, InvoicingTestCase


class PaymentRunTestCase(InvoicingTestCase):
    def approved(self, number: str, *, supplier: Any = None, price: str = "50.00", **kwargs: Any) -> Invoice:
        invoice = self.enter(
            number=number,
            supplier=supplier,
            lines=[
                LineEntry("Toner", D("2"), D(price), D("20"), cost_centre="HR", account="4200"),
            ],
            **kwargs,
        )
        if invoice.status != InvoiceStatus.APPROVED:
            invoice = invoice_approve(actor=self.council_finance, invoice=invoice, note="checked")
        return invoice

    def make_run(self, **kwargs: Any) -> PaymentRun:
        return payment_run_create(
            actor=kwargs.pop("actor", self.council_finance),
            partner=kwargs.pop("partner", self.council),
            due_by=kwargs.pop("due_by", DUE_DAY),
            payment_date=kwargs.pop("payment_date", PAY_DAY),
        )


class TestPaymentRun(PaymentRunTestCase):
    def test_a_run_pays_each_supplier_its_invoices_due_less_its_credit_notes(self) -> None:
        first = self.approved("INV-1")  # £120.00
        second = self.approved("INV-2", price="25.00", invoice_date=date(2026, 5, 8))  # £60.00
        later = self.approved("INV-3", invoice_date=date(2026, 5, 20))  # due 19 June: not yet
        note = self.enter(
            number="CN-1",
            kind=InvoiceKind.CREDIT_NOTE,
            credits=first,
            lines=[
                LineEntry("Toner returned", D("1"), D("10.00"), D("20"), cost_centre="HR", account="4200")
            ],
        )  # £12.00
        run = self.make_run()
        payment = Payment.objects.for_partner(self.council).get(run=run)
        assert (run.reference, run.status, run.total) == (
            f"PR{run.pk:06d}",
            PaymentRunStatus.DRAFT,
            D("168.00"),
        )
        assert (payment.supplier, payment.amount, payment.reference) == (
            self.acme,
            D("168.00"),
            f"WCC {run.reference}",
        )
        statuses = dict(Invoice.objects.for_partner(self.council).values_list("number", "status"))
        assert statuses == {
            "INV-1": "in_payment",
            "INV-2": "in_payment",
            "CN-1": "in_payment",
            "INV-3": "approved",
        }
        assert {i.pk for i in payment.invoices.all()} == {first.pk, second.pk, note.pk}
        assert later.pk not in {i.pk for i in payment.invoices.all()}
        event = AuditEvent.objects.for_partner(self.council).get(action="payment_run.created")
        assert (event.after["invoices"], event.after["total"], event.after["payments"]) == (3, "168.00", 1)

    def test_a_supplier_without_verified_bank_details_is_held_back_and_not_paid(self) -> None:
        self.approved("INV-1")
        beta = self.approved("B-77", supplier=self.beta, price="40.00")
        run = self.make_run()
        assert run.held_back == [
            {
                "supplier": self.beta.pk,
                "name": "Beta Legal LLP",
                "reason": "Beta Legal LLP has no verified bank details.",
                "invoices": 1,
            }
        ]
        assert list(
            Payment.objects.for_partner(self.council).filter(run=run).values_list("supplier", flat=True)
        ) == [self.acme.pk]
        beta.refresh_from_db()
        assert (beta.status, beta.payment) == (InvoiceStatus.APPROVED, None)

    def test_a_run_with_nothing_it_may_pay_is_refused_with_the_reasons(self) -> None:
        self.approved("B-77", supplier=self.beta)
        with pytest.raises(ValidationError) as raised:
            self.make_run()
        assert raised.value.message_dict == {
            "due_by": [
                "No approved invoices are due by 10 June 2026 to pay. "
                "Held back: Beta Legal LLP has no verified bank details."
            ]
        }
        assert PaymentRun.objects.for_partner(self.council).count() == 0

    def test_an_invoice_is_paid_once_a_second_run_finds_nothing(self) -> None:
        self.approved("INV-1")
        self.make_run()
        with pytest.raises(ValidationError) as raised:
            self.make_run()
        assert raised.value.message_dict == {
            "due_by": ["No approved invoices are due by 10 June 2026 to pay."]
        }

    def test_an_invoice_waiting_for_approval_or_in_exceptions_is_not_paid(self) -> None:
        self.enter(number="W-1")  # waiting for approval
        self.enter(
            number="E-1",
            order=self.order,
            lines=[LineEntry("Paper", D("9"), D("20.00"), D("20"), order_line=1)],
        )
        with pytest.raises(ValidationError):
            self.make_run()

    def test_a_weekend_payment_date_is_refused(self) -> None:
        self.approved("INV-1")
        with pytest.raises(ValidationError) as raised:
            self.make_run(payment_date=date(2026, 6, 6))
        assert raised.value.message_dict == {
            "payment_date": ["Saturday 6 June 2026 is not a BACS processing day."]
        }

    def test_the_person_who_made_a_run_cannot_approve_it(self) -> None:
        self.approved("INV-1")
        run = self.make_run()
        with pytest.raises(ValidationError) as raised:
            payment_run_approve(actor=self.council_finance, run=run)
        assert raised.value.message_dict == {"run": ["You made this run: someone else must approve it."]}
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.DRAFT

    def test_the_bacs_file_pays_the_verified_account_from_the_partners_account(self) -> None:
        self.approved("INV-1")
        run = self.make_run()
        with pytest.raises(ValidationError):
            bacs_file(actor=self.council_finance, run=run)  # not approved yet
        payment_run_approve(actor=self.council_payer, run=run)
        parsed = parse_bacs18(bacs_file(actor=self.council_finance, run=run))
        (credit,) = parsed.credits
        assert (credit.dest_sort_code, credit.dest_account, credit.amount) == ("309634", "12345678", 12_000)
        assert (credit.reference, credit.dest_name) == (f"WCC {run.reference}", "ACME STATIONERY LT")
        assert (credit.orig_sort_code, credit.orig_account) == ("400000", "11112222")
        assert parsed.service_user_number == "111111"
        assert parsed.processing_date == PAY_DAY
        assert parsed.contras[0].originator_name == f"SUPPLIERS {run.reference}"

    def test_paying_a_run_posts_the_invoices_then_the_payment_and_marks_them_paid(self) -> None:
        self.approved("INV-1")
        self.enter(
            number="INV-2",
            lines=[
                LineEntry(
                    "Legal advice",
                    D("1"),
                    D("300.00"),
                    D("20"),
                    cost_centre="HR",
                    account="4300",
                    vat_recoverable=False,
                ),
            ],
            invoice_date=date(2026, 5, 8),
        )
        invoice_approve(
            actor=self.council_finance, invoice=Invoice.objects.for_partner(self.council).get(number="INV-2")
        )
        run = self.make_run()
        payment_run_approve(actor=self.council_payer, run=run)
        run = payment_run_mark_paid(actor=self.council_finance, run=run)
        assert run.status == PaymentRunStatus.PAID
        invoices, payment = journals_of(run)
        assert run.journal == payment

        def lines(journal: Any) -> list[tuple[str, str | None, int, int]]:
            return sorted(
                JournalLine.objects.for_partner(self.council)
                .filter(journal=journal)
                .values_list("account__code", "cost_centre__code", "debit", "credit")
            )

        # £100 toner + £20 recoverable VAT; £300 legal advice + £60 VAT it cannot recover.
        assert lines(invoices) == [
            ("4200", "HR", 10_000, 0),
            ("4300", "HR", 36_000, 0),
            ("B220", None, 2_000, 0),
            ("B300", None, 0, 48_000),
        ]
        assert lines(payment) == [("B100", None, 0, 48_000), ("B300", None, 48_000, 0)]
        assert set(Invoice.objects.for_partner(self.council).values_list("status", flat=True)) == {"paid"}
        assert AuditEvent.objects.for_partner(self.council).filter(action="journal.posted").count() >= 2
        with pytest.raises(ValidationError):
            payment_run_mark_paid(actor=self.council_finance, run=run)

    def test_cancelling_a_run_returns_its_invoices_for_a_later_run(self) -> None:
        invoice = self.approved("INV-1")
        run = payment_run_cancel(actor=self.council_finance, run=self.make_run(), reason="Wrong date")
        invoice.refresh_from_db()
        assert (run.status, invoice.status, invoice.payment) == ("cancelled", "approved", None)
        assert self.make_run().total == D("120.00")

    def test_remittance_advice_lists_what_the_payment_pays(self) -> None:
        self.approved("INV-1")
        run = self.make_run()
        payment = Payment.objects.for_partner(self.council).get(run=run)
        text = remittance_csv(actor=self.council_buyer, payment=payment).decode("utf-8-sig")
        assert text.splitlines() == [
            "Payment reference,Kind,Number,Invoice date,Amount",
            f"WCC {run.reference},Invoice,INV-1,2026-05-11,120.00",
        ]
        assert remittance_pdf(actor=self.council_buyer, payment=payment).startswith(b"%PDF-")

    def test_a_purchasing_officer_cannot_make_a_run_and_nothing_changes(self) -> None:
        invoice = self.approved("INV-1")
        for actor in (self.council_buyer, self.police_payer):
            with pytest.raises(PermissionDenied):
                self.make_run(actor=actor)
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.APPROVED
        assert PaymentRun.objects.for_partner(self.council).count() == 0
        assert not AuditEvent.objects.for_partner(self.council).filter(action="payment_run.created").exists()

    def test_another_partners_finance_officer_sees_no_council_runs(self) -> None:
        self.approved("INV-1")
        self.make_run()
        with pytest.raises(PermissionDenied):
            payment_runs_visible_to(self.police_payer, partner=self.council)
        assert list(payment_runs_visible_to(self.police_payer, partner=self.police)) == []

    def test_posting_sums_to_the_penny_where_the_database_sums_in_floats(self) -> None:
        # SQLite adds decimals as binary floats: 0.10 + 0.20 is 0.30000000000000004 there.
        for number, price in (("P-10", "0.10"), ("P-20", "0.20")):
            invoice = self.enter(
                number=number,
                lines=[LineEntry("Pins", D("1"), D(price), D("0"), cost_centre="HR", account="4200")],
            )
            invoice_approve(actor=self.council_finance, invoice=invoice)
        run = self.make_run()
        run = payment_run_approve(actor=self.council_payer, run=run)
        invoices, _ = journals_of(payment_run_mark_paid(actor=self.council_finance, run=run))
        debits = JournalLine.objects.for_partner(self.council).filter(journal=invoices, account__code="4200")
        assert list(debits.values_list("debit", flat=True)) == [30]
