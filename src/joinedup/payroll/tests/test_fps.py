from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from joinedup.partnership.models import Partner
from joinedup.payroll.documents import fps_for_run, ni_bands
from joinedup.payroll.models import PayRun, Payslip
from joinedup.payroll.services import payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.people.models import Person


class TestFullPaymentSubmission(PayrollTestCase):
    def approved(self, pay_date: date) -> PayRun:
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=pay_date
        )
        payrun_calculate(actor=self.payroll_officer, run=run)
        return payrun_approve(actor=self.payroll_approver, run=run)

    def prepare_people(self) -> None:
        Person.objects.unscoped(reason="test").update(
            gender="F", address_line1="1 High Street", town="Winchester"
        )
        Partner.objects.filter(pk=self.council.pk).update(
            employer_paye_reference="961/WC10001", accounts_office_reference="961PA00010001"
        )

    def test_ni_bands_split_pay_at_the_lel_pt_and_uel(self) -> None:
        run = PayRun(tax_year=2026, frequency="monthly")
        # 2026/27 monthly: LEL £559, PT £1,048, UEL £4,189.
        assert ni_bands(50000, run) == (0, 0, 0)
        assert ni_bands(238317, run) == (55900, 48900, 133517)
        assert ni_bands(500000, run) == (55900, 48900, 314100)

    def test_it_reports_each_employee_with_figures_to_date_from_earlier_runs(self) -> None:
        self.prepare_people()
        october = self.approved(date(2026, 10, 23))
        november = self.approved(date(2026, 11, 25))
        root = ET.fromstring(fps_for_run(november))  # noqa: S314 — our own output
        employees = root.findall(".//{*}Employee")
        assert len(employees) == 2
        ada = next(e for e in employees if e.findtext(".//{*}PayId") == "WCC000001")
        assert ada.findtext(".//{*}NINO") == "AB123456C"
        before = Payslip.objects.for_partner(self.council).get(run=october, employment=self.council_emp)
        now = Payslip.objects.for_partner(self.council).get(run=november, employment=self.council_emp)
        ytd = ada.find(".//{*}FiguresToDate")
        assert ytd is not None
        assert ytd.findtext("{*}TaxablePay") == _pounds(now.taxable_pay_to_date)
        ni = ada.find(".//{*}NIlettersAndValues")
        assert ni is not None
        assert ni.findtext("{*}EmpeeContribnsYTD") == _pounds(before.ni_employee + now.ni_employee)
        assert ni.findtext("{*}EmpeeContribnsInPd") == _pounds(now.ni_employee)

    def test_a_person_without_a_recorded_sex_stops_the_submission_naming_them(self) -> None:
        run = self.approved(date(2026, 11, 25))
        with pytest.raises(ValidationError, match="WCC000001: HMRC needs the person's sex"):
            fps_for_run(run)

    def test_only_an_approved_run_is_reported(self) -> None:
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=date(2026, 11, 25)
        )
        with pytest.raises(ValidationError, match="Only an approved run"):
            fps_for_run(run)


def _pounds(pence: int) -> str:
    whole, part = divmod(pence, 100)
    return f"{whole}.{part:02d}"
