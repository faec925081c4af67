"""The monthly recharge run: shares, the pairs of journals, idempotency, permission, dated
agreements and the reconciliation of inter-partner balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from joinedup.core.tenancy import UnscopedQueryError
from joinedup.ledger.models import Account, Journal, JournalLine, Period
from joinedup.ledger.services import LineInput, period_close
from joinedup.partnership.models import Partner
from joinedup.payroll.models import PayRun, Payslip
from joinedup.people.services import secondment_create, secondment_decide
from joinedup.recharges.models import RechargeLine, RechargeRun, ServiceAgreement
from joinedup.recharges.selectors import reconciliation
from joinedup.recharges.services import agreement_add, pool_set, recharge_run
from joinedup.recharges.tests.base import OCTOBER, RechargeTestCase


class TestRechargeRun(RechargeTestCase):
    def shares(self, run: RechargeRun) -> list[tuple[str, str, str, Decimal, int]]:
        return [
            (line.charged_partner.code, line.service, line.driver, line.quantity, line.amount)
            for line in RechargeLine.objects.for_partner(self.shared)
            .filter(run=run)
            .order_by("charged_partner__code", "service")
        ]

    def balance(self, partner: Partner, account: str, counterparty: Partner | None = None) -> int:
        lines = JournalLine.objects.for_partner(partner).filter(account__code=account)
        if counterparty is not None:
            lines = lines.filter(counterparty=counterparty)
        found = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
        return int(found["d"] or 0) - int(found["c"] or 0)

    def test_it_shares_each_pool_by_its_agreements_to_the_penny(self) -> None:
        run = recharge_run(actor=self.shared_finance, month="2026-10")
        # HR £1,000: the fire service's fixed 10%, the rest by headcount 2:2. ICT £333.34 by
        # tickets 2:1, the odd penny to the council's larger remainder.
        assert self.shares(run) == [
            ("WCC", "hr", "headcount", Decimal(2), 45_000),
            ("WCC", "ict", "tickets", Decimal(2), 22_223),
            ("WFRS", "hr", "fixed_percentage", Decimal(10), 10_000),
            ("WPOL", "hr", "headcount", Decimal(2), 45_000),
            ("WPOL", "ict", "tickets", Decimal(1), 11_111),
        ]
        assert run.total == 133_334

    def test_it_posts_income_and_debtor_for_the_body_and_cost_and_creditor_for_each_partner(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        keys = sorted(
            Journal.objects.for_partner(self.shared)
            .filter(source="recharge_run")
            .values_list("idempotency_key", flat=True)
        )
        assert keys == ["recharge:2026-10:WCC", "recharge:2026-10:WFRS", "recharge:2026-10:WPOL"]
        assert self.balance(self.shared, "9300") == -133_334
        assert self.balance(self.shared, "B210", self.council) == 67_223
        assert self.balance(self.council, "5200") == 67_223
        assert self.balance(self.council, "B310", self.shared) == -67_223
        assert self.balance(self.fire, "5200") == 10_000
        journal = Journal.objects.for_partner(self.police).get(idempotency_key="recharge:2026-10:WPOL")
        assert (journal.date, journal.source) == (date(2026, 10, 31), "recharge_run")
        centres = set(
            JournalLine.objects.for_partner(self.police)
            .filter(journal=journal, account__code="5200")
            .values_list("cost_centre__code", flat=True)
        )
        assert centres == {"SHARED-SERVICE-CHARGES"}

    def test_running_it_again_posts_nothing_new(self) -> None:
        first = recharge_run(actor=self.shared_finance, month="2026-10")
        before = (
            self.written(self.shared),
            self.written(self.council),
            RechargeLine.objects.for_partner(self.shared).count(),
        )
        again = recharge_run(actor=self.shared_finance, month="2026-10")
        assert again.pk == first.pk
        after = (
            self.written(self.shared),
            self.written(self.council),
            RechargeLine.objects.for_partner(self.shared).count(),
        )
        assert after == before

    def test_a_run_that_fails_part_way_leaves_nothing_and_can_be_run_again(self) -> None:
        october = Period.objects.for_partner(self.police).get(start_date=OCTOBER)
        period_close(actor=self.police_finance, period=october)
        before = (self.written(self.shared), self.written(self.council))
        with pytest.raises(ValidationError, match="closed"):
            recharge_run(actor=self.shared_finance, month="2026-10")
        # The council's pair was posted before the police's failed; the transaction undid it.
        assert (self.written(self.shared), self.written(self.council)) == before
        assert not RechargeRun.objects.for_partner(self.shared).exists()

    def test_a_journal_already_holding_a_recharge_key_fails_the_run_naming_partner_and_key(self) -> None:
        # Issue 20: a journal planted under the run's key must not pass for the recharge.
        period = Period.objects.for_partner(self.council).get(start_date=OCTOBER)
        taken = Journal.objects.create(
            partner=self.council,
            period=period,
            date=date(2026, 10, 31),
            source="manual",
            idempotency_key="recharge:2026-10:WCC",
            description="A penny",
        )
        bank = Account.objects.for_partner(self.council).get(code="B100")
        JournalLine.objects.bulk_create(
            JournalLine(
                journal=taken, partner=self.council, period=period, date=taken.date, account=bank, **side
            )
            for side in ({"debit": 1}, {"credit": 1})
        )
        before = (self.written(self.shared), self.written(self.council))
        with pytest.raises(ValidationError) as caught:
            recharge_run(actor=self.shared_finance, month="2026-10")
        assert caught.value.message_dict == {
            "WCC.idempotency_key": [
                f"WCC already has journal {taken.pk} keyed 'recharge:2026-10:WCC' (Manual journal with "
                "no reference), and it is not this posting: its source or lines differ. Nothing was posted."
            ]
        }
        assert (self.written(self.shared), self.written(self.council)) == before
        assert not RechargeRun.objects.for_partner(self.shared).exists()

    def test_only_the_shared_services_finance_officer_may_run_it(self) -> None:
        before = self.written(self.council)
        with pytest.raises(PermissionDenied):
            recharge_run(actor=self.council_finance, month="2026-10")
        assert self.written(self.council) == before
        assert not RechargeRun.objects.for_partner(self.shared).exists()

    def test_an_agreement_change_applies_from_its_date(self) -> None:
        agreement_add(
            actor=self.shared_finance,
            provider=self.shared,
            partner=self.police,
            service="hr",
            driver="fte",
            effective_from=date(2026, 11, 1),
        )
        october = recharge_run(actor=self.shared_finance, month="2026-10")
        assert ("WPOL", "hr", "headcount", Decimal(2), 45_000) in self.shares(october)

    def test_a_driver_measuring_zero_for_everyone_refuses_the_run_with_the_reason(self) -> None:
        with pytest.raises(ValidationError) as caught:
            recharge_run(actor=self.shared_finance, month="2026-11")
        assert caught.value.message_dict == {
            "ict": [
                "ICT shared service: The tickets driver measures zero for every partner sharing it "
                "(WCC, WPOL)."
            ]
        }
        assert not RechargeRun.objects.for_partner(self.shared).exists()

    def test_inter_partner_balances_reconcile_to_zero_after_a_run(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        report = reconciliation(self.shared_finance, month="2026-10")
        assert [(r.debtor, r.creditor, r.debtor_balance, r.creditor_balance) for r in report.rows] == [
            ("WSS", "WCC", 67_223, 67_223),
            ("WSS", "WFRS", 10_000, 10_000),
            ("WSS", "WPOL", 56_111, 56_111),
        ]
        assert report.total_difference == 0

    def test_the_reconciliation_shows_a_one_sided_posting(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        self.post(
            [
                LineInput(account="B310", credit=500, counterparty="WSS"),
                LineInput(account="4200", debit=500, cost_centre="HR"),
            ],
            on=date(2026, 10, 20),
        )
        report = reconciliation(self.shared_finance, month="2026-10")
        assert [(r.debtor, r.creditor, r.difference) for r in report.differences] == [("WSS", "WCC", -500)]
        with pytest.raises(PermissionDenied):
            reconciliation(self.council_finance, month="2026-10")


class TestSecondmentRecharge(RechargeTestCase):
    def setUp(self) -> None:
        # The council pays its employee in October; the police host them from 17 October.
        run = PayRun.objects.create(
            partner=self.council,
            frequency="monthly",
            tax_year=2026,
            period=7,
            pay_date=date(2026, 10, 23),
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            status="approved",
        )
        Payslip.objects.create(
            partner=self.council,
            run=run,
            employment=self.council_emp,
            tax_code="1257L",
            ni_category="A",
            pension_scheme="lgps_main",
            basic_pay=250_000,
            gross_pay=250_000,
            pensionable_pay=250_000,
            pension_employee=15_000,
            pension_employer=50_000,
            taxable_pay=235_000,
            taxable_pay_to_date=0,
            tax=30_000,
            tax_paid_to_date=0,
            ni_pay=250_000,
            ni_employee=12_000,
            ni_employer=30_000,
            student_loan=0,
            postgraduate_loan=0,
            net_pay=193_000,
        )
        self.secondment = secondment_create(
            actor=self.shared_hr,
            employment=self.council_emp,
            host_partner=self.police,
            role_title="Analyst",
            start_date=date(2026, 10, 17),
            end_date=date(2027, 3, 31),
        )
        # The constabulary agrees to be recharged (each partner decides for itself).
        secondment_decide(actor=self.shared_hr, secondment=self.secondment, approve=True)

    def test_the_host_pays_the_home_employer_the_cost_for_the_days_seconded(self) -> None:
        recharge_run(actor=self.shared_finance, month="2026-10")
        line = RechargeLine.objects.for_partner(self.council).get(kind="secondment")
        # Gross £2,500 + employer's NI £300 + pension £500 = £3,300, for 15 of October's 31 days.
        assert (line.partner, line.charged_partner, line.quantity, line.amount) == (
            self.council,
            self.police,
            Decimal(15),
            159_677,
        )
        key = f"secondment:2026-10:{self.secondment.pk}"
        home = Journal.objects.for_partner(self.council).get(idempotency_key=key)
        host = Journal.objects.for_partner(self.police).get(idempotency_key=key)
        assert sorted(
            JournalLine.objects.for_partner(self.council)
            .filter(journal=home)
            .values_list("account__code", "debit", "credit", "counterparty__code")
        ) == [("9310", 0, 159_677, None), ("B210", 159_677, 0, "WPOL")]
        assert sorted(
            JournalLine.objects.for_partner(self.police)
            .filter(journal=host)
            .values_list("account__code", "debit", "credit", "counterparty__code")
        ) == [("1350", 159_677, 0, None), ("B310", 0, 159_677, "WCC")]
        assert reconciliation(self.shared_finance, month="2026-10").total_difference == 0

    def test_a_runs_lines_are_refused_unscoped_as_they_hold_other_partners_secondments(self) -> None:
        run = recharge_run(actor=self.shared_finance, month="2026-10")
        # The shared-services body's run holds the council's charge to the police for the
        # secondment, a line between two other partners: reaching it from the run is no scope.
        with pytest.raises(UnscopedQueryError, match="RechargeLine is partner-owned"):
            list(run.lines.all())
        with pytest.raises(UnscopedQueryError, match="RechargeLine is partner-owned"):
            run.lines.filter(kind="secondment").exists()
        assert sorted(line.kind for line in run.lines.for_partner(self.shared)) == ["pool"] * 5
        assert [
            (line.partner, line.charged_partner)
            for line in run.lines.for_partner(self.police).filter(kind="secondment")
        ] == [(self.council, self.police)]


class TestPoolsAndAgreements(RechargeTestCase):
    def test_a_pool_names_only_cost_centres_the_body_has(self) -> None:
        with pytest.raises(ValidationError) as caught:
            pool_set(
                actor=self.shared_finance, provider=self.shared, service="payroll", cost_centres=["NOPE"]
            )
        assert caught.value.message_dict == {
            "cost_centres": ["Wessex Shared Services has no cost centre NOPE."]
        }

    def test_an_agreement_is_not_edited_but_added_from_a_new_date(self) -> None:
        with pytest.raises(ValidationError) as caught:
            agreement_add(
                actor=self.shared_finance,
                provider=self.shared,
                partner=self.council,
                service="hr",
                driver="fte",
                effective_from=date(2026, 4, 1),
            )
        assert caught.value.message_dict == {
            "effective_from": ["WCC already has a hr agreement from 1 April 2026."]
        }

    def test_a_partner_cannot_manage_the_bodys_agreements(self) -> None:
        count = ServiceAgreement.objects.for_partner(self.shared).count()
        with pytest.raises(PermissionDenied):
            agreement_add(
                actor=self.council_finance,
                provider=self.shared,
                partner=self.council,
                service="ict",
                driver="fte",
                effective_from=date(2026, 11, 1),
            )
        assert ServiceAgreement.objects.for_partner(self.shared).count() == count

    def test_only_a_shared_services_body_recharges(self) -> None:
        with pytest.raises(ValidationError, match="not a shared-services body"):
            recharge_run(actor=self.council_finance, month="2026-10", provider=self.council)
