"""A pay run's files — journal, BACS payment file, FPS — are given and refused by one rule
(payroll.run_files) on every interface: the web pages, the API and the `joinedup payroll`
commands. The BACS file and the FPS are for payroll officers (payroll.calculate); the journal
for whoever may view the run (payroll.view). A refusal writes nothing."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.payroll.models import PayrollSettings, PayRun
from joinedup.payroll.services import payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.people.models import Person

PAY_DATE = date(2026, 11, 25)


class TestRunFilesEverywhere(PayrollTestCase):
    approved: PayRun

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        PayrollSettings.objects.create(
            partner=cls.council,
            bank_sort_code="309634",
            bank_account_number="12345678",
            bank_account_name="WESSEX CC SALARIES",
            bacs_user_number="123456",
        )
        Person.objects.unscoped(reason="test").update(
            gender="F", address_line1="1 High Street", town="Winchester"
        )
        Partner.objects.filter(pk=cls.council.pk).update(
            employer_paye_reference="961/WC10001", accounts_office_reference="961PA00010001"
        )
        run = payrun_create(
            actor=cls.payroll_officer, partner=cls.council, frequency="monthly", pay_date=PAY_DATE
        )
        payrun_calculate(actor=cls.payroll_officer, run=run)
        cls.approved = payrun_approve(actor=cls.payroll_approver, run=run)

    def events(self) -> int:
        return AuditEvent.objects.unscoped(reason="test: nothing is written anywhere").count()

    def command(self, kind: str, username: str, output: Path | None = None) -> str:
        args = [kind, "--partner", "WCC", "--pay-date", PAY_DATE.isoformat(), "--as", username]
        out = StringIO()
        call_command("payroll", *args, *(["-o", str(output)] if output else []), stdout=out)
        return out.getvalue()

    def refused_by_the_command(self, kind: str, username: str) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / f"{kind}.out"
            with pytest.raises(CommandError) as caught:
                self.command(kind, username, target)
            assert not target.exists()
        return str(caught.value)

    # --- BACS and FPS: payroll officers only -----------------------------------------------

    def test_an_approver_is_refused_the_bacs_file_and_the_fps_on_every_interface(self) -> None:
        web, api = self.signed_in(self.payroll_approver), self.api(self.payroll_approver)
        before = self.events()
        for name, reason in (
            ("bacs.txt", "Only payroll officers download payment files."),
            ("fps.xml", "Only payroll officers download the submission."),
        ):
            with self.subTest(name):
                assert web.get(f"/payroll/runs/{self.approved.pk}/{name}").status_code == 403
                answer = api.get(f"/api/v1/pay-runs/{self.approved.pk}/{name}")
                assert (answer.status_code, answer.json()) == (403, {"detail": reason})
        assert self.refused_by_the_command("fps", "payroll.approver") == (
            "Only payroll officers download the submission."
        )
        assert self.events() == before

    def test_a_payroll_officer_takes_the_bacs_file_and_the_fps_from_the_api(self) -> None:
        client = self.api(self.payroll_officer)
        # The pay date may have passed by the time this runs: the officer names a processing day.
        processing = max(timezone.localdate(), PAY_DATE)
        while processing.weekday() >= 5:
            processing += timedelta(days=1)
        bacs = client.get(f"/api/v1/pay-runs/{self.approved.pk}/bacs.txt?processing_date={processing}")
        fps = client.get(f"/api/v1/pay-runs/{self.approved.pk}/fps.xml")
        assert (bacs.status_code, bacs["X-Left-Out"]) == (200, "0")
        assert bacs["Content-Disposition"] == f'attachment; filename="bacs-{self.approved.pk}.txt"'
        assert (fps.status_code, fps["Content-Type"]) == (200, "application/xml")
        assert fps.content.startswith(b"<?xml")

    def test_a_payroll_officer_writes_the_fps_with_the_command_as_the_web_serves_it(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "fps.xml"
            said = self.command("fps", "payroll.officer", target)
            written = target.read_bytes()
        served = self.signed_in(self.payroll_officer).get(f"/payroll/runs/{self.approved.pk}/fps.xml").content
        assert said == f"Wrote {target} (2 employees).\n"
        assert written == served

    # --- the journal: whoever may view the run ---------------------------------------------

    def test_someone_who_may_not_view_the_run_is_refused_its_journal_on_every_interface(self) -> None:
        # The council's HR officer holds no payroll permission: the run is not theirs to see, so
        # the web and the API do not reveal it (404) and the command says who may.
        web, api = self.signed_in(self.council_hr), self.api(self.council_hr)
        before = self.events()
        assert web.get(f"/payroll/runs/{self.approved.pk}/journal.csv").status_code == 404
        assert api.get(f"/api/v1/pay-runs/{self.approved.pk}/journal.csv").status_code == 404
        assert self.refused_by_the_command("journal", "council.hr") == (
            "Only those who may view the pay run download its journal."
        )
        assert self.events() == before

    def test_an_approver_takes_the_same_journal_from_every_interface(self) -> None:
        web = self.signed_in(self.payroll_approver).get(f"/payroll/runs/{self.approved.pk}/journal.csv")
        api = self.api(self.payroll_approver).get(f"/api/v1/pay-runs/{self.approved.pk}/journal.csv")
        cli = self.command("journal", "payroll.approver")
        assert web.content == api.content == cli.encode()
        assert cli.splitlines()[0] == "partner,account,account_name,cost_centre,debit,credit,description"
