"""Harmonising a shared team's terms (change.harmonise), worked by hand.

Two schemes: ``aa`` (37-hour week, 26 days' leave rising to 31 after five years, points A1
£26,000, A2 £30,000, A3 £34,000, staff in the LGPS) and ``bb`` (35-hour week, 27 days, points B1
£28,000 and B2 £31,500, staff in the NHS scheme). Employer NI here is 15% above £5,000 (a round
stand-in for the rule file, passed in as the selectors pass oncosts.employer_ni_a_year).

Mo (council, WCC) is on aa A2 with six years' service, LGPS at the council's 18%; Pat
(constabulary, WPOL) is on bb B1 with two years, NHS scheme at 20%. The council's NHS-scheme rate
is 22% and the constabulary's LGPS rate 19.5%.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from joinedup.change.harmonise import (
    LEVEL_DOWN,
    LEVEL_UP,
    HarmoniseInputError,
    Member,
    Option,
    SchemeTerms,
    harmonisation_options,
)
from joinedup.core.money import round_nearest_penny_half_up

D = Decimal
AA = SchemeTerms(
    code="aa",
    name="Scheme A",
    standard_weekly_hours=D(37),
    leave=((0, D(26)), (5, D(31))),
    points=(("A1", D(26000)), ("A2", D(30000)), ("A3", D(34000))),
    pension_scheme="lgps_main",
)
BB = SchemeTerms(
    code="bb",
    name="Scheme B",
    standard_weekly_hours=D(35),
    leave=((0, D(27)),),
    points=(("B1", D(28000)), ("B2", D(31500))),
    pension_scheme="nhs_2015",
)
SCHEMES = {"aa": AA, "bb": BB}
RATES = {
    ("WCC", "lgps_main"): D(18),
    ("WCC", "nhs_2015"): D(22),
    ("WPOL", "lgps_main"): D("19.5"),
    ("WPOL", "nhs_2015"): D(20),
}
MO = Member("WCC1", "Mo", "WCC", "aa", "A2", D(30000), D(1), 6, True, D(18))
PAT = Member("WPOL1", "Pat", "WPOL", "bb", "B1", D(28000), D(1), 2, True, D(20))


def ni(pay: Decimal) -> Decimal:
    return round_nearest_penny_half_up(max(pay - D(5000), D(0)) * D("0.15"))


def options(members: list[Member] | None = None, years: int = 2) -> dict[tuple[str, str], Option]:
    found = harmonisation_options(
        members or [MO, PAT], schemes=SCHEMES, pension_rates=RATES, protection_years=years, employer_ni=ni
    )
    return {(o.scheme, o.method): o for o in found}


def test_it_offers_each_scheme_of_the_team_levelled_up_and_down() -> None:
    assert list(options()) == [("aa", LEVEL_UP), ("aa", LEVEL_DOWN), ("bb", LEVEL_UP), ("bb", LEVEL_DOWN)]


def test_levelling_up_to_aa_costs_the_shorter_week_and_pats_assimilation() -> None:
    option = options()[("aa", LEVEL_UP)]
    mo, pat = option.members
    # Mo keeps A2 but works the team's shortest week (35 hours, bb's): 30,000 x 2 / 35.
    assert (mo.new_point, mo.new_weekly_hours, mo.after.hours) == ("A2", D(35), D("1714.29"))
    assert mo.after.total == D("1714.29")
    # Pat: the lowest A point paying at least 28,000 is A2 (30,000): +2,000 pay, NI 15% of it,
    # pension 20% (her own, above the constabulary's LGPS 19.5%) of 30,000 less of 28,000;
    # leave the best of aa (26 at two years) and bb (27): 27, as now.
    assert (pat.new_point, pat.new_rate, pat.new_leave_days) == ("A2", D(30000), D(27))
    assert (pat.after.pay, pat.after.employer_ni, pat.after.employer_pension) == (D(2000), D(300), D(400))
    assert pat.after.total == D(2700)
    assert option.by_partner == {"WCC": [D("1714.29")] * 3, "WPOL": [D(2700)] * 3}
    assert option.total == [D("4414.29")] * 3


def test_levelling_down_to_aa_protects_pats_pay_for_the_years_given() -> None:
    option = options()[("aa", LEVEL_DOWN)]
    mo, pat = option.members
    assert mo.years == (D(0), D(0), D(0))
    # Pat to A1 (26,000, the highest A point not above 28,000), a 37-hour week, aa's 26 days,
    # the constabulary's LGPS rate 19.5%.
    assert (pat.new_point, pat.protected, pat.new_weekly_hours, pat.new_leave_days) == (
        "A1",
        True,
        D(37),
        D(26),
    )
    # After protection: pay -2,000; NI -300; pension 5,070 - 5,600 = -530; two more hours a week
    # at 26,000: 26,000 x (35 - 37) / 37 = -1,405.41; a day less leave: -26,000 / 260 = -100.
    assert pat.after.total == D("-4335.41")
    # Protected years: 28,000 still paid; pension 5,460 - 5,600 = -140; the hours at 28,000:
    # -1,513.51; the day of leave at 28,000: -107.69.
    assert pat.years == (D("-1761.20"), D("-1761.20"), D("-4335.41"))
    assert option.total == [D("-1761.20"), D("-1761.20"), D("-4335.41")]


def test_levelling_up_to_bb_moves_mo_to_b2_in_the_nhs_scheme() -> None:
    mo, pat = options()[("bb", LEVEL_UP)].members
    # Mo to B2 (31,500): +1,500 pay, +225 NI, pension at the council's NHS rate 22% on 31,500
    # (6,930) less 18% of 30,000 (5,400) = 1,530; the 35-hour week: 31,500 x 2 / 35 = 1,800;
    # leave the best of 31 and 27: 31, as now.
    assert (mo.new_point, mo.new_pension_rate, mo.new_leave_days) == ("B2", D(22), D(31))
    assert mo.after.total == D(5055)
    assert pat.after.total == D(0)


def test_levelling_down_to_bb_costs_mo_the_protected_years_then_saves() -> None:
    option = options()[("bb", LEVEL_DOWN)]
    mo = option.members[0]
    # After: pay -2,000, NI -300, pension 6,160 - 5,400 = 760, hours 28,000 x 2 / 35 = 1,600,
    # leave 27 - 31 = -4 days x 28,000 / 260 = -430.77.
    assert mo.after.total == D("-370.77")
    # Protected: pension 6,600 - 5,400 = 1,200; hours at 30,000: 1,714.29; leave -461.54.
    assert mo.years == (D("2452.75"), D("2452.75"), D("-370.77"))
    assert option.by_partner["WPOL"] == [D(0)] * 3


def test_no_protection_years_means_the_new_pay_from_the_first_year() -> None:
    pat = options(years=0)[("aa", LEVEL_DOWN)].members[1]
    assert (pat.protected, pat.years) == (False, (D("-4335.41"),))


def test_someone_paid_above_the_candidates_scale_keeps_their_rate_levelling_up() -> None:
    high = Member("WCC2", "Hi", "WCC", "aa", "A3", D(34000), D("0.5"), 1, False, D(0))
    cost = options([high, PAT])[("bb", LEVEL_UP)].members[0]
    assert (cost.new_point, cost.new_rate, cost.red_circled) == ("B2", D(34000), True)
    # Out of the pension scheme: no pension on-cost either side; half-time salary 17,000.
    assert cost.after.employer_pension == D(0)
    assert cost.after.hours == D("971.43")  # 17,000 x 2 / 35


def test_it_refuses_negative_protection_and_an_empty_team() -> None:
    with pytest.raises(HarmoniseInputError, match="negative"):
        options(years=-1)
    with pytest.raises(HarmoniseInputError, match="no members"):
        harmonisation_options([], schemes=SCHEMES, pension_rates=RATES, protection_years=1, employer_ni=ni)
