"""The P45 and P60 as PDFs (from the pure writers in ``payroll.outputs`` through
``documents.payment_record``, like a payslip's), their file names, and the P60 summary CSV."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from joinedup.core.money import pence_to_pounds
from joinedup.payroll.documents import payment_record, period_record
from joinedup.payroll.models import Payslip
from joinedup.payroll.outputs import p45_pdf, p60_pdf
from joinedup.payroll.outputs.pdf import NiLetterRow
from joinedup.payroll.outputs.records import EmployeePayment
from joinedup.payroll.year_end.figures import YearFigures
from joinedup.payroll.year_end.selectors import P45, P60, _employer
from joinedup.people.models import EmploymentTerms


def _loan_plans(slip: Payslip) -> tuple[str, bool]:
    """HMRC's student loan plan type and whether a postgraduate loan is held, from the terms
    in force on the payslip's pay date."""
    terms = (
        EmploymentTerms.objects.for_partner(slip.partner_id)
        .filter(employment_id=slip.employment_id, effective_from__lte=slip.run.pay_date)
        .order_by("-effective_from")
        .first()
    )
    plans = terms.student_loan_plans.split(";") if terms else []
    student = next((f"0{p}" for p in plans if p in ("1", "2", "4", "5")), "")
    return student, "PG" in plans


def _with_figures(record: EmployeePayment, figures: YearFigures) -> EmployeePayment:
    main = figures.ni[-1]
    return replace(
        record,
        tax_code=figures.tax_code,
        week1_month1=figures.week1_month1,
        taxable_pay_to_date=figures.pay,
        tax_to_date=figures.tax,
        ni_letter=main.letter,
        earnings_at_lel_to_date=main.earnings_at_lel,
        earnings_lel_to_pt_to_date=main.earnings_lel_to_pt,
        earnings_pt_to_uel_to_date=main.earnings_pt_to_uel,
        ni_employee_to_date=figures.ni_employee,
        ni_employer_to_date=figures.ni_employer,
        student_loan_to_date=figures.student_loan,
        postgraduate_loan_to_date=figures.postgraduate_loan,
        smp_to_date=figures.smp,
    )


def p45_pdf_bytes(p45: P45, *, compress: bool = True) -> bytes:
    student_plan, postgraduate = _loan_plans(p45.payslip)
    record = replace(
        _with_figures(payment_record(p45.payslip, for_hmrc=True), p45.figures),
        leaving_date=p45.issue.leaving_date,
        student_loan_plan=student_plan,
        # The writer says "continue" for a postgraduate loan from its figure to date; a plan held
        # but not yet deducted from is still a loan to continue.
        postgraduate_loan_to_date=p45.figures.postgraduate_loan or int(postgraduate),
    )
    return p45_pdf(
        employer=_employer(p45.issue.partner_id),
        period=period_record(p45.payslip.run),
        employee=record,
        previous_pay=p45.figures.previous_pay,
        previous_tax=p45.figures.previous_tax,
        compress=compress,
    )


def p45_filename(p45: P45) -> str:
    return f"p45-{p45.issue.employment.payroll_number}-{p45.issue.leaving_date}.pdf"


def p60_pdf_bytes(p60: P60, *, compress: bool = True) -> bytes:
    record = _with_figures(payment_record(p60.payslip), p60.figures)
    letters = [
        NiLetterRow(n.letter, n.earnings_at_lel, n.earnings_lel_to_pt, n.earnings_pt_to_uel, n.employee)
        for n in p60.figures.ni
    ]
    return p60_pdf(
        employer=_employer(p60.payslip.partner_id),
        employee=record,
        tax_year=p60.tax_year,
        previous_pay=p60.figures.previous_pay,
        previous_tax=p60.figures.previous_tax,
        ni_by_letter=letters if len(letters) > 1 else (),
        compress=compress,
    )


def p60_filename(p60: P60) -> str:
    preview = "" if p60.final else "-preview"
    return f"p60-{p60.tax_year}-{p60.employment.payroll_number}{preview}.pdf"


P60_CSV_HEADER = [
    "payroll_number",
    "name",
    "ni_number",
    "final_tax_code",
    "previous_pay",
    "previous_tax",
    "pay",
    "tax",
    "total_pay",
    "total_tax",
    "ni_letters",
    "earnings_at_lel",
    "earnings_lel_to_pt",
    "earnings_pt_to_uel",
    "ni_employee",
    "ni_employer",
    "student_loan",
    "postgraduate_loan",
    "smp",
]


def p60_csv_row(p60: P60) -> list[Any]:
    """A P60's figures for a summary sheet: money as Decimal pounds with two places, never a
    float, so that CSV writes 1234.56 and XLSX holds a number (text would not add up)."""
    f = p60.figures
    code = f"{f.tax_code} {'W1/M1' if f.week1_month1 else ''}".strip()
    money = [
        f.previous_pay,
        f.previous_tax,
        f.pay,
        f.tax,
        f.total_pay,
        f.total_tax,
    ]
    ni = [
        sum(n.earnings_at_lel for n in f.ni),
        sum(n.earnings_lel_to_pt for n in f.ni),
        sum(n.earnings_pt_to_uel for n in f.ni),
        f.ni_employee,
        f.ni_employer,
    ]
    person = p60.employment.person
    return [
        p60.employment.payroll_number,
        person.full_name,
        person.ni_number,
        code,
        *map(pence_to_pounds, money),
        f.ni_letters,
        *map(pence_to_pounds, [*ni, f.student_loan, f.postgraduate_loan, f.smp]),
    ]
