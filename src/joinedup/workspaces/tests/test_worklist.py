"""Each tile's count, proved on data: the council's rows counted exactly, the police's same rows
never (the tenancy rule), for the roles the user holds and only those."""

from __future__ import annotations

from datetime import date
from typing import Any

from joinedup.payroll.models import RunStatus
from joinedup.workspaces.selectors import worklist
from joinedup.workspaces.tests.base import TODAY, WorkWaitingTestCase


def counts(user: Any, partner: Any) -> dict[str, dict[str, int]]:
    found = worklist(user, partner=partner, today=TODAY)
    return {s.role: {t.key: t.count for t in s.tiles} for s in found.sections}


class TestPayrollTiles(WorkWaitingTestCase):
    def test_a_payroll_officer_sees_the_councils_runs_by_status_and_what_waits_on_them(self) -> None:
        found = counts(self.council_payroll, self.council)
        assert list(found) == ["payroll_officer"]
        assert found["payroll_officer"] == {
            "runs_draft": 1,
            "runs_calculating": 0,
            "runs_calculated": 1,
            "runs_approved": 1,
            "next_pay_dates": 1,
            "runs_due": 1,
            "flags_to_review": 1,
            "journals_to_post": 1,
            "p45s_to_issue": 1,
        }

    def test_the_next_pay_date_is_the_soonest_unpaid_run_within_the_fortnight(self) -> None:
        tiles = worklist(self.council_payroll, partner=self.council, today=TODAY).sections[0].tiles
        due = next(t for t in tiles if t.key == "runs_due")
        assert due.detail == "Next pay date 25 November 2026"
        assert due.href == "/payroll?waiting=due"

    def test_an_approver_is_offered_the_runs_someone_else_calculated_and_not_their_own(self) -> None:
        assert counts(self.council_approver, self.council) == {"payroll_approver": {"runs_to_approve": 1}}
        # A second calculated run, calculated by the user who also approves: not theirs to approve.
        self.calculated.pk = None
        self.calculated.calculated_by = self.council_everything
        self.calculated.save()
        assert counts(self.council_approver, self.council)["payroll_approver"]["runs_to_approve"] == 2
        assert counts(self.council_everything, self.council)["payroll_approver"]["runs_to_approve"] == 1

    def test_a_flag_accepted_leaves_nothing_to_review(self) -> None:
        self.calculated.flags.filter(status="open").update(status="accepted")
        assert counts(self.council_payroll, self.council)["payroll_officer"]["flags_to_review"] == 0

    def test_a_p45_issued_takes_the_leaver_off_the_tile(self) -> None:
        from joinedup.payroll.models import P45Issue, Payslip

        slip = Payslip.objects.for_partner(self.council).get(employment=self.council_leaver)
        P45Issue.objects.create(
            partner=self.council,
            employment=self.council_leaver,
            tax_year=2026,
            payslip=slip,
            leaving_date=date(2026, 10, 31),
        )
        assert counts(self.council_payroll, self.council)["payroll_officer"]["p45s_to_issue"] == 0

    def test_the_police_payroll_officer_counts_only_the_polices_runs(self) -> None:
        found = counts(self.police_payroll, self.police)
        assert found["payroll_officer"]["runs_draft"] == 1
        assert found["payroll_officer"]["runs_approved"] == 1
        # Calculated by the police payroll officer themselves: nothing for them to approve.
        assert found["payroll_approver"] == {"runs_to_approve": 0}


class TestPeopleTiles(WorkWaitingTestCase):
    def test_an_hr_officer_sees_this_months_starters_leavers_changes_leave_and_endings(self) -> None:
        assert counts(self.council_hr, self.council) == {
            "hr_officer": {
                "starters": 1,
                "leavers": 1,
                "changes": 1,
                "absences": 1,
                "ending": 1,
                "seconded_ending": 1,
                "vacant_posts": 1,
            }
        }

    def test_the_shared_hr_officer_sees_each_partner_on_its_own(self) -> None:
        council = counts(self.shared_hr, self.council)["hr_officer"]
        police = counts(self.shared_hr, self.police)["hr_officer"]
        assert council == police
        assert council["starters"] == 1

    def test_a_line_manager_sees_their_team_its_leave_to_decide_and_who_is_off_today(self) -> None:
        assert counts(self.council_manager, self.council) == {
            "manager": {"team": 1, "leave_requests": 1, "absent_today": 1}
        }

    def test_an_employee_sees_their_approved_payslips_and_their_own_leave_requests(self) -> None:
        found = worklist(self.council_employee, partner=self.council, today=TODAY)
        tiles = {t.key: t for t in found.sections[0].tiles}
        # Paid and approved runs; the calculated run's payslip is not theirs to see yet.
        assert tiles["payslips"].count == 2
        assert tiles["payslips"].detail == "Latest paid 28 October 2026"
        assert tiles["leave_requests"].count == 1
        assert tiles["leave_requests"].detail == "Annual leave: 22 of 25 days left"


