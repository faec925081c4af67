"""Income tax by PAYE: the scalar reference, written from HMRC's Specification for PAYE Tax Table
Routines (v24, February 2026). Paragraph numbers below are the spec's.

One payment at a time, in ``Decimal`` pounds. The vectorised production path
(:mod:`joinedup.payroll.engine.vector`) must agree with this to the penny.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from joinedup.core.money import (
    ZERO,
    round_down_to_penny,
    round_down_to_pound,
    round_down_to_ten_thousandth,
    round_up_to_penny,
)
from joinedup.payroll.engine.codes import CodeKind, TaxCode, parse_tax_code
from joinedup.payroll.engine.periods import Basis, Frequency, tax_period
from joinedup.payroll.engine.ruleset import RegionTax, TaxBand, TaxYearRules

# Definitions from the spec's pay adjustment tables (Table A), not yearly figures: a code number
# c stands for free pay of 10c + 9 pounds a year, built from a remainder part (1-500) and a
# quotient part worth 500 code units (5,000 pounds a year) each.
CODE_UNITS_PER_QUOTIENT = 500
POUNDS_PER_CODE_UNIT = 10
POUNDS_ADDED_TO_CODE = 9


@dataclass(frozen=True, slots=True)
class PayeResult:
    tax: Decimal  # deducted this period (negative: a refund)
    taxable_pay_to_date: Decimal  # pay subject to PAYE in the year, including this period
    tax_paid_to_date: Decimal  # tax deducted in the year, including this period
    pay_adjustment: Decimal  # free pay (+) or, for K codes, additional pay (-) used
    taxable_pay_rounded: int  # Tn: the whole pounds tax was worked on (0 for NT)
    tax_due: Decimal  # LLn: tax due on Tn (to date when cumulative)
    regulatory_limit_applied: bool


def period_one_pay_adjustment(code_number: int, tax_periods_in_year: int) -> Decimal:
    """Free pay (or K-code additional pay) for week 1 or month 1 (para 4.2, Table A).

    q = (c - 1) div 500 and r = ((c - 1) mod 500) + 1; then
    (10r + 9) / N rounded up to the penny, plus q x (5000 / N rounded up to the penny).
    1257 monthly: q = 2, r = 257: 2579/12 = 214.9166.. -> 214.92; 5000/12 -> 416.67; 214.92 + 833.34
    = 1048.26.  Code 0 (0T) has none.
    """
    if code_number == 0:
        return ZERO
    quotient, remainder = divmod(code_number - 1, CODE_UNITS_PER_QUOTIENT)
    remainder += 1
    n = tax_periods_in_year
    remainder_part = round_up_to_penny(Decimal(POUNDS_PER_CODE_UNIT * remainder + POUNDS_ADDED_TO_CODE) / n)
    quotient_part = round_up_to_penny(Decimal(POUNDS_PER_CODE_UNIT * CODE_UNITS_PER_QUOTIENT) / n)
    return remainder_part + quotient * quotient_part


def tax_on_taxable_pay(
    taxable_pounds: int, bands: tuple[TaxBand, ...], n: int, tax_periods_in_year: int
) -> Decimal:
    """Tax due on Tn whole pounds, with each annual band scaled to n periods out of N.

    Bands wholly below Tn are taxed exactly; the slice of Tn in its own band is taxed and carried
    to four places of a pound (dropping the rest); the sum is rounded down to the penny.
    """
    big_n = tax_periods_in_year
    full_bands = ZERO  # sum of width x rate (pounds x per cent) of the bands Tn fills
    lower = 0  # annual lower limit of the current band
    for band in bands:
        upper = None if band.width is None else lower + band.width
        # Tn is within this band when Tn <= upper x n / N, i.e. Tn x N <= upper x n.
        if upper is None or taxable_pounds * big_n <= upper * n:
            slice_tax = round_down_to_ten_thousandth(
                Decimal(taxable_pounds * big_n - lower * n) * band.rate / (100 * big_n)
            )
            return round_down_to_penny(full_bands * n / (100 * big_n) + slice_tax)
        full_bands += (upper - lower) * band.rate  # the band's width x rate
        lower = upper
    raise AssertionError("the last band is open-ended")  # pragma: no cover - the loader ensures it


def flat_band(region: RegionTax, code: TaxCode) -> TaxBand:
    band = region.flat_codes.get(code.flat)
    if band is None:
        raise ValueError(f"tax code {code.text} is not in use for {region.region.value} taxpayers this year")
    return band


def calculate_paye(
    rules: TaxYearRules,
    code: TaxCode | str,
    frequency: Frequency,
    period: int,
    basis: Basis,
    taxable_pay: Decimal,
    previous_taxable_pay: Decimal = ZERO,
    previous_tax_paid: Decimal = ZERO,
) -> PayeResult:
    """Tax to deduct from one payment.

    ``taxable_pay`` is this period's pay subject to PAYE (after net-pay pension contributions);
    ``previous_*`` are the year-to-date figures before this payment (P45 figures included).
    """
    if isinstance(code, str):
        code = parse_tax_code(code)
    if code.week1_month1:
        basis = Basis.WEEK1_MONTH1
    when = tax_period(frequency, period, basis)
    n, big_n = when.n, when.tax_periods_in_year
    region = rules.income_tax.regions[code.region]

    # Paras 4 and 8: cumulative codes work on pay to date and deduct tax paid to date;
    # week 1/month 1 (and week 53/54/56, para 14) work on this payment alone.
    pay = previous_taxable_pay + taxable_pay if when.cumulative else taxable_pay
    tax_paid_before = previous_tax_paid if when.cumulative else ZERO

    adjustment = ZERO
    if code.kind is CodeKind.NO_TAX:
        # Paras 7 and 11: no tax due, so on a cumulative basis all tax paid to date is refunded.
        taxable_pounds, tax_due = 0, ZERO
    elif code.kind is CodeKind.FLAT:
        # Paras 5, 6, 9, 10: BR and D codes charge one rate on all pay, in whole pounds.
        band = flat_band(region, code)
        taxable_pounds = max(0, int(round_down_to_pound(pay)))
        tax_due = round_down_to_penny(taxable_pounds * band.rate / 100)
    else:
        # Paras 4.2-4.4: free pay (suffix codes) or additional pay (K codes) for n periods;
        # taxable pay rounded down to the pound; tax due from the scaled bands.
        adjustment = period_one_pay_adjustment(code.number, big_n) * n
        if code.kind is CodeKind.K:
            adjustment = -adjustment
        taxable_pounds = max(0, int(round_down_to_pound(pay - adjustment)))
        tax_due = tax_on_taxable_pay(taxable_pounds, region.bands, n, big_n)

    tax = tax_due - tax_paid_before
    # The overriding (regulatory) limit: no more than 50% of this period's pay, all codes since
    # April 2015 (PAYE Regs 2003 reg. 2; spec v13+). On cumulative codes the shortfall is carried
    # forward by itself: it stays in tax due to date and not in tax paid to date.
    limit = round_down_to_penny(max(taxable_pay, ZERO) * rules.income_tax.regulatory_limit / 100)
    limited = tax > limit
    if limited:
        tax = limit
    return PayeResult(
        tax=tax,
        taxable_pay_to_date=previous_taxable_pay + taxable_pay,
        tax_paid_to_date=previous_tax_paid + tax,
        pay_adjustment=adjustment,
        taxable_pay_rounded=taxable_pounds,
        tax_due=tax_due,
        regulatory_limit_applied=limited,
    )
