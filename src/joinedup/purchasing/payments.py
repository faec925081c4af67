"""Payment runs: a partner's approved invoices due by a date, paid by one BACS Standard 18 file
from the partner's account, with a remittance advice for each supplier, posted to the partner's
ledger.

A run goes draft → approved → paid (or cancelled before it is paid):

* ``payment_run_create`` (purchasing.pay) takes every approved invoice due by ``due_by``, and every
  approved credit note of the same suppliers, into one payment per supplier. An invoice is taken
  by a conditional update (``status = approved and payment is null``) under a row lock, so two
  runs started at the same moment never both take it: the second waits for the first's commit,
  finds the invoice taken, and leaves it. A supplier is held back — its invoices stay approved
  for a later run, and the run records why — when it is on hold or blocked for the partner, when
  it has no current bank details made by a verified change, or when its credit notes are worth
  as much as its invoices.
* ``payment_run_approve`` (purchasing.pay, not the person who made it) releases the BACS file.
* ``payment_run_mark_paid`` (purchasing.pay), once the file is submitted, marks its invoices paid
  and posts two journals through the ledger's ``post_source_journal``, dated the payment date:
  the invoices (expense by account and cost centre, recoverable VAT, creditor) and the payment
  (creditor, bank). The accounts of the balance-sheet side are in ``rules/posting.toml``.
* ``payment_run_cancel`` (purchasing.pay) returns a draft or approved run's invoices to approved.
"""

from __future__ import annotations

import functools
import io
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from reportlab.platypus import Paragraph, Spacer, Table

from joinedup.audit.services import record_event
from joinedup.core import pdf
from joinedup.core.actors import is_system, user_of
from joinedup.core.bacs import Bacs18Error, BacsCredit, Originator, bacs18
from joinedup.core.dates import people_date
from joinedup.core.money import pounds_to_pence
from joinedup.core.tabular import write_csv
from joinedup.ledger.models import Journal, JournalSource
from joinedup.ledger.services import LineInput, post_source_journal
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, member_partners
from joinedup.purchasing import spend_rollup
from joinedup.purchasing.models import (
    BankChangeStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentRun,
    PaymentRunStatus,
    PurchasingSettings,
    Supplier,
    SupplierBankDetails,
    SupplierPartner,
    SupplierStatus,
)

RULES = Path(__file__).with_name("rules") / "posting.toml"
PENNY = Decimal("0.01")
SERIAL_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class PostingAccounts:
    creditors: str
    vat_recoverable: str
    bank: str


@functools.cache
def posting_accounts() -> PostingAccounts:
    with RULES.open("rb") as handle:
        data = tomllib.load(handle)
    return PostingAccounts(
        creditors=data["creditors"], vat_recoverable=data["vat_recoverable"], bank=data["bank"]
    )


# The invoices journal of a run: its key's prefix tells readers of the ledger (the transparency
# export) that purchasing holds the invoices behind it, line by line.
INVOICES_KEY_PREFIX = "purchase-invoices:run:"


def invoices_key(run: PaymentRun) -> str:
    return f"{INVOICES_KEY_PREFIX}{run.pk}"


def payment_key(run: PaymentRun) -> str:
    return f"purchase-payment:run:{run.pk}"


# --- reading -------------------------------------------------------------------------------------------


def payment_runs_visible_to(actor: Any, *, partner: Partner) -> QuerySet[PaymentRun]:
    authorise(actor, "purchasing.view", partner)
    return PaymentRun.objects.for_partner(partner)


def payment_run_for(actor: Any, *, payment_run_id: int) -> PaymentRun:
    """A run of a partner the actor is a member of (another partner's answers 404)."""
    run = PaymentRun.objects.for_partners(member_partners(actor)).get(pk=payment_run_id)
    authorise(actor, "purchasing.view", run.partner_id)
    return run


def payment_for(actor: Any, *, payment_id: int) -> Payment:
    payment = (
        Payment.objects.for_partners(member_partners(actor))
        .select_related("supplier", "bank_details")
        .get(pk=payment_id)
    )
    authorise(actor, "purchasing.view", payment.partner_id)
    return payment


