"""RTI Full Payment Submission: every field read back with ElementTree, and HMRC's rules on the data."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from joinedup.payroll.outputs.fps import FpsError, fps_namespace, fps_xml
from joinedup.payroll.outputs.records import EmployeePayment, Employer, PayPeriod
from joinedup.payroll.outputs.tests import factories

NS_2026_27 = "http://www.govtalk.gov.uk/taxation/PAYE/RTI/FullPaymentSubmission/26-27/1"
SCHEMA_DIR = Path(__file__).parent / "schemas"


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


# --- HMRC's schema, when a copy is at hand --------------------------------------------------------------


def _schema_path() -> Path | None:
    override = os.environ.get("JOINEDUP_FPS_XSD")
    if override:
        return Path(override)
    found = sorted(SCHEMA_DIR.glob("FullPaymentSubmission-*.xsd"))
    return found[-1] if found else None


def test_a_varied_submission_is_valid_against_hmrcs_schema() -> None:
    """Validates against HMRC's XSD (``tests/schemas/FullPaymentSubmission-YYYY-v1-0.xsd``, or the file
    named by JOINEDUP_FPS_XSD); skipped when neither the schema nor lxml is present. The submission is
    made for the schema's own tax year, read from its target namespace."""
    path = _schema_path()
    if path is None or not path.exists():
        pytest.skip(f"no HMRC FPS schema in {SCHEMA_DIR} (or JOINEDUP_FPS_XSD)")
    etree = pytest.importorskip("lxml.etree")
    schema_doc = etree.parse(str(path))
    namespace = schema_doc.getroot().get("targetNamespace")
    match = re.search(r"/(\d{2})-(\d{2})/\d+$", namespace)
    assert match, namespace
    year = 2000 + int(match.group(1))
    related = f"{match.group(1)}-{match.group(2)}"
    period = factories.period(tax_year=year, pay_date=date(year, 4, 28))
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
    xml = fps_xml(
        employer=factories.employer(),
        period=period,
        employees=employees,
        related_tax_year=related,
        final_submission_for_year=True,
    )
    schema = etree.XMLSchema(schema_doc)
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
