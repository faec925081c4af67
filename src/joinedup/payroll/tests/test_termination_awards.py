"""Termination awards on the payslip (issue 12: an accepted voluntary redundancy feeds the final
pay). ITEPA 2003 s.403: the first £30,000 of a payment on termination is free of income tax,
earlier payments for the same termination counted first (s.404); a redundancy payment is not
earnings for Class 1 NI (SSCR 2001 Sch. 3 Part X). Pay in lieu of notice is earnings (ITEPA
ss.402A-402E): taxed and NI-able in full, an ordinary addition."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.payroll.calculation import EmployeeInput, Line, calculate_batch
from joinedup.payroll.models import PayItem, PayItemTreatment
from joinedup.payroll.services import pay_item_add_one_off, payrun_approve
from joinedup.payroll.termination import class1a_pence, load_termination_rules, split_award
from joinedup.payroll.tests.test_pay_runs import NOVEMBER, PayrollTestCase

PAID = date(2026, 11, 25)


def test_an_award_of_25000_is_free_of_tax() -> None:
    split = split_award(2_500_000, threshold_used=0, paid_on=PAID)
    assert (split.tax_free, split.taxable, split.ni_able) == (2_500_000, 0, 0)


def test_an_award_of_40000_has_10000_taxable_and_none_ni_able() -> None:
    split = split_award(4_000_000, threshold_used=0, paid_on=PAID)
    assert (split.tax_free, split.taxable, split.ni_able) == (3_000_000, 1_000_000, 0)


def test_an_earlier_award_for_the_same_termination_uses_the_threshold_first() -> None:
    # s.404: £20,000 already paid leaves £10,000 of the threshold for a later £15,000.
    split = split_award(1_500_000, threshold_used=2_000_000, paid_on=PAID)
    assert (split.tax_free, split.taxable) == (1_000_000, 500_000)


def test_the_threshold_is_a_dated_figure_with_its_source() -> None:
    rules = load_termination_rules()
    assert rules.threshold_on(PAID) == Decimal(30000)
    assert rules.thresholds[0][0] == date(1988, 4, 6)
    assert rules.ni_able is False


# --- Class 1A: SSCBA 1992 s.10(1ZA) (Social Security Contributions (Termination Awards and Sporting
# Testimonials) Act 2019): the employer pays Class 1A on the part of a termination award that is
# taxable under ITEPA s.403, at the Class 1A percentage (= the secondary percentage, s.10(5)).


def _class1a(award_pence: int, paid_on: date = PAID) -> int:
    split = split_award(award_pence, threshold_used=0, paid_on=paid_on)
    return class1a_pence(split.taxable, paid_on=paid_on)


def test_no_class1a_is_due_up_to_30000() -> None:
    assert _class1a(2_999_999) == 0  # £29,999.99
    assert _class1a(3_000_000) == 0  # £30,000.00


def test_class1a_on_one_penny_over_30000_rounds_to_nothing() -> None:
    # £30,000.01: 15% of 1p = 0.15p, to the nearest penny: 0p.
    assert _class1a(3_000_001) == 0


def test_class1a_on_a_half_penny_rounds_down_as_nics_do() -> None:
    # £30,000.10: 15% of 10p = 1.5p; half a penny is disregarded (NIM11002): 1p.
    assert _class1a(3_000_010) == 1


def test_class1a_is_15_percent_of_the_part_over_30000_from_6_april_2025() -> None:
    assert _class1a(4_000_000) == 150_000  # £40,000: 15% of £10,000 = £1,500.00
    assert _class1a(3_012_345) == 1_852  # £30,123.45: 15% of £123.45 = £18.5175 -> £18.52
    assert _class1a(15_000_000) == 1_800_000  # £150,000: 15% of £120,000 = £18,000.00


def test_class1a_takes_the_rate_in_force_on_the_day_the_award_is_paid() -> None:
    # 13.8% from 6 April 2020 (and again from 6 November 2022); 15.05% from 6 April 2022.
    assert _class1a(4_000_000, date(2025, 4, 5)) == 138_000
    assert _class1a(4_000_000, date(2025, 4, 6)) == 150_000
    assert _class1a(4_000_000, date(2022, 6, 20)) == 150_500
    assert _class1a(4_000_000, date(2020, 4, 5)) == 0  # before the 2019 Act took effect


def test_class1a_counts_earlier_awards_for_the_same_termination_first() -> None:
    # s.404: £20,000 already paid; of a later £15,000, £5,000 is over the threshold: £750.00.
    split = split_award(1_500_000, threshold_used=2_000_000, paid_on=PAID)
    assert class1a_pence(split.taxable, paid_on=PAID) == 75_000


def test_the_class1a_rate_matches_the_employers_class1_rate_in_each_tax_year() -> None:
    # s.10(5): the Class 1A percentage is the secondary percentage of the year.
    from joinedup.payroll.engine import load_rules

    rules = load_termination_rules()
    for year in (2025, 2026):
        secondary = load_rules(year).national_insurance.categories["A"].employer[0].rate
        assert rules.class1a_rate_on(date(year, 4, 6)) == secondary == Decimal(15)


def _batch(award_pence: int, *, code: str = "BR") -> dict[str, object]:
    """One monthly payslip of £2,000 basic on tax code BR (20% of all pay subject to tax, which
    hand-works), with a termination award of ``award_pence`` split as payroll splits it."""
    split = split_award(award_pence, threshold_used=0, paid_on=PAID)
    lines = (
        [
            Line(
                "addition",
                "redundancy",
                "Redundancy payment",
                award_pence,
                tax_free_pence=split.tax_free,
                ni_able=False,
                class1a_pence=split.taxable,
            )
        ]
        if award_pence
        else []
    )
    record = EmployeeInput(employment_id=1, basic_pence=200_000, lines=lines, tax_code=code)
    run: Any = SimpleNamespace(
        tax_year=2026, frequency="monthly", period=8, partner_id=1, pk=1, pay_date=PAID
    )
    return calculate_batch(run, [record]).payslip(0)


def test_a_25000_award_pays_no_tax_and_leaves_ni_as_it_was() -> None:
    without, with_award = _batch(0), _batch(2_500_000)
    # BR: 20% of £2,000 = £400.00 either way; the award adds nothing to pay subject to tax.
    assert (without["tax"], with_award["tax"]) == (40_000, 40_000)
    assert with_award["taxable_pay"] == 200_000
    assert (with_award["ni_pay"], with_award["ni_employee"]) == (200_000, without["ni_employee"])
    assert with_award["gross_pay"] == 2_700_000
    assert with_award["net_pay"] == int(without["net_pay"]) + 2_500_000  # type: ignore[call-overload]
    assert with_award["ni_class1a"] == 0


def test_a_40000_award_has_10000_taxed_and_no_ni() -> None:
    without, with_award = _batch(0), _batch(4_000_000)
    # BR: 20% of (£2,000 + £10,000) = £2,400.00.
    assert with_award["taxable_pay"] == 1_200_000
    assert with_award["tax"] == 240_000
    assert (with_award["ni_pay"], with_award["ni_employee"], with_award["ni_employer"]) == (
        200_000,
        without["ni_employee"],
        without["ni_employer"],
    )
    # £2,000 + £40,000 - £2,400 tax - the NI on £2,000 alone.
    assert with_award["net_pay"] == 4_200_000 - 240_000 - int(without["ni_employee"])  # type: ignore[call-overload]
    # The employer's Class 1A: 15% of £10,000 = £1,500.00, not taken from net pay.
    assert with_award["ni_class1a"] == 150_000


class TestOneOffItems(PayrollTestCase):
    def test_hr_adds_a_redundancy_payment_and_the_run_taxes_only_what_is_over_30000(self) -> None:
        base = self.slip(self.calculated(pay_date=date(2026, 10, 23)), self.council_emp)
        item = pay_item_add_one_off(
            actor=self.council_hr,
            employment=self.council_emp,
            code="redundancy",
            description="Redundancy payment",
            amount=Decimal("40000.00"),
            paid_on=date(2026, 11, 20),
            treatment=PayItemTreatment.TERMINATION_AWARD,
            reason="Voluntary redundancy",
        )
        slip = self.slip(self.calculated(), self.council_emp)
        assert slip.gross_pay == slip.basic_pay + 4_000_000
        assert slip.taxable_pay - slip.basic_pay + slip.pension_employee == 1_000_000
        assert slip.ni_pay == slip.basic_pay == base.basic_pay
        assert (slip.ni_employee, slip.ni_employer) == (base.ni_employee, base.ni_employer)
        assert [(line.code, line.amount) for line in slip.lines.all()] == [("redundancy", 4_000_000)]
        assert (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="payroll.pay_item_added", object_id=str(item.pk))
            .exists()
        )

    def test_someone_without_payroll_or_hr_rights_adds_nothing(self) -> None:
        with pytest.raises(PermissionDenied):
            pay_item_add_one_off(
                actor=self.police_hr,
                employment=self.council_emp,
                code="redundancy",
                description="Redundancy payment",
                amount=Decimal("100.00"),
                paid_on=date(2026, 11, 20),
                reason="x",
            )
        assert not PayItem.objects.for_partner(self.council).exists()

    def test_it_refuses_a_period_already_approved(self) -> None:
        run = self.calculated()
        payrun_approve(actor=self.payroll_approver, run=run)
        with pytest.raises(ValidationError) as refused:
            pay_item_add_one_off(
                actor=self.payroll_officer,
                employment=self.council_emp,
                code="bonus",
                description="Bonus",
                amount=Decimal("100.00"),
                paid_on=NOVEMBER,
                reason="Year-end bonus",
            )
        assert refused.value.message_dict == {
            "paid_on": [
                "The pay run for 1 November 2026 to 30 November 2026 is already approved; "
                "pay it in a later period."
            ]
        }
        assert not PayItem.objects.for_partner(self.council).exists()
