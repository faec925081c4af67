from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from joinedup.audit.models import AuditEvent
from joinedup.ledger import services as ledger_services
from joinedup.ledger.chart import load_chart
from joinedup.ledger.models import Account, CostCentre, Journal, JournalLine, JournalSource, Period
from joinedup.ledger.selectors import trial_balance
from joinedup.ledger.services import ledger_setup_partner, period_close
from joinedup.partnership.models import Role
from joinedup.payroll import posting
from joinedup.payroll.journal import ACCOUNTS, build_journal
from joinedup.payroll.models import PayRun
from joinedup.payroll.posting import establishment_cost_centres, post_payroll_run
from joinedup.payroll.services import payrun_approve
from joinedup.payroll.tests.test_pay_runs import NOVEMBER, PayrollTestCase
from joinedup.people.tests.charges import approved_split


class LedgerPayrollTestCase(PayrollTestCase):
    ledger_poster: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The shared service's finance team posts for every partner.
        cls.ledger_poster = cls.make_user(
            "shared.finance", [(p, Role.FINANCE_OFFICER) for p in (cls.council, cls.police, cls.fire)]
        )
        for partner in (cls.council, cls.police, cls.fire):
            ledger_setup_partner(
                actor=cls.ledger_poster,
                partner=partner,
                year=2026,
                cost_centres=establishment_cost_centres(partner),
            )

    def approved(self) -> PayRun:
        run = self.calculated()
        return payrun_approve(actor=self.payroll_approver, run=run)

    def ledger_lines(self, journal: Journal) -> dict[tuple[str, str], tuple[int, int]]:
        out: dict[tuple[str, str], tuple[int, int]] = {}
        for account, centre, counterparty, debit, credit in (
            JournalLine.objects.for_partner(journal.partner_id)
            .filter(journal=journal)
            .values_list("account__code", "cost_centre__code", "counterparty__code", "debit", "credit")
        ):
            out[(account, centre or counterparty or "")] = (debit, credit)
        return out


class TestPayrollChartMapping:
    def test_the_template_maps_every_payroll_account_key(self) -> None:
        mapping = load_chart().payroll
        # Every journal key, and the bank account a paid run's payment leaves (payroll.payments).
        assert set(mapping) == set(ACCOUNTS) | {"bank"}
        chart = load_chart()
        assert {k: chart.account(code).type for k, code in mapping.items()} == {
            "salaries": "expense",
            "employer_ni": "expense",
            "employer_class1a": "expense",
            "employer_pension": "expense",
            "hmrc": "liability",
            "pension_fund": "liability",
            "net_pay": "liability",
            "deductions": "liability",
            "inter_partner_debtor": "asset",
            "inter_partner_creditor": "liability",
            "bank": "asset",
        }


class TestEstablishmentCostCentres(LedgerPayrollTestCase):
    def test_cost_centres_follow_the_units_and_the_posts_cost_centre_codes(self) -> None:
        centres = {
            c.code: (c.parent.code if c.parent else None, c.org_unit_id)
            for c in CostCentre.objects.for_partner(self.council).select_related("parent")
        }
        assert centres == {
            "HR": (None, self.council_unit.pk),
            "CC-C-HR-01": ("HR", self.council_unit.pk),
            "UNALLOCATED": (None, None),
            "SHARED-POSTS": (None, None),
        }


