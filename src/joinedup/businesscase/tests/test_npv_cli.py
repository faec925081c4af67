"""``joinedup businesscase npv``: the calculator others check the figures through. It reads no
database. Green Book (2003) Annex 6 Table 6.1 for the discount rates."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _call(*args: str) -> str:
    out = StringIO()
    call_command("businesscase", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        _call(*args)
    return caught.value


def test_the_issues_example_prints_npv_and_payback_as_json() -> None:
    result = json.loads(_call("npv", "--cashflows=-3700000,1200000,1500000", "--json"))
    assert (result["npv"], result["discounted_payback_year"], result["payback_year"]) == (
        "-1140313.66",
        None,
        None,
    )
    assert result["rate_schedule"] == "green-book"
    assert [
        (y["year"], y["rate_percent"], y["discount_factor"], y["present_value"]) for y in result["years"]
    ] == [
        (0, None, "1.000000", "-3700000.00"),
        (1, "3.5", "0.966184", "1159420.29"),
        (2, "3.5", "0.933511", "1400266.05"),
    ]


def test_a_case_that_pays_back_names_the_year() -> None:
    result = json.loads(_call("npv", "--cashflows=-3700000,1200000,1500000,1500000", "--json"))
    assert (result["npv"], result["discounted_payback_year"], result["payback_year"]) == ("212600.40", 3, 3)


def test_a_constant_rate_schedule_can_be_given() -> None:
    result = json.loads(_call("npv", "--cashflows=-100,105", "--rate-schedule", "5", "--json"))
    assert (result["npv"], result["discounted_payback_year"], result["rate_schedule"]) == ("0.00", 1, "5%")


def test_without_json_it_prints_the_working() -> None:
    text = _call("npv", "--cashflows=-3700000,1200000,1500000")
    assert "Net present value: -£1,140,313.66 (rounded to the penny once, at the end)" in text
    assert "Discounted payback year: never, within these years" in text
    assert "0.966184" in text


def test_bad_input_exits_2_with_the_reason() -> None:
    for args, reason in (
        (("npv", "--cashflows=-3700000,lots"), "year 1: 'lots' is not an amount of pounds"),
        (("npv", "--cashflows=100.001"), "Year 0: 100.001 is not a whole number of pence."),
        (
            ("npv", "--cashflows=100", "--rate-schedule", "treasury"),
            "'treasury' is neither green-book nor a rate",
        ),
    ):
        error = _refused(*args)
        assert error.returncode == 2
        assert reason in str(error)
