"""The statutory bases of health surveillance (rules/surveillance.toml): what law or guidance a
programme rests on, and the interval it sets, when one does. Pure (standard library): the file is
read once; :func:`basis_on` answers for a day, the latest entry of that key on or before it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from joinedup.wellbeing.schedule import AgeBand

RULES = Path(__file__).with_name("rules") / "surveillance.toml"

__all__ = ["RULES", "Basis", "basis_keys", "basis_on", "load"]


@dataclass(frozen=True)
class Basis:
    key: str
    effective_from: date
    title: str
    law: str
    source: str
    interval_months: int | None = None
    initial_interval_months: int | None = None
    initial_checks: int = 0
    age_bands: tuple[AgeBand, ...] = ()

    @property
    def sets_interval(self) -> bool:
        return self.interval_months is not None or bool(self.age_bands)


@cache
def load(path: Path = RULES) -> tuple[Basis, ...]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    found = []
    for entry in raw["basis"]:
        bands = tuple(
            AgeBand(until_age=band.get("until_age"), interval_months=band.get("interval_months"))
            for band in entry.get("age_bands", ())
        )
        found.append(
            Basis(
                key=entry["key"],
                effective_from=entry["effective_from"],
                title=entry["title"],
                law=entry["law"],
                source=entry["source"],
                interval_months=entry.get("interval_months"),
                initial_interval_months=entry.get("initial_interval_months"),
                initial_checks=entry.get("initial_checks", 0),
                age_bands=bands,
            )
        )
    return tuple(found)


def basis_keys() -> list[str]:
    return sorted({b.key for b in load()})


def basis_on(key: str, day: date) -> Basis:
    """The entry for ``key`` in force on ``day``; KeyError for an unknown key or a day before
    the first entry."""
    entries = [b for b in load() if b.key == key and b.effective_from <= day]
    if not entries:
        raise KeyError(f"No surveillance basis {key!r} in force on {day.isoformat()}.")
    return max(entries, key=lambda b: b.effective_from)
