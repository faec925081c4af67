from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from joinedup.payroll.journal import build_journal, split_pennies
from joinedup.payroll.models import Payslip
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.people.services import cost_split_set


def balances(lines: list) -> dict[str, int]:  # type: ignore[type-arg]
    out: dict[str, int] = defaultdict(int)
    for line in lines:
        out[line.partner] += line.debit - line.credit
    return dict(out)


class TestPayrollJournal(PayrollTestCase):
    def test_it_balances_to_the_penny_and_charges_the_posts_cost_centre(self) -> None:
        run = self.calculated()
        lines = build_journal(run)
        assert balances(lines) == {"WCC": 0}
        slips = Payslip.objects.for_partner(self.council).filter(run=run)
        gross = sum(s.gross_pay for s in slips)
        salaries = {line.cost_centre: line.debit for line in lines if line.account == "salaries"}
        ada = slips.get(employment=self.council_emp)
        # Ada fills C-HR-01 (cost centre CC-C-HR-01); Mary fills no post.
        assert salaries == {"CC-C-HR-01": ada.gross_pay, "UNALLOCATED": gross - ada.gross_pay}
        owed_to_hmrc = sum(
            s.tax + s.ni_employee + s.ni_employer + s.student_loan + s.postgraduate_loan for s in slips
        )
        assert [line.credit for line in lines if line.account == "hmrc"] == [owed_to_hmrc]

    def test_a_shared_posts_cost_lands_in_each_partners_journal_by_its_split(self) -> None:
        cost_split_set(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            effective_to=None,
            reason="Shared chief executive",
            shares=[(self.council, Decimal(50)), (self.fire, Decimal(50))],
        )
        run = self.calculated()
        lines = build_journal(run)
        assert balances(lines) == {"WCC": 0, "WFRS": 0}
        ada = Payslip.objects.for_partner(self.council).get(run=run, employment=self.council_emp)
        cost = ada.gross_pay + ada.ni_employer + ada.pension_employer
        fire_cost = sum(line.debit for line in lines if line.partner == "WFRS")
        council_share = sum(
            line.debit for line in lines if line.partner == "WCC" and line.cost_centre == "CC-C-HR-01"
        )
        assert fire_cost + council_share == cost
        assert abs(fire_cost - council_share) <= 3  # at most a penny apart on each of three amounts
        debtor = [line.debit for line in lines if line.account == "inter_partner_debtor"]
        assert debtor == [fire_cost]


@given(
    total=st.integers(min_value=0, max_value=10**12),
    cuts=st.lists(st.integers(1, 99_999), min_size=1, max_size=6),
)
def test_shares_always_add_up_to_the_total(total: int, cuts: list[int]) -> None:
    raw = [Decimal(c) for c in cuts]
    percents = [r * 100 / sum(raw) for r in raw]
    percents = [p.quantize(Decimal("0.001")) for p in percents]
    percents[-1] += 100 - sum(percents)
    shares = split_pennies(total, percents)
    assert sum(shares) == total
    assert all(abs(Decimal(s) - Decimal(total) * p / 100) < 1 for s, p in zip(shares, percents, strict=True))


def test_the_journal_csv_shows_formula_like_text_as_text_and_amounts_as_numbers() -> None:
    import csv
    import io

    from joinedup.payroll.journal import JournalLine, write_journal_csv

    out = io.StringIO()
    write_journal_csv(
        [
            JournalLine("WCC", "salaries", '=HYPERLINK("http://x","y")', 1234, 0, "@SUM(A1)"),
            JournalLine("WCC", "net_pay", "HR", 0, 1234, "Net pay"),
        ],
        out,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1] == [
        "WCC",
        "salaries",
        "Employees: salaries and wages",
        '\'=HYPERLINK("http://x","y")',
        "12.34",
        "",
        "'@SUM(A1)",
    ]
    assert rows[2][4:6] == ["", "12.34"]
