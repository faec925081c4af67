"""A partner's spend over £500 in the Local Government Transparency Code 2015 form, as CSV. The
rule (threshold, columns, what a sole trader's row shows, source) is in
``rules/transparency_code_2015.toml``.

Two sources, one export:

* **paid purchasing invoices** — an invoice or credit note is published once, when it is paid,
  dated by its payment run's payment date (the date the ledger records the expense, so a
  quarter's export holds what its quarter paid and nothing is missed when an invoice is paid
  late). Each line is one row: the line's cost centre (department), the supplier (beneficiary),
  its account (purpose), its net (amount), the VAT on it that cannot be recovered, and its
  procurement category (merchant category). A sole trader's name is withheld.
* **purchase-invoice journals posted by hand**, for a partner whose invoices are not (or not yet)
  entered in purchasing: each expense line is one row, its description naming the beneficiary;
  the ledger holds neither irrecoverable VAT (it is inside the expense) nor a merchant category,
  so both stay empty rather than guessed. The journals purchasing's own payment runs post are
  skipped: their invoices are already published line by line from purchasing."""

from __future__ import annotations

import io
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from joinedup.core import tabular
from joinedup.core.calendar import financial_year_of, financial_year_start
from joinedup.core.money import plain_pounds, pounds_to_pence
from joinedup.ledger.models import AccountType, JournalLine, JournalSource
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.purchasing.models import InvoiceKind, InvoiceLine, InvoiceStatus, SupplierKind
from joinedup.purchasing.payments import INVOICES_KEY_PREFIX

RULES = Path(__file__).parent / "rules" / "transparency_code_2015.toml"


@dataclass(frozen=True)
class TransparencyRule:
    source: str
    threshold_pence: int
    columns: list[str]
    redact_sole_traders: bool
    sole_trader_beneficiary: str


@cache
def load_rule() -> TransparencyRule:
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    sole = data["sole_traders"]
    return TransparencyRule(
        source=data["source"],
        threshold_pence=int(data["threshold_pence"]),
        columns=list(data["columns"]),
        redact_sole_traders=bool(sole["redact"]),
        sole_trader_beneficiary=str(sole["beneficiary"]),
    )


@dataclass(frozen=True)
class SpendRow:
    body: str
    date: date
    department: str
    beneficiary: str
    purpose: str
    amount: int  # pence
    journal_id: int | None = None
    invoice_id: int | None = None
    # Pence; None where the source does not know it (a journal posted by hand): published empty.
    irrecoverable_vat: int | None = None
    merchant_category: str = ""

    def cells(self) -> list[Any]:
        return [
            self.body,
            self.date,
            self.department,
            self.beneficiary,
            self.purpose,
            plain_pounds(self.amount),
            "" if self.irrecoverable_vat is None else plain_pounds(self.irrecoverable_vat),
            self.merchant_category,
        ]


def year_start(day: date) -> date:
    """1 April of the financial year containing ``day``; before 1 April of year 1, the first date
    there is (that year began in year 0, which ``date`` cannot hold)."""
    year = financial_year_of(day)
    return financial_year_start(year) if year >= date.min.year else date.min


def spend_over_threshold(user: Any, *, partner: Partner, date_from: date, date_to: date) -> list[SpendRow]:
    """Every row over the threshold in the range, from paid invoices and from purchase-invoice
    journals posted by hand, oldest first."""
    authorise(user, "ledger.view", partner)
    if date_to < date_from:
        raise ValidationError({"to": "The end of the range is before its start."})
    rows = _from_invoices(partner, date_from, date_to) + _from_journals(partner, date_from, date_to)
    return sorted(rows, key=lambda r: (r.date, r.invoice_id is not None, r.journal_id or r.invoice_id or 0))


def _from_invoices(partner: Partner, date_from: date, date_to: date) -> list[SpendRow]:
    rule = load_rule()
    lines = list(
        InvoiceLine.objects.for_partner(partner)
        .filter(
            invoice__status=InvoiceStatus.PAID,
            invoice__payment__run__payment_date__gte=date_from,
            invoice__payment__run__payment_date__lte=date_to,
        )
        .select_related("invoice__supplier", "invoice__payment__run", "cost_centre", "account", "category")
        .order_by("invoice__payment__run__payment_date", "invoice_id", "line_number")
    )
    expense: dict[int, int] = defaultdict(int)
    for line in lines:
        expense[line.invoice_id] += _amount(line) + _irrecoverable(line)
    rows = []
    for line in lines:
        if abs(expense[line.invoice_id]) <= rule.threshold_pence:
            continue
        invoice = line.invoice
        supplier = invoice.supplier
        beneficiary = supplier.name
        if supplier.kind == SupplierKind.SOLE_TRADER and rule.redact_sole_traders:
            beneficiary = rule.sole_trader_beneficiary
        rows.append(
            SpendRow(
                body=partner.name,
                date=invoice.payment.run.payment_date,  # type: ignore[union-attr]  # paid: has one
                department=line.cost_centre.name,
                beneficiary=beneficiary,
                purpose=line.account.name,
                amount=_amount(line),
                invoice_id=invoice.pk,
                irrecoverable_vat=_irrecoverable(line),
                merchant_category=line.category.name if line.category else "",
            )
        )
    return rows


def _sign(line: InvoiceLine) -> int:
    return -1 if line.invoice.kind == InvoiceKind.CREDIT_NOTE else 1


def _amount(line: InvoiceLine) -> int:
    return _sign(line) * pounds_to_pence(line.net)


def _irrecoverable(line: InvoiceLine) -> int:
    return 0 if line.vat_recoverable else _sign(line) * pounds_to_pence(line.vat)


def _from_journals(partner: Partner, date_from: date, date_to: date) -> list[SpendRow]:
    rule = load_rule()
    lines = list(
        JournalLine.objects.for_partner(partner)
        .filter(
            journal__source=JournalSource.PURCHASE_INVOICE,
            date__gte=date_from,
            date__lte=date_to,
            account__type=AccountType.EXPENSE,
        )
        .exclude(journal__idempotency_key__startswith=INVOICES_KEY_PREFIX)
        .select_related("journal", "account", "cost_centre")
        .order_by("date", "journal_id", "id")
    )
    net: dict[int, int] = defaultdict(int)
    for line in lines:
        net[line.journal_id] += line.debit - line.credit
    return [
        SpendRow(
            body=partner.name,
            date=line.date,
            department=line.cost_centre.name if line.cost_centre else "",
            beneficiary=line.description or line.journal.description,
            purpose=line.account.name,
            amount=line.debit - line.credit,
            journal_id=line.journal_id,
        )
        for line in lines
        if net[line.journal_id] > rule.threshold_pence
    ]


def spend_csv(rows: list[SpendRow]) -> str:
    out = io.StringIO()
    tabular.write_csv([row.cells() for row in rows], load_rule().columns, out)
    return out.getvalue()
