from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.ledger.chart import load_chart
from joinedup.ledger.models import (
    Account,
    Budget,
    CostCentre,
    FinancialYear,
    Journal,
    JournalLine,
    JournalSource,
    Period,
    PeriodStatus,
    PostedJournalError,
)
from joinedup.ledger.selectors import accounts_of, trial_balance
from joinedup.ledger.services import (
    CostCentreInput,
    LineInput,
    budget_set,
    journal_post,
    journal_reverse,
    ledger_setup_partner,
    period_close,
)
from joinedup.ledger.tests.base import IN_MAY, YEAR, LedgerTestCase
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.people.services import org_unit_create


def period(partner: Any, number: int) -> Period:
    return Period.objects.for_partner(partner).get(year__start_year=YEAR, number=number)


def events(partner: Any, action: str) -> int:
    return AuditEvent.objects.for_partner(partner).filter(action=action).count()


class TestSetUp(LedgerTestCase):
    def test_a_partner_gets_the_template_chart(self) -> None:
        codes = list(
            Account.objects.for_partner(self.council).order_by("code").values_list("code", flat=True)
        )
        assert codes == sorted(a.code for a in load_chart().accounts)
        debtor = Account.objects.for_partner(self.council).get(code="B210")
        assert (debtor.type, debtor.inter_partner, debtor.group) == ("asset", True, "Debtors")

    def test_a_financial_year_runs_from_1_april_to_31_march_in_twelve_monthly_periods(self) -> None:
        year = FinancialYear.objects.for_partner(self.council).get()
        assert (year.label, year.start_date, year.end_date) == (
            "2026/27",
            date(2026, 4, 1),
            date(2027, 3, 31),
        )
        periods = list(Period.objects.for_partner(self.council).order_by("number"))
        assert [p.number for p in periods] == list(range(1, 13))
        assert (periods[0].start_date, periods[0].end_date) == (date(2026, 4, 1), date(2026, 4, 30))
        assert (periods[10].start_date, periods[10].end_date) == (date(2027, 2, 1), date(2027, 2, 28))
        assert periods[11].end_date == date(2027, 3, 31)
        assert {p.status for p in periods} == {PeriodStatus.OPEN}

    def test_it_creates_the_cost_centres_it_is_given_parents_first_and_keeps_existing_ones(self) -> None:
        kept = CostCentre.objects.for_partner(self.council).get(code="HR")
        result = ledger_setup_partner(
            actor=self.council_finance,
            partner=self.council,
            year=YEAR,
            cost_centres=[
                CostCentreInput(code="HR", name="A new name for HR"),
                CostCentreInput(code="OPS", name="Operations"),
                CostCentreInput(code="OPS-1", name="Operations: north", parent="OPS"),
                CostCentreInput(code="OPS-2", name="Operations: south", parent="HR"),
            ],
        )
        assert result.cost_centres_created == 3
        centres = {
            c.code: (c.name, c.parent.code if c.parent else None)
            for c in CostCentre.objects.for_partner(self.council)
            .filter(code__in=["HR", "OPS", "OPS-1", "OPS-2"])
            .select_related("parent")
        }
        assert centres == {
            "HR": (kept.name, None),
            "OPS": ("Operations", None),
            "OPS-1": ("Operations: north", "OPS"),
            "OPS-2": ("Operations: south", "HR"),
        }

    def test_setting_up_again_adds_only_what_is_missing(self) -> None:
        child = org_unit_create(
            actor=self.shared_hr,
            partner=self.council,
            code="HR-PAY",
            name="Payroll",
            parent=self.council_unit,
        )
        salaries = Account.objects.for_partner(self.council).get(code="1000")
        salaries.name = "Pay: council scheme"
        salaries.save()
        before = events(self.council, "ledger.set_up")
        result = ledger_setup_partner(
            actor=self.council_finance,
            partner=self.council,
            year=YEAR,
            cost_centres=establishment_cost_centres(self.council),
        )
        assert (result.accounts_created, result.cost_centres_created, result.periods_created) == (0, 1, 0)
        payroll_centre = CostCentre.objects.for_partner(self.council).get(code="HR-PAY")
        assert (payroll_centre.parent_id, payroll_centre.org_unit) == (
            CostCentre.objects.for_partner(self.council).get(code="HR").pk,
            child,
        )
        assert Account.objects.for_partner(self.council).get(code="1000").name == "Pay: council scheme"
        assert events(self.council, "ledger.set_up") == before + 1
        again = ledger_setup_partner(
            actor=self.council_finance,
            partner=self.council,
            year=YEAR,
            cost_centres=establishment_cost_centres(self.council),
        )
        assert (again.accounts_created, again.cost_centres_created, again.periods_created) == (0, 0, 0)
        assert events(self.council, "ledger.set_up") == before + 1  # nothing changed, nothing recorded

    def test_the_next_year_adds_twelve_periods_and_no_accounts(self) -> None:
        result = ledger_setup_partner(
            actor=self.council_finance,
            partner=self.council,
            year=YEAR + 1,
            cost_centres=establishment_cost_centres(self.council),
        )
        assert (result.accounts_created, result.periods_created, result.year.label) == (0, 12, "2027/28")
        assert Period.objects.for_partner(self.council).count() == 24

    def test_a_finance_officer_of_another_partner_cannot_set_it_up(self) -> None:
        with pytest.raises(PermissionDenied):
            ledger_setup_partner(
                actor=self.police_finance,
                partner=self.council,
                year=YEAR + 1,
                cost_centres=establishment_cost_centres(self.council),
            )
        assert FinancialYear.objects.for_partner(self.council).count() == 1


