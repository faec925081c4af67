from __future__ import annotations

import pytest

from joinedup.core.money import gbp, plain_pounds


@pytest.mark.parametrize(
    ("pence", "plain", "shown"),
    [
        (0, "0.00", "£0.00"),
        (5, "0.05", "£0.05"),
        (-5, "-0.05", "-£0.05"),
        (123456789, "1234567.89", "£1,234,567.89"),
        (-1234, "-12.34", "-£12.34"),
        (100, "1.00", "£1.00"),
    ],
)
def test_pence_show_as_pounds_exactly(pence: int, plain: str, shown: str) -> None:
    assert (plain_pounds(pence), gbp(pence)) == (plain, shown)


def test_amounts_beyond_float_precision_stay_exact() -> None:
    # 2**53 + 1 pence cannot be held exactly by a float.
    assert plain_pounds(2**53 + 1) == "90071992547409.93"
