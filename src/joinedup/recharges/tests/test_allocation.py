"""The pure allocation: largest remainder in whole pence, fixed percentages and one driver."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.recharges.allocation import Agreement, AllocationError, largest_remainder, share_pool

CODES = ["WCC", "WFRS", "WPOL", "XA", "XB", "XC"]
quantities = st.decimals(min_value=0, max_value=100_000, places=4, allow_nan=False, allow_infinity=False)
weights = st.dictionaries(st.sampled_from(CODES), quantities, min_size=1, max_size=6).filter(
    lambda w: sum(w.values()) > 0
)
pools = st.integers(min_value=-(10**10), max_value=10**10)


class TestLargestRemainder:
    def test_it_gives_the_odd_penny_to_the_largest_remainder(self) -> None:
        assert largest_remainder(1000, {"WCC": Decimal(2), "WPOL": Decimal(1)}) == {"WCC": 667, "WPOL": 333}

    def test_it_breaks_ties_by_partner_code(self) -> None:
        equal = {"WPOL": Decimal(1), "WFRS": Decimal(1), "WCC": Decimal(1)}
        assert largest_remainder(100, equal) == {"WCC": 34, "WFRS": 33, "WPOL": 33}
        assert largest_remainder(101, equal) == {"WCC": 34, "WFRS": 34, "WPOL": 33}

    def test_a_partner_with_no_quantity_gets_nothing(self) -> None:
        assert largest_remainder(999, {"WCC": Decimal(3), "WFRS": Decimal(0)}) == {"WCC": 999, "WFRS": 0}

    def test_an_all_zero_driver_is_an_error(self) -> None:
        with pytest.raises(AllocationError, match="Every quantity is zero"):
            largest_remainder(500, {"WCC": Decimal(0), "WPOL": Decimal(0)})

    @settings(max_examples=300, deadline=None)
    @given(total=pools, weights=weights)
    def test_shares_always_sum_to_the_pool_exactly(self, total: int, weights: dict[str, Decimal]) -> None:
        assert sum(largest_remainder(total, weights).values()) == total

    @settings(max_examples=300, deadline=None)
    @given(total=st.integers(min_value=0, max_value=10**10), weights=weights)
    def test_no_share_of_a_positive_pool_is_negative(self, total: int, weights: dict[str, Decimal]) -> None:
        shares = largest_remainder(total, weights)
        assert all(share >= 0 for share in shares.values())
        assert all(shares[k] == 0 for k, w in weights.items() if w == 0)

    @settings(max_examples=300, deadline=None)
    @given(total=pools, weights=weights)
    def test_each_share_is_proportional_within_a_penny(self, total: int, weights: dict[str, Decimal]) -> None:
        whole = sum(weights.values())
        for key, share in largest_remainder(total, weights).items():
            exact = Decimal(total) * weights[key] / whole
            assert abs(Decimal(share) - exact) < 1


class TestSharePool:
    def test_fixed_percentages_take_theirs_and_the_driver_shares_the_rest(self) -> None:
        shares = share_pool(
            100_000,
            [
                Agreement("WCC", "headcount"),
                Agreement("WPOL", "headcount"),
                Agreement("WFRS", "fixed_percentage", Decimal(10)),
            ],
            {"headcount": {"WCC": Decimal(3), "WPOL": Decimal("1.5")}},
        )
        assert [(s.partner, s.quantity, s.rate, s.amount) for s in shares] == [
            ("WCC", Decimal(3), Decimal("200.0000"), 60_000),
            ("WFRS", Decimal(10), Decimal("10.0000"), 10_000),
            ("WPOL", Decimal("1.5"), Decimal("200.0000"), 30_000),
        ]

    def test_an_all_zero_driver_names_the_driver_and_partners(self) -> None:
        with pytest.raises(AllocationError, match=r"The tickets driver measures zero .* \(WCC, WPOL\)"):
            share_pool(5000, [Agreement("WCC", "tickets"), Agreement("WPOL", "tickets")], {"tickets": {}})

    def test_two_drivers_in_one_pool_are_refused(self) -> None:
        with pytest.raises(AllocationError, match="name fte, headcount"):
            share_pool(5000, [Agreement("WCC", "headcount"), Agreement("WPOL", "fte")], {})

    def test_fixed_percentages_alone_must_make_a_hundred(self) -> None:
        with pytest.raises(AllocationError, match="add up to 90%"):
            share_pool(5000, [Agreement("WCC", "fixed_percentage", Decimal(90))], {})

    @settings(max_examples=200, deadline=None)
    @given(
        total=pools,
        fixed=st.decimals(min_value=1, max_value=60, places=3),
        counts=st.lists(st.integers(min_value=0, max_value=5000), min_size=2, max_size=2).filter(any),
    )
    def test_a_mixed_pool_is_shared_to_the_penny(self, total: int, fixed: Decimal, counts: list[int]) -> None:
        shares = share_pool(
            total,
            [
                Agreement("WFRS", "fixed_percentage", fixed),
                Agreement("WCC", "fte"),
                Agreement("WPOL", "fte"),
            ],
            {"fte": {"WCC": Decimal(counts[0]), "WPOL": Decimal(counts[1])}},
        )
        assert sum(s.amount for s in shares) == total
        fire = next(s for s in shares if s.partner == "WFRS")
        assert abs(Decimal(fire.amount) - Decimal(total) * fixed / 100) < 1
