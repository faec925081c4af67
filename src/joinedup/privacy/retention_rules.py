"""Retention periods per record type (rules/retention.toml), and the first day a record may go.
Pure (standard library): privacy/retention.py finds the records whose day has come, honours
legal holds and removes or anonymises them; this only says when.

Periods are in months from the point the type runs from: the end of the tax year a payslip
belongs to (5 April), or the day a ticket was closed. A partner's schedule may lengthen a
period; ``effective_months`` never lets it fall below the statutory minimum, even if the rule
file's minimum was raised after the schedule was set."""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

RULES = Path(__file__).with_name("rules") / "retention.toml"
TAX_YEAR_END = "tax_year_end"
CLOSED = "closed"
EMPLOYMENT_END = "employment_end"
ACTIONS = ("anonymise", "delete")

__all__ = [
    "RULES",
    "RetentionType",
    "add_months",
    "effective_months",
    "first_removable_day",
    "last_expired_day",
    "last_expired_tax_year",
    "rule_on",
    "types",
]


@dataclass(frozen=True)
class RetentionType:
    key: str
    effective_from: date
    title: str
    runs_from: str
    minimum_months: int
    default_months: int
    action: str
    source: str
    # False: joinedup holds no such records yet (reported, never run).
    held: bool = True
    # Another app's run removes these ("wellbeing"): the privacy run calls it and reports it.
    delegated: str = ""


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), clamped to the end of the month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@cache
def _load(path: Path = RULES) -> tuple[RetentionType, ...]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    found = []
    for entry in raw["type"]:
        if entry["runs_from"] not in (TAX_YEAR_END, CLOSED, EMPLOYMENT_END):
            raise ValueError(
                f"{path.name}: {entry['key']} runs from an unknown point {entry['runs_from']!r}."
            )
        if entry["action"] not in ACTIONS:
            raise ValueError(f"{path.name}: {entry['key']} has an unknown action {entry['action']!r}.")
        if entry["default_months"] < entry["minimum_months"]:
            raise ValueError(f"{path.name}: {entry['key']}'s default is below its statutory minimum.")
        if not entry.get("source", "").strip():
            raise ValueError(f"{path.name}: {entry['key']} names no source.")
        found.append(
            RetentionType(
                key=entry["key"],
                effective_from=entry["effective_from"],
                title=entry["title"],
                runs_from=entry["runs_from"],
                minimum_months=entry["minimum_months"],
                default_months=entry["default_months"],
                action=entry["action"],
                source=entry["source"],
                held=entry.get("held", True),
                delegated=entry.get("delegated", ""),
            )
        )
    return tuple(found)


def types() -> list[str]:
    return sorted({r.key for r in _load()})


def rule_on(key: str, day: date) -> RetentionType:
    """The rule for ``key`` in force on ``day`` (the latest on or before it; before the first
    entry, the first)."""
    entries = sorted((r for r in _load() if r.key == key), key=lambda r: r.effective_from)
    if not entries:
        raise KeyError(f"No retention rule for {key!r}.")
    in_force = [r for r in entries if r.effective_from <= day]
    return in_force[-1] if in_force else entries[0]


def effective_months(rule: RetentionType, scheduled_months: int | None) -> int:
    """The partner's period when it has one, never below the statutory minimum."""
    return max(rule.minimum_months, rule.default_months if scheduled_months is None else scheduled_months)


def first_removable_day(rule: RetentionType, start: date, months: int) -> date:
    """The first day a record whose period runs from ``start`` may be removed: the day after the
    period ends ("not less than 3 years after the end of the tax year": 6 April three years on).
    For ``tax_year_end`` types ``start`` is the tax year's first day."""
    if rule.runs_from == TAX_YEAR_END:
        start = date(start.year + 1, 4, 5)
    return add_months(start, months) + timedelta(days=1)


def last_expired_tax_year(rule: RetentionType, months: int, as_of: date) -> int:
    """The latest tax year (2022 is 2022/23) whose records may go on ``as_of``."""
    year = as_of.year
    while first_removable_day(rule, date(year, 4, 6), months) > as_of:
        year -= 1
    return year


def last_expired_day(rule: RetentionType, months: int, as_of: date) -> date:
    """The latest start day (a ticket's closing day) whose records may go on ``as_of``."""
    day = add_months(as_of, -months)
    while first_removable_day(rule, day, months) > as_of:
        day -= timedelta(days=1)
    while first_removable_day(rule, day + timedelta(days=1), months) <= as_of:
        day += timedelta(days=1)
    return day
