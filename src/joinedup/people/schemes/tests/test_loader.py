"""Validation: a broken scheme file is refused with the file and the key that is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.people.schemes import SchemeError, load_scheme_file
from joinedup.people.schemes.loader import RULES_DIR

SMALL = """\
code = "toy"
name = "Toy scheme"
body = "A joint council"
source = "Handbook"
standard_weekly_hours = "37"
increment_rule = "april_1"
proration = "calendar_days"
spine = true
bank_holidays_extra = true
leave_basis = "national"
leave = [
  { min_years = 0, days = 25 },
  { min_years = 5, days = 30 },
]

[[scale]]
effective_from = 2025-04-01
source = "Circular 1/25"
unconfirmed = false
points = [
  { code = "P1", label = "Point 1", sort = 1, annual = "25000.00" },
  { code = "P2", label = "Point 2", sort = 2, annual = "25500.00" },
  { code = "P3", label = "Point 3", sort = 3, annual = "26000.00" },
]

[[scale]]
effective_from = 2026-04-01
source = "Circular 1/26"
unconfirmed = false
points = [
  { code = "P1", label = "Point 1", sort = 1, annual = "25800.00" },
  { code = "P2", label = "Point 2", sort = 2, annual = "26300.00" },
  { code = "P3", label = "Point 3", sort = 3, annual = "26800.00" },
]
"""


def write(tmp_path: Path, text: str, name: str = "toy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def edited(old: str, new: str, count: int = 1) -> str:
    assert old in SMALL
    return SMALL.replace(old, new, count)


def test_a_well_formed_file_loads(tmp_path: Path) -> None:
    scheme = load_scheme_file(write(tmp_path, SMALL))
    assert [scale.codes for scale in scheme.scales] == [("P1", "P2", "P3")] * 2
    assert scheme.leave_days(7) == 30


def test_a_missing_key_is_named_with_its_file(tmp_path: Path) -> None:
    path = write(tmp_path, edited('standard_weekly_hours = "37"\n', ""))
    with pytest.raises(SchemeError, match=r"^toy\.toml: standard_weekly_hours: missing$"):
        load_scheme_file(path)


def test_a_missing_key_inside_a_point_is_named_by_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, edited(', label = "Point 2"', ""))
    with pytest.raises(SchemeError, match=r"^toy\.toml: scale\[0\]\.points\[1\]\.label: missing$"):
        load_scheme_file(path)


def test_a_float_in_a_file_is_refused_as_money(tmp_path: Path) -> None:
    path = write(tmp_path, edited('annual = "25500.00"', "annual = 25500.00"))
    with pytest.raises(
        SchemeError, match=r"^toy\.toml: scale\[0\]\.points\[1\]\.annual: 25500\.0 is a TOML float"
    ):
        load_scheme_file(path)


def test_a_whole_number_is_refused_as_money_too(tmp_path: Path) -> None:
    path = write(tmp_path, edited('annual = "25500.00"', "annual = 25500"))
    with pytest.raises(SchemeError, match=r"scale\[0\]\.points\[1\]\.annual: 25500 is a TOML integer"):
        load_scheme_file(path)


def test_a_float_for_hours_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, edited('standard_weekly_hours = "37"', "standard_weekly_hours = 37.5"))
    with pytest.raises(SchemeError, match=r"^toy\.toml: standard_weekly_hours: 37\.5 is a TOML float"):
        load_scheme_file(path)


def test_a_formatted_amount_is_not_a_money_amount(tmp_path: Path) -> None:
    path = write(tmp_path, edited('"26300.00"', '"25,989"'))
    with pytest.raises(
        SchemeError, match=r"^toy\.toml: scale\[1\]\.points\[1\]\.annual: '25,989' is not a money amount"
    ):
        load_scheme_file(path)


def test_a_misspelt_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, edited("effective_from = 2026-04-01", "efective_from = 2026-04-01"))
    with pytest.raises(SchemeError, match=r"^toy\.toml: scale\[1\]\.efective_from: unknown key"):
        load_scheme_file(path)


def test_a_mistyped_value_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, edited("spine = true", 'spine = "yes"'))
    with pytest.raises(SchemeError, match=r"^toy\.toml: spine: expected true or false, got 'yes'"):
        load_scheme_file(path)


def test_an_unknown_increment_rule_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, edited('"april_1"', '"1_april"'))
    with pytest.raises(SchemeError, match=r"^toy\.toml: increment_rule: '1_april' is not one of"):
        load_scheme_file(path)


def test_a_date_must_be_a_toml_date(tmp_path: Path) -> None:
    path = write(tmp_path, edited("effective_from = 2026-04-01", 'effective_from = "2026-04-01"'))
    with pytest.raises(SchemeError, match=r"^toy\.toml: scale\[1\]\.effective_from: expected a TOML date"):
        load_scheme_file(path)


def test_the_code_must_match_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL, name="other.toml")
    with pytest.raises(SchemeError, match=r"^other\.toml: code: 'toy' does not match the file name 'other'"):
        load_scheme_file(path)


def test_point_codes_are_unique_within_a_set(tmp_path: Path) -> None:
    path = write(tmp_path, edited('code = "P2"', 'code = "P1"'))
    with pytest.raises(SchemeError, match=r"scale\[0\]\.points\[1\]\.code: 'P1' appears twice"):
        load_scheme_file(path)


def test_a_spine_must_rise_with_its_sort_order(tmp_path: Path) -> None:
    path = write(tmp_path, edited('"25500.00"', '"24000.00"'))
    with pytest.raises(
        SchemeError, match=r"scale\[0\]\.points\[1\]\.annual: P2 \(24000\.00\) is not above P1"
    ):
        load_scheme_file(path)


def test_a_scheme_that_is_not_a_spine_may_repeat_a_value(tmp_path: Path) -> None:
    text = edited("spine = true", "spine = false").replace('"25500.00"', '"25000.00"', 1)
    scheme = load_scheme_file(write(tmp_path, text))
    assert scheme.scales[0].annual("P1") == scheme.scales[0].annual("P2")


def test_a_later_set_cannot_drop_a_point_silently(tmp_path: Path) -> None:
    text = SMALL.replace('  { code = "P1", label = "Point 1", sort = 1, annual = "25800.00" },\n', "")
    with pytest.raises(
        SchemeError, match=r"scale\[1\]\.points: codes differ .* \(missing: P1; unexpected: none\)"
    ):
        load_scheme_file(write(tmp_path, text))


def test_a_documented_deletion_is_accepted(tmp_path: Path) -> None:
    text = SMALL.replace(
        '  { code = "P1", label = "Point 1", sort = 1, annual = "25800.00" },\n', ""
    ).replace('source = "Circular 1/26"', 'deleted = ["P1"]\nsource = "Circular 1/26"')
    scheme = load_scheme_file(write(tmp_path, text))
    assert scheme.scales[1].codes == ("P2", "P3")
    assert scheme.point_codes == ("P1", "P2", "P3")


def test_a_deletion_must_name_a_point_that_existed(tmp_path: Path) -> None:
    path = write(tmp_path, edited('source = "Circular 1/26"', 'deleted = ["P9"]\nsource = "Circular 1/26"'))
    with pytest.raises(SchemeError, match=r"scale\[1\]\.deleted: 'P9' is not in the previous set"):
        load_scheme_file(path)


def test_a_point_keeps_its_label_across_sets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        SMALL.replace(
            'label = "Point 3", sort = 3, annual = "26800.00"', 'label = "Top", sort = 3, annual = "26800.00"'
        ),
    )
    with pytest.raises(SchemeError, match=r"scale\[1\]\.points: P3 must keep the label and sort"):
        load_scheme_file(path)


def test_sets_must_be_in_date_order(tmp_path: Path) -> None:
    path = write(tmp_path, edited("effective_from = 2026-04-01", "effective_from = 2025-04-01"))
    with pytest.raises(
        SchemeError, match=r"scale\[1\]\.effective_from: sets must be in ascending date order"
    ):
        load_scheme_file(path)


def test_an_unconfirmed_set_must_say_why(tmp_path: Path) -> None:
    path = write(tmp_path, edited("unconfirmed = false", "unconfirmed = true"))
    with pytest.raises(SchemeError, match=r"^toy\.toml: scale\[0\]\.note: missing$"):
        load_scheme_file(path)


def test_only_an_unconfirmed_set_may_leave_a_value_out(tmp_path: Path) -> None:
    path = write(tmp_path, edited(', annual = "25500.00"', ""))
    with pytest.raises(
        SchemeError, match=r"scale\[0\]\.points\[1\]\.annual: missing \(only an unconfirmed set"
    ):
        load_scheme_file(path)


def test_leave_tiers_start_at_zero_years_and_ascend(tmp_path: Path) -> None:
    path = write(tmp_path, edited("{ min_years = 0, days = 25 }", "{ min_years = 1, days = 25 }"))
    with pytest.raises(
        SchemeError, match=r"^toy\.toml: leave\[0\]\.min_years: the first tier must start at 0"
    ):
        load_scheme_file(path)


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "\nthis is not toml\n")
    with pytest.raises(SchemeError, match=r"^toy\.toml: cannot read"):
        load_scheme_file(path)


def test_a_broken_copy_of_a_shipped_file_names_the_shipped_key(tmp_path: Path) -> None:
    text = (RULES_DIR / "njc.toml").read_text()
    broken = text.replace('annual = "25989.00"', "annual = 25989.00", 1)
    assert broken != text
    with pytest.raises(
        SchemeError, match=r"^njc\.toml: scale\[1\]\.points\[4\]\.annual: 25989\.0 is a TOML float"
    ):
        load_scheme_file(write(tmp_path, broken, name="njc.toml"))