class TestPosting(LedgerTestCase):
    def test_a_balanced_journal_is_posted_with_its_lines_and_one_audit_event(self) -> None:
        before = events(self.council, "journal.posted")
        journal = self.post(self.stationery(12345))
        assert (journal.source, journal.period, journal.posted_by) == (
            JournalSource.MANUAL,
            period(self.council, 2),
            self.council_finance,
        )
        lines = list(
            journal.lines.order_by("id").values_list("account__code", "debit", "credit", "cost_centre__code")
        )
        assert lines == [("4200", 12345, 0, "HR"), ("B100", 0, 12345, None)]
        line = journal.lines.first()
        assert line is not None
        assert (line.partner_id, line.period_id, line.date) == (self.council.pk, journal.period_id, IN_MAY)
        assert events(self.council, "journal.posted") == before + 1

    def test_an_unbalanced_journal_is_refused_with_nothing_written(self) -> None:
        written = self.written(self.council)
        lines = [LineInput("4200", debit=10001, cost_centre="HR"), LineInput("B100", credit=10000)]
        with pytest.raises(ValidationError) as caught:
            self.post(lines)
        assert caught.value.message_dict == {
            "lines": [
                "Debits £100.01 and credits £100.00 differ by £0.01: a journal must balance to the penny."
            ]
        }
        assert self.written(self.council) == written

    def test_each_bad_line_is_named_with_what_is_wrong(self) -> None:
        lines: list[Any] = [
            LineInput("9999", debit=100, cost_centre="HR"),
            LineInput("4200", debit=100),
            LineInput("B100", debit=50, credit=50),
            LineInput("B100", credit=-5),
            LineInput("B100", credit=1.5),  # type: ignore[arg-type]
            LineInput("B210", credit=100),
            LineInput("4200", debit=1, cost_centre="NOWHERE"),
        ]
        with pytest.raises(ValidationError) as caught:
            self.post(lines)
        errors = caught.value.message_dict
        assert errors["lines[0].account"] == ["Wessex County Council has no account '9999'."]
        assert errors["lines[1].cost_centre"] == [
            "Account 4200 Printing, stationery and postage needs a cost centre."
        ]
        assert errors["lines[2]"] == ["A line is either a debit or a credit, and not zero."]
        assert errors["lines[3]"] == ["Amounts cannot be negative: use the other side."]
        assert errors["lines[4]"] == ["Amounts are whole pence (integers)."]
        assert errors["lines[5].counterparty"] == [
            "Account B210 Debtors: inter-partner balances needs the other partner."
        ]
        assert errors["lines[6].cost_centre"] == ["Wessex County Council has no cost centre 'NOWHERE'."]
        assert self.written(self.council) == (0, 0)

    def test_a_journal_needs_two_lines_and_a_description(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.post([LineInput("B100", debit=0, credit=0)], description=" ")
        assert caught.value.message_dict["lines"][0] == "A journal needs at least two lines."
        assert caught.value.message_dict["description"] == ["Say what the journal is for."]

    def test_an_inter_partner_balance_names_the_other_partner(self) -> None:
        journal = self.post(
            [
                LineInput("B210", debit=500, counterparty="WPOL"),
                LineInput("9300", credit=500, cost_centre="HR"),
            ]
        )
        assert journal.lines.get(account__code="B210").counterparty == self.police

    def test_a_date_with_no_period_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.post(self.stationery(100), on=date(2027, 4, 1))
        assert caught.value.message_dict == {
            "date": [
                "Wessex County Council has no financial period for 1 April 2027: set up that year first."
            ]
        }

    def test_posting_into_a_closed_period_is_refused(self) -> None:
        period_close(actor=self.council_finance, period=period(self.council, 2))
        with pytest.raises(ValidationError) as caught:
            self.post(self.stationery(100))
        assert caught.value.message_dict == {
            "date": ["2026/27 period 2 (May 2026) is closed: post into an open period."]
        }
        assert self.written(self.council) == (0, 0)
        self.post(self.stationery(100), on=date(2026, 6, 1))  # the next period is still open

    def test_the_same_idempotency_key_posts_once(self) -> None:
        first = self.post(self.stationery(100), key="purchase-invoice:7")
        again = self.post(self.stationery(100), key="purchase-invoice:7")
        assert again.pk == first.pk
        assert self.written(self.council) == (1, 2)
        assert events(self.council, "journal.posted") == 1

    def test_a_key_already_posted_with_other_lines_is_refused_not_taken_as_posted(self) -> None:
        first = self.post(self.stationery(100), key="purchase-invoice:7")
        with pytest.raises(ValidationError) as caught:
            self.post(self.stationery(999), key="purchase-invoice:7")
        assert caught.value.message_dict == {
            "idempotency_key": [
                f"WCC already has journal {first.pk} keyed 'purchase-invoice:7' (Manual journal with no "
                "reference), and it is not this posting: its source or lines differ. Nothing was posted."
            ]
        }
        assert self.written(self.council) == (1, 2)

    def test_a_manual_journal_may_not_take_a_key_the_system_posts_under(self) -> None:
        # Issue 20: a 1p journal keyed payroll-run:6 made run 6's payroll journal "already posted".
        for key in (
            "payroll-run:6",
            "recharge:2026-10:WCC",
            "secondment:2026-10:3",
            "reversal:1",
            "import:0123456789abcdef:J1",
            "manual:anything",
            " Payroll-Run:6",
        ):
            with self.subTest(key=key), pytest.raises(ValidationError) as caught:
                self.post(self.stationery(1), key=key)
            assert caught.value.message_dict == {
                "idempotency_key": [
                    "Keys starting payroll-run:, recharge:, secondment:, reversal:, import:, manual: are "
                    "kept for the journals the system posts itself: choose another key."
                ]
            }
        assert self.written(self.council) == (0, 0)
        assert events(self.council, "journal.posted") == 0

    def test_a_manual_journal_may_not_claim_a_source_only_the_system_posts(self) -> None:
        with pytest.raises(ValidationError) as caught:
            journal_post(
                actor=self.council_finance,
                partner=self.council,
                date=IN_MAY,
                lines=self.stationery(1),
                description="Not a payroll journal",
                source=JournalSource.PAYROLL_RUN,
            )
        assert caught.value.message_dict == {
            "source": ["Payroll run journals are posted by their own service."]
        }
        assert self.written(self.council) == (0, 0)

    def test_another_partner_may_use_the_same_key_in_its_own_ledger(self) -> None:
        self.post(self.stationery(100), key="invoice:1")
        police = self.post(
            [LineInput("4200", debit=100, cost_centre="FIN"), LineInput("B100", credit=100)],
            actor=self.police_finance,
            partner=self.police,
            key="invoice:1",
        )
        assert police.partner == self.police
        assert self.written(self.police) == (1, 2)

    def test_a_user_of_another_partner_is_refused_and_nothing_changes(self) -> None:
        for user in (self.police_finance, self.council_hr, self.council_viewer, self.ops_admin):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied):
                self.post(self.stationery(100), actor=user)
        assert self.written(self.council) == (0, 0)
        assert events(self.council, "journal.posted") == 0

    def test_a_posted_journal_cannot_be_changed_or_deleted(self) -> None:
        journal = self.post(self.stationery(100))
        line = journal.lines.first()
        assert line is not None
        journal.description = "Something else"
        line.debit = 1
        for attempt in (journal.save, journal.delete, line.save, line.delete):
            with self.subTest(attempt=attempt), pytest.raises(PostedJournalError):
                attempt()
        with pytest.raises(PostedJournalError):
            Journal.objects.for_partner(self.council).update(description="x")
        with pytest.raises(PostedJournalError):
            JournalLine.objects.for_partner(self.council).delete()
        assert Journal.objects.for_partner(self.council).get().description == "Test journal"
        assert sorted(JournalLine.objects.for_partner(self.council).values_list("debit", "credit")) == [
            (0, 100),
            (100, 0),
        ]


