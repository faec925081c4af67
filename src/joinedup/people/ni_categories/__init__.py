"""Which National Insurance category letters a person's age allows, from the dated rule file
``rules/ni_category_ages.toml`` beside this module. Pure: HR (when terms are recorded) and the
checks before a pay run's approval both ask here, so the two cannot disagree."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from joinedup.core.dates import people_date

_RULES = Path(__file__).with_name("rules") / "ni_category_ages.toml"


@dataclass(frozen=True)
class AgeLimit:
    letter: str
    under_age: int
    name: str


@cache
def _limit_sets() -> tuple[tuple[date, dict[str, AgeLimit]], ...]:
    data = tomllib.loads(_RULES.read_text())
    sets = []
    for index, entry in enumerate(data["limits"]):
        try:
            if not str(entry["source"]).strip():
                raise ValueError("a set needs its source")
            limits = {
                str(row["letter"]): AgeLimit(str(row["letter"]), int(row["under_age"]), str(row["name"]))
                for row in entry["letters"]
            }
            sets.append((date.fromisoformat(entry["effective_from"]), limits))
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{_RULES.name}: limits[{index}]: {exc}") from exc
    return tuple(sorted(sets, key=lambda s: s[0]))


def age_on(born: date, on: date) -> int:
    """Completed years on ``on`` (someone born on 29 February is a year older on 1 March)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def limit_for(letter: str, on: date) -> AgeLimit | None:
    chosen: dict[str, AgeLimit] = {}
    for start, limits in _limit_sets():
        if start <= on:
            chosen = limits
    return chosen.get(letter)


def birthday_reaching(born: date, age: int) -> date:
    """The day someone born on ``born`` reaches ``age`` (1 March for a 29 February birthday)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def age_problem(letter: str, born: date | None, on: date) -> str | None:
    """Why ``letter`` cannot apply to someone born on ``born`` on ``on``; None when it can."""
    limit = limit_for(letter, on)
    if limit is None or born is None:
        return None
    age = age_on(born, on)
    if age < limit.under_age:
        return None
    return (
        f"Category {letter} is only for {limit.name}; this person is {age} on {_day(on)} "
        f"(turned {limit.under_age} on {_day(birthday_reaching(born, limit.under_age))})."
    )


def _day(when: date) -> str:
    return people_date(when)
