"""The demo's voluntary redundancy window (issue 12): a dozen expressions of interest at the
council on the Wessex programme, the quotes of its members of 55 and over carrying the pension
strain from the fund's uploaded factor table, and three decided, one accepted into final pay."""

from __future__ import annotations

from datetime import date

from joinedup.change import selectors
from joinedup.change.models import VrInterest, VrStatus, VrWindow
from joinedup.core import rls
from joinedup.payroll.models import PayItem
from tests.demo_checks.base import DemoChecks


class DemoVoluntaryRedundancyChecks(DemoChecks):
    def test_the_council_window_has_a_dozen_interests_with_strain_for_its_older_members(self) -> None:
        window = VrWindow.objects.unscoped(reason="the demo test reads the demo's window").get()
        assert window.programme.name == "One HR and payroll service for Wessex"
        interests = list(
            VrInterest.objects.unscoped(reason="the demo test reads the interests").filter(window=window)
        )
        assert len(interests) == 12
        assert sorted(i.status for i in interests if i.status != VrStatus.SUBMITTED) == [
            VrStatus.ACCEPTED,
            VrStatus.DECLINED,
            VrStatus.DEFERRED,
        ]
        with rls.system_context("the demo test works out the demo's quotes"):
            quotes = {
                i.employment.payroll_number: selectors.vr_quote_whole(i, today=date(2026, 12, 1))
                for i in interests
            }
        strained = sorted(
            n for n, q in quotes.items() if q.quote.strain is not None and q.quote.strain.amount
        )
        assert strained == ["WCC900001", "WCC9310"]
        head = next(i for i in interests if i.employment.payroll_number == "WCC9310")
        assert head.status == VrStatus.ACCEPTED and head.leaving_confirmed_at is not None
        assert head.employment.end_date == date(2027, 3, 31)
        codes = PayItem.objects.unscoped(reason="the demo test reads the final pay").filter(
            employment=head.employment
        )
        assert sorted(codes.values_list("code", "treatment")) == [
            ("holiday_pay", "earnings"),
            ("pilon", "earnings"),
            ("redundancy", "termination_award"),
        ]