class TestReversal(LedgerTestCase):
    def test_reversing_a_journal_restores_every_balance(self) -> None:
        journal = self.post(self.stationery(4321))
        reversal = journal_reverse(actor=self.council_finance, journal=journal)
        assert (reversal.source, reversal.reverses, reversal.date) == (
            JournalSource.REVERSAL,
            journal,
            IN_MAY,
        )
        assert list(reversal.lines.order_by("id").values_list("account__code", "debit", "credit")) == [
            ("4200", 0, 4321),
            ("B100", 4321, 0),
        ]
        balances = trial_balance(self.council_finance, partner=self.council, period=period(self.council, 2))
        assert {r.account.code: r.balance for r in balances.rows} == {"4200": 0, "B100": 0}
        assert events(self.council, "journal.reversed") == 1

    def test_a_journal_is_reversed_once(self) -> None:
        journal = self.post(self.stationery(100))
        first = journal_reverse(actor=self.council_finance, journal=journal)
        assert journal_reverse(actor=self.council_finance, journal=journal).pk == first.pk
        assert self.written(self.council) == (2, 4)

    def test_a_journal_in_a_closed_period_is_reversed_into_an_open_one(self) -> None:
        journal = self.post(self.stationery(100))
        period_close(actor=self.council_finance, period=period(self.council, 2))
        with pytest.raises(ValidationError, match="is closed"):
            journal_reverse(actor=self.council_finance, journal=journal)
        reversal = journal_reverse(actor=self.council_finance, journal=journal, date=date(2026, 6, 3))
        assert reversal.period == period(self.council, 3)

    def test_a_finance_officer_of_another_partner_cannot_reverse(self) -> None:
        journal = self.post(self.stationery(100))
        with pytest.raises(PermissionDenied):
            journal_reverse(actor=self.police_finance, journal=journal)
        assert self.written(self.council) == (1, 2)


