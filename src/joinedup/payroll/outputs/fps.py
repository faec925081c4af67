"""The RTI Full Payment Submission body: HMRC's ``IRenvelope`` (``IRheader``, ``FullPaymentSubmission``).

Element names, their order and their value patterns follow HMRC's schema for the year
(``FullPaymentSubmission-2026-v1-0.xsd`` for 2025-26; the 2026-27 schema,
``FullPaymentSubmission-2027-v1-0.xsd`` in HMRC's RTI release information pack, has the namespace
``http://www.govtalk.gov.uk/taxation/PAYE/RTI/FullPaymentSubmission/26-27/1``). The checks HMRC makes
on receipt that this module can make from the data are made here, before anything is sent:

* a NINO-less employee, and every new starter, needs at least two address lines (business rules);
* the tax code holds no S/C prefix and no W1/M1/X marker: the prefix becomes ``TaxRegime`` and the
  week 1/month 1 basis ``BasisNonCumulative="yes"``;
* student loan, postgraduate loan and earnings-at-LEL figures are whole pounds;
* a payment after leaving (``PmtAfterLeaving``) carries the original leaving date (business rule
  7847: "The [PAYMENTAFTERLEAVINGDATEINDICATOR] is set. Please complete [LEAVINGDATE]");
* names, address lines and postcodes are folded into HMRC's character sets (accents dropped).

Not produced here: the GovTalk envelope around this body and its IRmark (the submission layer adds
both, since the IRmark is a digest of the canonicalised body), ``BacsHashCode`` (not in the 2025-26
schema), more than one NI letter per employment, benefits, directors' NI and pensioner items.

Money is pounds with two decimals from integer pence (:func:`~joinedup.payroll.outputs.money.format_pounds`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date

from joinedup.payroll.engine.codes import CodeKind, Region, parse_tax_code
from joinedup.payroll.outputs.money import format_pounds, is_whole_pounds
from joinedup.payroll.outputs.records import EmployeePayment, Employer, PayPeriod
from joinedup.payroll.outputs.text import keep_only

NAMESPACE_TEMPLATE = "http://www.govtalk.gov.uk/taxation/PAYE/RTI/FullPaymentSubmission/{year}/{version}"

PAY_FREQUENCY = {"weekly": "W1", "fortnightly": "W2", "four_weekly": "W4", "monthly": "M1"}
PLAN_TYPES = frozenset({"01", "02", "04", "05"})
PLAN_5_FROM = 2026  # Plan 5 repayments start in April 2026; the 2025-26 schema has only 01, 02 and 04
NI_LETTERS = frozenset("ABCDEFGHIJKLMNPQRSTVWXYZ")  # the 2025-26 schema's enumeration
HOURS_BANDS = frozenset("ABCDE")

# HMRC's character sets (FullPaymentSubmission_CharsetB, D, G, H)
CHARSET_B = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ")
CHARSET_D = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -'")
CHARSET_G = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-()/=!\"%&*;<>'+:?")
CHARSET_H = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz- .'")

_RELATED_TAX_YEAR = re.compile(r"(\d{2})-(\d{2})")
_NINO = re.compile(
    r"([ACEHJLMOPRSWXY][A-CEGHJ-NPR-TW-Z]|B[A-CEHJ-NPR-TW-Z]|G[ACEGHJ-NPR-TW-Z]|[KT][A-CEGHJ-MPR-TW-Z]"
    r"|N[A-CEGHJL-NPR-SW-Z]|Z[A-CEGHJ-NPR-TW-Y])[0-9]{6}[A-D ]"
)
_TAX_CODE = re.compile(r"([1-9][0-9]{0,5}[LMNPTY])|(BR)|(0T)|(NT)|(D[0-8])|([K][1-9][0-9]{0,5})")
_AO_REFERENCE = re.compile(r"[0-9]{3}P[A-Z][0-9]{7}[0-9X]")
_WEEK_NUMBER = re.compile(r"[1-9]|[1-4][0-9]|5[0-46]")
_REGIMES = {Region.SCOTLAND: "S", Region.WALES: "C"}


class FpsError(ValueError):
    """Data that HMRC's schema or business rules would reject."""


def fps_namespace(related_tax_year: str, version: int = 1) -> str:
    return NAMESPACE_TEMPLATE.format(year=related_tax_year, version=version)


