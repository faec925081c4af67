from __future__ import annotations

from datetime import date

from joinedup.payroll.models import PayRun, RunStatus
from joinedup.payroll.services import payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase


class TestPayrollApi(PayrollTestCase):
    def link_employee(self) -> None:
        person = self.council_emp.person
        person.user = self.council_employee
        person.save(update_fields=["user"])

    def make_run(self) -> PayRun:
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=date(2026, 11, 25)
        )
        return payrun_calculate(actor=self.payroll_officer, run=run)

    def test_an_employee_sees_their_own_payslip_only_once_the_run_is_approved(self) -> None:
        self.link_employee()
        run = self.make_run()
        client = self.api(self.council_employee)
        assert client.get("/api/v1/me/payslips").json() == []
        payrun_approve(actor=self.payroll_approver, run=run)
        (slip,) = client.get("/api/v1/me/payslips").json()
        assert (slip["payroll_number"], slip["basic_pay"]) == ("WCC000001", 238317)
        assert client.get(f"/api/v1/payslips/{slip['id']}").status_code == 200

    def test_an_employee_gets_404_for_a_colleagues_payslip(self) -> None:
        self.link_employee()
        run = self.make_run()
        payrun_approve(actor=self.payroll_approver, run=run)
        other = run.payslips.exclude(employment=self.council_emp).first()
        assert other is not None
        assert self.api(self.council_employee).get(f"/api/v1/payslips/{other.pk}").status_code == 404

    def test_a_payroll_officer_creates_and_queues_a_run_and_the_approver_approves(self) -> None:
        officer = self.api(self.payroll_officer)
        created = officer.post(
            f"/api/v1/partners/{self.council.pk}/pay-runs",
            {"pay_date": "2026-11-25"},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        run_id = created.json()["id"]
        with self.captureOnCommitCallbacks(execute=True):
            queued = officer.post(f"/api/v1/pay-runs/{run_id}/calculate")
        assert queued.status_code == 202
        run = officer.get(f"/api/v1/pay-runs/{run_id}").json()
        assert (run["status"], run["progress_done"], run["progress_total"]) == ("calculated", 2, 2)
        refused = officer.post(f"/api/v1/pay-runs/{run_id}/approve")
        assert refused.status_code == 403
        approved = self.api(self.payroll_approver).post(f"/api/v1/pay-runs/{run_id}/approve")
        assert approved.json()["status"] == RunStatus.APPROVED

    def test_a_second_run_for_the_period_is_a_field_error(self) -> None:
        self.make_run()
        response = self.api(self.payroll_officer).post(
            f"/api/v1/partners/{self.council.pk}/pay-runs",
            {"pay_date": "2026-11-27"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "already has a monthly run" in response.json()["errors"]["pay_date"][0]
