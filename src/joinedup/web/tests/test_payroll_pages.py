from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from joinedup.partnership.models import Role
from joinedup.payroll.models import PayRun, RunStatus, VarianceFlag
from joinedup.payroll.services import payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase


class TestPayRunPages(PayrollTestCase):
    def choose(self, client: object, partner: object) -> None:
        client.post("/partner", {"partner": partner.pk})  # type: ignore[attr-defined]

    def make_run(self) -> PayRun:
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=date(2026, 11, 25)
        )
        return payrun_calculate(actor=self.payroll_officer, run=run)

    def test_a_payroll_officer_starts_a_run_from_the_form(self) -> None:
        client = self.signed_in(self.payroll_officer)
        self.choose(client, self.council)
        response = client.post("/payroll", {"frequency": "monthly", "pay_date": "2026-11-25"})
        run = PayRun.objects.for_partner(self.council).get()
        assert response["Location"] == f"/payroll/runs/{run.pk}"
        assert (run.tax_year, run.period, run.status) == (2026, 8, RunStatus.DRAFT)

    def test_a_second_run_for_the_period_shows_the_error_and_creates_nothing(self) -> None:
        self.make_run()
        client = self.signed_in(self.payroll_officer)
        self.choose(client, self.council)
        page = client.post("/payroll", {"frequency": "monthly", "pay_date": "2026-11-27"}).content.decode()
        assert "There is a problem" in page
        assert "already has a monthly run" in page
        assert PayRun.objects.for_partner(self.council).count() == 1

    def test_the_run_page_shows_totals_flags_and_payslips(self) -> None:
        run = self.make_run()
        page = self.signed_in(self.payroll_officer).get(f"/payroll/runs/{run.pk}").content.decode()
        assert "£2,383.17" in page  # Ada's gross: SCP12 £28,598 / 12
        assert "Checks before approval" in page
        assert 'data-testid="payslips"' in page

    def test_the_calculator_is_told_they_cannot_approve_and_the_run_stays_calculated(self) -> None:
        lead = self.make_user(
            "payroll.lead", [(self.council, Role.PAYROLL_OFFICER), (self.council, Role.PAYROLL_APPROVER)]
        )
        run = payrun_calculate(
            actor=lead,
            run=payrun_create(
                actor=lead, partner=self.council, frequency="monthly", pay_date=date(2026, 11, 25)
            ),
        )
        client = self.signed_in(lead)
        page = client.post(f"/payroll/runs/{run.pk}/approve", follow=True).content.decode()
        assert "another approver must approve it" in page
        run.refresh_from_db()
        assert run.status == RunStatus.CALCULATED

    def test_an_approver_accepts_a_flag_and_approves(self) -> None:
        run = self.make_run()
        flag = VarianceFlag.objects.create(
            partner=self.council,
            run=run,
            employment=self.council_emp,
            kind="net_change",
            detail="Net pay up 40%",
        )
        client = self.signed_in(self.payroll_approver)
        client.post(f"/payroll/flags/{flag.pk}/accept", {"note": "Back pay for October"})
        client.post(f"/payroll/runs/{run.pk}/approve")
        run.refresh_from_db()
        flag.refresh_from_db()
        assert (flag.status, flag.note, run.status) == (
            "accepted",
            "Back pay for October",
            RunStatus.APPROVED,
        )

    def test_another_partners_payroll_officer_gets_404_for_the_run_and_its_actions(self) -> None:
        run = self.make_run()
        fire_officer = self.make_user("fire.payroll", [(self.fire, Role.PAYROLL_OFFICER)])
        client = self.signed_in(fire_officer)
        assert client.get(f"/payroll/runs/{run.pk}").status_code == 404
        assert client.post(f"/payroll/runs/{run.pk}/calculate").status_code == 404
        assert client.get(f"/payroll/runs/{run.pk}/journal.csv").status_code == 404
        run.refresh_from_db()
        assert run.status == RunStatus.CALCULATED

    def test_the_progress_panel_asks_for_a_reload_once_calculation_ends(self) -> None:
        run = self.make_run()
        response = self.signed_in(self.payroll_officer).get(f"/payroll/runs/{run.pk}/progress")
        assert response["HX-Refresh"] == "true"

    def test_the_journal_and_payslips_download(self) -> None:
        run = self.make_run()
        client = self.signed_in(self.payroll_officer)
        journal = client.get(f"/payroll/runs/{run.pk}/journal.csv").content.decode().splitlines()
        assert journal[0] == "partner,account,account_name,cost_centre,debit,credit,description"
        slips = (
            client.get(f"/payroll/runs/{run.pk}", {"format": "csv"}).content.decode("utf-8-sig").splitlines()
        )
        assert slips[0].startswith("payroll_number,name,tax_code,gross_pay")
        assert len(slips) == 3

    def test_an_employee_reads_their_approved_payslip_and_not_a_colleagues(self) -> None:
        person = self.council_emp.person
        person.user = self.council_employee
        person.save(update_fields=["user"])
        run = self.make_run()
        client = self.signed_in(self.council_employee)
        assert "No payslips yet." in client.get("/me/payslips").content.decode()
        payrun_approve(actor=self.payroll_approver, run=run)
        mine = run.payslips.get(employment=self.council_emp)
        other = run.payslips.exclude(employment=self.council_emp).get()
        page = client.get(f"/payslips/{mine.pk}").content.decode()
        assert "Payslip: Ada Lovelace" in page
        assert client.get(f"/payslips/{other.pk}").status_code == 404


