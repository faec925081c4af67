"""Each employee's latest earlier payslip, found run by run from the newest: the calculation's
pay and tax to date, and the checks' previous net pay and tax code."""

from __future__ import annotations

from datetime import date

from joinedup.payroll import history
from joinedup.payroll.models import FlagKind, PayRun, Payslip, VarianceFlag
from joinedup.payroll.services import payrun_approve
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.people.services import employment_change_terms

SEPTEMBER = date(2026, 9, 25)
OCTOBER = date(2026, 10, 23)


class TestLatestEarlierPayslip(PayrollTestCase):
    def approved(self, pay_date: date) -> PayRun:
        run = self.calculated(pay_date=pay_date)
        return payrun_approve(actor=self.payroll_approver, run=run)

    def test_the_newest_approved_run_answers_and_drafts_are_not_pay(self) -> None:
        september = self.approved(SEPTEMBER)
        october = self.approved(OCTOBER)
        draft = self.calculated()  # November, calculated, not approved
        assert history.earlier_runs(draft) == [october.pk, september.pk]
        runs = history.earlier_runs(draft)
        found = history.latest_figures(draft, runs, [self.council_emp.pk], ("net_pay",))
        october_slip = Payslip.objects.for_partner(self.council).get(run=october, employment=self.council_emp)
        assert found == {self.council_emp.pk: (october_slip.net_pay,)}

    def test_someone_the_last_run_did_not_pay_is_found_in_an_older_one(self) -> None:
        september = self.approved(SEPTEMBER)
        october = self.approved(OCTOBER)
        Payslip.objects.for_partner(self.council).filter(run=october, employment=self.council_emp).delete()
        slips = Payslip.objects.for_partner(self.council)
        september_slip = slips.get(run=september, employment=self.council_emp)
        found = history.latest_figures(
            october, [october.pk, september.pk], [self.council_emp.pk], ("taxable_pay_to_date",)
        )
        assert found == {self.council_emp.pk: (september_slip.taxable_pay_to_date,)}

    def test_only_runs_of_the_tax_year_carry_pay_to_date(self) -> None:
        march = self.approved(date(2026, 3, 25))  # 2025/26
        november = self.calculated()
        assert march.pk not in history.earlier_runs(november, tax_year=november.tax_year)
        slip = Payslip.objects.for_partner(self.council).get(run=november, employment=self.council_emp)
        assert slip.taxable_pay_to_date == slip.taxable_pay  # nothing carried from 2025/26

    def test_a_changed_tax_code_is_flagged_against_the_last_payslip(self) -> None:
        self.approved(OCTOBER)
        employment_change_terms(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 11, 1),
            reason="HMRC coding notice",
            changes={"tax_code": "1100L"},
        )
        run = self.calculated()
        flags = VarianceFlag.objects.for_partner(self.council).filter(
            run=run, employment=self.council_emp, kind=FlagKind.TAX_CODE_CHANGED
        )
        assert [flag.detail for flag in flags] == ["Tax code 1100L, was 1257L."]
