"""``joinedup servicedesk business-time``: the calculator others check the clocks through. It
reads no database. Bank holidays: gov.uk, "UK bank holidays"."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

EXAMPLE = (
    "business-time",
    "--from",
    "2026-12-24T16:00",
    "--to",
    "2027-01-04T10:00",
    "--hours",
    "08:30-17:00",
)


def _call(*args: str) -> str:
    out = StringIO()
    call_command("servicedesk", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        _call(*args)
    return caught.value


def test_the_issues_example_prints_1680_business_minutes_as_json() -> None:
    """Worked by hand in test_business_time: 60 + 3 x 510 + 90 (25 Dec, 28 Dec substitute day and
    1 Jan closed)."""
    result = json.loads(_call(*EXAMPLE, "--calendar", "england-and-wales", "--json"))
    assert result["business_minutes"] == 1680
    assert result["paused_business_minutes"] == 0
    assert (result["from"], result["to"]) == ("2026-12-24T16:00:00+00:00", "2027-01-04T10:00:00+00:00")
    assert (result["hours"], result["calendar"]) == ("mon-fri 08:30-17:00", "england-and-wales")
    assert result["bank_holidays"] == [
        {"date": "2026-12-25", "name": "Christmas Day"},
        {"date": "2026-12-26", "name": "Boxing Day"},
        {"date": "2026-12-28", "name": "Boxing Day (observed)"},
        {"date": "2027-01-01", "name": "New Year's Day"},
    ]
    assert result["holidays_package"] == "0.109"


def test_each_nation_has_its_own_calendar() -> None:
    """Scotland also closes Mon 4 Jan 2027 (2 January's substitute day): 1,680 - 90."""
    minutes = {
        nation: json.loads(_call(*EXAMPLE, "--calendar", nation, "--json"))["business_minutes"]
        for nation in ("england-and-wales", "scotland", "northern-ireland")
    }
    assert minutes == {"england-and-wales": 1680, "scotland": 1590, "northern-ireland": 1680}


def test_round_the_clock_counts_the_real_minutes_of_the_day_the_clocks_go_back() -> None:
    args = (
        "business-time",
        "--from",
        "2026-10-25T00:00",
        "--to",
        "2026-10-26T00:00",
        "--hours",
        "24x7",
        "--json",
    )
    assert json.loads(_call(*args))["business_minutes"] == 1500


def test_pauses_stop_the_clock() -> None:
    """Paused Tue 29 Dec 09:00-12:00 (180) and Wed 30 Dec 16:00 to Thu 31 Dec 09:00 (60 + 30)."""
    result = json.loads(
        _call(
            *EXAMPLE,
            "--pause",
            "2026-12-29T09:00/2026-12-29T12:00",
            "--pause",
            "2026-12-30T16:00/2026-12-31T09:00",
            "--json",
        )
    )
    assert (result["business_minutes"], result["paused_business_minutes"]) == (1410, 270)


def test_without_json_it_prints_the_working() -> None:
    text = _call(*EXAMPLE, "--calendar", "scotland")
    assert "bank holiday 2027-01-04 Mon: New Year Holiday (observed)" in text
    assert text.endswith("Business minutes: 1,590 (26 h 30 min)\n")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            ("--calendar", "wales"),
            "'wales' is not a calendar: choose one of england-and-wales, scotland, northern-ireland",
        ),
        (("--hours", "9-5"), "hours '9-5': expected 24x7 or [DAY[-DAY]] HH:MM-HH:MM, e.g. 08:30-17:00"),
        (("--from", "Christmas Eve"), "--from 'Christmas Eve' is not a date and time like 2026-12-24T16:00"),
        (
            ("--from", "2027-01-05T09:00"),
            "start 2027-01-05T09:00:00+00:00 is after end 2027-01-04T10:00:00+00:00",
        ),
        (("--to", "2027-03-28T01:15"), "--to '2027-03-28T01:15' does not exist in Europe/London"),
        (("--pause", "2026-12-29T09:00"), "--pause '2026-12-29T09:00': expected FROM/TO"),
        (
            ("--pause", "2026-12-29T12:00/2026-12-29T09:00"),
            "pause 1 ends (2026-12-29T09:00:00+00:00) before it starts (2026-12-29T12:00:00+00:00)",
        ),
    ],
)
def test_bad_input_exits_2_with_the_reason(args: tuple[str, ...], reason: str) -> None:
    error = _refused(*EXAMPLE, *args)
    assert error.returncode == 2
    assert reason in str(error)