class TestPeriodClose(LedgerTestCase):
    def test_closing_a_period_records_who_and_when(self) -> None:
        closed = period_close(actor=self.council_finance, period=period(self.council, 1))
        assert (closed.status, closed.closed_by) == (PeriodStatus.CLOSED, self.council_finance)
        assert closed.closed_at is not None
        assert events(self.council, "period.closed") == 1

    def test_a_closed_period_cannot_be_closed_again(self) -> None:
        period_close(actor=self.council_finance, period=period(self.council, 1))
        with pytest.raises(ValidationError, match="already closed"):
            period_close(actor=self.council_finance, period=period(self.council, 1))

    def test_only_the_partners_finance_officer_closes_its_periods(self) -> None:
        for user in (self.police_finance, self.council_viewer, self.ops_admin):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied):
                period_close(actor=user, period=period(self.council, 1))
        assert period(self.council, 1).status == PeriodStatus.OPEN


class TestBudgets(LedgerTestCase):
    def centre(self, code: str = "HR") -> CostCentre:
        return CostCentre.objects.for_partner(self.council).get(code=code)

    def account(self, code: str, partner: Any = None) -> Account:
        return Account.objects.for_partner(partner or self.council).get(code=code)

    def test_a_budget_line_is_set_and_then_replaced(self) -> None:
        may = period(self.council, 2)
        budget_set(
            actor=self.council_finance,
            cost_centre=self.centre(),
            account=self.account("4200"),
            period=may,
            amount=50000,
        )
        budget = budget_set(
            actor=self.council_finance,
            cost_centre=self.centre(),
            account=self.account("4200"),
            period=may,
            amount=65000,
        )
        assert list(Budget.objects.for_partner(self.council).values_list("pk", "amount")) == [
            (budget.pk, 65000)
        ]
        last = (
            AuditEvent.objects.for_partner(self.council).filter(action="budget.set").order_by("-seq").first()
        )
        assert last is not None
        assert (last.before, last.after["amount"]) == ({"amount": 50000}, 65000)

    def test_a_budget_is_refused_on_a_balance_sheet_account_or_anothers_account(self) -> None:
        may = period(self.council, 2)
        with pytest.raises(ValidationError) as caught:
            budget_set(
                actor=self.council_finance,
                cost_centre=self.centre(),
                account=self.account("B100"),
                period=may,
                amount=1,
            )
        assert list(caught.value.message_dict) == ["account"]
        with pytest.raises(ValidationError) as caught:
            budget_set(
                actor=self.council_finance,
                cost_centre=self.centre(),
                account=self.account("4200", self.police),
                period=period(self.police, 2),
                amount=1,
            )
        assert caught.value.message_dict == {
            "account": ["The account belongs to another partner."],
            "period": ["The period belongs to another partner."],
        }
        assert Budget.objects.for_partner(self.council).count() == 0

    def test_a_finance_officer_of_another_partner_cannot_set_a_budget(self) -> None:
        with pytest.raises(PermissionDenied):
            budget_set(
                actor=self.police_finance,
                cost_centre=self.centre(),
                account=self.account("4200"),
                period=period(self.council, 2),
                amount=1,
            )
        assert Budget.objects.for_partner(self.council).count() == 0


