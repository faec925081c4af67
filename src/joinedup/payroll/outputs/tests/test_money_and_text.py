"""The money and text helpers every format shares."""

from __future__ import annotations

import pytest

from joinedup.payroll.outputs.money import format_gbp, format_pounds, is_whole_pounds
from joinedup.payroll.outputs.text import fold_to_ascii, keep_only


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (0, "£0.00"),
        (5, "£0.05"),
        (123456, "£1,234.56"),
        (-1234, "-£12.34"),
        (-5, "-£0.05"),
        (10**11, "£1,000,000,000.00"),
    ],
)
def test_amounts_for_people_are_pounds_with_thousands_separators(pence: int, shown: str) -> None:
    assert format_gbp(pence) == shown


@pytest.mark.parametrize(
    ("pence", "shown"), [(0, "0.00"), (5, "0.05"), (123456, "1234.56"), (-1234, "-12.34")]
)
def test_amounts_for_hmrc_are_plain_pounds_with_two_decimals(pence: int, shown: str) -> None:
    assert format_pounds(pence) == shown


@pytest.mark.parametrize("bad", [1.5, True, "100"])
def test_money_helpers_refuse_anything_but_integer_pence(bad: object) -> None:
    with pytest.raises(TypeError, match="money must be integer pence"):
        format_gbp(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="money must be integer pence"):
        format_pounds(bad)  # type: ignore[arg-type]


def test_whole_pounds_are_multiples_of_a_hundred_pence() -> None:
    assert is_whole_pounds(4500) and is_whole_pounds(-100) and is_whole_pounds(0)
    assert not is_whole_pounds(4550)


def test_folding_drops_accents_and_spells_out_special_letters() -> None:
    assert fold_to_ascii("Seán Ó Briain") == "Sean O Briain"
    assert fold_to_ascii("Straße Ærø Łódź") == "Strasse AEro Lodz"
    assert fold_to_ascii("O\u2019Brien \u2013 Smith") == "O'Brien - Smith"  # curly apostrophe, en dash
    assert fold_to_ascii("李") == "李"  # no ASCII form: left for the format to decide


def test_keep_only_replaces_other_characters_with_single_spaces() -> None:
    allowed = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ ")
    assert keep_only("A_B  C@@D", allowed) == "A B C D"
    assert keep_only("O'NEIL", allowed, drop="'") == "ONEIL"
    assert keep_only("  ", allowed) == ""
