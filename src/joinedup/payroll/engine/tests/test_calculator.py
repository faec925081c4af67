"""The CSV calculator: columns by name, pass-through, every bad row reported, nothing written."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from joinedup.payroll.engine.calculator import OUTPUTS, RowError, calculate_csv, format_pence
from joinedup.payroll.engine.gross_to_net import EmployeePeriod
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.student_loans import parse_plans
from joinedup.payroll.engine.tests.support import PAYSLIP_FIELDS, scalar_pence
from joinedup.payroll.engine.tests.test_hmrc_paye_cases import CASES, MISSING
from joinedup.testing.required import missing


def run(text: str) -> tuple[list[RowError], str]:
    dest = io.StringIO()
    errors = calculate_csv(io.StringIO(text), dest)
    return errors, dest.getvalue()


def rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


GOOD = """payroll_id,gross_pay,tax_code,period,frequency,basis,tax_year,pension_scheme,student_loan_plans,note
E1,3000.00,1257L,1,monthly,cumulative,2026,lgps_main,2;PG,"hello, world"
E2,1000.00,1257L,53,weekly,cumulative,2026,,,
E3,2000.00,S1257L,6,monthly,week1_month1,2025-26,none,,
"""


def test_it_adds_the_gross_to_net_columns_and_passes_the_others_through() -> None:
    errors, output = run(GOOD)
    assert errors == []
    lines = output.splitlines()
    assert lines[0] == (
        "payroll_id,gross_pay,tax_code,period,frequency,basis,tax_year,pension_scheme,student_loan_plans,note,"
        + ",".join(OUTPUTS)
    )
    first = rows(output)[0]
    assert first["payroll_id"] == "E1"
    assert first["note"] == "hello, world"
    # LGPS 6.5% of 3000 = 195.00; tax on 2805: 1756 x 20% = 351.20; NI (3000 - 1048) x 8% = 156.16;
    # plan 2 (3000 - 2448.75) x 9% -> 49; PG (3000 - 1750) x 6% = 75;
    # net 3000 - 195 - 351.20 - 156.16 - 49 - 75 = 2173.64
    assert {k: first[k] for k in OUTPUTS} == {
        "pension_employee": "195.00",
        "taxable_pay": "2805.00",
        "taxable_pay_to_date": "2805.00",
        "tax": "351.20",
        "tax_paid_to_date": "351.20",
        "ni_employee": "156.16",
        "ni_employer": "387.45",  # (3000 - 417) x 15%
        "student_loan": "49.00",
        "postgraduate_loan": "75.00",
        "net_pay": "2173.64",
    }


def test_it_agrees_with_the_scalar_reference_row_by_row() -> None:
    _, output = run(GOOD)
    records = [
        EmployeePeriod(2026, Frequency.MONTHLY, 1, "1257L", Basis.CUMULATIVE, Decimal("3000.00"),
                       student_loan_plans=parse_plans("2;PG"), pension_scheme="lgps_main"),
        EmployeePeriod(2026, Frequency.WEEKLY, 53, "1257L", Basis.CUMULATIVE, Decimal("1000.00")),
        EmployeePeriod(2025, Frequency.MONTHLY, 6, "S1257L", Basis.WEEK1_MONTH1, Decimal("2000.00")),
    ]  # fmt: skip
    expected = scalar_pence(records)
    for row, slip in zip(rows(output), expected, strict=True):
        for name in OUTPUTS:
            assert row[name] == format_pence(slip[name])


def test_it_reports_every_bad_row_by_spreadsheet_line_and_writes_nothing() -> None:
    text = (
        "tax_year,frequency,period,tax_code,basis,gross_pay,ni_category,student_loan_plans,pension_scheme\n"
        "2026,monthly,1,1257L,cumulative,100.00,A,,\n"  # line 2: fine
        "2026,monthly,13,1257Q,cumulative,-5.00,A,,\n"  # line 3: period, code, negative pay
        "2026,fortnightly,2,1257L,sometimes,12.345,Q,3,lgps_scotland\n"  # line 4: five problems
        "2025,monthly,1,1257L,cumulative,100.00,A,5,\n"  # line 5: plan 5 not in force in 2025-26
        "2026,monthly,1,1257L,cumulative\n"  # line 6: too few fields
        "1999,weekly,1,D2,cumulative,1,A,,\n"  # line 7: no rules for 1999
        "2026,weekly,1,D2,cumulative,,A,,\n"  # line 8: D2 not a rest-of-UK code, gross missing
    )
    errors, output = run(text)
    assert output == ""
    found = {(e.line, e.column) for e in errors}
    assert found == {
        (3, "period"), (3, "tax_code"), (3, "gross_pay"),
        (4, "basis"), (4, "gross_pay"), (4, "ni_category"), (4, "student_loan_plans"), (4, "pension_scheme"),
        (5, "student_loan_plans"),
        (6, ""),
        (7, "tax_year"),
        (8, "tax_code"), (8, "gross_pay"),
    }  # fmt: skip
    reasons = {(e.line, e.column): e.reason for e in errors}
    assert "out of range" in reasons[(3, "period")]
    assert "unknown tax code" in reasons[(3, "tax_code")]
    assert "negative" in reasons[(3, "gross_pay")]
    assert "not an amount" in reasons[(4, "gross_pay")]
    assert "not in force in 2025-26" in reasons[(5, "student_loan_plans")]
    assert "no rule file" in reasons[(7, "tax_year")]
    assert "required value is missing" in reasons[(8, "gross_pay")]
    assert str(errors[0]).startswith("line 3, column ")


def test_it_reports_missing_required_columns_on_the_header_line() -> None:
    errors, output = run("tax_year,frequency,period,tax_code,gross_pay\n2026,monthly,1,1257L,100\n")
    assert errors == [RowError(1, "basis", "required column is missing")]
    assert output == ""


@pytest.mark.parametrize("text", ["", "\n"])
def test_it_reports_an_empty_file(text: str) -> None:
    errors, _ = run(text)
    assert [(e.line, e.column) for e in errors] == [(1, "")]


def test_it_reports_a_repeated_column() -> None:
    errors, _ = run("tax_year,frequency,period,tax_code,basis,gross_pay,gross_pay\n")
    assert errors == [RowError(1, "gross_pay", "column appears more than once")]


def test_it_defaults_the_optional_columns() -> None:
    # no previous figures, NI category A, NI and pensionable pay = gross, no loans, no pension
    _, output = run(
        "tax_year,frequency,period,tax_code,basis,gross_pay\n2026,monthly,1,1257L,cumulative,2000\n"
    )
    row = rows(output)[0]
    # (2000 - 1048.26) -> 951 x 20% = 190.20; (2000 - 1048) x 8% = 76.16; net 2000 - 190.20 - 76.16
    assert (row["tax"], row["ni_employee"], row["net_pay"]) == ("190.20", "76.16", "1733.64")


def test_it_overwrites_output_columns_already_in_the_input_in_place() -> None:
    text = (
        "net_pay,tax_year,frequency,period,tax_code,basis,gross_pay\n"
        "stale,2026,monthly,1,1257L,cumulative,2000\n"
    )
    _, output = run(text)
    header = output.splitlines()[0].split(",")
    assert header[0] == "net_pay"
    assert header.count("net_pay") == 1
    assert rows(output)[0]["net_pay"] == "1733.64"


def test_it_adds_the_employer_contribution_when_given_employer_rates() -> None:
    text = (
        "tax_year,frequency,period,tax_code,basis,gross_pay,pension_scheme,employer_pension_rate\n"
        "2026,monthly,1,1257L,cumulative,3000,lgps_main,19.5\n"
    )
    _, output = run(text)
    assert rows(output)[0]["pension_employer"] == "585.00"  # 3000 x 19.5%


def test_it_passes_blank_lines_through_and_keeps_counting_them() -> None:
    text = "tax_year,frequency,period,tax_code,basis,gross_pay\n\n2026,monthly,1,XYZ,cumulative,1\n"
    errors, _ = run(text)
    assert [(e.line, e.column) for e in errors] == [(3, "tax_code")]
    _, output = run("tax_year,frequency,period,tax_code,basis,gross_pay\n\n2026,monthly,1,BR,cumulative,10\n")
    assert output.splitlines()[1] == ""


def test_it_reproduces_the_hmrc_cases_through_a_csv_file() -> None:
    if not CASES:
        missing(MISSING)
    lines = ["tax_year,frequency,period,tax_code,basis,gross_pay,previous_taxable_pay,previous_tax_paid"]
    for case in CASES:
        lines.append(
            f"2026,{case.frequency.value},{case.period},{case.tax_code},{case.basis.value},{case.gross_pay},"
            f"{case.previous_taxable_pay},{case.previous_tax_paid}"
        )
    errors, output = run("\n".join(lines) + "\n")
    assert errors == []
    for case, row in zip(CASES, rows(output), strict=True):
        assert Decimal(row["tax"]) == case.tax_due
        assert Decimal(row["tax_paid_to_date"]) == case.expected_tax_paid_to_date


def test_its_outputs_are_the_payslip_fields() -> None:
    assert set(OUTPUTS) <= set(PAYSLIP_FIELDS)