def payments_of(actor: Any, run: PaymentRun) -> QuerySet[Payment]:
    authorise(actor, "purchasing.view", run.partner_id)
    return Payment.objects.for_partner(run.partner_id).filter(run=run).select_related("supplier")


def _originator(partner: Partner) -> Originator:
    found = PurchasingSettings.objects.for_partner(partner).first()
    if found is None or not (found.bank_sort_code and found.bank_account_number and found.bacs_user_number):
        raise ValidationError(
            {
                "partner": f"{partner.code} has no bank account and BACS service user number "
                "for paying suppliers."
            }
        )
    return Originator(
        name=partner.name,
        bank_sort_code=found.bank_sort_code,
        bank_account_number=found.bank_account_number,
        bank_account_name=found.bank_account_name or partner.name,
        bacs_user_number=found.bacs_user_number,
    )


def _serial(run: PaymentRun) -> str:
    number, digits = run.pk, ""
    while number:
        number, digit = divmod(number, len(SERIAL_DIGITS))
        digits = SERIAL_DIGITS[digit] + digits
    return digits[-6:] or "1"


def bacs_file(*, actor: Any, run: PaymentRun) -> str:
    """The run's BACS Standard 18 file, once it is approved: one credit per supplier, to the bank
    details the run recorded (verified when the run was made)."""
    authorise(actor, "purchasing.pay", run.partner_id)
    run = PaymentRun.objects.for_partner(run.partner_id).get(pk=run.pk)  # its status now, not as passed
    if run.status not in (PaymentRunStatus.APPROVED, PaymentRunStatus.PAID):
        raise ValidationError({"run": "The BACS file is released when the run is approved."})
    partner = Partner.objects.get(pk=run.partner_id)
    credits = [
        BacsCredit(
            sort_code=payment.bank_details.sort_code,
            account_number=payment.bank_details.account_number,
            name=payment.bank_details.account_name,
            amount=pounds_to_pence(payment.amount),
            reference=payment.reference,
        )
        for payment in Payment.objects.for_partner(partner)
        .filter(run=run)
        .select_related("bank_details")
        .order_by("id")
    ]
    try:
        return bacs18(
            employer=_originator(partner),
            processing_date=run.payment_date,
            payments=credits,
            file_serial=_serial(run),
            contra_reference=f"SUPPLIERS {run.reference}",
            payer_kind="payer",
        )
    except Bacs18Error as exc:
        raise ValidationError({"run": str(exc)}) from exc


@dataclass(frozen=True)
class RemittanceLine:
    kind: str
    number: str
    invoice_date: date
    amount: Decimal  # negative for a credit note


def remittance(*, actor: Any, payment: Payment) -> list[RemittanceLine]:
    """What the payment pays: each invoice, less each credit note."""
    authorise(actor, "purchasing.view", payment.partner_id)
    return [
        RemittanceLine(
            kind=invoice.get_kind_display(),
            number=invoice.number,
            invoice_date=invoice.invoice_date,
            amount=invoice.gross if invoice.kind == InvoiceKind.INVOICE else -invoice.gross,
        )
        for invoice in Invoice.objects.for_partner(payment.partner_id)
        .filter(payment=payment)
        .order_by("invoice_date", "number", "id")
    ]


def remittance_csv(*, actor: Any, payment: Payment) -> bytes:
    lines = remittance(actor=actor, payment=payment)
    stream = io.StringIO(newline="")
    write_csv(
        ([payment.reference, line.kind, line.number, line.invoice_date, line.amount] for line in lines),
        ["Payment reference", "Kind", "Number", "Invoice date", "Amount"],
        stream,
    )
    return stream.getvalue().encode()


