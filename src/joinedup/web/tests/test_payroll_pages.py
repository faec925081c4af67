from __future__ import annotations

import re
from datetime import date, timedelta
from unittest import mock

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

    def test_the_run_list_filters_by_status_exports_what_is_filtered_and_shows_the_filter(self) -> None:
        run = self.make_run()
        client = self.signed_in(self.payroll_officer)
        self.choose(client, self.council)
        calculated = client.get("/payroll", {"status": "calculated"})
        assert [r.pk for r in calculated.context["page"]] == [run.pk]
        html = calculated.content.decode()
        assert (
            '<a class="moj-filter__tag" href="/payroll"><span class="govuk-visually-hidden">'
            "Remove this filter</span> Calculated</a>"
        ) in html
        assert [r.pk for r in client.get("/payroll", {"status": "draft"}).context["page"]] == []
        exported = client.get("/payroll", {"status": "calculated", "format": "csv"})
        csv = exported.content.decode("utf-8-sig").splitlines()
        assert csv == [
            "pay_date,frequency,tax_year,period,kind,status,payslips",
            f"2026-11-25,monthly,2026,8,regular,calculated,{run.progress_total}",
        ]
        none = client.get("/payroll", {"status": "draft", "format": "csv"})
        assert none.content.decode("utf-8-sig").splitlines() == [
            "pay_date,frequency,tax_year,period,kind,status,payslips"
        ]

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

    def test_requesting_a_calculation_shows_the_run_queued_with_calculate_disabled_at_once(self) -> None:
        # Issue 20: the page said "Calculation started." and showed a draft run with a live
        # Calculate button until reloaded. The worker has not run here (no on_commit callbacks).
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=date(2026, 11, 25)
        )
        client = self.signed_in(self.payroll_officer)
        with self.captureOnCommitCallbacks(execute=False) as queued:
            page = client.post(f"/payroll/runs/{run.pk}/calculate", follow=True).content.decode()
        assert len(queued) == 1
        run.refresh_from_db()
        assert (run.status, run.progress_total) == (RunStatus.CALCULATING, 0)
        assert "Calculation queued: this page shows its progress." in page
        assert "Waiting for the calculation to start." in page
        assert 'hx-trigger="every 1s"' in page
        assert "disabled" in page and "Calculating…" in page
        assert f'action="/payroll/runs/{run.pk}/calculate"' not in page

    def test_a_calculating_run_shows_its_progress_and_keeps_polling(self) -> None:
        run = self.make_run()
        PayRun.objects.for_partner(self.council).filter(pk=run.pk).update(
            status=RunStatus.CALCULATING, progress_done=5, progress_total=20
        )
        body = self.signed_in(self.payroll_officer).get(f"/payroll/runs/{run.pk}/progress").content.decode()
        assert "5 of 20 payslips (25%)." in body
        assert f'hx-get="/payroll/runs/{run.pk}/progress" hx-trigger="every 1s"' in body
        assert "Approve" not in body

    def test_the_live_part_of_the_page_stops_polling_and_shows_totals_once_calculated(self) -> None:
        run = self.make_run()
        response = self.signed_in(self.payroll_officer).get(f"/payroll/runs/{run.pk}/progress")
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="run-live"')
        assert "hx-get" not in body and "HX-Refresh" not in response
        assert "£2,383.17" in body  # Ada's gross: SCP12 £28,598 / 12
        assert "Calculated; calculated" in body

    def test_an_approver_sees_the_totals_and_open_flags_before_approving(self) -> None:
        run = self.make_run()
        VarianceFlag.objects.create(
            partner=self.council,
            run=run,
            employment=self.council_emp,
            kind="net_change",
            detail="Net pay up 40%",
        )
        client = self.signed_in(self.payroll_approver)
        page = client.get(f"/payroll/runs/{run.pk}/approve").content.decode()
        assert "Approve the run" not in page  # the service would refuse it: nothing to press
        assert "Go back to the run to decide the flags" in page
        assert 'data-testid="approve-open-flags">1<' in page
        assert "Net pay up 40%" in page
        assert "1 flag still open" in page
        run.refresh_from_db()
        assert run.status == RunStatus.CALCULATED  # looking approves nothing

    def test_an_approver_confirms_a_run_without_open_flags_and_it_is_approved(self) -> None:
        run = self.make_run()
        client = self.signed_in(self.payroll_approver)
        page = client.get(f"/payroll/runs/{run.pk}/approve").content.decode()
        assert "Approve the run" in page and "£2,383.17" not in page  # totals, not payslips
        assert 'data-testid="approve-open-flags">0<' in page
        done = client.post(f"/payroll/runs/{run.pk}/approve", follow=True).content.decode()
        assert "Run approved." in done
        run.refresh_from_db()
        assert run.status == RunStatus.APPROVED

    def test_the_officer_cannot_open_the_approval_step(self) -> None:
        run = self.make_run()
        assert self.signed_in(self.payroll_officer).get(f"/payroll/runs/{run.pk}/approve").status_code == 403

    def test_an_approver_accepts_several_flags_for_one_reason_with_an_event_each(self) -> None:
        from joinedup.audit.models import AuditEvent

        run = self.make_run()
        flags = [
            VarianceFlag.objects.create(
                partner=self.council, run=run, employment_id=e, kind="net_change", detail="Net pay up 40%"
            )
            for e in run.payslips.values_list("employment", flat=True)
        ]
        client = self.signed_in(self.payroll_approver)
        before = AuditEvent.objects.for_partner(self.council).filter(action="payrun.flag_accepted").count()
        page = client.post(
            f"/payroll/runs/{run.pk}/flags/accept",
            {"flag": [f.pk for f in flags], "note": "Pay award back-dated"},
            follow=True,
        ).content.decode()
        assert "2 flags accepted." in page
        assert [
            (f.status, f.note) for f in VarianceFlag.objects.for_partner(self.council).order_by("pk")
        ] == [
            ("accepted", "Pay award back-dated"),
            ("accepted", "Pay award back-dated"),
        ]
        after = AuditEvent.objects.for_partner(self.council).filter(action="payrun.flag_accepted").count()
        assert after - before == 2

    def test_the_open_flags_are_a_table_with_a_box_a_row_for_the_multi_select(self) -> None:
        run = self.make_run()
        flags = [
            VarianceFlag.objects.create(
                partner=self.council, run=run, employment_id=e, kind="net_change", detail="Net pay up 40%"
            )
            for e in run.payslips.values_list("employment", flat=True)
        ]
        page = self.signed_in(self.payroll_approver).get(f"/payroll/runs/{run.pk}").content.decode()
        table = page[page.index('data-testid="open-flags"') :]
        table = table[: table.index("</table>")]
        assert (
            'data-module="moj-multi-select"'
            in page[page.index('<table class="govuk-table" data-module') :][:60]
        )
        # The script puts "Select all" in the header cell with this id.
        assert '<th scope="col" class="govuk-table__header" id="select-all">' in table
        assert re.findall(r'name="flag" type="checkbox" value="(\d+)"', table) == [str(f.pk) for f in flags]
        assert table.count('<td class="govuk-table__cell">Net pay up 40%</td>') == len(flags) == 2

    def test_accepting_flags_without_a_reason_accepts_none_and_says_why(self) -> None:
        run = self.make_run()
        flag = VarianceFlag.objects.create(
            partner=self.council,
            run=run,
            employment=self.council_emp,
            kind="net_change",
            detail="Net pay up 40%",
        )
        page = (
            self.signed_in(self.payroll_approver)
            .post(f"/payroll/runs/{run.pk}/flags/accept", {"flag": [flag.pk], "note": " "}, follow=True)
            .content.decode()
        )
        assert "Say why the flagged item is right." in page
        flag.refresh_from_db()
        assert flag.status == "open"

    def test_an_approver_sends_a_run_back_with_a_note_the_officer_reads(self) -> None:
        from joinedup.audit.models import AuditEvent

        run = self.make_run()
        approver = self.signed_in(self.payroll_approver)
        empty = approver.post(f"/payroll/runs/{run.pk}/send-back", {"note": ""}).content.decode()
        assert "<title>Error: Send back" in empty
        assert (
            '<a href="#id_note">Enter the note saying what the payroll officer needs to change.</a>' in empty
        )
        approver.post(f"/payroll/runs/{run.pk}/send-back", {"note": "Ada's overtime is missing"})
        run.refresh_from_db()
        assert run.status == RunStatus.DRAFT
        event = AuditEvent.objects.for_partner(self.council).filter(action="payrun.sent_back").get()
        assert event.after["note"] == "Ada's overtime is missing"
        page = self.signed_in(self.payroll_officer).get(f"/payroll/runs/{run.pk}").content.decode()
        assert "Sent back by the approver:</strong> Ada&#x27;s overtime is missing" in page

    def test_the_officer_cannot_send_a_run_back_and_nothing_changes(self) -> None:
        run = self.make_run()
        response = self.signed_in(self.payroll_officer).post(
            f"/payroll/runs/{run.pk}/send-back", {"note": "No"}
        )
        assert response.status_code == 403
        run.refresh_from_db()
        assert run.status == RunStatus.CALCULATED

    def test_a_run_whose_pay_date_has_passed_warns_with_the_bacs_refusal(self) -> None:
        # The words are payroll.documents.bacs_processing_problem's: the page repeats no rule.
        run = payrun_approve(actor=self.payroll_approver, run=self.make_run())  # paid 25 November 2026
        with mock.patch("joinedup.web.payroll.views.timezone.localdate", return_value=date(2026, 12, 5)):
            page = self.signed_in(self.payroll_officer).get(f"/payroll/runs/{run.pk}").content.decode()
        assert (
            "The pay date 25 November 2026 has passed: give a new processing date "
            "(today, 5 December 2026, or later) for the BACS file."
        ) in page
        assert 'data-testid="bacs-processing-date"' in page

    def test_a_run_paid_in_the_future_or_already_paid_gives_no_warning(self) -> None:
        run = self.make_run()
        client = self.signed_in(self.payroll_officer)
        with mock.patch("joinedup.web.payroll.views.timezone.localdate", return_value=date(2026, 11, 20)):
            assert (
                'data-testid="pay-date-warning"' not in client.get(f"/payroll/runs/{run.pk}").content.decode()
            )
        run = payrun_approve(actor=self.payroll_approver, run=run)
        PayRun.objects.for_partner(self.council).filter(pk=run.pk).update(status=RunStatus.PAID)
        with mock.patch("joinedup.web.payroll.views.timezone.localdate", return_value=date(2026, 12, 5)):
            assert (
                'data-testid="pay-date-warning"' not in client.get(f"/payroll/runs/{run.pk}").content.decode()
            )

    def test_payment_file_links_show_only_to_those_who_may_download_them(self) -> None:
        # payroll/run_files.py: BACS and FPS go to payroll officers, not approvers.
        run = payrun_approve(actor=self.payroll_approver, run=self.make_run())
        officer = self.signed_in(self.payroll_officer).get(f"/payroll/runs/{run.pk}").content.decode()
        approver = self.signed_in(self.payroll_approver).get(f"/payroll/runs/{run.pk}").content.decode()
        assert "BACS payment file" in officer and "Full Payment Submission" in officer
        assert "BACS payment file" not in approver and "Full Payment Submission" not in approver
        assert (
            self.signed_in(self.payroll_approver).get(f"/payroll/runs/{run.pk}/bacs.txt").status_code == 403
        )

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
