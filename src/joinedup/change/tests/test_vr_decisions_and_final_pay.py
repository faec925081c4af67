"""Voluntary redundancy, the second half (issue 12): the whole indicative quote from the people
records, acceptance by the partner's scheme of delegation, the decision letters, and the final pay
an accepted exit feeds.

Ada Byron (see test_voluntary_redundancy): born 14 March 1985, continuous service from 1 June
2022, NJC SCP12 full time (£549.96 a week), LGPS, leaving on 31 August 2026: 4 years' service.

- Statutory redundancy: 4 weeks x £549.96 = £2,199.84; the wcc-2026 scheme, statutory weeks x 1.5
  on actual pay: 6 x £549.96 = £3,299.76.
- Notice: 4 weeks' statutory notice (ERA 1996 s.86(1)(b): a week a whole year) x £549.96 =
  £2,199.84; no contractual notice is recorded.
- Holiday (WTR 1998 reg. 14(3)(a)): 25 days a leave year (3 complete years on 1 April 2026, under
  the 5-year step), employed 153 of the leave year's 365 days to 31 August: 25 x 153/365 =
  10.479… → 10.48 days; at £549.96 / 5 = £109.992 a day: 10.48 x 109.992 = £1,152.716… → £1,152.72.
- Pension: aged 41, under 55, so no strain. Exit cost £3,299.76 + £2,199.84 + £1,152.72 = £6,652.32.

Eve Marsh: the same, but born 1 May 1969 (57 on the leaving date) and a woman: every counted year
is in the 41+ band (1.5 weeks), so 6 statutory weeks (£3,299.76) and 9 under the scheme
(£4,949.64). The Wessex Pension Fund's factor for a woman of 57 is 9.871; the fund estimates
£8,450.00 a year: strain 9.871 x 8,450 = £83,409.95. To her £4,949.64 + £2,199.84 + £1,152.72 =
£8,302.20; to the employer £91,712.15, over the Head of HR's £50,000.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.change import letters, selectors, services
from joinedup.change.models import VrDelegation, VrInterest, VrStatus
from joinedup.change.redundancy import redundancy_rules
from joinedup.change.strain import strain_factors_import
from joinedup.change.tests.test_voluntary_redundancy import LEAVING, TODAY, VrTestCase
from joinedup.partnership.models import Partner, Role
from joinedup.payroll.models import PayItem, PayItemTreatment, PayRun, Payslip, RunStatus, VarianceFlag
from joinedup.payroll.services import flag_accept, payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.termination import termination_rules
from joinedup.payroll.year_end import p45_issue
from joinedup.people.models import Employment

FUND = "Wessex Pension Fund"
FACTORS = b"sex,age_years,factor\nF,57,9.871\nM,57,9.512\n"


class VrFinalTestCase(VrTestCase):
    eve: Employment
    eve_user: Any
    chief_executive: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.eve = cls.hire(
            cls.council,
            "Eve",
            "Marsh",
            "AB100005C",
            "WCC100005",
            post=cls.adviser_post,
            scheme=cls.njc,
            pay_point=cls.n12,
        )
        person = cls.eve.person
        person.date_of_birth, person.gender = date(1969, 5, 1), "F"
        cls.eve_user = cls.make_user("eve.marsh", [(cls.council, Role.EMPLOYEE)])
        person.user = cls.eve_user
        person.save()
        cls.chief_executive = cls.make_user("council.ceo", [(cls.council, Role.HR_OFFICER)])
        services.vr_delegation_set(
            actor=cls.ops_admin,
            partner=cls.council,
            user=cls.chief_executive,
            title="Chief Executive",
            up_to=None,
            source="Council constitution, Part 3 para 7.5",
        )
        strain_factors_import(
            actor=cls.council_hr,
            partner=cls.council,
            fund=FUND,
            effective_from=date(2026, 4, 1),
            source="Wessex Pension Fund actuary, strain factors 2026",
            data=FACTORS,
            filename="strain.csv",
        )

    def eve_interest(self, *, facts: bool = True) -> VrInterest:
        interest = self.submit(self.eve, self.eve_user)
        if facts:
            services.vr_interest_record_facts(
                actor=self.council_hr,
                interest=interest,
                contractual_notice_weeks=None,
                pension_fund=FUND,
                annual_pension=Decimal("8450.00"),
                pension_source="the fund's estimate of 2 June 2026",
            )
        return interest


class TestTheWholeQuote(VrFinalTestCase):
    def test_it_adds_statutory_notice_and_accrued_holiday_and_says_what_is_not_recorded(self) -> None:
        found = selectors.vr_full_quote_for(
            self.council_employee, interest=self.submit(self.ada, self.council_employee), today=TODAY
        )
        quote = found.quote
        assert (quote.notice.statutory_weeks, quote.notice.amount) == (4, Decimal("2199.84"))
        assert (quote.holiday.days, quote.holiday.amount) == (Decimal("10.48"), Decimal("1152.72"))
        assert quote.strain is None
        assert (quote.to_employee, quote.employer_cost) == (Decimal("6652.32"), Decimal("6652.32"))
        assert found.notes == (
            "Contractual notice is not recorded: notice pay is on statutory notice alone (ERA 1996 s.86); "
            "the contract may give more.",
            "Holiday: 25 days a leave year from 1 April 2026, 10.48 accrued by the leaving date, 0 taken or "
            "booked (WTR 1998 reg. 14); bank holidays not included.",
            "A member of the LGPS main section aged 41 on the leaving date, under 55: no immediate pension, "
            "so no pension strain.",
        )

    def test_contractual_notice_longer_than_statutory_is_paid(self) -> None:
        interest = self.submit(self.ada, self.council_employee)
        services.vr_interest_record_facts(
            actor=self.council_hr, interest=interest, contractual_notice_weeks=Decimal(12)
        )
        quote = selectors.vr_quote_for(self.council_hr, interest=interest, today=TODAY)
        assert quote.notice.amount == Decimal("6599.52")  # 12 x £549.96

    def test_a_member_of_57_has_the_strain_from_the_funds_factor_table(self) -> None:
        quote = selectors.vr_quote_for(self.eve_user, interest=self.eve_interest(), today=TODAY)
        assert (quote.statutory.weeks, quote.statutory.amount) == (Decimal(6), Decimal("3299.76"))
        assert quote.redundancy_payment == Decimal("4949.64")
        assert quote.strain is not None
        assert (quote.strain.factor, quote.strain.amount) == (Decimal("9.871"), Decimal("83409.95"))
        assert (quote.to_employee, quote.employer_cost) == (Decimal("8302.20"), Decimal("91712.15"))

    def test_without_the_funds_estimate_the_strain_is_left_out_and_the_quote_says_why(self) -> None:
        found = selectors.vr_full_quote_for(
            self.council_hr, interest=self.eve_interest(facts=False), today=TODAY
        )
        assert found.quote.strain is None
        assert found.notes[-1] == (
            "A member of the LGPS main section aged 57: pension strain is due but not included, because "
            "joinedup does not hold the fund's estimate of the pension that would come into payment."
        )

    def test_the_employee_never_sees_another_persons_quote_and_another_partners_hr_gets_404(self) -> None:
        eve = self.eve_interest()
        for outsider in (self.council_employee, self.police_hr, self.fire_hr):
            with pytest.raises(Http404):
                selectors.vr_full_quote_for(outsider, interest=eve, today=TODAY)
            assert self.api(outsider).get(f"/api/v1/change/vr-interests/{eve.pk}/quote").status_code == 404
            assert self.signed_in(outsider).get(f"/change/vr-interests/{eve.pk}/").status_code == 404
        own = self.api(self.eve_user).get(f"/api/v1/change/vr-interests/{eve.pk}/quote").json()
        assert (own["strain"]["cost"], own["employer_cost"]) == ("83409.95", "91712.15")
        # The HR page is HR's: the employee reads their quote on their own page.
        assert self.signed_in(self.eve_user).get(f"/change/vr-interests/{eve.pk}/").status_code == 404
        assert "£83,409.95" in self.signed_in(self.eve_user).get("/me/voluntary-redundancy").content.decode()

    def test_only_the_employers_hr_records_the_facts_and_a_refusal_changes_nothing(self) -> None:
        eve = self.eve_interest(facts=False)
        with pytest.raises(PermissionDenied):
            services.vr_interest_record_facts(
                actor=self.police_hr, interest=eve, contractual_notice_weeks=Decimal(12)
            )
        with pytest.raises(ValidationError) as refused:
            services.vr_interest_record_facts(
                actor=self.council_hr, interest=eve, contractual_notice_weeks=None, pension_fund=FUND
            )
        assert refused.value.message_dict == {
            "pension_fund": ["Give the fund and the pension a year together, or neither."]
        }
        eve.refresh_from_db()
        assert (eve.contractual_notice_weeks, eve.pension_fund) == (None, "")
        assert (
            not AuditEvent.objects.for_partner(self.council)
            .filter(action="change.vr_facts_recorded")
            .exists()
        )

    def test_a_pension_or_notice_the_columns_cannot_hold_is_refused_and_nothing_is_recorded(self) -> None:
        # Found by API fuzzing: SQLite stored an 11-digit pension and the next read of the
        # interest failed; the columns hold 10 digits (2 after the point) and 5 (2 after).
        eve = self.eve_interest(facts=False)
        response = self.api(self.council_hr).post(
            f"/api/v1/change/vr-interests/{eve.pk}/facts",
            {
                "annual_pension": "12345678901",
                "pension_fund": FUND,
                "contractual_notice_weeks": "1.234",
            },
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "annual_pension": ["The pension a year is £0 or more, below £100,000,000, in pounds and pence."],
            "contractual_notice_weeks": ["Notice is between 0 and 104 weeks, to two decimal places."],
        }
        eve.refresh_from_db()
        assert (eve.contractual_notice_weeks, eve.pension_fund, eve.annual_pension) == (None, "", None)
        assert self.api(self.council_hr).get(f"/api/v1/change/vr-interests/{eve.pk}/quote").status_code == 200

    def test_an_array_sent_as_the_facts_is_refused_and_nothing_is_recorded(self) -> None:
        # Every field of the facts is optional: the array must not be read as an empty form.
        eve = self.eve_interest(facts=False)
        response = self.api(self.council_hr).post(
            f"/api/v1/change/vr-interests/{eve.pk}/facts", "[]", content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json() == {
            "detail": "Invalid input.",
            "errors": {"__all__": ["The body must be a JSON object."]},
        }
        assert (
            not AuditEvent.objects.for_partner(self.council)
            .filter(action="change.vr_facts_recorded")
            .exists()
        )

    def test_hr_reads_the_whole_quote_and_records_the_facts_on_its_page(self) -> None:
        eve = self.eve_interest(facts=False)
        hr = self.signed_in(self.council_hr)
        page = hr.get(f"/change/vr-interests/{eve.pk}/").content.decode()
        assert "pension strain is due but not included" in page
        recorded = hr.post(
            f"/change/vr-interests/{eve.pk}/",
            {
                "contractual_notice_weeks": "12",
                "pension_fund": FUND,
                "annual_pension": "8450.00",
                "pension_source": "the fund's estimate of 2 June 2026",
            },
        )
        assert recorded.status_code == 302
        page = hr.get(f"/change/vr-interests/{eve.pk}/").content.decode()
        assert "£83,409.95" in page
        assert "£6,599.52 (12 weeks" in page  # 12 x £549.96
        assert (
            AuditEvent.objects.for_partner(self.council).filter(action="change.vr_facts_recorded").count()
            == 1
        )

    def test_the_quotes_tax_free_threshold_is_payrolls(self) -> None:
        # ITEPA 2003 s.403: the calculator (change) and the payslip (payroll) use one figure.
        assert redundancy_rules().tax_free_threshold == termination_rules().threshold_on(LEAVING)


class TestTheSchemeOfDelegation(VrFinalTestCase):
    def test_the_head_of_hr_accepts_an_exit_within_their_limit(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        services.vr_interest_decide(
            actor=self.council_hr,
            interest=ada,
            decision=VrStatus.ACCEPTED,
            reason="Post deleted.",
            today=TODAY,
        )
        ada.refresh_from_db()
        assert ada.status == VrStatus.ACCEPTED
        assert ada.decided_quote is not None and ada.decided_quote["employer_cost"] == "6652.32"
        event = AuditEvent.objects.for_partner(self.council).get(action="change.vr_interest_decided")
        assert (event.after["employer_cost"], event.after["approver"]) == ("6652.32", "Head of HR")

    def test_an_exit_over_the_limit_needs_the_next_approver_and_nothing_changes(self) -> None:
        eve = self.eve_interest()
        with pytest.raises(PermissionDenied) as refused:
            services.vr_interest_decide(
                actor=self.council_hr, interest=eve, decision=VrStatus.ACCEPTED, reason="Yes.", today=TODAY
            )
        assert str(refused.value) == (
            "The exit costs the employer £91,712.15, over your limit as Head of HR (£50,000.00): "
            "it needs the Chief Executive."
        )
        eve.refresh_from_db()
        assert (eve.status, eve.decided_by, eve.decided_quote) == (VrStatus.SUBMITTED, None, None)
        services.vr_interest_decide(
            actor=self.chief_executive, interest=eve, decision=VrStatus.ACCEPTED, reason="Yes.", today=TODAY
        )
        eve.refresh_from_db()
        assert eve.status == VrStatus.ACCEPTED

    def test_hr_with_no_delegation_may_decline_but_not_accept(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        with pytest.raises(
            PermissionDenied, match=re.escape("Your scheme of delegation does not let you accept")
        ):
            services.vr_interest_decide(
                actor=self.shared_hr, interest=ada, decision=VrStatus.ACCEPTED, reason="Yes.", today=TODAY
            )
        ada.refresh_from_db()
        assert ada.status == VrStatus.SUBMITTED
        services.vr_interest_decide(
            actor=self.shared_hr, interest=ada, decision=VrStatus.DECLINED, reason="Needed.", today=TODAY
        )
        ada.refresh_from_db()
        assert ada.status == VrStatus.DECLINED

    def test_only_a_member_administrator_sets_a_delegation(self) -> None:
        with pytest.raises(PermissionDenied):
            services.vr_delegation_set(
                actor=self.council_hr,
                partner=self.council,
                user=self.council_hr,
                title="Head of HR",
                up_to=None,
                source="self-granted",
            )
        row = VrDelegation.objects.for_partner(self.council).get(user=self.council_hr)
        assert (row.title, row.up_to) == ("Head of HR", Decimal("50000.00"))
        with pytest.raises(ValidationError) as refused:
            services.vr_delegation_set(
                actor=self.ops_admin,
                partner=self.council,
                user=self.council_employee,
                title="Clerk",
                up_to=None,
                source="para 1",
            )
        assert refused.value.message_dict == {
            "user": ["Choose someone who manages workforce change at the partner."]
        }

    def test_the_api_lists_and_sets_the_delegations_and_hides_them_from_another_partner(self) -> None:
        url = f"/api/v1/change/partners/{self.council.pk}/vr-delegations"
        assert [r["title"] for r in self.api(self.council_hr).get(url).json()] == [
            "Head of HR",
            "Chief Executive",
        ]
        assert self.api(self.police_hr).get(url).status_code == 404
        body = {
            "username": "cara.jones",
            "title": "Deputy Head of HR",
            "up_to": "10000.00",
            "source": "para 7.3",
        }
        assert self.api(self.police_hr).post(url, body, content_type="application/json").status_code == 404
        set_ = self.api(self.ops_admin).post(url, body, content_type="application/json")
        row = VrDelegation.objects.for_partner(self.council).get(user=self.cara_user)
        assert set_.json() == {
            "id": row.pk,
            "username": "cara.jones",
            "title": "Deputy Head of HR",
            "up_to": "10000.00",
            "source": "para 7.3",
        }


class TestLetters(VrFinalTestCase):
    def accepted(self) -> VrInterest:
        ada = self.submit(self.ada, self.council_employee)
        return services.vr_interest_decide(
            actor=self.council_hr,
            interest=ada,
            decision=VrStatus.ACCEPTED,
            reason="Post deleted.",
            today=TODAY,
        )

    def test_the_acceptance_letter_has_the_leaving_date_figures_tax_treatment_and_withdrawal(self) -> None:
        text = letters.vr_decision_letter(self.accepted(), compress=False)
        assert text.startswith(b"%PDF")
        for words in (
            b"your application is accepted",
            b"31 August 2026",
            b"\\24330,000.00",  # the threshold, in the PDF's escaped pound sign
            b"3,299.76",
            b"2,199.84",
            b"1,152.72",
            b"6,652.32",
            b"s.403",
            b"402A-402E",
            b"If you no longer wish to leave",
            b"appeal",
        ):
            assert words in text, words

    def test_the_decline_letter_gives_the_reason_and_the_appeal(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        services.vr_interest_decide(
            actor=self.council_hr,
            interest=ada,
            decision=VrStatus.DECLINED,
            reason="The post is needed.",
            today=TODAY,
        )
        text = letters.vr_decision_letter(ada, compress=False)
        assert b"your application is declined" in text and b"The post is needed." in text
        assert b"You may appeal against this decision" in text

    def test_the_employee_and_hr_download_it_uncached_and_audited_and_no_one_else_can(self) -> None:
        ada = self.accepted()
        for user in (self.council_employee, self.council_hr):
            for response in (
                self.signed_in(user).get(f"/change/vr-interests/{ada.pk}/letter.pdf"),
                self.api(user).get(f"/api/v1/change/vr-interests/{ada.pk}/letter"),
            ):
                assert response.status_code == 200
                assert response["Content-Type"] == "application/pdf"
                assert response["Cache-Control"] == "no-store"
                assert response["Content-Disposition"] == 'attachment; filename="vr-accepted-WCC100002.pdf"'
        assert (
            AuditEvent.objects.for_partner(self.council).filter(action="change.vr_letter_issued").count() == 4
        )
        for outsider in (self.bob_user, self.police_hr, self.fire_hr):
            assert (
                self.signed_in(outsider).get(f"/change/vr-interests/{ada.pk}/letter.pdf").status_code == 404
            )
            assert self.api(outsider).get(f"/api/v1/change/vr-interests/{ada.pk}/letter").status_code == 404
        assert (
            AuditEvent.objects.for_partner(self.council).filter(action="change.vr_letter_issued").count() == 4
        )

    def test_there_is_no_letter_before_a_decision(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        assert (
            self.signed_in(self.council_employee).get(f"/change/vr-interests/{ada.pk}/letter.pdf").status_code
            == 404
        )
        with pytest.raises(ValidationError):
            services.vr_letter(actor=self.council_hr, interest=ada)


class TestFinalPay(VrFinalTestCase):
    def test_confirming_the_leaving_ends_the_employment_and_adds_the_final_pay_items(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        services.vr_interest_decide(
            actor=self.council_hr,
            interest=ada,
            decision=VrStatus.ACCEPTED,
            reason="Post deleted.",
            today=TODAY,
        )
        services.vr_leaving_confirm(actor=self.council_hr, interest=ada)
        self.ada.refresh_from_db()
        assert (self.ada.end_date, self.ada.end_reason) == (LEAVING, "Voluntary redundancy: One HR service")
        items = PayItem.objects.for_partner(self.council).filter(employment=self.ada).order_by("code")
        assert [(i.code, i.amount, i.treatment, i.start_date) for i in items] == [
            ("holiday_pay", Decimal("1152.72"), PayItemTreatment.EARNINGS, LEAVING),
            ("pilon", Decimal("2199.84"), PayItemTreatment.EARNINGS, LEAVING),
            ("redundancy", Decimal("3299.76"), PayItemTreatment.TERMINATION_AWARD, LEAVING),
        ]
        assert (
            AuditEvent.objects.for_partner(self.council).filter(action="change.vr_leaving_confirmed").count()
            == 1
        )
        with pytest.raises(ValidationError, match="The leaving was confirmed on"):
            services.vr_leaving_confirm(actor=self.council_hr, interest=ada)
        assert items.count() == 3

    def test_the_final_payslip_taxes_notice_and_holiday_but_not_the_redundancy_payment(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        services.vr_interest_decide(
            actor=self.council_hr,
            interest=ada,
            decision=VrStatus.ACCEPTED,
            reason="Post deleted.",
            today=TODAY,
        )
        services.vr_leaving_confirm(actor=self.council_hr, interest=ada)
        officer = self.make_user("council.payroll", [(self.council, Role.PAYROLL_OFFICER)])
        run = payrun_create(
            actor=officer, partner=self.council, frequency="monthly", pay_date=date(2026, 8, 25)
        )
        payrun_calculate(actor=officer, run=run)
        slip = Payslip.objects.for_partner(self.council).get(run=run, employment=self.ada)
        paid = 329976 + 219984 + 115272
        assert slip.gross_pay == slip.basic_pay + paid
        # Under £30,000: none of the redundancy payment is taxable or NI-able; notice and holiday are.
        assert slip.taxable_pay == slip.basic_pay + 219984 + 115272 - slip.pension_employee
        assert slip.ni_pay == slip.basic_pay + 219984 + 115272
        assert slip.net_pay == (
            slip.gross_pay
            - slip.pension_employee
            - slip.tax
            - slip.ni_employee
            - slip.student_loan
            - slip.postgraduate_loan
            - slip.deductions_after_tax
        )

    def test_only_an_accepted_interest_leads_to_leaving_and_a_refusal_changes_nothing(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        with pytest.raises(ValidationError):
            services.vr_leaving_confirm(actor=self.council_hr, interest=ada)
        services.vr_interest_decide(
            actor=self.council_hr,
            interest=ada,
            decision=VrStatus.ACCEPTED,
            reason="Post deleted.",
            today=TODAY,
        )
        with pytest.raises(PermissionDenied):
            services.vr_leaving_confirm(actor=self.police_hr, interest=ada)
        assert (
            self.api(self.police_hr)
            .post(
                f"/api/v1/change/vr-interests/{ada.pk}/confirm-leaving", {}, content_type="application/json"
            )
            .status_code
            == 404
        )
        self.ada.refresh_from_db()
        assert self.ada.end_date is None
        assert not PayItem.objects.for_partner(self.council).filter(employment=self.ada).exists()
        confirmed = self.signed_in(self.council_hr).post(f"/change/vr-interests/{ada.pk}/confirm-leaving")
        assert confirmed.status_code == 302
        self.ada.refresh_from_db()
        assert self.ada.end_date == LEAVING


class TestAnAwardAfterTheLeavingPeriodWasApproved(VrFinalTestCase):
    """August's run (paid on 31 August, Ada's leaving date) was approved before her leaving was
    confirmed. The final pay items cannot go into that run (its payslips are approved: a new item
    there would never be paid, or would rewrite what was paid), so they are dated in the next open
    period, September, and paid by September's run to a leaver."""

    officer: Any
    approver: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.officer = cls.make_user("council.payroll", [(cls.council, Role.PAYROLL_OFFICER)])
        cls.approver = cls.make_user("council.approver", [(cls.council, Role.PAYROLL_APPROVER)])
        # A P45 names the employer's references and the leaver's sex and address (RTI).
        Partner.objects.filter(pk=cls.council.pk).update(
            employer_paye_reference="961/WC10001", accounts_office_reference="961PA00010001"
        )
        person = cls.ada.person
        person.gender, person.address_line1, person.town = "F", "1 High Street", "Winchester"
        person.save()

    def pay_run(self, pay_date: date, *, approve: bool) -> PayRun:
        run = payrun_create(actor=self.officer, partner=self.council, frequency="monthly", pay_date=pay_date)
        payrun_calculate(actor=self.officer, run=run)
        if approve:
            for flag in VarianceFlag.objects.for_partner(self.council).filter(run=run, status="open"):
                flag_accept(actor=self.approver, flag=flag, note="Checked")
            run = payrun_approve(actor=self.approver, run=run)
        return run

    def confirmed_after_august_was_approved(self) -> tuple[PayRun, Payslip]:
        ada = self.submit(self.ada, self.council_employee)
        services.vr_interest_decide(
            actor=self.council_hr,
            interest=ada,
            decision=VrStatus.ACCEPTED,
            reason="Post deleted.",
            today=TODAY,
        )
        august = self.pay_run(LEAVING, approve=True)
        final = Payslip.objects.for_partner(self.council).get(run=august, employment=self.ada)
        services.vr_leaving_confirm(actor=self.council_hr, interest=ada)
        self.ada.refresh_from_db()
        return august, final

    def test_the_final_pay_items_are_dated_in_the_next_open_period_not_the_approved_one(self) -> None:
        august, final = self.confirmed_after_august_was_approved()
        september = date(2026, 9, 1)
        items = PayItem.objects.for_partner(self.council).filter(employment=self.ada).order_by("code")
        assert [(i.code, i.amount, i.start_date, i.end_date) for i in items] == [
            ("holiday_pay", Decimal("1152.72"), september, september),
            ("pilon", Decimal("2199.84"), september, september),
            ("redundancy", Decimal("3299.76"), september, september),
        ]
        event = AuditEvent.objects.for_partner(self.council).get(action="change.vr_leaving_confirmed")
        assert event.after["paid_on"] == "2026-09-01"
        # August's approved payslip is as it was approved.
        august.refresh_from_db()
        assert august.status == RunStatus.APPROVED
        again = Payslip.objects.for_partner(self.council).get(run=august, employment=self.ada)
        assert (again.gross_pay, again.net_pay) == (final.gross_pay, final.net_pay)
        # September's run pays them to the leaver: no basic pay (she left on 31 August), the
        # redundancy payment untaxed (under £30,000: ITEPA 2003 s.403), notice and holiday taxed.
        run = self.pay_run(date(2026, 9, 25), approve=False)
        slip = Payslip.objects.for_partner(self.council).get(run=run, employment=self.ada)
        assert (slip.basic_pay, slip.gross_pay) == (0, 329976 + 219984 + 115272)
        assert slip.ni_pay == 219984 + 115272
        # No P45 yet: the usual code, cumulatively, and not a payment after leaving.
        assert (slip.tax_code, slip.week1_month1, slip.after_leaving) == ("1257L", False, False)

    def test_after_the_p45_the_award_is_a_payment_after_leaving_on_0t_month_1(self) -> None:
        _, final = self.confirmed_after_august_was_approved()
        p45_issue(actor=self.officer, employment=self.ada)
        run = self.pay_run(date(2026, 9, 25), approve=False)
        slip = Payslip.objects.for_partner(self.council).get(run=run, employment=self.ada)
        # HMRC 'paying an employee after giving them a P45': 0T on a month 1 basis, NI on a week's
        # earnings period for irregular payments (SSCR 2001 reg. 4(b)(ii)); FPS PmtAfterLeaving.
        assert (slip.tax_code, slip.week1_month1, slip.after_leaving, slip.ni_frequency) == (
            "0T",
            True,
            True,
            "weekly",
        )
        assert (slip.basic_pay, slip.gross_pay, slip.pension_employee) == (0, 665_232, 0)
        # Taxable: notice £2,199.84 + holiday £1,152.72 = £3,352.56; the award is not taxable.
        assert slip.taxable_pay == 335_256
        # 0T month 1 on £3,352 (taxable pay down to the pound): 20% of £3,141.6666… (37,700 / 12)
        # + 40% of £210.3333… = £628.3333… + £84.1333… = £712.46 (down to the penny).
        assert slip.tax == 71_246
        # NI on a week (2026-27 category A weekly PT £242, UEL £967, ST £96) on £3,352.56:
        # 8% x (967 - 242) + 2% x (3,352.56 - 967) = £58.00 + £47.71 = £105.71;
        # employer 15% x (3,352.56 - 96) = £488.48.
        assert (slip.ni_employee, slip.ni_employer) == (10_571, 48_848)
        assert slip.taxable_pay_to_date == final.taxable_pay_to_date + 335_256
