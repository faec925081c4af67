"""Whether an employee's dates are plausible: born in the past and not more than a century
ago, old enough to work on the start date (the dated rule in ``working_age.toml``), started
after birth, ended after starting. Pure date arithmetic, shared by the hire service, the
people import and the forms, which each report the message against its own field or row."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

RULES = Path(__file__).with_name("working_age.toml")


@dataclass(frozen=True)
class AgeRule:
    effective_from: date
    years: int
    source: str


@cache
def _rules() -> dict[str, list[AgeRule]]:
    data = tomllib.loads(RULES.read_text())
    return {
        name: sorted(
            (AgeRule(e["effective_from"], int(e["years"]), e["source"]) for e in entries),
            key=lambda r: r.effective_from,
        )
        for name, entries in data.items()
    }


def rule(name: str, on: date) -> AgeRule:
    """The entry of ``name`` in force on ``on``; the earliest entry for a date before it."""
    entries = _rules()[name]
    found = [r for r in entries if r.effective_from <= on]
    return found[-1] if found else entries[0]


def age_on(born: date, on: date) -> int:
    """Complete years from ``born`` to ``on``. Someone born on 29 February comes of age on
    1 March in a common year, as their birthday has not yet come on 28 February."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def birth_problem(born: date, *, today: date) -> str | None:
    if born > today:
        return "The date of birth is in the future."
    oldest = rule("oldest_date_of_birth", today).years
    if age_on(born, today) >= oldest:
        return f"The date of birth is {oldest} or more years ago. Check it."
    return None


def start_problem(born: date, start: date) -> str | None:
    """A start date before birth, or before the minimum age to work."""
    if start <= born:
        return "The employment cannot start before the person was born."
    minimum = rule("minimum_age_at_start", start).years
    age = age_on(born, start)
    if age < minimum:
        return f"The person would be {age} on the start date; the minimum age to employ is {minimum}."
    return None


def end_problem(start: date, end: date) -> str | None:
    if end < start:
        return "The end date is before the start date."
    return None
