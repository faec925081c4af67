"""The rule files: loaded once, validated on load, every figure sourced, no code per year."""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from joinedup.payroll.engine import ruleset
from joinedup.payroll.engine.codes import Region
from joinedup.payroll.engine.ruleset import (
    RULES_DIR,
    RulesError,
    available_tax_years,
    load_rules,
    load_rules_file,
)

ENGINE_DIR = Path(ruleset.__file__).parent


def test_it_has_rule_files_for_2025_26_and_2026_27() -> None:
    assert {2025, 2026} <= set(available_tax_years())
    assert load_rules(2026).tax_year == "2026-27"
    assert load_rules(2025).tax_year == "2025-26"


def test_it_loads_each_year_once() -> None:
    assert load_rules(2026) is load_rules(2026)


def test_it_says_which_years_it_has_when_one_is_missing() -> None:
    with pytest.raises(RulesError, match=r"no rule file for tax year 2019-20 \(have: .*2026-27"):
        load_rules(2019)


def test_it_loads_a_new_tax_year_from_a_file_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Adding 2027-28 needs only the file: copy 2026-27 and change its label.
    text = (RULES_DIR / "2026-27.toml").read_text().replace('tax_year = "2026-27"', 'tax_year = "2027-28"')
    (tmp_path / "2027-28.toml").write_text(text)
    monkeypatch.setattr(ruleset, "RULES_DIR", tmp_path)
    load_rules.cache_clear()
    try:
        rules = load_rules(2027)
        assert rules.tax_year == "2027-28"
        assert available_tax_years(tmp_path) == [2027]
    finally:
        monkeypatch.undo()
        load_rules.cache_clear()


def broken_copy(tmp_path: Path, old: str, new: str, name: str = "2026-27.toml") -> Path:
    text = (RULES_DIR / "2026-27.toml").read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


PT_WEEKLY = r"2026-27\.toml: national_insurance\.thresholds\.PT\.weekly: "
BROKEN = [
    ('weekly = "242"\n', "", PT_WEEKLY + "missing"),
    ('weekly = "242"', "weekly = 242.0", PT_WEEKLY + ".*float"),
    ('weekly = "242"', 'weekly = "two"', PT_WEEKLY + "not a number"),
    ('weekly = "242"', 'weekly = "242.001"', PT_WEEKLY + "must be whole pence"),
    ('value = "8"', 'value = "-8"', r"national_insurance\.rates\.main\.value: a percentage must"),
    (
        'value = "50"\nsource = "Income',
        'value = "50"\nsourc = "Income',
        r"income_tax\.regulatory_limit\.source",
    ),
    (
        '{ name = "basic", rate = "20", width = "37700" }',
        '{ name = "basic", rate = "20" }',
        r"income_tax\.regions\.rest_of_uk\.bands\.value\[0\]\.width: missing",
    ),
    (
        '{ name = "additional", rate = "45" }',
        '{ name = "additional", rate = "45", width = "1" }',
        r"bands\.value\[2\]\.width: the last band is open-ended",
    ),
    ('D1 = "additional" }', 'D1 = "extra" }', r"flat_codes\.value\.D1: names no band"),
    (
        'employee = [["PT", "main"], ["UEL", "additional"]]',
        'employee = [["UEL", "main"], ["PT", "additional"]]',
        r"categories\.A\.employee\[1\]: thresholds must rise",
    ),
    (
        'employer = [["ST", "secondary"]]',
        'employer = [["ST", "tertiary"]]',
        r"categories\.A\.employer\[0\]: unknown rate",
    ),
    (
        'rate = "9"\nannual = "26900"',
        'rate = "9"\nannual = "26,900"',
        r"student_loans\.plan_1\.annual: not a number",
    ),
    (
        '{ up_to = "29000", rate = "5.8" }',
        '{ up_to = "18000", rate = "5.8" }',
        r"pensions\.lgps_main\.tiers\[1\]\.up_to: tiers must rise",
    ),
    (
        'unconfirmed = true\nnote = "Taken',
        'unconfirmed = true\nnotes = "Taken',
        r"thresholds\.LEL\.note: an unconfirmed figure needs a note",
    ),
    ('tax_year = "2026-27"', 'tax_year = "2026-2027"', r"meta\.tax_year: says '2026-2027'"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_it_names_the_file_and_key_of_a_missing_or_mistyped_figure(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(RulesError, match=message):
        load_rules_file(broken_copy(tmp_path, old, new))


def test_it_refuses_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "2026-27.toml"
    path.write_text("[meta\n")
    with pytest.raises(RulesError, match=r"2026-27\.toml: cannot read"):
        load_rules_file(path)


def test_it_reads_money_and_rates_as_exact_decimals() -> None:
    rules = load_rules(2026)
    assert rules.national_insurance.thresholds["PT"].monthly == Decimal("1048")
    assert rules.national_insurance.categories["B"].employee[0].rate == Decimal("1.85")
    assert rules.student_loans["plan_1"].weekly == Decimal("517.30")
    assert [b.width for b in rules.income_tax.regions[Region.SCOTLAND].bands] == [
        3967, 12989, 14136, 31338, 62710, None,
    ]  # fmt: skip


def test_it_lists_the_figures_marked_unconfirmed_with_their_notes() -> None:
    keys = {entry.split(":")[0] for entry in load_rules(2026).unconfirmed}
    assert {
        "pensions.police_2015",
        "pensions.firefighters_2015",
        "pensions.nhs_2015",
        "student_loans.plan_1",
    } <= keys
    assert all(": " in entry for entry in load_rules(2026).unconfirmed)


def _figures(node: Any, found: set[Decimal]) -> None:
    """Every money amount of 100 or more in a rule file (thresholds, limits, band widths)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("source", "note", "name"):
                continue
            _figures(value, found)
    elif isinstance(node, list):
        for value in node:
            _figures(value, found)
    elif isinstance(node, str):
        try:
            number = Decimal(node)
        except ArithmeticError:
            return
        if number >= 100 and number != 100:
            found.add(number)


def test_its_code_hard_codes_no_threshold_or_limit_from_the_rule_files() -> None:
    figures: set[Decimal] = set()
    for path in RULES_DIR.glob("*.toml"):
        _figures(tomllib.loads(path.read_text()), figures)
    offenders = []
    # bench.py is exempt: it builds a synthetic population, and its salaries are not rules.
    for path in sorted(p for p in ENGINE_DIR.glob("*.py") if p.name != "bench.py"):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        for token in tokens:
            if token.type != tokenize.NUMBER:
                continue
            literal = token.string.replace("_", "")
            if re.fullmatch(r"\d+\.\d*|\d*\.\d+|\d+[eE]-?\d+", literal):
                offenders.append(f"{path.name}:{token.start[0]} float literal {token.string}")
            elif literal.isdigit() and Decimal(literal) in figures:
                offenders.append(f"{path.name}:{token.start[0]} {token.string}")
    assert offenders == []


def test_every_rule_file_keeps_to_one_naming_pattern() -> None:
    for path in RULES_DIR.iterdir():
        assert re.fullmatch(r"\d{4}-\d{2}\.toml", path.name), path.name