class TestFinanceAndOversightTiles(WorkWaitingTestCase):
    def test_a_finance_officer_sees_open_periods_those_ended_and_this_months_journals(self) -> None:
        found = counts(self.council_finance, self.council)["finance_officer"]
        assert found == {
            "periods_open": 12,
            "periods_due_to_close": 7,
            "journals_manual": 1,
            "journals_payroll_run": 0,
            "journals_recharge_run": 0,
            "journals_purchase_invoice": 0,
            "journals_reversal": 0,
            # The paper posted in November has no budget: one line over, none under.
            "budget_lines_over": 1,
            "budget_lines_under": 0,
        }

    def test_the_data_protection_officer_sees_requests_open_and_overdue(self) -> None:
        found = counts(self.shared_dpo, self.council)["data_protection_officer"]
        assert found == {"sars_open": 2, "sars_overdue": 1, "breaches_open": 0, "access_reviews_open": 0}

    def test_a_service_administrator_sees_partners_people_and_the_audit_chain(self) -> None:
        from joinedup.audit.models import AuditEvent
        from joinedup.partnership.models import Membership

        found = worklist(self.ops_admin, partner=self.council, today=TODAY).sections[0]
        tiles = {t.key: t for t in found.tiles}
        assert tiles["partners"].count == 4
        users = Membership.objects.filter(partner=self.council).values("user_id").distinct().count()
        assert tiles["users"].count == users == 14
        events = AuditEvent.objects.for_partner(self.council).count()
        assert tiles["audit_chain"].count == events
        assert events != AuditEvent.objects.unscoped(reason="test: every chain").count()
        assert tiles["audit_chain"].detail == "Chain head matches the last event"

    def test_a_union_representative_sees_the_consultations_under_way_at_the_partner(self) -> None:
        assert counts(self.union_rep, self.council) == {"union_rep": {"consultations_open": 1}}

    def test_a_consultation_completed_is_no_longer_under_way(self) -> None:
        from joinedup.change.models import Consultation

        Consultation.objects.for_partner(self.council).update(completed_on=TODAY)
        assert counts(self.union_rep, self.council) == {"union_rep": {"consultations_open": 0}}
        assert counts(self.union_rep, self.police) == {"union_rep": {"consultations_open": 1}}

    def test_a_service_desk_agent_sees_the_partners_open_new_and_own_tickets(self) -> None:
        found = counts(self.council_everything, self.council)["service_desk_agent"]
        assert found == {"queue_open": 2, "queue_new": 2, "queue_mine": 0}

    def test_occupational_health_sees_referrals_waiting_for_a_case(self) -> None:
        assert counts(self.oh_admin, self.council) == {"oh_admin": {"referrals_waiting": 1}}
        assert counts(self.oh_clinician, self.council) == {"oh_clinician": {"referrals_waiting": 1}}

    def test_a_referral_opened_as_a_case_no_longer_waits(self) -> None:
        from joinedup.wellbeing import cases
        from joinedup.wellbeing.models import Referral

        referral = Referral.objects.for_partner(self.council).get()
        cases.case_open(actor=self.oh_admin, referral=referral)
        assert counts(self.oh_admin, self.council) == {"oh_admin": {"referrals_waiting": 0}}
        assert counts(self.oh_admin, self.police) == {"oh_admin": {"referrals_waiting": 1}}

    def test_a_role_with_no_tiles_yet_has_a_section_that_says_so(self) -> None:
        found = worklist(self.council_everything, partner=self.council, today=TODAY)
        roles = [s.role for s in found.sections]
        assert roles == [
            "payroll_officer",
            "payroll_approver",
            "hr_officer",
            "finance_officer",
            "manager",
            "employee",
            "service_admin",
            "data_protection_officer",
            "union_rep",
            "service_desk_agent",
            "oh_clinician",
            "oh_admin",
            "purchasing_officer",
            "viewer",
        ]
        # The viewer alone has no tiles yet; its section says so.
        assert [s.role for s in found.sections if not s.tiles] == ["viewer"]

    def test_a_user_sees_no_section_on_a_partner_they_hold_no_role_on(self) -> None:
        assert counts(self.council_payroll, self.police) == {}

    def test_the_statuses_counted_are_the_runs_own(self) -> None:
        assert sorted(RunStatus.values) == ["approved", "calculated", "calculating", "draft", "paid"]


class TestPayByMonth(WorkWaitingTestCase):
    def test_it_sums_gross_pay_and_counts_people_paid_by_month_for_thirteen_months(self) -> None:
        from joinedup.workspaces.charts import pay_by_month

        months = pay_by_month(self.council_payroll, partner=self.council, today=TODAY)
        assert [m.month for m in months][:2] == [date(2025, 11, 1), date(2025, 12, 1)]
        assert len(months) == 13
        # The police's runs, the same again, are not counted; the calculated run is not yet pay.
        assert [(m.month, m.gross_pence, m.headcount) for m in months if m.headcount] == [
            (date(2026, 9, 1), 250_000, 1),
            (date(2026, 10, 1), 500_000, 2),
        ]
        assert sum(m.gross_pence for m in months) == 750_000
