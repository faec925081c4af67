"""Payslips, P45 (part 1A) and P60 as A4 PDFs, drawn with ReportLab's Platypus.

Every amount comes from integer pence through :func:`~joinedup.payroll.outputs.money.format_gbp`
(``£1,234.56``, ``-£12.34``). The house style and the renderer are the platform's
(:mod:`joinedup.core.pdf`): the same input gives the same bytes, and ``compress=False`` leaves the
page streams uncompressed, which lets tests find the text in the bytes.

The P45 and P60 here carry the content of HMRC's forms in a plain layout; they are not HMRC-approved
substitute forms, which must follow HMRC's published specification for those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from joinedup.core.calendar import tax_year_label
from joinedup.core.dates import people_date
from joinedup.core.pdf import (
    ACCENT,
    BAND,
    BASE,
    INK,
    MUTED,
    PAGE_WIDTH,
    RULE,
    SMALL,
    TITLE,
    escape,
    printable,
    render_pdf,
)
from joinedup.payroll.outputs.money import format_gbp
from joinedup.payroll.outputs.records import EmployeePayment, Employer, PayPeriod, PayslipLine

_TITLE_RIGHT = ParagraphStyle("title_right", parent=TITLE, alignment=TA_RIGHT)


# --- shared helpers ----------------------------------------------------------------------------------


def format_nino(nino: str) -> str:
    """'AB 12 34 56 C' (HMRC's printed form); 'Not known' when there is none yet."""
    compact = "".join(nino.split()).upper()
    if not compact:
        return "Not known"
    if len(compact) == 9:
        return f"{compact[0:2]} {compact[2:4]} {compact[4:6]} {compact[6:8]} {compact[8]}"
    return compact


def format_date(day: date | None) -> str:
    """'28 April 2026'."""
    return people_date(day)


def format_tax_code(employee: EmployeePayment, period: PayPeriod | None = None) -> str:
    """The code as issued, with the week 1/month 1 basis spelled out when it applies."""
    code = " ".join(employee.tax_code.upper().split())
    if not employee.week1_month1 or code.endswith(("W1", "M1", "X")):
        return code
    if period is None:
        return f"{code} (week 1/month 1 basis)"
    return f"{code} {'M1' if period.is_monthly else 'W1'}"


def _masked_account(account: str) -> str:
    digits = "".join(ch for ch in account if ch.isdigit())
    return f"****{digits[-4:]}" if len(digits) >= 4 else ""


def _sort_code(code: str) -> str:
    digits = "".join(ch for ch in code if ch.isdigit())
    return f"{digits[0:2]}-{digits[2:4]}-{digits[4:6]}" if len(digits) == 6 else code


def _header(left: str, right: str, left_sub: str, right_sub: str) -> Table:
    table = Table(
        [
            [Paragraph(escape(left), TITLE), Paragraph(escape(right), _TITLE_RIGHT)],
            [printable(left_sub), printable(right_sub)],
        ],
        colWidths=[PAGE_WIDTH * 0.62, PAGE_WIDTH * 0.38],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONT", (0, 1), (-1, 1), "Helvetica", 9),
                ("TEXTCOLOR", (0, 1), (-1, 1), MUTED),
                ("LINEBELOW", (0, 1), (-1, 1), 1.5, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
            ]
        )
    )
    return table


def _details(rows: Sequence[tuple[str, str, str, str]]) -> Table:
    """Label/value pairs in two columns."""
    widths = [PAGE_WIDTH * 0.18, PAGE_WIDTH * 0.32, PAGE_WIDTH * 0.18, PAGE_WIDTH * 0.32]
    table = Table([[printable(cell) for cell in row] for row in rows], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
                ("FONT", (2, 0), (2, -1), "Helvetica-Bold", 9),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("BACKGROUND", (0, 0), (-1, -1), BAND),
            ]
        )
    )
    return table


