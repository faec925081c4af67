"""RTI Full Payment Submission: every field read back with ElementTree, and HMRC's rules on the data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import pytest

from joinedup.payroll.outputs.fps import FpsError, fps_namespace, fps_xml
from joinedup.payroll.outputs.records import EmployeePayment, Employer, PayPeriod
from joinedup.payroll.outputs.tests import factories

NS_2026_27 = "http://www.govtalk.gov.uk/taxation/PAYE/RTI/FullPaymentSubmission/26-27/1"


def build(
    employees: list[EmployeePayment] | None = None,
    *,
    employer: Employer | None = None,
    period: PayPeriod | None = None,
    **kwargs: Any,
) -> ET.Element:
    xml = fps_xml(
        employer=employer or factories.employer(),
        period=period or factories.period(),
        employees=[factories.employee()] if employees is None else employees,
        **kwargs,
    )
    return parse(xml)


def parse(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)  # noqa: S314 - the document is this module's own output, not untrusted input


def find(element: ET.Element, path: str, ns: str = NS_2026_27) -> ET.Element:
    """The one element at a slash-separated path of unprefixed names."""
    qualified = "/".join(f"{{{ns}}}{part}" for part in path.split("/"))
    found = element.find(qualified)
    assert found is not None, f"no {path}"
    return found


def text(element: ET.Element, path: str) -> str | None:
    return find(element, path).text


def absent(element: ET.Element, path: str) -> bool:
    return element.find("/".join(f"{{{NS_2026_27}}}{part}" for part in path.split("/"))) is None


def employment(root: ET.Element, index: int = 0) -> ET.Element:
    employees = root.findall(f"{{{NS_2026_27}}}FullPaymentSubmission/{{{NS_2026_27}}}Employee")
    return employees[index]


def test_the_body_is_an_irenvelope_in_the_2026_27_namespace() -> None:
    xml = fps_xml(employer=factories.employer(), period=factories.period(), employees=[factories.employee()])
    assert xml.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<IRenvelope xmlns="' + NS_2026_27.encode()
    )
    root = parse(xml)
    assert root.tag == f"{{{NS_2026_27}}}IRenvelope"
    assert [child.tag for child in root] == [
        f"{{{NS_2026_27}}}IRheader",
        f"{{{NS_2026_27}}}FullPaymentSubmission",
    ]
    assert all(element.tag.startswith(f"{{{NS_2026_27}}}") for element in root.iter())
    assert fps_namespace("26-27") == NS_2026_27


def test_the_header_and_employer_references_come_from_the_paye_reference() -> None:
    root = build()
    keys = root.findall(f"{{{NS_2026_27}}}IRheader/{{{NS_2026_27}}}Keys/{{{NS_2026_27}}}Key")
    assert [(key.get("Type"), key.text) for key in keys] == [
        ("TaxOfficeNumber", "961"),
        ("TaxOfficeReference", "WC10001"),
    ]
    assert text(root, "IRheader/PeriodEnd") == "2027-04-05"  # within the related tax year
    assert text(root, "IRheader/DefaultCurrency") == "GBP"
    assert text(root, "IRheader/Sender") == "Employer"
    assert text(root, "FullPaymentSubmission/EmpRefs/OfficeNo") == "961"
    assert text(root, "FullPaymentSubmission/EmpRefs/PayeRef") == "WC10001"
    assert text(root, "FullPaymentSubmission/EmpRefs/AORef") == "961PA00010001"
    assert text(root, "FullPaymentSubmission/RelatedTaxYear") == "26-27"


def test_one_employees_every_field_reads_back_as_given() -> None:
    e = factories.employee()
    emp = employment(build([e]))
    assert text(emp, "EmployeeDetails/NINO") == "AB123456C"
    assert text(emp, "EmployeeDetails/Name/Ttl") == "Ms"
    assert text(emp, "EmployeeDetails/Name/Fore") == "Jane"
    assert text(emp, "EmployeeDetails/Name/Sur") == "Example"
    lines = emp.findall(f"{{{NS_2026_27}}}EmployeeDetails/{{{NS_2026_27}}}Address/{{{NS_2026_27}}}Line")
    assert [line.text for line in lines] == ["1 High Street", "Northtown"]
    assert text(emp, "EmployeeDetails/Address/UKPostcode") == "NT1 1AA"
    assert text(emp, "EmployeeDetails/BirthDate") == "1980-05-17"
    assert text(emp, "EmployeeDetails/Gender") == "F"
    assert text(emp, "Employment/PayId") == "NCC-0001"
    assert absent(emp, "Employment/Starter")
    assert absent(emp, "Employment/LeavingDate")
    to_date = find(emp, "Employment/FiguresToDate")
    assert [(child.tag.split("}")[1], child.text) for child in to_date] == [
        ("TaxablePay", "2925.00"),
        ("TotalTax", "351.60"),
        ("StudentLoansTD", "45.00"),
        ("EmpeePenContribnsPaidYTD", "195.00"),
    ]
    payment = find(emp, "Employment/Payment")
    assert [(child.tag.split("}")[1], child.text) for child in payment] == [
        ("PayFreq", "M1"),
        ("PmtDate", "2026-04-28"),
        ("MonthNo", "1"),
        ("PeriodsCovered", "1"),
        ("HoursWorked", "D"),
        ("TaxCode", "1257L"),
        ("TaxablePay", "2925.00"),
        ("EmpeePenContribnsPaid", "195.00"),
        ("StudentLoanRecovered", "45.00"),
        ("TaxDeductedOrRefunded", "351.60"),
    ]
    assert find(payment, "StudentLoanRecovered").attrib == {"PlanType": "02"}
    assert find(payment, "TaxCode").attrib == {}
    ni = find(emp, "Employment/NIlettersAndValues")
    assert [(child.tag.split("}")[1], child.text) for child in ni] == [
        ("NIletter", "A"),
        ("GrossEarningsForNICsInPd", "3120.00"),
        ("GrossEarningsForNICsYTD", "3120.00"),
        ("AtLELYTD", "559.00"),
        ("LELtoPTYTD", "488.33"),
        ("PTtoUELYTD", "2072.67"),
        ("TotalEmpNICInPd", "388.00"),  # employer's NI
        ("TotalEmpNICYTD", "388.00"),
        ("EmpeeContribnsInPd", "156.21"),  # employee's NI
        ("EmpeeContribnsYTD", "156.21"),
    ]


def test_the_week1_month1_basis_is_an_attribute_and_the_region_a_tax_regime() -> None:
    emp = employment(build([factories.employee(tax_code="S1257L M1", week1_month1=True)]))
    code = find(emp, "Employment/Payment/TaxCode")
    assert code.text == "1257L"
    assert code.attrib == {"BasisNonCumulative": "yes", "TaxRegime": "S"}
    welsh = find(employment(build([factories.employee(tax_code="CBR")])), "Employment/Payment/TaxCode")
    assert (welsh.text, welsh.attrib) == ("BR", {"TaxRegime": "C"})
    k_code = find(employment(build([factories.employee(tax_code="K585")])), "Employment/Payment/TaxCode")
    assert (k_code.text, k_code.attrib) == ("K585", {})


def test_a_code_marked_week1_month1_on_a_cumulative_payment_is_refused() -> None:
    with pytest.raises(FpsError, match="carries a week 1/month 1 marker but the payment is not flagged"):
        build([factories.employee(tax_code="1257L W1", week1_month1=False)])


def test_a_refund_is_negative_tax() -> None:
    emp = employment(build([factories.employee(tax=-1234, tax_to_date=-1234, net_pay=0)]))
    assert text(emp, "Employment/Payment/TaxDeductedOrRefunded") == "-12.34"
    assert text(emp, "Employment/FiguresToDate/TotalTax") == "-12.34"


def test_a_starter_has_a_start_date_and_declaration() -> None:
    emp = employment(build([factories.employee(start_date=date(2026, 4, 13), starter_declaration="B")]))
    assert text(emp, "Employment/Starter/StartDate") == "2026-04-13"
    assert text(emp, "Employment/Starter/StartDec") == "B"
    starter_at = [child.tag.split("}")[1] for child in find(emp, "Employment")].index("Starter")
    assert starter_at == 0  # before PayId, as the schema orders it


def test_a_starter_needs_two_address_lines() -> None:
    with pytest.raises(FpsError, match="a new starter needs at least two address lines"):
        build([factories.employee(start_date=date(2026, 4, 13), address_lines=("1 High Street",))])


def test_a_leaver_has_a_leaving_date_after_the_payroll_id() -> None:
    emp = employment(build([factories.employee(leaving_date=date(2026, 4, 30))]))
    assert text(emp, "Employment/LeavingDate") == "2026-04-30"
    order = [child.tag.split("}")[1] for child in find(emp, "Employment")]
    assert order[:3] == ["PayId", "LeavingDate", "FiguresToDate"]


def test_an_employee_without_a_nino_sends_no_nino_but_a_full_address() -> None:
    emp = employment(build([factories.employee(ni_number="")]))
    assert absent(emp, "EmployeeDetails/NINO")
    assert text(emp, "EmployeeDetails/Address/Line") == "1 High Street"
    with pytest.raises(
        FpsError, match="with no National Insurance number HMRC needs at least two address lines"
    ):
        build([factories.employee(ni_number="", address_lines=("1 High Street",))])


def test_money_is_pounds_with_two_decimals() -> None:
    emp = employment(build([factories.employee(taxable_pay=5, tax=-5, ni_gross_pay=123456789)]))
    assert text(emp, "Employment/Payment/TaxablePay") == "0.05"
    assert text(emp, "Employment/Payment/TaxDeductedOrRefunded") == "-0.05"
    assert text(emp, "Employment/NIlettersAndValues/GrossEarningsForNICsInPd") == "1234567.89"
    money = re.compile(r"-?(([1-9][0-9]*)|0)\.[0-9]{2}")  # HMRC's IRdecimalType
    root = build()
    amounts = [
        el.text for el in root.iter() if el.text and re.fullmatch(r"-?[0-9.]+", el.text) and "." in el.text
    ]
    assert amounts
    assert all(money.fullmatch(amount or "") for amount in amounts)


def test_loans_and_earnings_at_the_lel_must_be_whole_pounds() -> None:
    with pytest.raises(FpsError, match="student loan deduction must be whole pounds, got 4550 pence"):
        build([factories.employee(student_loan=4550)])
    with pytest.raises(FpsError, match="earnings at the lower earnings limit to date must be whole pounds"):
        build([factories.employee(earnings_at_lel_to_date=55901)])


def test_a_postgraduate_loan_and_statutory_pay_to_date_are_reported_when_present() -> None:
    emp = employment(
        build([factories.employee(postgraduate_loan=1200, postgraduate_loan_to_date=1200, smp_to_date=50000)])
    )
    assert text(emp, "Employment/FiguresToDate/PostgradLoansTD") == "12.00"
    assert text(emp, "Employment/Payment/PostgradLoanRecovered") == "12.00"
    assert text(emp, "Employment/Payment/SMPYTD") == "500.00"
    plain = employment(
        build([factories.employee(student_loan=0, student_loan_to_date=0, student_loan_plan="")])
    )
    assert absent(plain, "Employment/Payment/StudentLoanRecovered")
    assert absent(plain, "Employment/FiguresToDate/StudentLoansTD")
    assert absent(plain, "Employment/Payment/PostgradLoanRecovered")
    assert absent(plain, "Employment/Payment/SMPYTD")


def test_names_and_addresses_are_folded_into_hmrcs_character_sets() -> None:
    e = factories.employee(
        forename="Zoë (Jo)",
        surname="O\u2019Brien-Smith",
        address_lines=("Flat 2, Tŷ Gwyn", "Llanfair_PG"),
        postcode="ll61 5uj",
    )
    emp = employment(build([e]))
    assert text(emp, "EmployeeDetails/Name/Fore") == "Zoe Jo"
    assert text(emp, "EmployeeDetails/Name/Sur") == "O'Brien-Smith"
    lines = emp.findall(f"{{{NS_2026_27}}}EmployeeDetails/{{{NS_2026_27}}}Address/{{{NS_2026_27}}}Line")
    assert [line.text for line in lines] == ["Flat 2, Ty Gwyn", "Llanfair PG"]
    assert text(emp, "EmployeeDetails/Address/UKPostcode") == "LL61 5UJ"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ni_number": "QQ123456C"}, "'QQ123456C' is not a valid National Insurance number"),
        ({"tax_code": "1257Q"}, "unknown tax code '1257Q'"),
        ({"student_loan_plan": "03"}, "student loan plan must be one of"),
        ({"payroll_id": "NCC#0001"}, "payroll ID 'NCC#0001' must be 1 to 35 of HMRC's characters"),
        ({"gender": "X"}, "gender must be 'M' or 'F'"),
        ({"hours_band": "F"}, "hours band must be one of A to E"),
        ({"ni_letter": "O"}, "NI category letter 'O' is not one HMRC accepts"),
        ({"taxable_pay_to_date": -1}, "taxable pay to date cannot be negative"),
        ({"surname": "???"}, "forename and surname must each have at least one letter"),
    ],
)
def test_data_hmrc_would_reject_is_refused_naming_the_employee(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(FpsError, match=re.escape(message)):
        build([factories.employee(**changes)])


def test_the_related_tax_year_must_match_the_pay_period() -> None:
    with pytest.raises(
        FpsError, match="related tax year '25-26' does not match the pay period's tax year 2026/27"
    ):
        build(related_tax_year="25-26")


def test_a_paye_reference_without_the_office_number_is_refused() -> None:
    with pytest.raises(ValueError, match="PAYE reference 'WC10001' is not 'NNN/REFERENCE'"):
        build(employer=factories.employer(paye_reference="WC10001"))


def test_a_bad_accounts_office_reference_is_refused() -> None:
    with pytest.raises(FpsError, match="accounts office reference '961/A0001' is not 13 characters"):
        build(employer=factories.employer(accounts_office_reference="961/A0001"))


def test_weekly_pay_reports_the_tax_week() -> None:
    weekly = factories.period(frequency="fortnightly", period=4, pay_date=date(2026, 5, 1))
    payment = find(employment(build(period=weekly)), "Employment/Payment")
    assert text(payment, "PayFreq") == "W2"
    assert text(payment, "WeekNo") == "4"
    assert absent(payment, "MonthNo")


def test_the_final_submission_for_the_year_is_flagged_last() -> None:
    root = build(final_submission_for_year=True)
    submission = find(root, "FullPaymentSubmission")
    assert submission[-1].tag == f"{{{NS_2026_27}}}FinalSubmission"
    assert text(root, "FullPaymentSubmission/FinalSubmission/ForYear") == "yes"
    assert absent(build(), "FullPaymentSubmission/FinalSubmission")


def test_the_same_input_gives_the_same_bytes() -> None:
    arguments: dict[str, Any] = {
        "employer": factories.employer(),
        "period": factories.period(),
        "employees": [factories.employee()],
    }
    assert fps_xml(**arguments) == fps_xml(**arguments)


# --- the whole document against the field list and HMRC's field rules ---------------------------------
#
# HMRC's FPS schema is not in the tree (it comes in HMRC's RTI release information pack, which cannot be
# fetched here, and no PyPI package ships it), so nothing below validates against HMRC's XSD. What runs
# instead, on a submission that exercises every branch of the writer: the XML is well formed, every
# element sits under the parent and in the order the field list below gives (the order of HMRC's
# 2025-26 schema that the writer was built to, restated here, not read from HMRC's file), with no
# element missing or unknown, and every value and attribute follows HMRC's published rule for the field,
# each stated below with the rule it comes from.

# parent: its children in order, each (name, least, most); None is unbounded.
FIELDS: dict[str, list[tuple[str, int, int | None]]] = {
    "IRenvelope": [("IRheader", 1, 1), ("FullPaymentSubmission", 1, 1)],
    "IRheader": [("Keys", 1, 1), ("PeriodEnd", 1, 1), ("DefaultCurrency", 0, 1), ("Sender", 1, 1)],
    "Keys": [("Key", 2, 2)],
    "FullPaymentSubmission": [
        ("EmpRefs", 1, 1),
        ("RelatedTaxYear", 1, 1),
        ("Employee", 0, None),
        ("FinalSubmission", 0, 1),
    ],
    "EmpRefs": [("OfficeNo", 1, 1), ("PayeRef", 1, 1), ("AORef", 1, 1)],
    "Employee": [("EmployeeDetails", 1, 1), ("Employment", 1, 1)],
    "EmployeeDetails": [
        ("NINO", 0, 1),
        ("Name", 1, 1),
        ("Address", 0, 1),
        ("BirthDate", 1, 1),
        ("Gender", 1, 1),
    ],
    "Name": [("Ttl", 0, 1), ("Fore", 1, 1), ("Sur", 1, 1)],
    "Address": [("Line", 1, 4), ("UKPostcode", 0, 1)],
    "Employment": [
        ("Starter", 0, 1),
        ("PayId", 1, 1),
        ("LeavingDate", 0, 1),
        ("FiguresToDate", 1, 1),
        ("Payment", 1, 1),
        ("NIlettersAndValues", 0, 1),
    ],
    "Starter": [("StartDate", 1, 1), ("StartDec", 0, 1)],
    "FiguresToDate": [
        ("TaxablePay", 1, 1),
        ("TotalTax", 1, 1),
        ("StudentLoansTD", 0, 1),
        ("PostgradLoansTD", 0, 1),
        ("EmpeePenContribnsPaidYTD", 0, 1),
    ],
    "Payment": [
        ("PayFreq", 1, 1),
        ("PmtDate", 1, 1),
        ("MonthNo", 0, 1),  # exactly one of MonthNo and WeekNo: checked with the values
        ("WeekNo", 0, 1),
        ("PeriodsCovered", 1, 1),
        ("HoursWorked", 1, 1),
        ("TaxCode", 1, 1),
        ("TaxablePay", 1, 1),
        ("EmpeePenContribnsPaid", 0, 1),
        ("StudentLoanRecovered", 0, 1),
        ("PostgradLoanRecovered", 0, 1),
        ("TaxDeductedOrRefunded", 1, 1),
        ("SMPYTD", 0, 1),
        ("SPPYTD", 0, 1),
        ("SAPYTD", 0, 1),
        ("ShPPYTD", 0, 1),
        ("SPBPYTD", 0, 1),
        ("SNCPYTD", 0, 1),
    ],
    "NIlettersAndValues": [
        (name, 1, 1)
        for name in (
            "NIletter",
            "GrossEarningsForNICsInPd",
            "GrossEarningsForNICsYTD",
            "AtLELYTD",
            "LELtoPTYTD",
            "PTtoUELYTD",
            "TotalEmpNICInPd",
            "TotalEmpNICYTD",
            "EmpeeContribnsInPd",
            "EmpeeContribnsYTD",
        )
    ],
    "FinalSubmission": [("ForYear", 1, 1)],
}

_DATE = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"  # xs:date, no time zone
_MONEY = r"-?(([1-9][0-9]*)|0)\.[0-9]{2}"  # HMRC's monetary type: pounds, two decimals
_WHOLE_POUNDS = r"(([1-9][0-9]*)|0)\.00"  # HMRC: loan recoveries and earnings at the LEL are whole pounds
_NAME = r"[A-Za-z][A-Za-z '-]{0,34}"  # HMRC's name rule: 1-35, a letter first, letters, space, ' and -
# NIM39110: no D, F, I, Q, U or V in either letter, no O second; BG, GB, KN, NK, NT, TN, ZZ unallocated
_NINO = r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]"

# leaf: the whole text must match (HMRC's rule for the field)
VALUES: dict[str, str] = {
    "Key": r"[A-Z0-9]{1,10}",  # the tax office number (3 digits) or the reference after the "/"
    "PeriodEnd": _DATE,
    "DefaultCurrency": "GBP",
    "Sender": "Employer",  # one of HMRC's sender types; joinedup sends as the employer
    "OfficeNo": r"[0-9]{3}",  # the tax office number: the 3 digits before the '/' of the PAYE reference
    "PayeRef": r"[A-Z0-9]{1,10}",  # the reference after the '/'
    "AORef": r"[0-9]{3}P[A-Z][0-9]{7}[0-9X]",  # Accounts Office reference: 13 characters, 123PA00012345
    "RelatedTaxYear": r"[0-9]{2}-[0-9]{2}",
    "NINO": _NINO,
    "Ttl": r"[A-Za-z][A-Za-z .'-]{0,34}",
    "Fore": _NAME,
    "Sur": _NAME,
    "Line": r"[A-Za-z0-9][A-Za-z0-9 .,()/=!\"%&*;<>'+:?-]{0,34}",  # 1-35, a letter or digit first
    "UKPostcode": r"[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}",
    "BirthDate": _DATE,
    "Gender": r"[MF]",  # as HMRC holds it
    "StartDate": _DATE,
    "StartDec": r"[ABC]",  # the starter checklist statement
    "PayId": r"[^ ].{0,34}",  # 1-35 characters, not starting with a space
    "LeavingDate": _DATE,
    "TaxablePay": _MONEY,
    "TotalTax": _MONEY,
    "StudentLoansTD": _WHOLE_POUNDS,
    "PostgradLoansTD": _WHOLE_POUNDS,
    "EmpeePenContribnsPaidYTD": _MONEY,
    "PayFreq": r"W1|W2|W4|M1|M3|M6|MA|IO|IR",  # HMRC's pay frequencies
    "PmtDate": _DATE,
    "MonthNo": r"[1-9]|1[0-2]",  # tax month 1 to 12
    "WeekNo": r"[1-9]|[1-4][0-9]|5[0-46]",  # tax week 1 to 54, or 56
    "PeriodsCovered": r"[1-9][0-9]?",
    "HoursWorked": r"[A-E]",  # bands: A up to 15.99 hours, B 16-23.99, C 24-29.99, D 30 or more, E other
    "TaxCode": r"([1-9][0-9]{0,5}[LMNPTY])|BR|0T|NT|D[0-8]|(K[1-9][0-9]{0,5})",  # no S/C prefix, no W1/M1
    "EmpeePenContribnsPaid": _MONEY,
    "StudentLoanRecovered": _WHOLE_POUNDS,
    "PostgradLoanRecovered": _WHOLE_POUNDS,
    "TaxDeductedOrRefunded": _MONEY,
    **dict.fromkeys(("SMPYTD", "SPPYTD", "SAPYTD", "ShPPYTD", "SPBPYTD", "SNCPYTD"), _MONEY),
    "NIletter": r"[A-HJ-NP-TV-Z]",  # HMRC's NI category letters: no I, O or U
    "AtLELYTD": _WHOLE_POUNDS,
    **dict.fromkeys(
        (
            "GrossEarningsForNICsInPd",
            "GrossEarningsForNICsYTD",
            "LELtoPTYTD",
            "PTtoUELYTD",
            "TotalEmpNICInPd",
            "TotalEmpNICYTD",
            "EmpeeContribnsInPd",
            "EmpeeContribnsYTD",
        ),
        _MONEY,
    ),
    "ForYear": "yes",
}

# element: its attributes and the values each may take
ATTRIBUTES: dict[str, dict[str, str]] = {
    "Key": {"Type": "TaxOfficeNumber|TaxOfficeReference"},
    "TaxCode": {"BasisNonCumulative": "yes", "TaxRegime": "S|C"},  # Scottish or Welsh rates
    "StudentLoanRecovered": {"PlanType": "01|02|04|05"},  # plans 1, 2, 4 and (from April 2026) 5
}


def local(element: ET.Element) -> str:
    return element.tag.split("}")[1]


def structure_problems(root: ET.Element) -> list[str]:
    """Every way the document strays from FIELDS: an unknown element, one out of order, too few or
    too many of one, and text in an element that holds others."""
    problems = []
    if local(root) != "IRenvelope":
        problems.append(f"the root is {local(root)}, not IRenvelope")
    for parent in root.iter():
        name = local(parent)
        children = [local(child) for child in parent]
        if name not in FIELDS:
            if children:
                problems.append(f"{name} holds {children}; the field list gives it none")
            continue
        if (parent.text or "").strip():
            problems.append(f"{name} holds text {parent.text!r} besides its elements")
        order = [field for field, _, _ in FIELDS[name]]
        unknown = [child for child in children if child not in order]
        if unknown:
            problems.append(f"{name} holds {unknown}, not in its field list")
        known = [order.index(child) for child in children if child in order]
        if known != sorted(known):
            problems.append(f"{name}'s children {children} are not in the order {order}")
        for field, least, most in FIELDS[name]:
            count = children.count(field)
            if count < least or (most is not None and count > most):
                problems.append(f"{name} has {count} {field}, not {least} to {most or 'any'}")
    return problems


def value_problems(root: ET.Element) -> list[str]:
    """Every leaf value and attribute that breaks its field rule, and the cross-field rules: the keys
    repeat the employer references, the period end is the 5 April that ends the related tax year,
    each payment is dated in that year and numbered by month or week as its frequency says."""
    problems = []
    for element in root.iter():
        name = local(element)
        if name not in FIELDS:
            rule = VALUES.get(name)
            if rule is None:
                problems.append(f"{name} has no field rule")
            elif not re.fullmatch(rule, element.text or ""):
                problems.append(f"{name} {element.text!r} does not match {rule}")
        allowed = ATTRIBUTES.get(name, {})
        for attribute, value in element.attrib.items():
            if attribute not in allowed:
                problems.append(f"{name} has an unknown attribute {attribute}")
            elif not re.fullmatch(allowed[attribute], value):
                problems.append(f"{name} {attribute}={value!r} does not match {allowed[attribute]}")

    def one(path: str) -> str:
        return text(root, path) or ""

    keys = {key.get("Type"): key.text for key in root.iter(f"{{{NS_2026_27}}}Key")}
    refs = {"TaxOfficeNumber": one("FullPaymentSubmission/EmpRefs/OfficeNo")}
    refs["TaxOfficeReference"] = one("FullPaymentSubmission/EmpRefs/PayeRef")
    if keys != refs:
        problems.append(f"the header keys {keys} are not the employer references {refs}")
    first, second = (int(y) for y in one("FullPaymentSubmission/RelatedTaxYear").split("-"))
    if second != (first + 1) % 100:
        problems.append(f"related tax year {first:02d}-{second:02d} is not two consecutive years")
    start, end = date(2000 + first, 4, 6), date(2000 + first + 1, 4, 5)
    if one("IRheader/PeriodEnd") != end.isoformat():
        problems.append(f"the period end {one('IRheader/PeriodEnd')} is not {end}")
    for payment in root.iter(f"{{{NS_2026_27}}}Payment"):
        paid = date.fromisoformat(text(payment, "PmtDate") or "")
        if not start <= paid <= end:
            problems.append(f"payment date {paid} is outside the tax year {start} to {end}")
        numbered = "MonthNo" if text(payment, "PayFreq") == "M1" else "WeekNo"
        if [local(c) for c in payment if local(c) in ("MonthNo", "WeekNo")] != [numbered]:
            problems.append(f"a {text(payment, 'PayFreq')} payment is not numbered by {numbered} alone")
    return problems


def varied_submission(period: PayPeriod) -> bytes:
    """Every branch of the writer: a starter without a NINO on a Scottish week 1/month 1 code with a
    tax refund, a postgraduate loan and SMP; a leaver on a Welsh BR code; a K code on NI letter C;
    and the final submission for the year."""
    year = period.tax_year
    employees = [
        factories.employee(),
        factories.employee(
            payroll_id="NCC-0002",
            ni_number="",
            tax_code="S1257L M1",
            week1_month1=True,
            start_date=date(year, 4, 7),
            starter_declaration="C",
            tax=-1234,
            tax_to_date=-1234,
            postgraduate_loan=1200,
            postgraduate_loan_to_date=1200,
            smp_to_date=12345,
        ),
        factories.employee(payroll_id="NCC-0003", leaving_date=date(year, 4, 20), tax_code="CBR", gender="M"),
        factories.employee(
            payroll_id="NCC-0004", tax_code="K585", ni_letter="C", ni_employee=0, ni_employee_to_date=0
        ),
    ]
    return fps_xml(
        employer=factories.employer(), period=period, employees=employees, final_submission_for_year=True
    )


PERIODS = [
    factories.period(),
    factories.period(frequency="fortnightly", period=4, pay_date=date(2026, 5, 1)),
]


@pytest.mark.parametrize("period", PERIODS, ids=["monthly", "fortnightly"])
def test_a_varied_submission_is_well_formed_xml_in_one_namespace(period: PayPeriod) -> None:
    xml = varied_submission(period)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    xml.decode("utf-8")  # raises if not UTF-8
    root = parse(xml)  # expat raises on anything not well formed
    assert {element.tag.split("}")[0] for element in root.iter()} == {f"{{{NS_2026_27}"}
    assert len(root.findall(f"{{{NS_2026_27}}}FullPaymentSubmission/{{{NS_2026_27}}}Employee")) == 4


@pytest.mark.parametrize("period", PERIODS, ids=["monthly", "fortnightly"])
def test_a_varied_submission_has_every_element_in_the_field_lists_order(period: PayPeriod) -> None:
    assert structure_problems(parse(varied_submission(period))) == []


@pytest.mark.parametrize("period", PERIODS, ids=["monthly", "fortnightly"])
def test_every_value_of_a_varied_submission_follows_hmrcs_field_rules(period: PayPeriod) -> None:
    assert value_problems(parse(varied_submission(period))) == []


def test_the_document_checks_catch_what_they_are_for() -> None:
    root = parse(varied_submission(factories.period()))
    payment = find(employment(root), "Employment/Payment")
    pay_frequency = payment[0]
    payment.remove(pay_frequency)
    payment.insert(1, pay_frequency)  # PmtDate before PayFreq
    find(employment(root), "Employment/Payment/HoursWorked").text = "F"
    find(employment(root, 1), "EmployeeDetails/Name/Sur").text = "O'Brien 3rd"
    find(root, "IRheader/PeriodEnd").text = "2026-04-05"
    ET.SubElement(find(employment(root, 2), "Employment"), f"{{{NS_2026_27}}}Bonus").text = "1.00"
    find(employment(root, 3), "Employment").remove(find(employment(root, 3), "Employment/FiguresToDate"))
    assert structure_problems(root) == [
        "Payment's children ['PmtDate', 'PayFreq', 'MonthNo', 'PeriodsCovered', 'HoursWorked', 'TaxCode', "
        "'TaxablePay', 'EmpeePenContribnsPaid', 'StudentLoanRecovered', 'TaxDeductedOrRefunded'] are not in "
        "the order ['PayFreq', 'PmtDate', 'MonthNo', 'WeekNo', 'PeriodsCovered', 'HoursWorked', 'TaxCode', "
        "'TaxablePay', 'EmpeePenContribnsPaid', 'StudentLoanRecovered', 'PostgradLoanRecovered', "
        "'TaxDeductedOrRefunded', 'SMPYTD', 'SPPYTD', 'SAPYTD', 'ShPPYTD', 'SPBPYTD', 'SNCPYTD']",
        "Employment holds ['Bonus'], not in its field list",
        "Employment has 0 FiguresToDate, not 1 to 1",
    ]
    assert value_problems(root) == [
        "HoursWorked 'F' does not match [A-E]",
        "Sur \"O'Brien 3rd\" does not match [A-Za-z][A-Za-z '-]{0,34}",
        "Bonus has no field rule",
        "the period end 2026-04-05 is not 2027-04-05",
    ]
