"""Issue 20, payroll correctness: NI categories against age, pay dates, BACS processing days and
the payment posted when a run is marked paid."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from joinedup.audit.models import AuditEvent
from joinedup.ledger.models import Journal, JournalLine, Period, PeriodStatus
from joinedup.ledger.services import ledger_setup_partner
from joinedup.payroll.documents import bacs_file
from joinedup.payroll.models import FlagKind, PayRun, RunStatus, VarianceFlag
from joinedup.payroll.payments import post_payment_later
from joinedup.payroll.services import payment_waits_for, payrun_approve, payrun_create, payrun_mark_paid
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.people.models import EmploymentTerms, Person
from joinedup.people.services import PersonDetails, employment_change_terms, employment_start

OCTOBER = date(2026, 10, 23)


def _terms_count(employment: Any) -> int:
    return EmploymentTerms.objects.for_partner(employment.partner_id).filter(employment=employment).count()


class TestNiCategoryAge(PayrollTestCase):
    def test_hr_refuses_category_m_for_someone_over_21_and_changes_nothing(self) -> None:
        # SSCBA 1992 s.9A: category M (employer 0% to the UST) is for employees under 21.
        # Mary Seacole was born on 14 March 1985: 41 on 1 November 2026.
        before = _terms_count(self.shared_person_council)
        with pytest.raises(ValidationError) as caught:
            employment_change_terms(
                actor=self.shared_hr,
                employment=self.shared_person_council,
                effective_from=date(2026, 11, 1),
                reason="Category",
                changes={"ni_category": "M"},
            )
        assert caught.value.message_dict == {
            "ni_category": [
                "Category M is only for employees under 21; this person is 41 on 1 November 2026 "
                "(turned 21 on 14 March 2006)."
            ]
        }
        assert _terms_count(self.shared_person_council) == before

    def test_hr_refuses_category_h_for_an_apprentice_of_25_at_the_start(self) -> None:
        # SSCBA 1992 s.9B: category H is for apprentices under 25.
        with pytest.raises(ValidationError, match="Category H is only for apprentices under 25"):
            self.hire(self.council, "Ned", "Ludd", "AB998877C", "WCC000077", ni_category="H")
        assert not Person.objects.unscoped(reason="test").filter(ni_number="AB998877C").exists()

    def test_hr_accepts_category_m_for_someone_under_21(self) -> None:
        young = employment_start(
            actor=self.shared_hr,
            partner=self.council,
            person=PersonDetails(
                given_name="Tess",
                family_name="Young",
                date_of_birth=date(2007, 1, 10),
                ni_number="AB112299C",
                postcode="SO23 8UJ",
            ),
            payroll_number="WCC000078",
            start_date=date(2026, 9, 1),
            terms=self.terms(ni_category="M"),
        )
        assert EmploymentTerms.objects.for_partner(self.council).get(employment=young).ni_category == "M"

    def test_the_checks_before_approval_flag_a_21st_birthday_on_or_before_the_pay_date(self) -> None:
        # Born 20 November 2005: 20 when put on M in 2025, 21 on 20 November 2026, before the 25th.
        person = self.shared_person_council.person
        person.date_of_birth = date(2005, 11, 20)
        person.save(update_fields=["date_of_birth"])
        EmploymentTerms.objects.for_partner(self.council).filter(
            employment=self.shared_person_council
        ).update(ni_category="M")
        run = self.calculated()
        flag = VarianceFlag.objects.for_partner(self.council).get(run=run, kind=FlagKind.NI_CATEGORY_AGE)
        assert flag.employment_id == self.shared_person_council.pk
        assert flag.detail == (
            "Category M is only for employees under 21; this person is 21 on 25 November 2026 "
            "(turned 21 on 20 November 2026). Change the category in HR."
        )

    def test_no_flag_while_the_birthday_is_after_the_pay_date(self) -> None:
        person = self.shared_person_council.person
        person.date_of_birth = date(2005, 11, 26)
        person.save(update_fields=["date_of_birth"])
        EmploymentTerms.objects.for_partner(self.council).filter(
            employment=self.shared_person_council
        ).update(ni_category="M")
        run = self.calculated()
        assert (
            not VarianceFlag.objects.for_partner(self.council)
            .filter(run=run, kind=FlagKind.NI_CATEGORY_AGE)
            .exists()
        )


class TestPayDates(PayrollTestCase):
    def test_a_pay_date_in_a_tax_year_without_rules_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            payrun_create(
                actor=self.payroll_officer,
                partner=self.council,
                frequency="monthly",
                pay_date=date(2031, 5, 23),
            )
        assert caught.value.message_dict["pay_date"] == [
            "23 May 2031 is in tax year 2031/32, which has no payroll rules yet "
            "(rules are held for 2025/26, 2026/27)."
        ]
        assert not PayRun.objects.for_partner(self.council).exists()

    def test_a_pay_date_before_the_last_approved_run_is_refused(self) -> None:
        payrun_approve(actor=self.payroll_approver, run=self.calculated())
        with pytest.raises(ValidationError) as caught:
            payrun_create(
                actor=self.payroll_officer, partner=self.council, frequency="weekly", pay_date=OCTOBER
            )
        assert caught.value.message_dict["pay_date"] == [
            "Wessex County Council has already approved a run paid on 25 November 2026: "
            "a new run cannot be dated before it."
        ]
        assert PayRun.objects.for_partner(self.council).count() == 1

    def test_a_bacs_file_whose_pay_date_has_passed_needs_a_new_processing_date(self) -> None:
        from joinedup.payroll.models import PayrollSettings

        PayrollSettings.objects.create(
            partner=self.council,
            bank_sort_code="309634",
            bank_account_number="12345678",
            bank_account_name="WCC SALARIES",
            bacs_user_number="123456",
        )
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        # A run dated 25 November, paid on 5 December.
        with pytest.raises(ValidationError) as caught:
            bacs_file(run, today=date(2026, 12, 5))
        assert caught.value.message_dict == {
            "processing_date": [
                "The pay date 25 November 2026 has passed: give a new processing date "
                "(today, 5 December 2026, or later) for the BACS file."
            ]
        }
        text, _ = bacs_file(run, processing_date=date(2026, 12, 7), today=date(2026, 12, 5))
        # UHL1 carries the processing day as a Julian date: 2026 day 341 is 7 December.
        uhl1 = next(line for line in text.splitlines() if line.startswith("UHL1"))
        assert uhl1.startswith("UHL1 26341")


class TestApiPayDates(PayrollTestCase):
    def test_a_number_is_not_a_pay_date(self) -> None:
        response = self.api(self.payroll_officer).post(
            f"/api/v1/partners/{self.council.pk}/pay-runs", {"pay_date": 0}, content_type="application/json"
        )
        assert response.status_code == 422
        assert not PayRun.objects.for_partner(self.council).exists()


class TestPaidMeansPaid(PayrollTestCase):
    def paid(self) -> PayRun:
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        return payrun_mark_paid(actor=self.payroll_officer, run=run)

    def test_marking_a_run_paid_posts_the_payment_once_and_clears_the_net_pay_creditor(self) -> None:
        ledger_setup_partner(actor=None, partner=self.council, year=2026)
        run = self.paid()
        net = run.payslips.aggregate(n=Sum("net_pay"))["n"]
        payment = Journal.objects.for_partner(self.council).get(idempotency_key=f"payroll-payment:{run.pk}")
        lines = sorted(
            JournalLine.objects.for_partner(self.council)
            .filter(journal=payment)
            .values_list("account__code", "debit", "credit")
        )
        # Debit the net-pay creditor (B320), credit the payroll bank account (B110).
        assert lines == [("B110", 0, net), ("B320", net, 0)]
        creditor = JournalLine.objects.for_partner(self.council).filter(account__code="B320")
        totals = creditor.aggregate(d=Sum("debit"), c=Sum("credit"))
        assert totals["d"] == totals["c"] == net
        event = AuditEvent.objects.for_partner(self.council).filter(action="payrun.paid").latest("seq")
        assert event.after["payment_journal"] == payment.pk
        assert event.after["payment_waits_for"] == []
        # The explicit command finds the journal posted and posts nothing more.
        assert post_payment_later(actor=self.payroll_officer, run=run) == payment
        assert (
            Journal.objects.for_partner(self.council)
            .filter(idempotency_key__startswith="payroll-payment")
            .count()
            == 1
        )

    def test_a_closed_period_marks_the_run_paid_and_the_payment_waits_for_the_command(self) -> None:
        ledger_setup_partner(actor=None, partner=self.council, year=2026)
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        Period.objects.for_partner(self.council).filter(start_date=date(2026, 11, 1)).update(
            status=PeriodStatus.CLOSED
        )
        run = payrun_mark_paid(actor=self.payroll_officer, run=run)
        assert run.status == RunStatus.PAID
        assert not Journal.objects.for_partner(self.council).filter(
            idempotency_key__startswith="payroll-payment"
        )
        waits = payment_waits_for(run)
        assert len(waits) == 1 and waits[0].startswith("WCC's ") and waits[0].endswith(" is closed")
        with pytest.raises(ValidationError, match="The payment cannot be posted yet"):
            post_payment_later(actor=self.payroll_officer, run=run)
        Period.objects.for_partner(self.council).filter(start_date=date(2026, 11, 1)).update(
            status=PeriodStatus.OPEN
        )
        journal = post_payment_later(actor=self.payroll_officer, run=run)
        assert journal is not None and journal.idempotency_key == f"payroll-payment:{run.pk}"
        assert payment_waits_for(run) == []
