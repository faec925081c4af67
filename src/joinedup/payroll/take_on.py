"""Take-on balances: each employment's figures for the tax year to date from the payroll that
joinedup replaced, imported all or nothing (``joinedup payroll take-on``).

A file has one row per employment and National Insurance category letter used so far this year
(most people have one). Pay, tax, loans, pension and statutory pay are added over an employment's
rows; the NI figures are kept per letter, by band, as the FPS reports them. Amounts are pounds and
pence as payroll staff keep them, held as pence from there on.

Every row is checked before anything is written; every problem is reported by row number, column
and reason; one bad row and nothing is written. Figures already taken on for an employment and
year are not replaced, and an employment already paid by joinedup this year takes none: its
payslips carry its figures to date."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.core import tabular, validators
from joinedup.core.actors import user_of
from joinedup.core.calendar import tax_year_label
from joinedup.core.money import pounds_to_pence
from joinedup.core.tabular import Column, RowError, RowSpec
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.payroll.engine.ruleset import available_tax_years
from joinedup.payroll.models import Payslip, RunStatus, TakeOnBalance, TakeOnNi
from joinedup.people.models import Employment

MAX_ROWS = 1_000_000
_MONEY = tabular.decimal(places=2, min=0)
_ZERO = Decimal(0)

# Added over an employment's rows.
SUMMED = ("taxable_pay", "tax", "student_loan", "postgraduate_loan", "pension_employee", "ssp", "smp")
# Kept per NI category letter.
NI_FIELDS = (
    "ni_pay",
    "earnings_at_lel",
    "earnings_lel_to_pt",
    "earnings_pt_to_uel",
    "ni_employee",
    "ni_employer",
)

TAKE_ON_COLUMNS = RowSpec(
    [
        Column("payroll_number", tabular.text(max_length=30), example="WCC000001"),
        Column(
            "ni_letter", validators.ni_category, example="A", help="NI category letter of these NI figures."
        ),
        Column("taxable_pay", _MONEY, example="14249.70", help="Taxable pay to date in this employment."),
        Column(
            "tax",
            tabular.decimal(places=2),
            example="1752.40",
            help="Tax deducted to date (negative: refunded).",
        ),
        Column("ni_pay", _MONEY, example="14299.02", help="Earnings for NI to date under this letter."),
        Column("earnings_at_lel", _MONEY, required=False, default=_ZERO, example="3354.00"),
        Column("earnings_lel_to_pt", _MONEY, required=False, default=_ZERO, example="2934.00"),
        Column("earnings_pt_to_uel", _MONEY, required=False, default=_ZERO, example="8011.02"),
        Column("ni_employee", _MONEY, example="640.88"),
        Column("ni_employer", _MONEY, example="1519.38"),
        Column("student_loan", _MONEY, required=False, default=_ZERO),
        Column("postgraduate_loan", _MONEY, required=False, default=_ZERO),
        Column(
            "pension_employee", _MONEY, required=False, default=_ZERO, help="Under a net pay arrangement."
        ),
        Column("ssp", _MONEY, required=False, default=_ZERO, help="Statutory Sick Pay to date."),
        Column("smp", _MONEY, required=False, default=_ZERO, help="Statutory Maternity Pay to date."),
    ]
)


def _pence(pounds: Decimal) -> int:
    return pounds_to_pence(pounds)  # the parser allows at most two places: exact


@dataclass
class TakeOnResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    employments: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def take_on_import(
    *, actor: Any, partner: Partner, tax_year: int, source: bytes, filename: str = ""
) -> TakeOnResult:
    """Import a file of take-on balances for ``partner`` and ``tax_year``: all rows or none."""
    authorise(actor, "payroll.calculate", partner)
    parsed = tabular.read_rows(source, TAKE_ON_COLUMNS, filename=filename, max_rows=MAX_ROWS)
    result = TakeOnResult(rows=len(parsed.rows))
    if tax_year not in available_tax_years():
        parsed.add_error(
            tabular.FILE_ROW,
            "",
            f"Tax year {tax_year_label(tax_year)} has no payroll rules.",
        )
    numbers = {row["payroll_number"] for row in parsed.rows if "payroll_number" in row}
    employments = dict(
        Employment.objects.for_partner(partner)
        .filter(payroll_number__in=numbers)
        .values_list("payroll_number", "pk")
    )
    taken = set(
        TakeOnBalance.objects.for_partner(partner)
        .filter(tax_year=tax_year, employment_id__in=employments.values())
        .values_list("employment_id", flat=True)
    )
    paid = set(
        Payslip.objects.for_partner(partner)
        .filter(
            employment_id__in=employments.values(),
            run__tax_year=tax_year,
            run__status__in=[RunStatus.APPROVED, RunStatus.PAID],
        )
        .values_list("employment_id", flat=True)
    )
    seen: dict[tuple[str, str], int] = {}
    for number, row in parsed.numbered():
        payroll = row.get("payroll_number")
        if payroll is None:
            continue
        employment = employments.get(payroll)
        if employment is None:
            parsed.add_error(
                number, "payroll_number", f"{partner.name} has no employment with this number", payroll
            )
            continue
        if employment in taken:
            parsed.add_error(
                number, "payroll_number", "Take-on figures for this tax year are already held", payroll
            )
        elif employment in paid:
            parsed.add_error(
                number,
                "payroll_number",
                "Already paid by joinedup this tax year: its payslips hold its figures to date",
                payroll,
            )
        letter = row.get("ni_letter")
        if letter is not None:
            first = seen.setdefault((payroll, letter), number)
            if first != number:
                parsed.add_error(number, "ni_letter", f"Row {first} has this employee and letter", letter)
        bands = [row.get(name) for name in ("earnings_at_lel", "earnings_lel_to_pt", "earnings_pt_to_uel")]
        if row.get("ni_pay") is not None and all(b is not None for b in bands) and sum(bands) > row["ni_pay"]:  # type: ignore[arg-type]
            parsed.add_error(
                number, "earnings_pt_to_uel", "The band earnings add up to more than the earnings for NI"
            )
    result.errors = parsed.errors
    if not parsed.ok:
        return result
    by_employment: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in parsed.rows:
        by_employment[employments[row["payroll_number"]]].append(row)
    balances = TakeOnBalance.objects.bulk_create(
        [
            TakeOnBalance(
                partner=partner,
                employment_id=employment_id,
                tax_year=tax_year,
                source_file=(filename or "upload")[:200],
                imported_by=user_of(actor),
                **{name: sum(_pence(row[name]) for row in rows) for name in SUMMED},
            )
            for employment_id, rows in by_employment.items()
        ],
        batch_size=2000,
    )
    ids = {b.employment_id: b.pk for b in balances}
    if None in ids.values():  # pragma: no cover - every supported backend returns ids
        ids = dict(
            TakeOnBalance.objects.for_partner(partner)
            .filter(tax_year=tax_year, employment_id__in=list(by_employment))
            .values_list("employment_id", "pk")
        )
    TakeOnNi.objects.bulk_create(
        [
            TakeOnNi(
                partner=partner,
                balance_id=ids[employment_id],
                letter=row["ni_letter"],
                **{name: _pence(row[name]) for name in NI_FIELDS},
            )
            for employment_id, rows in by_employment.items()
            for row in rows
        ],
        batch_size=2000,
    )
    result.employments = len(by_employment)
    record_event(
        actor=actor,
        partner=partner,
        action="payroll.take_on_imported",
        object_type="payroll.take_on",
        after={
            "tax_year": tax_year,
            "file": filename,
            "sha256": hashlib.sha256(source).hexdigest(),
            "rows": result.rows,
            "employments": result.employments,
            "taxable_pay": sum(b.taxable_pay for b in balances),
            "tax": sum(b.tax for b in balances),
        },
    )
    return result
