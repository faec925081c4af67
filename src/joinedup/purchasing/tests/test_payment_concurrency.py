"""Issue 14: an invoice is paid once, even with payment runs started at the same moment. Twenty
finance officers' requests (threads, each with its own PostgreSQL connection in its user's partner
context) make a run of the same due invoices at once: one run takes every invoice, the other
nineteen find nothing left to pay, and no invoice is in two payments."""

from __future__ import annotations

from decimal import Decimal as D
from functools import partial
from typing import Any

import pytest
from django.db import connection

from joinedup.audit.verification import verify_all
from joinedup.core import rls
from joinedup.purchasing.invoices import LineEntry, invoice_approve, invoice_enter
from joinedup.purchasing.models import Invoice, InvoiceStatus, Payment, PaymentRun
from joinedup.purchasing.payments import payment_run_create
from joinedup.purchasing.tests.invoicing import DUE_DAY, INVOICE_DAY, PAY_DAY, InvoicingTestCase
from joinedup.testing.concurrency import at_once, committed, tally

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CALLERS = 20
INVOICES = 12


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the race is PostgreSQL's")


def make_run(user: Any, case: Any) -> PaymentRun:
    """As the payment-run form does it: one request, in the user's partner context."""
    with rls.partner_context(rls.caller_partners(user), user=user):
        return payment_run_create(actor=user, partner=case.council, due_by=DUE_DAY, payment_date=PAY_DAY)


def test_twenty_payment_runs_started_at_once_pay_each_invoice_once() -> None:
    case: Any = committed(InvoicingTestCase)
    with rls.system_context("test: invoices to pay"):
        for n in range(INVOICES):
            invoice = invoice_enter(
                actor=case.council_buyer,
                partner=case.council,
                supplier=case.acme,
                number=f"INV-{n:03d}",
                invoice_date=INVOICE_DAY,
                lines=[
                    LineEntry("Toner", D("1"), D(f"{10 + n}.00"), D("20"), cost_centre="HR", account="4200")
                ],
            )
            invoice_approve(actor=case.council_finance, invoice=invoice, note="checked")

    callers = [case.council_finance, case.council_payer] * (CALLERS // 2)
    outcomes = at_once([partial(make_run, user, case) for user in callers])

    assert tally(outcomes) == {
        "ok": 1,
        "ValidationError {'due_by': ['No approved invoices are due by 10 June 2026 to pay.']}": CALLERS - 1,
    }
    with rls.system_context("test: what was paid"):
        (run,) = PaymentRun.objects.for_partner(case.council)
        invoices = list(Invoice.objects.for_partner(case.council).values_list("status", "payment__run"))
        payments = list(Payment.objects.for_partner(case.council).values_list("run", "amount"))
        # 12 invoices of £10 to £21 net, with VAT: £(10+...+21) x 1.2 = £186 x 1.2.
        assert payments == [(run.pk, D("223.20"))]
        assert invoices == [(InvoiceStatus.IN_PAYMENT, run.pk)] * INVOICES
        assert run.total == D("223.20")
        assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5