def remittance_pdf(*, actor: Any, payment: Payment) -> bytes:
    lines = remittance(actor=actor, payment=payment)
    run = PaymentRun.objects.for_partner(payment.partner_id).get(pk=payment.run_id)
    partner = Partner.objects.get(pk=payment.partner_id)
    supplier = Supplier.objects.get(pk=payment.supplier_id)
    rows = [["Kind", "Number", "Invoice date", "Amount"]] + [
        [line.kind, pdf.printable(line.number), people_date(line.invoice_date), f"£{line.amount:,.2f}"]
        for line in lines
    ]
    rows.append(["", "", "Paid", f"£{payment.amount:,.2f}"])
    flowables = [
        Paragraph(pdf.escape("Remittance advice"), pdf.TITLE),
        Spacer(1, 6),
        Paragraph(pdf.escape(f"From {partner.name} to {supplier.name}"), pdf.HEADING),
        Paragraph(
            pdf.escape(
                f"Paid by BACS on {people_date(run.payment_date)}, reference {payment.reference}, "
                f"to the account ending {payment.bank_details.account_number[-4:]}."
            ),
            pdf.BASE,
        ),
        Spacer(1, 8),
        Table(rows, colWidths=[pdf.PAGE_WIDTH * w for w in (0.25, 0.35, 0.2, 0.2)]),
    ]
    return pdf.render_pdf(
        flowables, title=f"Remittance {payment.reference}", author=partner.name, compress=True
    )


# --- writing -------------------------------------------------------------------------------------------


def _locked_run(run: PaymentRun) -> PaymentRun:
    return PaymentRun.objects.for_partner(run.partner_id).select_for_update().get(pk=run.pk)


@transaction.atomic
def payment_run_create(*, actor: Any, partner: Partner, due_by: date, payment_date: date) -> PaymentRun:
    """Make a draft run of the partner's approved invoices due by ``due_by``, to pay on
    ``payment_date``; refused when there is nothing to pay."""
    authorise(actor, "purchasing.pay", partner)
    if payment_date.weekday() >= 5:
        raise ValidationError(
            {"payment_date": f"{people_date(payment_date, weekday=True)} is not a BACS processing day."}
        )
    _originator(partner)  # refuse now, not when the file is asked for
    scope = Invoice.objects.for_partner(partner)
    # The lock orders concurrent runs: a second run waits here for the first to commit, then reads
    # the invoices the first took as taken (PostgreSQL re-checks the condition on the new row).
    due = list(
        scope.select_for_update()
        .filter(
            status=InvoiceStatus.APPROVED,
            payment__isnull=True,
            kind=InvoiceKind.INVOICE,
            due_date__lte=due_by,
        )
        .values_list("pk", "supplier_id", "gross")
    )
    suppliers = {supplier for _, supplier, _ in due}
    credits = list(
        scope.select_for_update()
        .filter(
            status=InvoiceStatus.APPROVED,
            payment__isnull=True,
            kind=InvoiceKind.CREDIT_NOTE,
            supplier_id__in=suppliers,
        )
        .values_list("pk", "supplier_id", "gross")
    )
    by_supplier: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, supplier, gross in due:
        by_supplier[supplier].append((pk, gross))
    for pk, supplier, gross in credits:
        by_supplier[supplier].append((pk, -gross))
    standings = {
        s.supplier_id: s.status
        for s in SupplierPartner.objects.for_partner(partner).filter(supplier_id__in=suppliers)
    }
    bank = {
        d.supplier_id: d
        for d in SupplierBankDetails.objects.filter(
            supplier_id__in=suppliers, current_until__isnull=True, change__status=BankChangeStatus.VERIFIED
        )
    }
    names = dict(Supplier.objects.filter(pk__in=suppliers).values_list("pk", "name"))
    held_back: list[dict[str, Any]] = []
    paying: list[tuple[int, Decimal, list[int]]] = []
    for supplier in sorted(by_supplier, key=lambda s: (names[s], s)):
        items = by_supplier[supplier]
        total = sum((amount for _, amount in items), Decimal("0.00"))
        reason = ""
        standing = str(standings.get(supplier, "not approved")).replace("_", " ")
        credited = -sum((amount for _, amount in items if amount < 0), Decimal(0))
        if standing != SupplierStatus.APPROVED:
            reason = f"{names[supplier]} is {standing} for {partner.code}."
        elif supplier not in bank:
            reason = f"{names[supplier]} has no verified bank details."
        elif total <= 0:
            reason = f"{names[supplier]}'s credit notes (£{credited:,}) cover its invoices."
        if reason:
            held_back.append(
                {"supplier": supplier, "name": names[supplier], "reason": reason, "invoices": len(items)}
            )
        else:
            paying.append((supplier, total, [pk for pk, _ in items]))
    if not paying:
        why = "; ".join(h["reason"] for h in held_back)
        raise ValidationError(
            {
                "due_by": f"No approved invoices are due by {people_date(due_by)} to pay."
                + (f" Held back: {why}" if why else "")
            }
        )
    run = PaymentRun.objects.create(
        partner=partner,
        reference=f"pending-{timezone.now().timestamp()}",
        due_by=due_by,
        payment_date=payment_date,
        created_by=user_of(actor),
        held_back=held_back,
    )
    run.reference = f"PR{run.pk:06d}"
    run.total = sum((total for _, total, _ in paying), Decimal("0.00"))
    run.save(update_fields=["reference", "total"])
    payments = Payment.objects.bulk_create(
        Payment(
            partner=partner,
            run=run,
            supplier_id=supplier,
            bank_details=bank[supplier],
            amount=total,
            reference=f"{partner.code} {run.reference}"[:18],
        )
        for supplier, total, _ in paying
    )
    taken = 0
    for payment, (_, _, ids) in zip(payments, paying, strict=True):
        got = scope.filter(pk__in=ids, status=InvoiceStatus.APPROVED, payment__isnull=True).update(
            payment=payment, status=InvoiceStatus.IN_PAYMENT
        )
        if got != len(ids):  # pragma: no cover - the lock above makes this unreachable; the guard stays
            raise ValidationError({"due_by": "Another payment run took some of these invoices; try again."})
        taken += got
    record_event(
        actor=actor,
        partner=partner,
        action="payment_run.created",
        target=run,
        after={
            "reference": run.reference,
            "due_by": due_by,
            "payment_date": payment_date,
            "payments": len(payments),
            "invoices": taken,
            "total": str(run.total),
            "held_back": held_back,
        },
    )
    return run


