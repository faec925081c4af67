"""A programme's costing (change/costing.py, change/costing_selectors.py): one-off costs and
recurring savings by partner and financial year, people's costs only of the partners the user
sees, and the same figures through the page, the API and the business case's function call."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from joinedup.change import services
from joinedup.change.costing import (
    Leaver,
    Protection,
    RecurringSaving,
    estimated_lgps_pension,
    programme_costing,
    spread_by_year,
)
from joinedup.change.costing_selectors import programme_costing_figures, programme_costing_for
from joinedup.change.redundancy import QuoteRequest
from joinedup.change.tests.base import ChangeTestCase


class TestThePureCosting:
    def test_a_year_is_spread_over_financial_years_by_days(self) -> None:
        # 1 January 2027 to 31 March 2027 is 90 of 2026/27's 365 days: 36,500 x 90 / 365 = 9,000.
        spread = spread_by_year(Decimal(36_500), date(2027, 1, 1), date(2028, 3, 31))
        # 2027/28 has 29 February 2028: 366 days, still one whole year.
        assert spread == {2026: Decimal("9000.00"), 2027: Decimal("36500.00")}

    def test_a_leaver_costs_their_quote_in_the_year_they_leave(self) -> None:
        # ERA 1996 s.162: 3 whole years, all at 22-40 (one week each), at £500 a week: £1,500;
        # s.86 notice for 3 years' service: 3 weeks, £1,500 more.
        request = QuoteRequest(
            date_of_birth=date(1985, 3, 14),
            start=date(2022, 6, 1),
            leaving=date(2026, 4, 30),
            weekly_pay=Decimal(500),
        )
        costing = programme_costing(leavers=[Leaver("WCC", 1, request)])
        assert [(ln.partner, ln.label, ln.leavers) for ln in costing.lines] == [("WCC", "2026/27", 1)]
        line = costing.lines[0]
        assert (line.redundancy, line.notice, line.strain, line.one_off) == (
            Decimal("1500.00"),
            Decimal("1500.00"),
            Decimal(0),
            Decimal("3000.00"),
        )

    def test_pay_protection_runs_for_the_protection_years_from_the_effective_date(self) -> None:
        # rules/costing.toml: 2 years. £3,650 a year from 1 October 2026 to 30 September 2028:
        # 182/365 of 2026/27, all of 2027/28 (366 days, whole), 183/365 of 2028/29.
        costing = programme_costing(
            leavers=[], protections=[Protection("WPOL", 9, date(2026, 10, 1), Decimal(3650))]
        )
        assert {ln.year: ln.protection for ln in costing.lines} == {
            2026: Decimal("1820.00"),
            2027: Decimal("3650.00"),
            2028: Decimal("1830.00"),
        }

    def test_savings_show_for_five_financial_years_from_the_first_change(self) -> None:
        costing = programme_costing(
            leavers=[], savings=[RecurringSaving("WCC", date(2026, 4, 1), Decimal(1000))]
        )
        assert [(ln.year, ln.savings) for ln in costing.lines] == [
            (y, Decimal("1000.00")) for y in range(2026, 2031)
        ]
        assert costing.recurring_by_partner == {"WCC": Decimal(1000)}
        assert costing.total.net == Decimal("5000.00")

    def test_a_missing_strain_factor_is_reported_not_counted_as_nil(self) -> None:
        request = QuoteRequest(
            date_of_birth=date(1966, 1, 1),
            start=date(2000, 1, 1),
            leaving=date(2026, 6, 30),
            weekly_pay=Decimal(600),
            pension_member=True,
            sex="F",
            annual_pension=Decimal(10_000),
        )
        costing = programme_costing(leavers=[Leaver("WCC", 7, request)])
        assert costing.total.strain == 0 and costing.total.leavers == 1
        assert costing.problems == [
            "Employment 7: The member's fund has no strain factor table in force on the leaving date; "
            "its strain cost is not included."
        ]

    def test_the_lgps_pension_is_estimated_from_april_2014_at_one_49th(self) -> None:
        # LGPS Regulations 2013 reg. 23(4). 1 April 2014 to 1 April 2024: 3,653 days / 365.25 =
        # 10.0013… years; £49,000 x that / 49 = £10,001.37.
        found = estimated_lgps_pension(
            annual_pay=Decimal(49_000), joined=date(2001, 1, 1), leaving=date(2024, 4, 1)
        )
        assert found == Decimal("10001.37")


class TestProgrammeCosting(ChangeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.at_risk_identify(actor=cls.shared_hr, structure=cls.structure)

    def test_council_hr_sees_the_councils_leavers_and_every_partners_savings(self) -> None:
        view = programme_costing_for(self.council_hr, programme_id=self.programme.pk)
        assert view.partners == ["WCC"]
        c = view.costing
        # Ada and Bob leave the day before 1 May 2026; Dan is the constabulary's, not shown.
        assert [(ln.partner, ln.label, ln.leavers) for ln in c.lines if ln.leavers] == [("WCC", "2026/27", 2)]
        # SCP12 £28,598 a year: £549.96 a week (28,598 / 52, half up). 3 whole years at 22-40
        # (s.162(2)): 3 weeks = £1,649.88 each, and 3 weeks' statutory notice (s.86) each.
        assert c.by_partner[0].redundancy == Decimal("3299.76")
        assert c.by_partner[0].notice == Decimal("3299.76")
        assert {p for p in c.recurring_by_partner} == {"WCC", "WPOL"}

    def test_shared_hr_sees_both_employers_leavers(self) -> None:
        view = programme_costing_for(self.shared_hr, programme_id=self.programme.pk)
        assert view.partners == ["WCC", "WPOL"]
        assert view.costing.total.leavers == 3

    def test_the_business_case_reads_the_same_figures_by_function_call(self) -> None:
        figures = programme_costing_figures(self.programme, partners=[self.council])
        shown = programme_costing_for(self.council_hr, programme_id=self.programme.pk).costing
        assert figures.total == shown.total

    def test_another_partners_hr_and_a_union_rep_get_404(self) -> None:
        for user in (self.fire_hr, self.union_rep):
            with self.subTest(user.username), pytest.raises(Http404):
                programme_costing_for(user, programme_id=self.programme.pk)
            assert (
                self.api(user).get(f"/api/v1/change/programmes/{self.programme.pk}/costing").status_code
                == 404
            )
            assert (
                self.signed_in(user).get(f"/change/programmes/{self.programme.pk}/costing").status_code == 404
            )

    def test_the_page_and_the_api_show_the_figures(self) -> None:
        page = self.signed_in(self.council_hr).get(f"/change/programmes/{self.programme.pk}/costing")
        assert page.status_code == 200
        assert "£3,299.76" in page.content.decode()
        body = self.api(self.council_hr).get(f"/api/v1/change/programmes/{self.programme.pk}/costing").json()
        assert body["people_of"] == ["WCC"]
        assert body["by_partner"][0]["redundancy"] == "3299.76"
        assert body["total"]["leavers"] == 2

    def test_the_page_says_which_years_the_savings_total_covers(self) -> None:
        # rules/costing.toml: five financial years from 2026/27, the structure taking effect on
        # 1 May 2026; the total sums them, and a full year is shown on its own.
        costing = programme_costing_for(self.council_hr, programme_id=self.programme.pk).costing
        assert (costing.savings_span, len(costing.savings_years)) == ("2026/27 to 2030/31", 5)
        page = self.signed_in(self.council_hr).get(f"/change/programmes/{self.programme.pk}/costing")
        text = page.content.decode()
        assert "Savings are shown for the 5 financial years 2026/27 to 2030/31" in text
        assert "the total is their sum, not a year's" in text