class TestPostPayrollRun(LedgerPayrollTestCase):
    def test_an_approved_run_posts_the_payroll_journal_onto_the_chart(self) -> None:
        run = self.approved()
        [journal] = post_payroll_run(actor=self.ledger_poster, run=run)
        assert (journal.partner, journal.source, journal.idempotency_key, journal.date) == (
            self.council,
            JournalSource.PAYROLL_RUN,
            f"payroll-run:{run.pk}",
            NOVEMBER,
        )
        expected: dict[tuple[str, str], tuple[int, int]] = {}
        mapping = load_chart().payroll
        for line in build_journal(run):
            expected[(mapping[line.account], line.cost_centre)] = (line.debit, line.credit)
        assert self.ledger_lines(journal) == expected
        assert {key[0] for key in expected} >= {"1000", "1100", "1200", "B400", "B500", "B320"}
        tb = trial_balance(self.ledger_poster, partner=self.council, period=journal.period)
        assert tb.net == 0

    def test_posting_the_run_again_gives_the_same_journal(self) -> None:
        run = self.approved()
        first = post_payroll_run(actor=self.ledger_poster, run=run)
        again = post_payroll_run(actor=self.ledger_poster, run=run)
        assert [j.pk for j in again] == [j.pk for j in first]
        assert Journal.objects.for_partner(self.council).count() == 1

    def test_a_journal_already_holding_the_runs_key_fails_the_posting_loudly(self) -> None:
        # Issue 20: a 1p journal keyed payroll-run:N, posted before approval (as a script or a
        # version before keys were reserved could), made the run's journal count as posted.
        run = self.calculated()
        period = Period.objects.for_partner(self.council).get(start_date=date(2026, 11, 1))
        taken = Journal.objects.create(
            partner=self.council,
            period=period,
            date=NOVEMBER,
            source=JournalSource.MANUAL,
            idempotency_key=f"payroll-run:{run.pk}",
            description="A penny",
        )
        bank = Account.objects.for_partner(self.council).get(code="B100")
        JournalLine.objects.bulk_create(
            JournalLine(
                journal=taken, partner=self.council, period=period, date=NOVEMBER, account=bank, **side
            )
            for side in ({"debit": 1}, {"credit": 1})
        )
        with pytest.raises(ValidationError) as caught:
            payrun_approve(actor=self.payroll_approver, run=run)
        assert caught.value.message_dict == {
            "WCC.idempotency_key": [
                f"WCC already has journal {taken.pk} keyed 'payroll-run:{run.pk}' (Manual journal with "
                "no reference), and it is not this posting: its source or lines differ. Nothing was posted."
            ]
        }
        run.refresh_from_db()
        assert run.status == "calculated"
        assert Journal.objects.for_partner(self.council).count() == 1

    def test_a_shared_posts_cost_is_posted_to_each_charged_partners_ledger(self) -> None:
        approved_split(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            effective_to=None,
            reason="Shared chief executive",
            shares=[(self.council, Decimal(50)), (self.fire, Decimal(50))],
        )
        run = self.approved()
        journals = post_payroll_run(actor=self.ledger_poster, run=run)
        assert [j.partner for j in journals] == [self.council, self.fire]
        council, fire = (self.ledger_lines(j) for j in journals)
        fire_cost = sum(debit for debit, _ in fire.values())
        assert council[("B210", "WFRS")] == (fire_cost, 0)
        assert fire[("B310", "WCC")] == (0, fire_cost)
        assert {centre for (_, centre) in fire} == {"SHARED-POSTS", "WCC"}
        by_partner: dict[int, int] = defaultdict(int)
        for j in journals:
            for debit, credit in (
                JournalLine.objects.for_partner(j.partner_id).filter(journal=j).values_list("debit", "credit")
            ):
                by_partner[j.partner_id] += debit - credit
        assert dict(by_partner) == {self.council.pk: 0, self.fire.pk: 0}

    def test_a_failure_after_the_first_partners_journal_leaves_nothing_posted(self) -> None:
        approved_split(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            effective_to=None,
            reason="Shared chief executive",
            shares=[(self.council, Decimal(50)), (self.fire, Decimal(50))],
        )
        # Approve while the fire service has no period, so approval itself posts nothing.
        Period.objects.for_partner(self.fire).filter(start_date=date(2026, 11, 1)).delete()
        run = self.approved()
        ledger_setup_partner(actor=self.ledger_poster, partner=self.fire, year=2026)
        real = ledger_services.post_source_journal
        calls: list[str] = []

        def second_partner_fails(**kwargs: Any) -> Journal:
            calls.append(kwargs["partner"].code)
            if len(calls) == 2:
                raise ValidationError({"WFRS.lines": "the ledger refused it"})
            return real(**kwargs)

        with (
            mock.patch.object(posting, "post_source_journal", second_partner_fails),
            pytest.raises(ValidationError, match="the ledger refused it"),
        ):
            post_payroll_run(actor=self.ledger_poster, run=run)
        assert calls == ["WCC", "WFRS"]
        # The council's journal, posted first, went with the failure: a run posts whole or not at all.
        assert Journal.objects.for_partner(self.council).count() == 0
        assert Journal.objects.for_partner(self.fire).count() == 0
        assert not AuditEvent.objects.for_partner(self.council).filter(action="journal.posted").exists()
        [council, fire] = post_payroll_run(actor=self.ledger_poster, run=run)
        assert (council.partner, fire.partner) == (self.council, self.fire)

    def test_a_cost_centre_payroll_names_is_found_or_created_under_its_posts_unit(self) -> None:
        # As if the post had been created after the ledger was set up.
        CostCentre.objects.for_partner(self.council).filter(code="CC-C-HR-01").delete()
        run = self.approved()
        post_payroll_run(actor=self.ledger_poster, run=run)
        centre = CostCentre.objects.for_partner(self.council).select_related("parent").get(code="CC-C-HR-01")
        assert (centre.parent.code if centre.parent else None, centre.org_unit) == ("HR", self.council_unit)

    def test_a_run_not_yet_approved_is_not_posted(self) -> None:
        run = self.calculated()
        with pytest.raises(ValidationError, match="Only an approved run"):
            post_payroll_run(actor=self.ledger_poster, run=run)
        assert Journal.objects.for_partner(self.council).count() == 0

    def test_approval_posts_the_journal_to_every_partner_charged(self) -> None:
        approved_split(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            effective_to=None,
            reason="Shared chief executive",
            shares=[(self.council, Decimal(50)), (self.fire, Decimal(50))],
        )
        run = self.approved()
        [council] = Journal.objects.for_partner(self.council)
        [fire] = Journal.objects.for_partner(self.fire)
        assert {council.idempotency_key, fire.idempotency_key} == {f"payroll-run:{run.pk}"}
        event = AuditEvent.objects.for_partner(self.council).get(action="payrun.approved")
        assert (event.after["journals"], event.after["journal_waits_for"]) == ([council.pk, fire.pk], [])

    def test_a_run_approved_into_a_closed_period_is_approved_and_its_journal_waits(self) -> None:
        november = Period.objects.for_partner(self.council).get(start_date=date(2026, 11, 1))
        period_close(actor=self.ledger_poster, period=november)
        run = self.approved()
        assert run.status == "approved"
        assert Journal.objects.for_partner(self.council).count() == 0
        event = AuditEvent.objects.for_partner(self.council).get(action="payrun.approved")
        assert event.after["journal_waits_for"] == [f"WCC's {november} is closed"]
        with pytest.raises(ValidationError, match="is closed"):
            post_payroll_run(actor=self.ledger_poster, run=run)
        assert Journal.objects.for_partner(self.council).count() == 0

    def test_someone_who_neither_approves_nor_posts_for_the_employer_cannot_post(self) -> None:
        run = self.approved()
        police_finance = self.make_user("police.finance", [(self.police, Role.FINANCE_OFFICER)])
        for user in (police_finance, self.council_hr):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied):
                post_payroll_run(actor=user, run=run)
        assert Journal.objects.for_partner(self.council).count() == 1


class TestPostingLater(PayrollTestCase):
    def test_a_run_approved_before_its_ledger_existed_is_posted_later_from_the_cli(self) -> None:
        run = payrun_approve(actor=self.payroll_approver, run=self.calculated())
        event = AuditEvent.objects.for_partner(self.council).get(action="payrun.approved")
        assert event.after["journal_waits_for"] == ["WCC has no financial period for 25 November 2026"]
        finance = self.make_user("council.finance", [(self.council, Role.FINANCE_OFFICER)])
        ledger_setup_partner(
            actor=finance,
            partner=self.council,
            year=2026,
            cost_centres=establishment_cost_centres(self.council),
        )
        out = StringIO()
        call_command(
            "payroll",
            "post-journal",
            "--partner",
            "WCC",
            "--pay-date",
            "2026-11-25",
            "--as",
            "council.finance",
            stdout=out,
        )
        [journal] = Journal.objects.for_partner(self.council)
        assert journal.idempotency_key == f"payroll-run:{run.pk}"
        assert f"Posted to WCC's ledger: journal {journal.pk}" in out.getvalue()