@transaction.atomic
def payment_run_approve(*, actor: Any, run: PaymentRun) -> PaymentRun:
    """Approve a draft run, releasing its BACS file; never by the person who made it."""
    authorise(actor, "purchasing.pay", run.partner_id)
    run = _locked_run(run)
    if run.status != PaymentRunStatus.DRAFT:
        raise ValidationError(
            {"run": f"Only a draft run is approved; this one is {run.get_status_display().lower()}."}
        )
    if not is_system(actor) and run.created_by_id == actor.pk:
        raise ValidationError({"run": "You made this run: someone else must approve it."})
    run.status = PaymentRunStatus.APPROVED
    run.approved_by = user_of(actor)
    run.approved_at = timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(
        actor=actor,
        partner=run.partner_id,
        action="payment_run.approved",
        target=run,
        before={"status": PaymentRunStatus.DRAFT},
        after={"status": run.status, "total": str(run.total)},
    )
    return run


def _invoice_lines(partner: Partner, run: PaymentRun) -> list[LineInput]:
    """The invoices' journal: expense by account and cost centre (credit notes netted off, VAT that
    cannot be recovered added to the expense), recoverable VAT, and the creditor."""
    accounts = posting_accounts()
    totals: dict[tuple[str, str], int] = defaultdict(int)
    recoverable = 0
    rows = (
        InvoiceLine.objects.for_partner(partner)
        .filter(invoice__payment__run=run)
        .values_list("account__code", "cost_centre__code", "invoice__kind", "vat_recoverable")
        .annotate(net=Sum("net"), vat=Sum("vat"))
        .order_by()
    )
    for account, centre, kind, vat_recoverable, net_sum, vat_sum in rows:
        # SQLite sums decimals as binary floats (£9365822.59999998): back to the penny they hold.
        net, vat = pounds_to_pence(net_sum.quantize(PENNY)), pounds_to_pence(vat_sum.quantize(PENNY))
        sign = 1 if kind == InvoiceKind.INVOICE else -1
        totals[(account, centre)] += sign * (net + (0 if vat_recoverable else vat))
        if vat_recoverable:
            recoverable += sign * vat
    description = f"Supplier invoices paid by {run.reference}"
    lines = [
        LineInput(
            account=account,
            cost_centre=centre,
            debit=max(amount, 0),
            credit=max(-amount, 0),
            description=description,
        )
        for (account, centre), amount in sorted(totals.items())
        if amount
    ]
    if recoverable:
        lines.append(
            LineInput(
                account=accounts.vat_recoverable,
                debit=max(recoverable, 0),
                credit=max(-recoverable, 0),
                description=description,
            )
        )
    lines.append(
        LineInput(account=accounts.creditors, credit=pounds_to_pence(run.total), description=description)
    )
    return lines