def _money_table(
    title: str, rows: Iterable[tuple[str, int]], *, width: float, total: tuple[str, int] | None = None
) -> Table:
    """A titled list of descriptions and amounts, with an optional bold total row."""
    data: list[list[str | Paragraph]] = [[title, ""]]
    for description, amount in rows:
        data.append([Paragraph(escape(description), BASE), format_gbp(amount)])
    if len(data) == 1:
        data.append(["None", ""])
    if total is not None:
        data.append([total[0], format_gbp(total[1])])
    table = Table(data, colWidths=[width * 0.68, width * 0.32])
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 10),
            ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
            ("LINEBELOW", (0, 1), (-1, -2), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    if total is not None:
        style.add("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9)
        style.add("LINEABOVE", (0, -1), (-1, -1), 1, INK)
    table.setStyle(style)
    return table


def _side_by_side(left: Table, right: Table) -> Table:
    table = Table([[left, right]], colWidths=[PAGE_WIDTH / 2, PAGE_WIDTH / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 6),
                ("LEFTPADDING", (1, 0), (1, 0), 6),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
            ]
        )
    )
    return table


def _boxes(rows: Sequence[tuple[str, str, str]]) -> Table:
    """HMRC-form style numbered boxes: number, question, answer."""
    data = [
        [number, Paragraph(escape(question), BASE), Paragraph(escape(answer), BASE)]
        for number, question, answer in rows
    ]
    table = Table(data, colWidths=[PAGE_WIDTH * 0.06, PAGE_WIDTH * 0.44, PAGE_WIDTH * 0.50])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 10),
                ("TEXTCOLOR", (0, 0), (0, -1), ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("BACKGROUND", (2, 0), (2, -1), BAND),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _address(lines: Iterable[str], postcode: str = "") -> str:
    parts = [line.strip() for line in lines if line.strip()]
    if postcode.strip():
        parts.append(postcode.strip().upper())
    return ", ".join(parts)


# --- payslip -----------------------------------------------------------------------------------------


def payslip_lines(employee: EmployeePayment) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The payslip's payments and deductions, and a check that they come to the net pay.

    Payments are the ``addition`` lines (or one 'Gross pay' line when there are none); deductions are
    income tax, employee NI, pension under net pay, student and postgraduate loans, then the
    ``deduction`` lines. Raises ``ValueError`` when payments less deductions is not the net pay.
    """
    additions: list[PayslipLine] = []
    others: list[PayslipLine] = []
    for line in employee.lines:
        if line.kind == "addition":
            additions.append(line)
        elif line.kind == "deduction":
            others.append(line)
        else:
            raise ValueError(
                f"{employee.label}: payslip line {line.description!r} has unknown kind {line.kind!r}"
            )
    payments = [(line.description, line.amount) for line in additions] or [("Gross pay", employee.gross_pay)]
    deductions = [
        ("Income tax refund" if employee.tax < 0 else "Income tax", employee.tax),
        ("National Insurance", employee.ni_employee),
    ]
    if employee.pension_under_net_pay:
        deductions.append(("Pension (net pay arrangement)", employee.pension_under_net_pay))
    if employee.student_loan or employee.student_loan_plan:
        plan = employee.student_loan_plan.lstrip("0") or "?"
        deductions.append((f"Student loan (plan {plan})", employee.student_loan))
    if employee.postgraduate_loan:
        deductions.append(("Postgraduate loan", employee.postgraduate_loan))
    deductions += [(line.description, line.amount) for line in others]
    total_payments = sum(amount for _, amount in payments)
    total_deductions = sum(amount for _, amount in deductions)
    if total_payments - total_deductions != employee.net_pay:
        raise ValueError(
            f"{employee.label}: the payslip does not add up: payments {format_gbp(total_payments)} "
            f"less deductions {format_gbp(total_deductions)} is "
            f"{format_gbp(total_payments - total_deductions)}, but net pay is {format_gbp(employee.net_pay)}"
        )
    return payments, deductions


def payslip_pdf(
    *,
    employer: Employer,
    period: PayPeriod,
    employee: EmployeePayment,
    ytd: Mapping[str, int] | None = None,
    compress: bool = True,
) -> bytes:
    """An A4 payslip. ``ytd`` adds year-to-date rows (label to pence) after the standard ones; a label
    that is already there replaces its figure."""
    payments, deductions = payslip_lines(employee)
    frequency = period.frequency.replace("_", "-")
    bank = ""
    if employee.bank_sort_code and employee.bank_account_number:
        bank = f"{_sort_code(employee.bank_sort_code)}  {_masked_account(employee.bank_account_number)}"
    details = [
        ("Name", employee.full_name, "Pay date", format_date(period.pay_date)),
        (
            "Payroll ID",
            employee.payroll_id,
            "Tax period",
            f"{period.description}, {period.tax_year_label} ({frequency})",
        ),
        ("NI number", format_nino(employee.ni_number), "Tax code", format_tax_code(employee, period)),
        ("NI category", employee.ni_letter or "-", "Paid to", bank or "-"),
    ]

    half = PAGE_WIDTH / 2 - 6
    this_period = [
        ("Gross pay", employee.gross_pay),
        ("Taxable pay", employee.taxable_pay),
        ("Earnings for NI", employee.ni_gross_pay),
    ]
    to_date: dict[str, int] = {
        "Taxable pay": employee.taxable_pay_to_date,
        "Income tax": employee.tax_to_date,
        "Employee NI": employee.ni_employee_to_date,
        "Earnings for NI": employee.ni_gross_to_date,
    }
    if employee.pension_under_net_pay_to_date:
        to_date["Pension (net pay)"] = employee.pension_under_net_pay_to_date
    if employee.student_loan_to_date or employee.student_loan_plan:
        to_date["Student loan"] = employee.student_loan_to_date
    if employee.postgraduate_loan_to_date:
        to_date["Postgraduate loan"] = employee.postgraduate_loan_to_date
    to_date.update(ytd or {})

    employer_rows = [
        ("Employer's National Insurance", employee.ni_employer),
        ("Employer's NI, year to date", employee.ni_employer_to_date),
    ]
    if employee.employer_pension:
        employer_rows.append(("Employer's pension contribution", employee.employer_pension))

    net = Table(
        [["Net pay", format_gbp(employee.net_pay)]],
        colWidths=[PAGE_WIDTH * 0.6, PAGE_WIDTH * 0.4],
    )
    net.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica-Bold", 16),
                ("TEXTCOLOR", (0, 0), (-1, -1), colors.white),
                ("BACKGROUND", (0, 0), (-1, -1), ACCENT),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )

    story: list[Flowable] = [
        _header(
            employer.name,
            "Payslip",
            f"Employer PAYE reference {employer.paye_reference}",
            format_date(period.pay_date),
        ),
        Spacer(0, 5 * mm),
        _details(details),
        Spacer(0, 5 * mm),
        _side_by_side(
            _money_table(
                "Payments", payments, width=half, total=("Total payments", sum(a for _, a in payments))
            ),
            _money_table(
                "Deductions",
                deductions,
                width=half,
                total=("Total deductions", sum(a for _, a in deductions)),
            ),
        ),
        Spacer(0, 4 * mm),
        net,
        Spacer(0, 5 * mm),
        _side_by_side(
            _money_table("This period", this_period, width=half),
            _money_table("Year to date", to_date.items(), width=half),
        ),
        Spacer(0, 5 * mm),
        _money_table("Paid by your employer (not deducted from your pay)", employer_rows, width=PAGE_WIDTH),
        Spacer(0, 6 * mm),
        Paragraph(
            escape(
                f"{employer.name} pays you as your employer. Keep your payslips: you may need them to "
                "claim benefits or to check your tax. Questions about your pay: contact your payroll team."
            ),
            SMALL,
        ),
    ]
    return render_pdf(
        story,
        title=f"Payslip {employee.payroll_id} {period.pay_date.isoformat()}",
        author=employer.name,
        compress=compress,
    )


# --- P45 -------------------------------------------------------------------------------------------


def p45_pdf(
    *,
    employer: Employer,
    period: PayPeriod,
    employee: EmployeePayment,
    previous_pay: int = 0,
    previous_tax: int = 0,
    compress: bool = True,
) -> bytes:
    """P45 part 1A (the leaver's copy): the details the employee gives their next employer.

    ``previous_pay``/``previous_tax`` are the figures from the P45 of an earlier employment in the same
    tax year (box 7 adds them; box 8 is this employment alone). On a week 1/month 1 code the pay and
    tax to date in box 7 are left blank, as HMRC's notes on the form say.
    """
    if employee.leaving_date is None:
        raise ValueError(f"{employee.label}: a P45 needs a leaving date")
    cumulative = not employee.week1_month1
    box7_pay = (
        format_gbp(employee.taxable_pay_to_date + previous_pay)
        if cumulative
        else "(blank: week 1/month 1 basis)"
    )
    box7_tax = (
        format_gbp(employee.tax_to_date + previous_tax) if cumulative else "(blank: week 1/month 1 basis)"
    )
    rows = [
        (
            "1",
            "Employer PAYE reference",
            f"Office number {employer.tax_office_number}, reference {employer.tax_office_reference}",
        ),
        ("2", "Employee's National Insurance number", format_nino(employee.ni_number)),
        (
            "3",
            "Title, surname and first name(s)",
            f"{employee.title} {employee.surname}, {employee.forename}".strip(),
        ),
        ("4", "Leaving date", format_date(employee.leaving_date)),
        ("5", "Student Loan deductions to continue", "Yes" if employee.student_loan_plan else "No"),
        (
            "",
            "Postgraduate Loan deductions to continue",
            "Yes" if employee.postgraduate_loan_to_date else "No",
        ),
        ("6", "Tax code at leaving date", " ".join(employee.tax_code.upper().split())),
        ("", "Week 1/Month 1 basis", "Yes" if employee.week1_month1 else "No"),
        ("7", "Last entries on payroll: week or month number", period.description),
        ("", "Total pay to date", box7_pay),
        ("", "Total tax to date", box7_tax),
        ("8", "This employment: total pay", format_gbp(employee.taxable_pay_to_date)),
        ("", "This employment: total tax", format_gbp(employee.tax_to_date)),
        ("9", "Works number / payroll ID", employee.payroll_id),
        ("10", "Gender", {"M": "Male", "F": "Female"}.get(employee.gender, employee.gender)),
        ("11", "Date of birth", format_date(employee.date_of_birth)),
        ("12", "Employee's private address", _address(employee.address_lines, employee.postcode)),
        ("13", "Employer name and address", _address((employer.name, *employer.address_lines))),
    ]
    story: list[Flowable] = [
        _header(
            "P45 Part 1A",
            "Copy for employee",
            "Details of employee leaving work",
            f"Tax year {period.tax_year_label}",
        ),
        Spacer(0, 5 * mm),
        _boxes(rows),
        Spacer(0, 6 * mm),
        Paragraph(
            escape(
                "To the employee: keep this part safe; copies are not available. Give parts 2 and 3 to your "
                "new employer, or to Jobcentre Plus if you claim benefits."
            ),
            SMALL,
        ),
    ]
    return render_pdf(story, title=f"P45 {employee.payroll_id}", author=employer.name, compress=compress)


# --- P60 -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NiLetterRow:
    """One NI category letter's year on a P60, for an employee whose letter changed in the year."""

    letter: str
    earnings_at_lel: int
    earnings_lel_to_pt: int
    earnings_pt_to_uel: int
    employee_contributions: int


def p60_pdf(
    *,
    employer: Employer,
    employee: EmployeePayment,
    tax_year: int,
    previous_pay: int = 0,
    previous_tax: int = 0,
    ni_by_letter: Sequence[NiLetterRow] = (),
    compress: bool = True,
) -> bytes:
    """P60 end of year certificate for ``tax_year`` (2026 means the year to 5 April 2027), from the
    employee's final year-to-date figures in this employment. ``ni_by_letter``, when given, replaces
    the single letter's NI figures with one set per category letter used in the year."""
    year = tax_year_label(tax_year)
    pay_rows = [
        ("Pay in previous employment(s)", previous_pay),
        ("Tax in previous employment(s)", previous_tax),
        ("Pay in this employment", employee.taxable_pay_to_date),
        ("Tax in this employment", employee.tax_to_date),
        ("Total pay for the year", previous_pay + employee.taxable_pay_to_date),
        ("Total tax for the year", previous_tax + employee.tax_to_date),
    ]
    letters = ni_by_letter or [
        NiLetterRow(
            employee.ni_letter,
            employee.earnings_at_lel_to_date,
            employee.earnings_lel_to_pt_to_date,
            employee.earnings_pt_to_uel_to_date,
            employee.ni_employee_to_date,
        )
    ]
    ni_rows = [
        row
        for n in letters
        for row in (
            (f"Earnings at the LEL (letter {n.letter})", n.earnings_at_lel),
            (f"Earnings above the LEL, up to and including the PT (letter {n.letter})", n.earnings_lel_to_pt),
            (f"Earnings above the PT, up to and including the UEL (letter {n.letter})", n.earnings_pt_to_uel),
            (
                f"Employee's contributions due on all earnings above the PT (letter {n.letter})",
                n.employee_contributions,
            ),
        )
    ]
    statutory = [
        (name, amount)
        for name, amount in (
            ("Statutory Maternity Pay", employee.smp_to_date),
            ("Statutory Paternity Pay", employee.spp_to_date),
            ("Statutory Adoption Pay", employee.sap_to_date),
            ("Statutory Shared Parental Pay", employee.shpp_to_date),
            ("Statutory Parental Bereavement Pay", employee.spbp_to_date),
            ("Statutory Neonatal Care Pay", employee.sncp_to_date),
        )
        if amount
    ]
    loans = [
        ("Student loan deductions in this employment", employee.student_loan_to_date),
        ("Postgraduate loan deductions in this employment", employee.postgraduate_loan_to_date),
    ]
    details = [
        ("Surname", employee.surname, "Forenames", employee.forename),
        ("NI number", format_nino(employee.ni_number), "Payroll ID", employee.payroll_id),
        ("Final tax code", format_tax_code(employee), "PAYE reference", employer.paye_reference),
    ]
    story: list[Flowable] = [
        _header(
            "P60", "End of Year Certificate", employer.name, f"Tax year {year} (to 5 April {tax_year + 1})"
        ),
        Spacer(0, 5 * mm),
        _details(details),
        Spacer(0, 5 * mm),
        _money_table("Pay and Income Tax", pay_rows, width=PAGE_WIDTH),
        Spacer(0, 4 * mm),
        _money_table("National Insurance contributions in this employment", ni_rows, width=PAGE_WIDTH),
        Spacer(0, 4 * mm),
        _money_table("Statutory payments included in pay", statutory, width=PAGE_WIDTH),
        Spacer(0, 4 * mm),
        _money_table("Loan deductions", loans, width=PAGE_WIDTH),
        Spacer(0, 5 * mm),
        Paragraph(escape(f"Employer: {_address((employer.name, *employer.address_lines))}"), BASE),
        Spacer(0, 4 * mm),
        Paragraph(
            escape(
                "Certificate by employer: this form shows your total pay for Income Tax purposes in this "
                f"employment for the tax year {year}, and the Income Tax and National Insurance deducted. "
                "Keep it safe: you will need it if you have to fill in a tax return."
            ),
            SMALL,
        ),
    ]
    title = f"P60 {employee.payroll_id} {year}"
    return render_pdf(story, title=title, author=employer.name, compress=compress)