def fps_xml(
    *,
    employer: Employer,
    period: PayPeriod,
    employees: Sequence[EmployeePayment],
    final_submission_for_year: bool = False,
    related_tax_year: str = "26-27",
    schema_version: int = 1,
) -> bytes:
    """The FPS body as UTF-8 XML bytes for one pay period of one PAYE scheme."""
    if related_tax_year != period.related_tax_year:
        raise FpsError(
            f"related tax year {related_tax_year!r} does not match the pay period's tax year "
            f"{period.tax_year_label} ({period.related_tax_year!r})"
        )
    if not _RELATED_TAX_YEAR.fullmatch(related_tax_year):
        raise FpsError(f"related tax year {related_tax_year!r} is not 'YY-YY'")
    if not employees and not final_submission_for_year:
        raise FpsError("an FPS needs at least one employee (or the final-submission-for-year flag)")
    namespace = fps_namespace(related_tax_year, schema_version)
    office_number, office_reference = employer.tax_office_number, employer.tax_office_reference
    ao_reference = employer.accounts_office_reference.strip().upper()
    if not _AO_REFERENCE.fullmatch(ao_reference):
        raise FpsError(
            f"employer {employer.name!r}: accounts office reference {employer.accounts_office_reference!r} "
            "is not 13 characters of the form 123PA00012345"
        )

    b = _Builder()
    sub = b.sub
    # ElementTree's default_namespace option refuses unprefixed attributes (Type="..."), so the
    # elements are built unqualified and the root declares the default namespace itself.
    envelope = ET.Element("IRenvelope", {"xmlns": namespace})
    header = sub(envelope, "IRheader")
    keys = sub(header, "Keys")
    sub(keys, "Key", office_number, Type="TaxOfficeNumber")
    sub(keys, "Key", office_reference, Type="TaxOfficeReference")
    sub(header, "PeriodEnd", date(period.tax_year + 1, 4, 5).isoformat())
    sub(header, "DefaultCurrency", "GBP")
    sub(header, "Sender", "Employer")

    submission = sub(envelope, "FullPaymentSubmission")
    refs = sub(submission, "EmpRefs")
    sub(refs, "OfficeNo", office_number)
    sub(refs, "PayeRef", office_reference)
    sub(refs, "AORef", ao_reference)
    sub(submission, "RelatedTaxYear", related_tax_year)
    for employee in employees:
        _employee(b, submission, employee, period)
    if final_submission_for_year:
        final = sub(submission, "FinalSubmission")
        sub(final, "ForYear", "yes")

    ET.indent(envelope)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(envelope, encoding="unicode").encode(
        "utf-8"
    )


class _Builder:
    """Makes the elements of one document (unqualified: the root declares the default namespace)."""

    def sub(self, parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, name, attributes)
        if text is not None:
            element.text = text
        return element


