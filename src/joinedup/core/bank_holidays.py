"""The United Kingdom's bank holidays, nation by nation, substitute days included: from the
``holidays`` package, whose data follows gov.uk's "UK bank holidays" list
(https://www.gov.uk/bank-holidays). The service desk's business hours and payroll's pay
calendar read the same days from here."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib.metadata import version

import holidays

# Reported beside a figure or a calendar so a past one can be reproduced with the same data.
HOLIDAYS_VERSION = version("holidays")

# joinedup's names for the nations, and the package's subdivision for each. England and Wales
# share one list on gov.uk; the package keeps Wales as its own subdivision (WLS) with the same
# days, so England's stands for both.
NATIONS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}


class UnknownNation(ValueError):
    """A nation the bank holidays are not kept for: the message names the ones that are."""


@lru_cache(maxsize=4096)
def bank_holidays(nation: str, year: int) -> dict[date, str]:
    """The nation's bank holidays in a calendar year, in date order, each with its name."""
    if nation not in NATIONS:
        raise UnknownNation(f"{nation!r} is not a nation: choose one of {', '.join(NATIONS)}")
    found = holidays.country_holidays("GB", subdiv=NATIONS[nation], years=year)
    return {day: str(name) for day, name in sorted(found.items())}
