"""The dated TUPE figures of rules/tupe.toml, with their sources: when the employee liability
information is due (reg. 11(6)) and how far back its disciplinary and grievance history reaches
(reg. 11(2)(c), (d)). Plain values, no database."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from joinedup.core.dates import people_date

RULES = Path(__file__).parent / "rules" / "tupe.toml"


@dataclass(frozen=True)
class Dated:
    effective_from: date
    value: int
    source: str


@dataclass(frozen=True)
class TupeRules:
    eli_days: tuple[Dated, ...]
    lookback_years: int
    lookback_source: str


@cache
def tupe_rules() -> TupeRules:
    data = tomllib.loads(RULES.read_text())
    try:
        days = tuple(
            sorted(
                (
                    Dated(entry["effective_from"], int(entry["value"]), str(entry["source"]))
                    for entry in data["eli_days_before_transfer"]
                ),
                key=lambda d: d.effective_from,
            )
        )
        lookback = data["eli_lookback_years"]
        if not all(isinstance(d.effective_from, date) for d in days):
            raise TypeError("effective_from is not a date")
        return TupeRules(days, int(lookback["value"]), str(lookback["source"]))
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"tupe.toml: {exc}") from exc


def first_transfer_date() -> date:
    """The first transfer date the rules cover: TUPE 2006 in force (6 April 2006). A plan dated
    before it would be under the 1981 regulations, which the rules file does not hold."""
    return tupe_rules().eli_days[0].effective_from


def eli_days(transfer_date: date) -> Dated:
    """How many days before the transfer the information is due, in force on the transfer date."""
    chosen = [d for d in tupe_rules().eli_days if d.effective_from <= transfer_date]
    if not chosen:
        raise ValueError(f"No TUPE rules in force on {people_date(transfer_date)}.")
    return chosen[-1]


def eli_due(transfer_date: date) -> date:
    """The last day the information may be given: "not less than 28 days before the relevant
    transfer" (reg. 11(6)), so 28 clear days: for a transfer on 1 April, 4 March at the latest."""
    return transfer_date - timedelta(days=eli_days(transfer_date).value)