@transaction.atomic
def payment_run_mark_paid(*, actor: Any, run: PaymentRun) -> PaymentRun:
    """The approved run's file has gone to the bank: mark its invoices paid and post the invoices
    and the payment to the partner's ledger."""
    authorise(actor, "purchasing.pay", run.partner_id)
    run = _locked_run(run)
    if run.status != PaymentRunStatus.APPROVED:
        raise ValidationError(
            {"run": f"Only an approved run is paid; this one is {run.get_status_display().lower()}."}
        )
    partner = Partner.objects.get(pk=run.partner_id)
    accounts = posting_accounts()
    post_source_journal(
        actor=actor,
        partner=partner,
        on=run.payment_date,
        lines=_invoice_lines(partner, run),
        description=f"Supplier invoices paid by {run.reference}",
        source=JournalSource.PURCHASE_INVOICE,
        idempotency_key=invoices_key(run),
        source_ref=str(run.pk),
        audit={"payment_run": run.pk, "invoices": True},
    )
    total = pounds_to_pence(run.total)
    description = f"Supplier payments: {run.reference}"
    payment = post_source_journal(
        actor=actor,
        partner=partner,
        on=run.payment_date,
        lines=[
            LineInput(account=accounts.creditors, debit=total, description=description),
            LineInput(account=accounts.bank, credit=total, description=description),
        ],
        description=description,
        source=JournalSource.PURCHASE_INVOICE,
        idempotency_key=payment_key(run),
        source_ref=str(run.pk),
        audit={"payment_run": run.pk, "payment": True},
    )
    paid = (
        Invoice.objects.for_partner(partner)
        .filter(payment__run=run, status=InvoiceStatus.IN_PAYMENT)
        .update(status=InvoiceStatus.PAID)
    )
    # Spend analysis reads a monthly roll-up of paid lines: this run's go in with it, once.
    spend_rollup.add_paid_run(run)
    run.status = PaymentRunStatus.PAID
    run.journal = payment
    run.save(update_fields=["status", "journal"])
    record_event(
        actor=actor,
        partner=partner,
        action="payment_run.paid",
        target=run,
        before={"status": PaymentRunStatus.APPROVED},
        after={"status": run.status, "invoices": paid, "total": str(run.total), "journal": payment.pk},
    )
    return run


@transaction.atomic
def payment_run_cancel(*, actor: Any, run: PaymentRun, reason: str) -> PaymentRun:
    """Cancel a run not yet paid: its invoices go back to approved, for a later run."""
    authorise(actor, "purchasing.pay", run.partner_id)
    run = _locked_run(run)
    if run.status not in (PaymentRunStatus.DRAFT, PaymentRunStatus.APPROVED):
        raise ValidationError({"run": f"A run {run.get_status_display().lower()} cannot be cancelled."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the run is cancelled."})
    before = run.status
    released = (
        Invoice.objects.for_partner(run.partner_id)
        .filter(payment__run=run, status=InvoiceStatus.IN_PAYMENT)
        .update(status=InvoiceStatus.APPROVED, payment=None)
    )
    run.status = PaymentRunStatus.CANCELLED
    run.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=run.partner_id,
        action="payment_run.cancelled",
        target=run,
        before={"status": before},
        after={"status": run.status, "released": released, "reason": reason.strip()[:300]},
    )
    return run


def journals_of(run: PaymentRun) -> list[Journal]:
    """The run's two journals, invoices then payment, once posted."""
    keys = [invoices_key(run), payment_key(run)]
    found = {
        j.idempotency_key: j
        for j in Journal.objects.for_partner(run.partner_id).filter(idempotency_key__in=keys)
    }
    return [found[k] for k in keys if k in found]


__all__ = [
    "bacs_file",
    "journals_of",
    "payment_run_approve",
    "payment_run_cancel",
    "payment_run_create",
    "payment_run_mark_paid",
    "payment_runs_visible_to",
    "payments_of",
    "remittance",
    "remittance_csv",
    "remittance_pdf",
]
