"""The collective-consultation duty from the dated rule file (change/rules/consultation.toml):
the minimum period by the number proposed redundant at one establishment within 90 days, the
earliest date the first dismissal may take effect, and the date HR1 is due."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.change.consultation_rules import duty_for, most_within_window, rule_sets, rules_on

START = date(2026, 10, 15)


class TestTheMinimumPeriod:
    @pytest.mark.parametrize(
        ("number", "days"),
        [(0, 0), (19, 0), (20, 30), (99, 30), (100, 45), (2500, 45)],
    )
    def test_it_follows_the_number_proposed_redundant(self, number: int, days: int) -> None:
        # TULRCA 1992 s.188(1): no collective duty below 20; s.188(1A): 30 days for 20 to 99,
        # 45 days for 100 or more.
        duty = duty_for(number, START)
        assert (duty.period_days, duty.collective) == (days, days > 0)

    def test_a_45_day_period_from_15_october_lets_the_first_dismissal_take_effect_on_29_november(
        self,
    ) -> None:
        # s.188(1A)(a): consultation begins at least 45 days before the first dismissal takes
        # effect; s.193(1): HR1 reaches the Secretary of State at least 45 days before it too.
        duty = duty_for(100, START)
        assert duty.period_ends == date(2026, 11, 28)
        assert duty.earliest_dismissal == date(2026, 11, 29)
        assert duty.hr1_due == date(2026, 10, 15)
        assert duty.summary == (
            "100 proposed redundant: at least 45 days' collective consultation before the first "
            "dismissal takes effect (TULRCA 1992 s.188(1A)), and form HR1 to the Secretary of State "
            "at least 45 days before it (s.193)."
        )

    def test_a_30_day_period_from_1_october_runs_to_30_october(self) -> None:
        # s.188(1A)(b) and s.193(2): 30 days for 20 to 99.
        duty = duty_for(20, date(2026, 10, 1))
        assert (duty.period_ends, duty.earliest_dismissal, duty.hr1_due) == (
            date(2026, 10, 30),
            date(2026, 10, 31),
            date(2026, 10, 1),
        )

    def test_below_20_there_is_no_collective_duty_and_no_hr1(self) -> None:
        duty = duty_for(19, START)
        assert (duty.hr1_due, duty.period_ends) == (None, START)
        assert duty.summary == (
            "19 proposed redundant: fewer than 20, so no collective consultation is required by "
            "TULRCA 1992 s.188 (consult each person individually)."
        )

    def test_before_6_april_2013_100_or_more_needed_90_days(self) -> None:
        # SI 2013/763 cut the 90 days to 45 for consultations beginning on or after 6 April 2013.
        assert duty_for(100, date(2013, 4, 5)).period_days == 90
        assert duty_for(100, date(2013, 4, 6)).period_days == 45
        assert duty_for(99, date(2013, 4, 5)).period_days == 30

    def test_every_rule_set_names_its_source(self) -> None:
        assert [s.effective_from for s in rule_sets()] == [date(1995, 10, 26), date(2013, 4, 6)]
        assert all(
            "Trade Union and Labour Relations (Consolidation) Act 1992" in s.source for s in rule_sets()
        )
        assert rules_on(START).window_days == 90
        with pytest.raises(ValueError, match="No consultation rules in force on 1 January 1990"):
            rules_on(date(1990, 1, 1))


class TestTheNinetyDayCount:
    def test_it_counts_the_busiest_90_days(self) -> None:
        # s.188(1): "at one establishment within a period of 90 days or less". 1 April and
        # 29 June are 89 days apart (one 90-day period); 30 June is the 91st day.
        dismissals = [(date(2027, 4, 1), 12), (date(2027, 6, 29), 8), (date(2027, 6, 30), 5)]
        assert most_within_window(dismissals, 90) == 20
        assert most_within_window([(date(2027, 4, 1), 12), (date(2027, 6, 30), 8)], 90) == 12
        assert most_within_window([], 90) == 0
