"""HMRC's published PAYE test data for 2026-27, reproduced to the penny by both paths.

Source: HMRC 'Tax test data examples 2026-27' v1.1 (rest of UK v1.0, Scottish v1.1, Welsh v1.0),
flattened to ``shared/reference/hmrc/hmrc_paye_test_cases_2026_27.csv`` beside the repository.
For a cumulative row, pay to date before the period is taxable_pay_to_date - gross_pay and tax
paid before it is tax_due_to_date - tax_due; a week 1/month 1 row stands alone.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest

from joinedup.core.money import ZERO, pounds_to_pence
from joinedup.payroll.engine.gross_to_net import EmployeePeriod
from joinedup.payroll.engine.paye import calculate_paye
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.ruleset import load_rules
from joinedup.payroll.engine.tests.support import hmrc_reference_dir, vector_pence
from joinedup.testing.required import missing

CSV_NAME = "hmrc_paye_test_cases_2026_27.csv"
PUBLISHED_CASES = 168


@dataclass(frozen=True)
class Case:
    line: int
    region: str
    sheet: str
    frequency: Frequency
    basis: Basis
    tax_code: str
    period: int
    gross_pay: Decimal
    taxable_pay_to_date: Decimal
    tax_due: Decimal
    tax_due_to_date: Decimal

    @property
    def cumulative(self) -> bool:
        return self.basis is Basis.CUMULATIVE

    @property
    def previous_taxable_pay(self) -> Decimal:
        return self.taxable_pay_to_date - self.gross_pay if self.cumulative else ZERO

    @property
    def previous_tax_paid(self) -> Decimal:
        return self.tax_due_to_date - self.tax_due if self.cumulative else ZERO

    @property
    def expected_tax_paid_to_date(self) -> Decimal:
        return self.tax_due_to_date if self.cumulative else self.tax_due


def load_cases() -> list[Case]:
    directory = hmrc_reference_dir()
    if directory is None or not (directory / CSV_NAME).is_file():
        return []
    with (directory / CSV_NAME).open(newline="") as handle:
        return [
            Case(
                line=line,
                region=row["region"],
                sheet=row["sheet"],
                frequency=Frequency(row["frequency"]),
                basis=Basis(row["basis"]),
                tax_code=row["tax_code"],
                period=int(row["period"]),
                gross_pay=Decimal(row["gross_pay"]),
                taxable_pay_to_date=Decimal(row["taxable_pay_to_date"]),
                tax_due=Decimal(row["tax_due"]),
                tax_due_to_date=Decimal(row["tax_due_to_date"]),
            )
            for line, row in enumerate(csv.DictReader(handle), start=2)
        ]


CASES = load_cases()
_FOLDER = hmrc_reference_dir()
MISSING = (
    f"HMRC's PAYE test data {CSV_NAME} in {_FOLDER or '<repo>/../shared/reference/hmrc'} "
    "(kept outside the repository, in shared/ beside it)"
)


def case_id(case: Case) -> str:
    return f"{case.region}-{case.sheet}-{case.tax_code}-p{case.period}-{case.gross_pay}-line{case.line}"


PARAMS = (
    [pytest.param(case, id=case_id(case)) for case in CASES]
    if CASES
    else [pytest.param(None, id="hmrc-data-missing")]
)


@pytest.mark.parametrize("case", PARAMS)
def test_it_reproduces_the_hmrc_case_to_the_penny_on_both_paths(case: Case | None) -> None:
    if case is None:
        missing(MISSING)
    rules = load_rules(2026)
    scalar = calculate_paye(
        rules,
        case.tax_code,
        case.frequency,
        case.period,
        case.basis,
        case.gross_pay,
        case.previous_taxable_pay,
        case.previous_tax_paid,
    )
    assert scalar.tax == case.tax_due
    assert scalar.tax_paid_to_date == case.expected_tax_paid_to_date
    assert scalar.taxable_pay_to_date == (case.taxable_pay_to_date if case.cumulative else case.gross_pay)

    record = EmployeePeriod(
        tax_year=2026,
        frequency=case.frequency,
        period=case.period,
        tax_code=case.tax_code,
        basis=case.basis,
        gross_pay=case.gross_pay,
        previous_taxable_pay=case.previous_taxable_pay,
        previous_tax_paid=case.previous_tax_paid,
    )
    [vector] = vector_pence([record])
    assert vector["tax"] == pounds_to_pence(case.tax_due)
    assert vector["tax_paid_to_date"] == pounds_to_pence(case.expected_tax_paid_to_date)


def test_it_has_every_published_case() -> None:
    if not CASES:
        missing(MISSING)
    assert len(CASES) == PUBLISHED_CASES
    assert Counter(c.region for c in CASES) == {"rest_of_uk": 64, "scotland": 64, "wales": 40}