def _employee(b: _Builder, submission: ET.Element, e: EmployeePayment, period: PayPeriod) -> None:
    who = e.label
    sub = b.sub
    address = [_text(line, CHARSET_G, 35) for line in e.address_lines]
    address = [line for line in address if line]
    if len(address) > 4:
        raise FpsError(f"{who}: HMRC takes at most 4 address lines, got {len(address)}")
    if any(not line[0].isalnum() for line in address):
        raise FpsError(f"{who}: every address line must start with a letter or digit")
    nino = re.sub(r"\s+", "", e.ni_number).upper()
    if nino and not _NINO.fullmatch(nino):
        raise FpsError(f"{who}: {e.ni_number!r} is not a valid National Insurance number")
    if not nino and len(address) < 2:
        raise FpsError(f"{who}: with no National Insurance number HMRC needs at least two address lines")
    if e.start_date is not None and len(address) < 2:
        raise FpsError(f"{who}: a new starter needs at least two address lines")
    if e.gender not in ("M", "F"):
        raise FpsError(f"{who}: gender must be 'M' or 'F', got {e.gender!r}")
    if e.hours_band not in HOURS_BANDS:
        raise FpsError(f"{who}: hours band must be one of A to E, got {e.hours_band!r}")
    payroll_id = e.payroll_id
    if not 1 <= len(payroll_id) <= 35 or payroll_id[0] == " " or set(payroll_id) - CHARSET_G:
        # changed silently, it would no longer match the payroll ID HMRC holds: refuse it instead
        raise FpsError(
            f"payroll ID {payroll_id!r} must be 1 to 35 of HMRC's characters, not starting with a space"
        )

    employee = sub(submission, "Employee")
    details = sub(employee, "EmployeeDetails")
    if nino:
        sub(details, "NINO", nino)
    name = sub(details, "Name")
    title = _text(e.title, CHARSET_H, 35, letter_first=True)
    forename = _text(e.forename, CHARSET_D, 35, letter_first=True)
    surname = _text(e.surname, CHARSET_D, 35, letter_first=True)
    if not forename or not surname:
        raise FpsError(f"{who}: forename and surname must each have at least one letter HMRC accepts")
    if title:
        sub(name, "Ttl", title)
    sub(name, "Fore", forename)
    sub(name, "Sur", surname)
    postcode = _text(e.postcode.upper(), CHARSET_B, 10)
    if address or postcode:
        address_element = sub(details, "Address")
        for line in address:
            sub(address_element, "Line", line)
        if postcode:
            sub(address_element, "UKPostcode", postcode)
    sub(details, "BirthDate", e.date_of_birth.isoformat())
    sub(details, "Gender", e.gender)

    employment = sub(employee, "Employment")
    if e.start_date is not None:
        starter = sub(employment, "Starter")
        sub(starter, "StartDate", e.start_date.isoformat())
        if e.starter_declaration:
            if e.starter_declaration not in ("A", "B", "C"):
                raise FpsError(f"{who}: starter declaration must be A, B or C, got {e.starter_declaration!r}")
            sub(starter, "StartDec", e.starter_declaration)
    sub(employment, "PayId", payroll_id)
    if e.leaving_date is not None:
        sub(employment, "LeavingDate", e.leaving_date.isoformat())

    has_pension = e.pension_under_net_pay != 0 or e.pension_under_net_pay_to_date != 0
    has_student_loan = bool(e.student_loan_plan) or e.student_loan != 0 or e.student_loan_to_date != 0
    has_postgrad_loan = e.postgraduate_loan != 0 or e.postgraduate_loan_to_date != 0
    for amount, what in (
        (e.student_loan, "student loan deduction"),
        (e.student_loan_to_date, "student loan deductions to date"),
        (e.postgraduate_loan, "postgraduate loan deduction"),
        (e.postgraduate_loan_to_date, "postgraduate loan deductions to date"),
        (e.earnings_at_lel_to_date, "earnings at the lower earnings limit to date"),
    ):
        if not is_whole_pounds(amount):
            raise FpsError(f"{who}: {what} must be whole pounds, got {amount} pence")
    if e.payment_after_leaving and e.leaving_date is None:
        raise FpsError(f"{who}: a payment after leaving must report the original leaving date")
    if e.class1a_to_date < 0:
        raise FpsError(f"{who}: Class 1A NICs to date cannot be negative ({e.class1a_to_date} pence)")
    if e.taxable_pay_to_date < 0:
        raise FpsError(f"{who}: taxable pay to date cannot be negative ({e.taxable_pay_to_date} pence)")

    to_date = sub(employment, "FiguresToDate")
    sub(to_date, "TaxablePay", format_pounds(e.taxable_pay_to_date))
    sub(to_date, "TotalTax", format_pounds(e.tax_to_date))
    if has_student_loan:
        sub(to_date, "StudentLoansTD", format_pounds(e.student_loan_to_date))
    if has_postgrad_loan:
        sub(to_date, "PostgradLoansTD", format_pounds(e.postgraduate_loan_to_date))
    if has_pension:
        sub(to_date, "EmpeePenContribnsPaidYTD", format_pounds(e.pension_under_net_pay_to_date))

    payment = sub(employment, "Payment")
    sub(payment, "PayFreq", PAY_FREQUENCY[period.frequency])
    sub(payment, "PmtDate", period.pay_date.isoformat())
    if period.is_monthly:
        sub(payment, "MonthNo", str(period.period))
    else:
        if not _WEEK_NUMBER.fullmatch(str(period.period)):
            raise FpsError(f"tax week {period.period} is not one HMRC accepts (1 to 54, or 56)")
        sub(payment, "WeekNo", str(period.period))
    sub(payment, "PeriodsCovered", str(period.periods_covered))
    if e.payment_after_leaving:
        # GOV.UK 'paying an employee after giving them a P45': set the 'Payment after leaving'
        # indicator, with the original leaving date and payroll ID.
        sub(payment, "PmtAfterLeaving", "yes")
    sub(payment, "HoursWorked", e.hours_band)
    code, attributes = _tax_code(e)
    sub(payment, "TaxCode", code, **attributes)
    sub(payment, "TaxablePay", format_pounds(e.taxable_pay))
    if e.class1a_to_date:
        # Class 1A on termination awards over GBP 30,000 is reported in real time, year to date
        # (NIM13203; RTI data item 'Class 1A NICs YTD'), schema order after TaxablePay (and the
        # NonTaxOrNICPmt ... BenefitsTaxedViaPayroll items this writer does not produce).
        sub(payment, "Class1ANICsYTD", format_pounds(e.class1a_to_date))
    if has_pension:
        sub(payment, "EmpeePenContribnsPaid", format_pounds(e.pension_under_net_pay))
    if has_student_loan:
        if e.student_loan_plan not in PLAN_TYPES:
            raise FpsError(
                f"{who}: student loan plan must be one of {sorted(PLAN_TYPES)}, got {e.student_loan_plan!r}"
            )
        if e.student_loan_plan == "05" and period.tax_year < PLAN_5_FROM:
            raise FpsError(
                f"{who}: student loan plan 05 is reported from 2026-27 on, not in {period.tax_year_label}"
            )
        sub(payment, "StudentLoanRecovered", format_pounds(e.student_loan), PlanType=e.student_loan_plan)
    if has_postgrad_loan:
        sub(payment, "PostgradLoanRecovered", format_pounds(e.postgraduate_loan))
    sub(payment, "TaxDeductedOrRefunded", format_pounds(e.tax))
    for element, amount in (
        ("SMPYTD", e.smp_to_date),
        ("SPPYTD", e.spp_to_date),
        ("SAPYTD", e.sap_to_date),
        ("ShPPYTD", e.shpp_to_date),
        ("SPBPYTD", e.spbp_to_date),
        ("SNCPYTD", e.sncp_to_date),
    ):
        if amount:
            sub(payment, element, format_pounds(amount))

    if e.ni_letter:
        if e.ni_letter not in NI_LETTERS:
            raise FpsError(f"{who}: NI category letter {e.ni_letter!r} is not one HMRC accepts")
        ni = sub(employment, "NIlettersAndValues")
        sub(ni, "NIletter", e.ni_letter)
        sub(ni, "GrossEarningsForNICsInPd", format_pounds(e.ni_gross_pay))
        sub(ni, "GrossEarningsForNICsYTD", format_pounds(e.ni_gross_to_date))
        sub(ni, "AtLELYTD", format_pounds(e.earnings_at_lel_to_date))
        sub(ni, "LELtoPTYTD", format_pounds(e.earnings_lel_to_pt_to_date))
        sub(ni, "PTtoUELYTD", format_pounds(e.earnings_pt_to_uel_to_date))
        sub(ni, "TotalEmpNICInPd", format_pounds(e.ni_employer))
        sub(ni, "TotalEmpNICYTD", format_pounds(e.ni_employer_to_date))
        sub(ni, "EmpeeContribnsInPd", format_pounds(e.ni_employee))
        sub(ni, "EmpeeContribnsYTD", format_pounds(e.ni_employee_to_date))


