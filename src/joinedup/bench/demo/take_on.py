"""The demo's take-on balances: the partnership went live on joinedup in October 2026 (tax month
7), so each employer's staff bring April to September's figures from the payroll it replaced.

That payroll is simulated with joinedup's own engine: six monthly runs (tax months 1 to 6) on
each person's October terms and pay, cumulative as HMRC's tables work, each month's pay and tax to
date carried into the next. The figures go in through the take-on import (a generated CSV, all or
nothing, audited) like a real go-live's file, so October's tax is the HMRC cumulative figure for
month 7 rather than a first month's free pay on six months' allowance.

Only staff employed since before 6 April 2026 have take-on figures; anyone who started during the
year is a starter with a declaration instead."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import replace
from typing import Any

from joinedup.core.calendar import tax_year_start
from joinedup.core.money import plain_pounds
from joinedup.payroll import calculation
from joinedup.payroll.models import PayRun
from joinedup.payroll.take_on import TAKE_ON_COLUMNS, take_on_import
from joinedup.payroll.year_to_date import ni_bands_for
from joinedup.people.models import Employment

_STATUTORY_CODES = {"SSP", "SSP-OFFSET", "SMP", "SMP-OFFSET"}
_MONTHS_BEFORE_GO_LIVE = 6


def seed_demo_take_on(*, actor: Any, run: PayRun, months: int = _MONTHS_BEFORE_GO_LIVE) -> int:
    """Import take-on balances for the employments of ``run`` (the first run on joinedup), for
    the ``months`` monthly periods the old payroll paid before it. Returns how many employments
    have them. The benchmarks use it too: their first run is a go-live month as well."""
    if months <= 0:
        return 0
    year_start = tax_year_start(run.tax_year)
    employed = set(
        Employment.objects.for_partner(run.partner_id)
        .filter(start_date__lt=year_start)
        .values_list("pk", flat=True)
    )
    inputs = [
        replace(
            record,
            lines=[line for line in record.lines if line.code not in _STATUTORY_CODES],
            previous_taxable=0,
            previous_tax=0,
        )
        for record in calculation.gather(run)
        if record.employment_id in employed and record.basic_pence > 0
    ]
    if not inputs:
        return 0
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    letters = {r.employment_id: r.ni_category for r in inputs}
    for month in range(1, months + 1):
        old_run = PayRun(
            partner_id=run.partner_id, frequency=run.frequency, tax_year=run.tax_year, period=month
        )
        batch = calculation.calculate_batch(old_run, inputs)
        for index, employment_id in enumerate(batch.employment_ids):
            slip = batch.payslip(index)
            total = sums[employment_id]
            for name in ("taxable_pay", "tax", "student_loan", "postgraduate_loan", "pension_employee"):
                total[name] += int(slip[name])  # type: ignore[call-overload]
            ni_pay = int(slip["ni_pay"])  # type: ignore[call-overload]
            total["ni_pay"] += ni_pay
            for name, value in zip(
                ("earnings_at_lel", "earnings_lel_to_pt", "earnings_pt_to_uel"),
                ni_bands_for(ni_pay, run.tax_year, run.frequency),
                strict=True,
            ):
                total[name] += value
            total["ni_employee"] += int(slip["ni_employee"])  # type: ignore[call-overload]
            total["ni_employer"] += int(slip["ni_employer"])  # type: ignore[call-overload]
        inputs = [
            replace(
                record,
                previous_taxable=int(batch.columns["taxable_pay_to_date"][i]),  # type: ignore[call-overload]
                previous_tax=int(batch.columns["tax_paid_to_date"][i]),  # type: ignore[call-overload]
            )
            for i, record in enumerate(inputs)
        ]
    numbers = dict(
        Employment.objects.for_partner(run.partner_id)
        .filter(pk__in=list(sums))
        .values_list("pk", "payroll_number")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TAKE_ON_COLUMNS.names)
    for employment_id, total in sorted(sums.items(), key=lambda item: numbers[item[0]]):
        row = {"payroll_number": numbers[employment_id], "ni_letter": letters[employment_id]}
        writer.writerow([row.get(name) or plain_pounds(total.get(name, 0)) for name in TAKE_ON_COLUMNS.names])
    result = take_on_import(
        actor=actor,
        partner=run.partner,
        tax_year=run.tax_year,
        source=out.getvalue().encode(),
        filename=f"take-on-{run.partner.code}-{run.tax_year}.csv",
    )
    if not result.ok:
        raise RuntimeError(f"The demo's take-on file did not import: {result.errors[:5]}")
    return result.employments
