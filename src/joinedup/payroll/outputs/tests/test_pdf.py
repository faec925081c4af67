"""Payslip, P45 and P60 PDFs: valid, deterministic, and carrying the figures they should.

The PDFs are built uncompressed so the drawn strings can be found in the bytes; ReportLab writes
each string in Windows-1252 with anything outside ASCII as an octal escape (``£`` is ``\\243``), which
:func:`drawn` reproduces. Where poppler's ``pdftotext`` is installed the text is also extracted the
way a reader would see it (CI installs it, and fails those tests without it).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from joinedup.core.pdf import printable
from joinedup.payroll.outputs.pdf import (
    format_nino,
    format_tax_code,
    p45_pdf,
    p60_pdf,
    payslip_lines,
    payslip_pdf,
)
from joinedup.payroll.outputs.records import PayslipLine
from joinedup.payroll.outputs.tests import factories
from joinedup.testing.required import missing


def drawn(text: str) -> bytes:
    """``text`` as ReportLab writes it inside a PDF string with a standard font."""
    out = []
    for ch in text:
        if ch in "()\\":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(f"\\{ch.encode('cp1252')[0]:03o}")
    return "".join(out).encode("ascii")


def payslip(**changes: Any) -> bytes:
    return payslip_pdf(
        employer=factories.employer(),
        period=factories.period(),
        employee=factories.employee(**changes),
        compress=False,
    )


def assert_valid_pdf(pdf: bytes, pages: int = 1) -> None:
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    startxref = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    assert pdf[startxref : startxref + 4] == b"xref"  # the cross-reference table is where the trailer says
    assert len(re.findall(rb"/Type /Page\b", pdf)) == pages
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        missing("poppler's pdftotext (apt-get install poppler-utils)")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_a_payslip_is_a_one_page_a4_pdf() -> None:
    assert_valid_pdf(payslip())
    compressed = payslip_pdf(
        employer=factories.employer(), period=factories.period(), employee=factories.employee()
    )
    assert_valid_pdf(compressed)
    assert len(compressed) < len(payslip())


def test_the_same_payslip_gives_the_same_bytes() -> None:
    assert payslip() == payslip()
    employee = factories.employee()
    first = payslip_pdf(employer=factories.employer(), period=factories.period(), employee=employee)
    assert first == payslip_pdf(employer=factories.employer(), period=factories.period(), employee=employee)


def test_a_payslip_shows_who_is_paid_and_by_whom() -> None:
    pdf = payslip()
    for text in (
        "Northshire County Council",
        "Ms Jane Example",
        "NCC-0001",
        "AB 12 34 56 C",  # the full NINO, spaced as HMRC prints it
        "1257L",
        "28 April 2026",
        "Month 1, 2026/27 (monthly)",
        "40-11-62  ****4321",  # the bank account, masked
        "Employer PAYE reference 961/WC10001",
    ):
        assert drawn(text) in pdf, text
    assert b"87654321" not in pdf


def test_a_payslip_lists_payments_deductions_and_net_pay_in_pounds() -> None:
    pdf = payslip()
    for text in (
        "Basic salary SCP 23",
        "£3,000.00",
        "Essential car user allowance",
        "£120.00",
        "Total payments",
        "£3,120.00",
        "Income tax",
        "£351.60",
        "National Insurance",
        "£156.21",
        "Pension (net pay arrangement)",
        "£195.00",
        "Student loan (plan 2)",
        "£45.00",
        "Union subscription",
        "£25.00",
        "Total deductions",
        "£772.81",
        "Net pay",
        "£2,347.19",
    ):
        assert drawn(text) in pdf, text


def test_a_payslip_shows_the_year_to_date_and_what_the_employer_paid() -> None:
    pdf = payslip_pdf(
        employer=factories.employer(),
        period=factories.period(),
        employee=factories.employee(),
        ytd={"Gross pay": 312000, "Taxable pay": 999900},
        compress=False,
    )
    for text in ("Year to date", "Gross pay", "£9,999.00", "Paid by your employer", "£388.00", "£600.00"):
        assert drawn(text) in pdf, text
    assert drawn("£2,925.00") in pdf  # this period's taxable pay is still shown


def test_a_refund_is_shown_as_a_negative_deduction() -> None:
    pdf = payslip(tax=-1234, net_pay=234719 + 35160 + 1234)
    assert drawn("Income tax refund") in pdf
    assert drawn("-£12.34") in pdf


def test_a_payslip_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"does not add up: payments £3,120.00 less deductions £772.81 is £2,347.19"
    ):
        payslip(net_pay=234700)


def test_with_no_payment_lines_the_gross_pay_is_the_one_payment() -> None:
    payments, deductions = payslip_lines(
        factories.employee(lines=(PayslipLine("Union subscription", 2500, "deduction"),))
    )
    assert payments == [("Gross pay", 312000)]
    assert deductions[-1] == ("Union subscription", 2500)


def test_letters_the_standard_fonts_lack_are_folded_not_lost() -> None:
    assert printable("Zoë O\u2019Brien £5") == "Zoë O\u2019Brien £5"  # all in Windows-1252
    assert printable("Łukasz Wójcik, Tŷ Gwyn") == "Lukasz Wójcik, Ty Gwyn"
    pdf = payslip(forename="Łukasz", surname="Wójcik")
    assert drawn("Ms Lukasz Wójcik") in pdf


def test_the_payslip_text_reads_as_a_person_sees_it(tmp_path: Path) -> None:
    text = pdftotext(payslip(), tmp_path)
    assert "Net pay" in text
    assert "£2,347.19" in text
    assert "AB 12 34 56 C" in text
    assert "Paid by your employer" in text


def test_a_p45_carries_part_1a(tmp_path: Path) -> None:
    leaver = factories.employee(leaving_date=date(2026, 4, 30))
    pdf = p45_pdf(employer=factories.employer(), period=factories.period(), employee=leaver, compress=False)
    assert_valid_pdf(pdf)
    for text in (
        "P45 Part 1A",
        "Office number 961, reference WC10001",
        "AB 12 34 56 C",
        "Ms Example, Jane",
        "30 April 2026",
        "1257L",
        "Month 1",
        "£2,925.00",  # pay to date in this employment
        "£351.60",  # tax to date in this employment
        "NCC-0001",
    ):
        assert drawn(text) in pdf, text
    assert pdf == p45_pdf(
        employer=factories.employer(), period=factories.period(), employee=leaver, compress=False
    )


def test_a_p45_adds_previous_pay_to_box_7_but_leaves_it_blank_on_week1_month1() -> None:
    leaver = factories.employee(leaving_date=date(2026, 4, 30))
    pdf = p45_pdf(
        employer=factories.employer(),
        period=factories.period(),
        employee=leaver,
        previous_pay=100000,
        previous_tax=5000,
        compress=False,
    )
    assert drawn("£3,925.00") in pdf and drawn("£401.60") in pdf
    month1 = dataclasses.replace(leaver, week1_month1=True)
    pdf = p45_pdf(employer=factories.employer(), period=factories.period(), employee=month1, compress=False)
    assert drawn("blank: week 1/month 1 basis") in pdf


def test_a_p45_needs_a_leaving_date() -> None:
    with pytest.raises(ValueError, match="employee NCC-0001 \\(Jane Example\\): a P45 needs a leaving date"):
        p45_pdf(employer=factories.employer(), period=factories.period(), employee=factories.employee())


def test_a_p60_carries_the_years_pay_tax_ni_and_loans() -> None:
    year_end = factories.employee(postgraduate_loan_to_date=24000, smp_to_date=50000)
    pdf = p60_pdf(employer=factories.employer(), employee=year_end, tax_year=2026, compress=False)
    assert_valid_pdf(pdf)
    for text in (
        "End of Year Certificate",
        "Tax year 2026/27 (to 5 April 2027)",
        "Example",
        "AB 12 34 56 C",
        "£2,925.00",  # pay in this employment
        "£351.60",  # tax in this employment
        "Earnings at the LEL (letter A)",
        "£559.00",
        "£488.33",
        "£2,072.67",
        "£156.21",
        "Statutory Maternity Pay",
        "£500.00",
        "£45.00",
        "£240.00",
        "961/WC10001",
        "County Hall",
    ):
        assert drawn(text) in pdf, text


def test_helpers_format_the_nino_and_the_tax_code() -> None:
    assert format_nino("ab123456c") == "AB 12 34 56 C"
    assert format_nino("") == "Not known"
    month1 = factories.employee(week1_month1=True)
    assert format_tax_code(month1, factories.period()) == "1257L M1"
    assert format_tax_code(month1, factories.period(frequency="weekly")) == "1257L W1"
    assert format_tax_code(month1) == "1257L (week 1/month 1 basis)"
    assert format_tax_code(factories.employee(tax_code="s1257l")) == "S1257L"