def _tax_code(e: EmployeePayment) -> tuple[str, dict[str, str]]:
    """HMRC's TaxCode element: the code without region prefix or basis marker, and its attributes."""
    try:
        parsed = parse_tax_code(e.tax_code)
    except ValueError as error:
        raise FpsError(f"{e.label}: {error}") from None
    if parsed.week1_month1 and not e.week1_month1:
        raise FpsError(
            f"{e.label}: tax code {e.tax_code!r} carries a week 1/month 1 marker but the payment is "
            "not flagged week1_month1; correct one or the other"
        )
    if parsed.kind is CodeKind.ALLOWANCE:
        code = f"{parsed.number}{parsed.suffix}"
    elif parsed.kind is CodeKind.K:
        code = f"K{parsed.number}"
    elif parsed.kind is CodeKind.FLAT:
        code = parsed.flat
    else:
        code = "NT"
    if not _TAX_CODE.fullmatch(code):
        raise FpsError(f"{e.label}: tax code {e.tax_code!r} is not one HMRC's schema accepts")
    attributes: dict[str, str] = {}
    if e.week1_month1:
        attributes["BasisNonCumulative"] = "yes"
    if parsed.region in _REGIMES:
        attributes["TaxRegime"] = _REGIMES[parsed.region]
    return code, attributes


def _text(value: str, charset: frozenset[str], width: int, *, letter_first: bool = False) -> str:
    cleaned = keep_only(value, charset)
    if letter_first:
        cleaned = cleaned.lstrip(" -'.")
    return cleaned[:width].rstrip()
