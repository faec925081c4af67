"""Properties of the ledger over generated journals: whatever is posted, refused or reversed,
every ledger balances and nothing refused leaves a trace.

Hypothesis's Django test case runs each example in a transaction of its own, rolled back after it."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisDjangoTestCase

from joinedup.ledger.models import Journal, JournalLine, Period
from joinedup.ledger.selectors import trial_balance
from joinedup.ledger.services import SYSTEM_KEY_PREFIXES, LineInput, journal_reverse, period_close
from joinedup.ledger.tests.base import LedgerTestCase

YEAR_START = date(2026, 4, 1)
YEAR_END = date(2027, 3, 31)
# Spending and income need a cost centre; balance-sheet lines do not.
ACCOUNTS = [("1000", "HR"), ("4200", "HR"), ("9000", "HR"), ("B100", ""), ("B300", ""), ("B400", "")]
EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

pence = st.integers(min_value=1, max_value=10**10)
dates = st.dates(min_value=YEAR_START, max_value=YEAR_END)


@st.composite
def split(draw: Any, total: int) -> list[int]:
    """``total`` cut into between one and five positive parts."""
    parts = draw(st.integers(1, min(5, total)))
    if parts == 1:
        return [total]
    cuts = sorted(
        draw(st.lists(st.integers(1, total - 1), min_size=parts - 1, max_size=parts - 1, unique=True))
    )
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def line(account: tuple[str, str], *, debit: int = 0, credit: int = 0) -> LineInput:
    return LineInput(account=account[0], debit=debit, credit=credit, cost_centre=account[1])


@st.composite
def balanced(draw: Any) -> list[LineInput]:
    debits = draw(st.lists(pence, min_size=1, max_size=5))
    credits = draw(split(sum(debits)))
    account = st.sampled_from(ACCOUNTS)
    lines = [line(draw(account), debit=d) for d in debits] + [line(draw(account), credit=c) for c in credits]
    return list(draw(st.permutations(lines)))


@st.composite
def unbalanced(draw: Any) -> list[LineInput]:
    lines = draw(balanced())
    off_by = draw(st.integers(min_value=1, max_value=10**6))
    extra = line(draw(st.sampled_from(ACCOUNTS)), **{draw(st.sampled_from(["debit", "credit"])): off_by})
    return [*lines, extra]


keys = (
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .filter(str.strip)
    .filter(lambda key: not key.strip().lower().startswith(SYSTEM_KEY_PREFIXES))
)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), balanced(), dates),
        st.tuples(st.just("refused"), unbalanced(), dates),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20), dates),
    ),
    min_size=1,
    max_size=8,
)


class TestLedgerProperties(HypothesisDjangoTestCase, LedgerTestCase):
    def totals(self) -> tuple[int, int]:
        sums = JournalLine.objects.for_partner(self.council).aggregate(d=Sum("debit"), c=Sum("credit"))
        return int(sums["d"] or 0), int(sums["c"] or 0)

    def balances(self) -> dict[str, int]:
        tb = trial_balance(self.council_finance, partner=self.council, date_from=YEAR_START, date_to=YEAR_END)
        assert tb.net == 0
        return {r.account.code: r.balance for r in tb.rows if r.balance}

    @EXAMPLES
    @given(operations)
    def test_any_sequence_of_postings_keeps_the_ledger_balanced(self, ops: list[Any]) -> None:
        expected: Counter[str] = Counter()
        posted: list[Journal] = []
        for kind, payload, on in ops:
            if kind == "post":
                posted.append(self.post(payload, on=on))
                for ln in payload:
                    expected[ln.account] += ln.debit - ln.credit
            elif kind == "refused":
                before = self.totals()
                with pytest.raises(ValidationError, match="must balance"):
                    self.post(payload, on=on)
                assert self.totals() == before
            elif posted:
                original = posted[payload % len(posted)]
                reversal = journal_reverse(actor=self.council_finance, journal=original, date=on)
                if reversal.pk not in {j.pk for j in posted}:
                    posted.append(reversal)
                    for code, debit, credit in original.lines.values_list("account__code", "debit", "credit"):
                        expected[code] -= debit - credit
            debits, credits = self.totals()
            assert debits == credits
        assert self.balances() == {code: amount for code, amount in expected.items() if amount}

    @EXAMPLES
    @given(st.lists(balanced(), min_size=1, max_size=4), dates)
    def test_reversing_journals_restores_the_balances_before_them(
        self, journals: list[Any], on: date
    ) -> None:
        self.post(self.stationery(9999))
        before = self.balances()
        posted = [self.post(lines, on=on) for lines in journals]
        for journal in posted:
            journal_reverse(actor=self.council_finance, journal=journal)
        assert self.balances() == before

    @EXAMPLES
    @given(unbalanced(), dates)
    def test_an_unbalanced_journal_is_refused_with_nothing_written(self, lines: list[Any], on: date) -> None:
        with pytest.raises(ValidationError) as caught:
            self.post(lines, on=on)
        assert list(caught.value.message_dict) == ["lines"]
        assert self.written(self.council) == (0, 0)

    @EXAMPLES
    @given(balanced(), dates)
    def test_posting_into_a_closed_period_is_refused(self, lines: list[Any], on: date) -> None:
        period = Period.objects.for_partner(self.council).get(start_date__lte=on, end_date__gte=on)
        period_close(actor=self.council_finance, period=period)
        with pytest.raises(ValidationError, match="is closed"):
            self.post(lines, on=on)
        assert self.written(self.council) == (0, 0)
        next_day = on + timedelta(days=1)
        if next_day > period.end_date and next_day <= YEAR_END:
            self.post(lines, on=next_day)

    @EXAMPLES
    @given(st.lists(balanced(), min_size=2, max_size=5), keys)
    def test_posting_the_same_key_again_gives_one_journal(self, attempts: list[Any], key: str) -> None:
        first = self.post(attempts[0], key=key)
        assert self.post(attempts[0], key=key).pk == first.pk
        # Other lines under a key already posted are refused, never answered with that journal.
        for lines in attempts[1:]:
            if sorted(map(repr, lines)) == sorted(map(repr, attempts[0])):
                assert self.post(lines, key=key).pk == first.pk
            else:
                with pytest.raises(ValidationError, match="its source or lines differ"):
                    self.post(lines, key=key)
        assert self.written(self.council) == (1, len(attempts[0]))

    @EXAMPLES
    @given(balanced(), st.sampled_from(["police_finance", "council_hr", "council_viewer", "union_rep"]))
    def test_a_user_without_the_right_on_the_partner_is_refused(self, lines: list[Any], who: str) -> None:
        with pytest.raises(PermissionDenied):
            self.post(lines, actor=getattr(self, who))
        assert self.written(self.council) == (0, 0)