class TestPaymentDocuments(PayrollTestCase):
    def approved(self) -> PayRun:
        from joinedup.payroll.models import PayrollSettings

        PayrollSettings.objects.create(
            partner=self.council,
            bank_sort_code="309634",
            bank_account_number="12345678",
            bank_account_name="WESSEX CC SALARIES",
            bacs_user_number="123456",
        )
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=date(2026, 11, 25)
        )
        payrun_calculate(actor=self.payroll_officer, run=run)
        return payrun_approve(actor=self.payroll_approver, run=run)

    def test_the_bacs_file_pays_each_net_and_its_totals_match_the_run(self) -> None:
        from joinedup.payroll.outputs import parse_bacs18

        run = self.approved()
        # The pay date (25 November 2026) may have passed: the officer names a processing day.
        processing = _next_weekday(max(timezone.localdate(), run.pay_date))
        response = self.signed_in(self.payroll_officer).get(
            f"/payroll/runs/{run.pk}/bacs.txt?processing_date={processing}"
        )
        parsed = parse_bacs18(response.content.decode("ascii"))
        nets = sorted(s.net_pay for s in run.payslips.all())
        assert sorted(r.amount for r in parsed.credits) == nets
        assert [c.amount for c in parsed.contras] == [sum(nets)]
        assert parsed.credit_total == sum(nets)
        assert response["X-Left-Out"] == "0"

    def test_a_bacs_file_for_a_processing_day_already_gone_is_refused_with_a_message(self) -> None:
        run = self.approved()
        gone = timezone.localdate() - timedelta(days=1)
        response = self.signed_in(self.payroll_officer).get(
            f"/payroll/runs/{run.pk}/bacs.txt?processing_date={gone}", follow=True
        )
        assert f"The processing date {gone.day} {gone:%B %Y} has passed" in response.content.decode()

    def test_an_approver_cannot_download_the_payment_file(self) -> None:
        run = self.approved()
        assert (
            self.signed_in(self.payroll_approver).get(f"/payroll/runs/{run.pk}/bacs.txt").status_code == 403
        )

    def test_a_payslip_downloads_as_a_pdf(self) -> None:
        run = self.approved()
        slip = run.payslips.get(employment=self.council_emp)
        response = self.signed_in(self.payroll_officer).get(f"/payslips/{slip.pk}.pdf")
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")


def _next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
