"""Benchmark of a purchasing payment run (``joinedup bench payment-run --invoices N``).

A fresh partner (code ``BENCH…``) gets the template chart and year 2026/27, purchasing settings
with a payables account, ``N / 20`` suppliers with verified bank details, and ``N`` approved
invoices of one or two lines each over its teams and supplies accounts (bulk inserts, not timed).
Then, timed, as a finance officer: making the run (taking every invoice due), approving it (by a
second officer), writing its BACS file, and marking it paid, which posts the invoices' journal
and the payment's through the ledger. The issue's target: posting a run of 10,000 invoices in at
most 10 s. Figures depend on the machine; nothing here asserts a speed."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.population import SEED, bench_stamp
from joinedup.core import rls
from joinedup.core.bacs import parse_bacs18
from joinedup.ledger.models import Account, CostCentre
from joinedup.ledger.services import ledger_setup_partner
from joinedup.partnership.models import Partner, PartnerKind, Role
from joinedup.partnership.services import membership_grant, partner_create, user_create
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.purchasing.models import (
    BankChangeStatus,
    BankDetailChange,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    PurchasingSettings,
    Supplier,
    SupplierBankDetails,
    SupplierPartner,
    VerificationMethod,
    line_net,
    line_vat,
)
from joinedup.purchasing.payments import (
    bacs_file,
    journals_of,
    payment_run_approve,
    payment_run_create,
    payment_run_mark_paid,
)

INVOICES_PER_SUPPLIER = 20
INVOICE_DAY = date(2026, 5, 11)
DUE_BY = date(2026, 6, 30)
PAY_DAY = date(2026, 6, 5)  # a Friday
SUPPLY_ACCOUNTS = ("4000", "4100", "4200", "4300")
_BATCH = 5_000

Say = Callable[[str], None]


def _silent(_: str) -> None:
    pass


@dataclass
class PaymentRunBenchResult:
    invoices: int
    lines: int
    suppliers: int
    database: str
    partner_code: str
    seconds: dict[str, float] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    conditions: str = ""

    def report(self) -> str:
        out = [
            f"Payment run of {self.invoices:,} invoices ({self.lines:,} lines, {self.suppliers:,} suppliers) "
            f"on {self.database}, partner {self.partner_code}",
        ]
        out += [f"  {stage:<34} {seconds:8.2f} s" for stage, seconds in self.seconds.items()]
        out += [f"  {name}: {value}" for name, value in self.checks.items()]
        out.append(f"  {self.conditions}")
        return "\n".join(out)


def _seed(invoices: int, *, say: Say) -> tuple[Partner, Any, Any, int]:
    stamp = bench_stamp()
    code = f"BENCH{stamp}"
    partner = partner_create(
        actor=BENCH, name=f"Benchmark payables {code}", code=code, kind=PartnerKind.COUNCIL
    )
    maker, approver = (
        user_create(actor=BENCH, username=f"bench.{who}.{code.lower()}", password=None, full_name="Bench")
        for who in ("payer", "approver")
    )
    for user in (maker, approver):
        membership_grant(actor=BENCH, user=user, partner=partner, role=Role.FINANCE_OFFICER)
    say("Setting up the chart and the year")
    ledger_setup_partner(
        actor=BENCH, partner=partner, year=2026, cost_centres=establishment_cost_centres(partner)
    )
    PurchasingSettings.objects.create(
        partner=partner,
        po_prefix="BENCH-PO-",
        bank_sort_code="400000",
        bank_account_number="11112222",
        bank_account_name="Payables",
        bacs_user_number="123456",
    )
    centres = list(CostCentre.objects.for_partner(partner).order_by("code"))
    accounts = list(Account.objects.for_partner(partner).filter(code__in=SUPPLY_ACCOUNTS).order_by("code"))
    rng = np.random.default_rng(SEED)
    suppliers_needed = max(1, invoices // INVOICES_PER_SUPPLIER)
    say(f"{suppliers_needed:,} suppliers with verified bank details")
    suppliers = Supplier.objects.bulk_create(
        [Supplier(name=f"Supplier {n:05d} {code}") for n in range(suppliers_needed)], batch_size=_BATCH
    )
    SupplierPartner.objects.bulk_create(
        [
            SupplierPartner(partner=partner, supplier=s, reference=f"S{n:05d}")
            for n, s in enumerate(suppliers)
        ],
        batch_size=_BATCH,
    )
    now = timezone.now()
    changes = BankDetailChange.objects.bulk_create(
        [
            BankDetailChange(
                supplier=s,
                entered_for=partner,
                sort_code="309634",
                account_number=f"{n + 10_000_000:08d}",
                account_name=s.name[:18],
                notified_by="Benchmark",
                status=BankChangeStatus.VERIFIED,
                entered_by=maker,
                entered_at=now,
                decided_by=approver,
                decided_for=partner,
                decided_at=now,
                method=VerificationMethod.CALL_BACK,
                called_number="01632 960000",
            )
            for n, s in enumerate(suppliers)
        ],
        batch_size=_BATCH,
    )
    SupplierBankDetails.objects.bulk_create(
        [
            SupplierBankDetails(
                supplier=c.supplier,
                change=c,
                sort_code=c.sort_code,
                account_number=c.account_number,
                account_name=c.account_name,
            )
            for c in changes
        ],
        batch_size=_BATCH,
    )
    say(f"{invoices:,} approved invoices")
    prices = rng.integers(1_000, 500_000, size=(invoices, 2))  # pence
    two_lines = rng.random(invoices) < 0.5
    line_count = 0
    for start in range(0, invoices, _BATCH):
        chunk = range(start, min(start + _BATCH, invoices))
        made = []
        lines: list[list[tuple[Decimal, Decimal]]] = []
        for n in chunk:
            amounts = []
            for k in range(2 if two_lines[n] else 1):
                net = line_net(Decimal(1), Decimal(int(prices[n, k])) / 100)
                amounts.append((net, line_vat(net, Decimal(20))))
            lines.append(amounts)
            net = sum((a for a, _ in amounts), Decimal("0.00"))
            vat = sum((v for _, v in amounts), Decimal("0.00"))
            made.append(
                Invoice(
                    partner=partner,
                    supplier=suppliers[n % suppliers_needed],
                    number=f"B{n:07d}",
                    number_key=f"B{n}",
                    invoice_date=INVOICE_DAY,
                    received_date=INVOICE_DAY,
                    due_date=INVOICE_DAY,
                    net=net,
                    vat=vat,
                    gross=net + vat,
                    status=InvoiceStatus.APPROVED,
                    entered_by=maker,
                    approved_by=approver,
                    approved_at=now,
                )
            )
        with transaction.atomic():
            Invoice.objects.bulk_create(made, batch_size=_BATCH)
            rows = [
                InvoiceLine(
                    partner=partner,
                    invoice=invoice,
                    line_number=k + 1,
                    description="Supplies",
                    quantity=Decimal(1),
                    unit_price=net,
                    vat_rate=Decimal(20),
                    net=net,
                    vat=vat,
                    cost_centre=centres[(n + k) % len(centres)],
                    account=accounts[(n + k) % len(accounts)],
                )
                for n, (invoice, amounts) in zip(chunk, zip(made, lines, strict=True), strict=True)
                for k, (net, vat) in enumerate(amounts)
            ]
            InvoiceLine.objects.bulk_create(rows, batch_size=_BATCH)
        line_count += len(rows)
    return partner, maker, approver, line_count


def run_payment_run_benchmark(invoices: int, *, say: Say = _silent) -> PaymentRunBenchResult:
    if invoices < 1:
        raise ValueError("invoices must be at least 1.")
    with rls.system_context("joinedup bench payment-run: seeding"):
        partner, maker, approver, lines = _seed(invoices, say=say)
    result = PaymentRunBenchResult(
        invoices=invoices,
        lines=lines,
        suppliers=max(1, invoices // INVOICES_PER_SUPPLIER),
        database=database_label(),
        partner_code=partner.code,
    )
    load = os.getloadavg()[0]
    say("Timing")
    with rls.partner_context([partner.pk], user=maker):
        began = time.perf_counter()
        run = payment_run_create(actor=maker, partner=partner, due_by=DUE_BY, payment_date=PAY_DAY)
        result.seconds["make the run (take every invoice)"] = time.perf_counter() - began
    with rls.partner_context([partner.pk], user=approver):
        began = time.perf_counter()
        run = payment_run_approve(actor=approver, run=run)
        result.seconds["approve it"] = time.perf_counter() - began
    with rls.partner_context([partner.pk], user=maker):
        began = time.perf_counter()
        text = bacs_file(actor=maker, run=run)
        result.seconds["write the BACS file"] = time.perf_counter() - began
        began = time.perf_counter()
        run = payment_run_mark_paid(actor=maker, run=run)
        result.seconds["mark paid and post (two journals)"] = time.perf_counter() - began
        parsed = parse_bacs18(text)
        journals = journals_of(run)
        result.checks = {
            "run total": f"£{run.total:,}",
            "BACS credits": len(parsed.credits),
            "BACS total (pence)": parsed.credit_total,
            "journals": [j.idempotency_key for j in journals],
            "invoices paid": Invoice.objects.for_partner(partner).filter(status=InvoiceStatus.PAID).count(),
        }
    result.conditions = conditions(load)
    return result
