"""Transfer and secondment plans (issue 12, "TUPE and secondment" and "Terms side by side").

The shared-services body joins the council's "One HR service" programme and is the receiving
body: a TUPE transfer of the HR team on 1 October 2026. Everyone in the base fixture is on the
test NJC scale at SCP12 (£28,598 from 1 April 2025), full time, in the LGPS, continuous service
from 1 June 2022. The constabulary also has Eve Kerr on a police staff scale (the same points, a
35-hour week and 27 days' leave) at SCP25 (£33,699), not in a scope post. The body's own LGPS rate
is 16%; the council's 18%, the constabulary's 19.5% (base fixture).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.change import services, transfer_selectors, transfer_services
from joinedup.change.harmonise import LEVEL_DOWN, LEVEL_UP
from joinedup.change.models import TransferPlan, TransferPlanMember
from joinedup.change.tests.base import RATES_FROM, ChangeTestCase
from joinedup.change.transfer_rules import eli_due
from joinedup.payroll.models import EmployerPensionRate
from joinedup.people.models import Employment, PayPoint, Secondment, TermsScheme
from joinedup.testing.people import make_scheme

D = Decimal
TRANSFER = date(2026, 10, 1)


class TransferPlanTestCase(ChangeTestCase):
    plan: TransferPlan
    police_staff: TermsScheme
    eve: Employment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.programme_involve(actor=cls.shared_hr, programme=cls.programme, partner=cls.shared)
        EmployerPensionRate.objects.create(
            partner=cls.shared,
            pension_scheme="lgps_main",
            effective_from=RATES_FROM,
            rate_percent=D(16),
            source="test: the fund's rate for the shared-services body",
        )
        cls.police_staff = make_scheme("police_staff")
        TermsScheme.objects.filter(pk=cls.police_staff.pk).update(
            name="Test police staff", standard_weekly_hours=D(35), leave_rules=[{"min_years": 0, "days": 27}]
        )
        cls.police_staff.refresh_from_db()
        top = PayPoint.objects.get(scheme=cls.police_staff, code="SCP25")
        cls.eve = cls.hire(
            cls.police, "Eve", "Kerr", "AB100005C", "WPOL100005", scheme=cls.police_staff, pay_point=top
        )
        cls.plan = transfer_services.plan_create(
            actor=cls.shared_hr,
            programme=cls.programme,
            name="HR team to the shared service",
            kind="tupe",
            receiving_partner=cls.shared,
            transfer_date=TRANSFER,
            measures="No measures are envisaged beyond a change of payroll date.",
        )
        transfer_services.plan_add_scope(actor=cls.shared_hr, plan=cls.plan)


class TestThePlanAndItsStaffList(TransferPlanTestCase):
    def test_the_scope_puts_the_four_post_holders_on_the_list_with_an_event_per_employer(self) -> None:
        members = transfer_selectors.members_of(self.shared_hr, plan=self.plan)
        assert [m.employment.payroll_number for m in members] == [
            "WPOL100004",  # Wessex Constabulary sorts before Wessex County Council
            "WCC100002",  # then by family name: Byron, Hale, Jones
            "WCC100003",
            "WCC100001",
        ]
        events = AuditEvent.objects.for_partner(self.council).filter(action="change.transfer_members_added")
        assert [e.after["employments"] for e in events] == [["WCC100001", "WCC100002", "WCC100003"]]

    def test_each_employer_sees_its_own_staff_and_the_receiving_body_sees_all(self) -> None:
        council = transfer_selectors.members_of(self.council_hr, plan=self.plan)
        police = transfer_selectors.members_of(self.police_hr, plan=self.plan)
        assert sorted(m.employment.payroll_number for m in council) == ["WCC100001", "WCC100002", "WCC100003"]
        assert [m.employment.payroll_number for m in police] == ["WPOL100004"]

    def test_hr_of_a_partner_not_involved_gets_404_for_the_plan_and_its_people(self) -> None:
        member = TransferPlanMember.objects.for_partner(self.council).filter(plan=self.plan).first()
        assert member is not None
        with pytest.raises(Http404):
            transfer_selectors.plan_for(self.fire_hr, plan_id=self.plan.pk)
        with pytest.raises(Http404):
            transfer_selectors.member_for(self.fire_hr, member_id=member.pk)
        assert transfer_selectors.members_of(self.fire_hr, plan=self.plan) == []

    def test_another_employer_cannot_take_the_councils_staff_off_the_list(self) -> None:
        member = TransferPlanMember.objects.for_partner(self.council).filter(plan=self.plan).first()
        assert member is not None
        events = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(Http404):
            transfer_selectors.member_for(self.police_hr, member_id=member.pk)
        with pytest.raises(PermissionDenied):
            transfer_services.plan_remove_member(actor=self.police_hr, member=member)
        assert TransferPlanMember.objects.for_partner(self.council).filter(plan=self.plan).count() == 3
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_an_employer_adds_and_removes_its_own_people(self) -> None:
        member = transfer_services.plan_add_member(actor=self.police_hr, plan=self.plan, employment=self.eve)
        assert member.receiving_partner_id == self.shared.pk
        with pytest.raises(ValidationError, match="WPOL100005 is on the plan already"):
            transfer_services.plan_add_member(actor=self.police_hr, plan=self.plan, employment=self.eve)
        transfer_services.plan_remove_member(actor=self.police_hr, member=member)
        actions = list(
            AuditEvent.objects.for_partner(self.police)
            .filter(action__in=["change.transfer_member_added", "change.transfer_member_removed"])
            .order_by("seq")
            .values_list("action", flat=True)
        )
        assert actions == ["change.transfer_member_added", "change.transfer_member_removed"]

    def test_it_refuses_a_receiving_body_not_in_the_programme_and_records_nothing(self) -> None:
        before = TransferPlan.objects.for_partner(self.council).count()
        with pytest.raises(ValidationError, match="The receiving body must be a partner involved"):
            transfer_services.plan_create(
                actor=self.shared_hr,
                programme=self.programme,
                name="To the fire service",
                kind="tupe",
                receiving_partner=self.fire,
                transfer_date=TRANSFER,
            )
        with pytest.raises(PermissionDenied):
            transfer_services.plan_create(
                actor=self.police_hr,
                programme=self.programme,
                name="Police-led",
                kind="secondment",
                receiving_partner=self.shared,
                transfer_date=TRANSFER,
                secondment_end=date(2027, 9, 30),
            )
        assert TransferPlan.objects.for_partner(self.council).count() == before

    def test_a_secondment_needs_an_end_and_a_transfer_has_none(self) -> None:
        with pytest.raises(ValidationError, match="Enter the date the secondment ends"):
            transfer_services.plan_create(
                actor=self.shared_hr,
                programme=self.programme,
                name="Secondment",
                kind="secondment",
                receiving_partner=self.shared,
                transfer_date=TRANSFER,
            )

    def test_it_refuses_a_transfer_date_before_tupe_2006_on_a_new_plan_or_a_change(self) -> None:
        # TUPE 2006 (SI 2006/246) applies to transfers from 6 April 2006: the rules file holds
        # nothing earlier, and the plan's page could not say when the ELI was due (API fuzzing
        # found a plan moved to 1 January 1900 answering 500).
        message = "The transfer date must be on or after 6 April 2006, when TUPE 2006 came into force."
        with pytest.raises(ValidationError, match=message):
            transfer_services.plan_create(
                actor=self.shared_hr,
                programme=self.programme,
                name="Back in time",
                kind="tupe",
                receiving_partner=self.shared,
                transfer_date=date(2006, 4, 5),
            )
        events = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(ValidationError, match=message):
            transfer_services.plan_update(
                actor=self.shared_hr, plan=self.plan, transfer_date=date(1900, 1, 1)
            )
        self.plan.refresh_from_db()
        assert self.plan.transfer_date == TRANSFER
        assert AuditEvent.objects.for_partner(self.council).count() == events
        assert not TransferPlan.objects.for_partner(self.council).filter(name="Back in time").exists()

    def test_a_completed_plan_changes_no_more(self) -> None:
        transfer_services.plan_update(actor=self.shared_hr, plan=self.plan, status="completed")
        with pytest.raises(ValidationError, match="The plan is completed"):
            transfer_services.plan_add_member(actor=self.police_hr, plan=self.plan, employment=self.eve)


class TestEmployeeLiabilityInformation(TransferPlanTestCase):
    def test_it_is_due_28_days_before_the_transfer(self) -> None:
        # TUPE 2006 reg. 11(6) (as amended from 1 May 2014): not less than 28 days before.
        assert eli_due(TRANSFER) == date(2026, 9, 3)
        assert eli_due(date(2014, 4, 30)) == date(2014, 4, 16)  # 14 days before the amendment
        status = transfer_selectors.eli_status(self.plan, today=date(2026, 9, 3))
        assert (status.due, status.late, status.message) == (
            date(2026, 9, 3),
            False,
            "Due by 3 September 2026, 28 days before the transfer.",
        )

    def test_it_warns_when_late_and_when_given_late(self) -> None:
        status = transfer_selectors.eli_status(self.plan, today=date(2026, 9, 4))
        assert status.late
        assert status.message == (
            "Late: it was due by 3 September 2026, 28 days before the transfer, and is not recorded as given."
        )
        transfer_services.plan_update(actor=self.shared_hr, plan=self.plan, eli_given_on=date(2026, 9, 10))
        status = transfer_selectors.eli_status(self.plan, today=date(2026, 9, 11))
        assert (status.late, status.message) == (
            True,
            "Given on 10 September 2026, after it was due on 3 September 2026.",
        )

    def test_each_person_has_the_statutory_fields_and_honest_gaps(self) -> None:
        rows = transfer_selectors.eli_rows(self.council_hr, plan=self.plan)
        header = transfer_selectors.ELI_HEADER
        assert len(rows) == 3  # the council's own staff only
        ada = dict(zip(header, next(r for r in rows if r[1] == "WCC100002"), strict=True))
        assert ada == {
            "employer": "Wessex County Council",
            "payroll_number": "WCC100002",
            "name": "Ada Byron",
            "date_of_birth": "1985-03-14",
            "age_at_transfer": 41,
            "job_title": "HR adviser",
            "place_of_work": "Council HR team",
            "start_date": "2022-06-01",
            "continuous_service_date": "2022-06-01",
            "contract_type": "Permanent",
            "terms_scheme": "Test Green Book",
            "pay_point": "SCP12",
            "full_time_annual_salary": D("28598.00"),
            "fte": D("1.0000"),
            "annual_salary": D("28598.00"),
            "pay_frequency": "Monthly",
            "weekly_hours": D("37.00"),
            "annual_leave_days": "25.0",
            "pension_scheme": "LGPS main section",
            "employer_pension_rate": D("18.000"),
            # ERA 1996 s.86(1)(b): a week for each complete year, four by 1 October 2026.
            "statutory_notice_weeks": 4,
            "contractual_notice": "not recorded",
            "sick_pay_scheme": "not recorded",
            "allowances": "none recorded",
            "disciplinary_action_last_2_years": "None recorded: joinedup holds no disciplinary records "
            "(last 2 years); the employer adds any it holds",
            "grievances_last_2_years": "None recorded: joinedup holds no grievance records (last 2 years); "
            "the employer adds any it holds",
            "claims_and_actions": "None recorded: joinedup holds no record of claims or actions; the "
            "employer adds any it holds",
            "collective_agreements": "Test Green Book",
        }


class TestTransferAgainstSecondment(TransferPlanTestCase):
    def test_it_costs_the_group_both_ways_for_each_partner(self) -> None:
        comparison = transfer_selectors.transfer_comparison(self.shared_hr, plan=self.plan)
        assert (comparison.people, comparison.tax_year, comparison.receiving_is_lgps_employer) == (
            4,
            "2026-27",
            True,
        )
        # Each at £28,598: employer NI 15% above £5,000 = £3,539.70 (SSCBA 1992 s.9).
        # Transferred: the body employs all four, LGPS at its 16% = £4,575.68 each.
        tupe = comparison.transfer.cost_by_partner
        assert (tupe["WSS"].salary, tupe["WSS"].employer_ni, tupe["WSS"].employer_pension) == (
            D("114392.00"),
            D("14158.80"),
            D("18302.72"),
        )
        assert tupe["WCC"].total == tupe["WPOL"].total == D(0)
        # Seconded with a full recharge: the employers pay and recharge it all to the body, whose
        # cost is the employers' pension rates: 3 x £5,147.64 (18%) + £5,576.61 (19.5%).
        second = comparison.secondment.cost_by_partner
        assert second["WSS"].employer_pension == D("21019.53")
        assert second["WCC"].total == second["WPOL"].total == D(0)
        assert comparison.secondment.total.total - comparison.transfer.total.total == D("2716.81")
        assert "TUPE transfer in the people module" in comparison.transfer.records
        assert "with 100% of the cost recharged to Wessex Shared Services once it agrees" in (
            comparison.secondment.records
        )

    def test_a_partial_recharge_splits_the_cost(self) -> None:
        TransferPlan.objects.for_partner(self.council).filter(pk=self.plan.pk).update(recharge_percent=D(60))
        self.plan.refresh_from_db()
        second = transfer_selectors.transfer_comparison(self.police_hr, plan=self.plan).secondment
        # Dan alone (the constabulary's HR sees its own staff): 60% of £28,598 to the host.
        assert (second.cost_by_partner["WSS"].salary, second.cost_by_partner["WPOL"].salary) == (
            D("17158.80"),
            D("11439.20"),
        )

    def test_the_fire_service_cannot_see_the_comparison(self) -> None:
        with pytest.raises(Http404):
            transfer_selectors.transfer_comparison(self.fire_hr, plan=self.plan)


class TestTermsSideBySide(TransferPlanTestCase):
    def test_it_groups_the_team_by_scheme_and_costs_harmonising_to_each(self) -> None:
        transfer_services.plan_add_member(actor=self.police_hr, plan=self.plan, employment=self.eve)
        view = transfer_selectors.terms_side_by_side(self.shared_hr, plan=self.plan, protection_years=2)
        assert [(name, [r.payroll_number for r in rows]) for name, rows in view.groups] == [
            ("Test Green Book", ["WPOL100004", "WCC100002", "WCC100003", "WCC100001"]),
            ("Test police staff", ["WPOL100005"]),
        ]
        eve = view.groups[1][1][0]
        assert (eve.point, eve.salary, eve.annual_leave, eve.sick_pay, eve.pension_rate) == (
            "SCP25",
            D("33699.00"),
            "27.0 days",
            "not recorded",
            "19.500%",
        )
        assert [(o.scheme, o.method) for o in view.options] == [
            ("njc", LEVEL_UP),
            ("njc", LEVEL_DOWN),
            ("police_staff", LEVEL_UP),
            ("police_staff", LEVEL_DOWN),
        ]
        up = view.options[0]
        # Levelling up to the Green Book: the 35-hour week (28,598 x 2 / 35 = 1,634.17) and 27
        # days' leave (2 days x 28,598 / 260 = 219.98) for each of the four on it; Eve keeps SCP25.
        assert up.by_partner == {"WCC": [D("5562.45")] * 3, "WPOL": [D("1854.15")] * 3}
        assert up.total == [D("7416.60")] * 3


class TestCarryingThePlanOut(TransferPlanTestCase):
    def test_a_tupe_plan_is_recorded_by_the_people_modules_transfer_per_employer(self) -> None:
        done = transfer_services.plan_carry_out(actor=self.shared_hr, plan=self.plan)
        assert done == [
            "HR team to the shared service (WCC)",
            "HR team to the shared service (WPOL)",
        ]
        moved = Employment.objects.for_partner(self.shared).order_by("payroll_number")
        assert [e.payroll_number for e in moved] == ["WCC100001", "WCC100002", "WCC100003", "WPOL100004"]
        # Continuous service carries over and the terms are protected (TUPE reg. 4).
        first = moved[0]
        assert first.continuous_service_date == date(2022, 6, 1)
        assert first.terms.get().protected
        self.plan.refresh_from_db()
        assert self.plan.status == "completed"

    def test_it_records_nothing_when_the_caller_cannot_change_people_at_the_receiving_body(self) -> None:
        before = Employment.objects.for_partner(self.shared).count()
        with pytest.raises(PermissionDenied):
            transfer_services.plan_carry_out(actor=self.council_hr, plan=self.plan)
        assert Employment.objects.for_partner(self.shared).count() == before
        self.plan.refresh_from_db()
        assert self.plan.status == "draft"

    def test_a_secondment_plan_records_a_secondment_with_the_recharge_per_person(self) -> None:
        plan = transfer_services.plan_create(
            actor=self.shared_hr,
            programme=self.programme,
            name="Seconded instead",
            kind="secondment",
            receiving_partner=self.shared,
            transfer_date=TRANSFER,
            secondment_end=date(2027, 9, 30),
            recharge_percent=D(60),
        )
        transfer_services.plan_add_member(actor=self.police_hr, plan=plan, employment=self.dan)
        assert transfer_services.plan_carry_out(actor=self.shared_hr, plan=plan) == ["WPOL100004"]
        secondment = Secondment.objects.for_partner(self.police).get(employment=self.dan)
        assert (secondment.host_partner_id, secondment.recharge_percent, secondment.status) == (
            self.shared.pk,
            D("60.000"),
            "pending",
        )