class TestTrialBalance(LedgerTestCase):
    def test_it_sums_each_account_in_a_period_or_a_date_range(self) -> None:
        self.post(self.stationery(1000))
        self.post(self.stationery(250), on=date(2026, 5, 31))
        self.post(self.stationery(7), on=date(2026, 6, 1))
        may = trial_balance(self.council_viewer, partner=self.council, period=period(self.council, 2))
        assert [(r.account.code, r.debits, r.credits, r.balance) for r in may.rows] == [
            ("4200", 1250, 0, 1250),
            ("B100", 0, 1250, -1250),
        ]
        assert (may.total_debits, may.total_credits, may.net) == (1250, 1250, 0)
        to_june = trial_balance(
            self.council_finance, partner=self.council, date_from=date(2026, 4, 1), date_to=date(2026, 6, 1)
        )
        assert [(r.account.code, r.balance) for r in to_june.rows] == [("4200", 1257), ("B100", -1257)]
        last_day = trial_balance(
            self.council_finance, partner=self.council, date_from=date(2026, 5, 31), date_to=date(2026, 5, 31)
        )
        assert last_day.total_debits == 250

    def test_it_wants_a_period_or_a_whole_date_range(self) -> None:
        with pytest.raises(ValidationError, match="both ends"):
            trial_balance(self.council_finance, partner=self.council, date_from=date(2026, 4, 1))
        with pytest.raises(ValidationError, match="another partner"):
            trial_balance(self.council_finance, partner=self.council, period=period(self.police, 1))

    def test_a_user_of_another_partner_cannot_read_it(self) -> None:
        self.post(self.stationery(1000))
        for user in (self.police_finance, self.council_hr):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied):
                trial_balance(user, partner=self.council, period=period(self.council, 2))
        with pytest.raises(PermissionDenied):
            accounts_of(self.police_finance, partner=self.council)

    def test_a_service_administrator_may_read_it(self) -> None:
        self.post(self.stationery(1000))
        assert (
            trial_balance(self.ops_admin, partner=self.council, period=period(self.council, 2)).total_debits
            == 1000
        )
