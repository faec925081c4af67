"""When an occupational-health record's retention ends (rules/retention.toml): the day from which
it may be deleted, unless a legal hold stops it. Pure (standard library): retention_runs.py finds
the cases whose day has come, honours legal holds and erases their content; this only says when.

A period runs from the record's last entry (COSHH's 40 years) or from the end of the person's
employment (six years after leaving): a record of someone still employed is kept, ``None``. An
``until_age`` limb (the NHS code's "75th birthday or six years after leaving, whichever is
sooner") applies when the date of birth is given."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from joinedup.wellbeing.schedule import add_months, birthday

RULES = Path(__file__).with_name("rules") / "retention.toml"
LAST_ENTRY = "last_entry"
EMPLOYMENT_END = "employment_end"

__all__ = ["RULES", "RetentionRule", "kinds", "retention_ends", "rule_on", "surveillance_record_kind"]

# A surveillance programme's basis (rules/surveillance.toml) -> the kind of record its checks are.
_SURVEILLANCE_RECORDS = {"coshh": "health_surveillance_coshh"}


@dataclass(frozen=True)
class RetentionRule:
    key: str
    effective_from: date
    title: str
    years: int
    runs_from: str
    source: str
    until_age: int | None = None


@cache
def _load(path: Path = RULES) -> tuple[RetentionRule, ...]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    found = []
    for entry in raw["kind"]:
        if entry["from"] not in (LAST_ENTRY, EMPLOYMENT_END):
            raise ValueError(f"{path.name}: {entry['key']} runs from an unknown point {entry['from']!r}.")
        found.append(
            RetentionRule(
                key=entry["key"],
                effective_from=entry["effective_from"],
                title=entry["title"],
                years=entry["years"],
                runs_from=entry["from"],
                source=entry["source"],
                until_age=entry.get("until_age"),
            )
        )
    return tuple(found)


def kinds() -> list[str]:
    return sorted({r.key for r in _load()})


def rule_on(kind: str, day: date) -> RetentionRule:
    """The rule for ``kind`` in force on ``day`` (the latest on or before it). A day before the
    first entry takes the first: a record closed then is still kept by today's rule at least."""
    entries = sorted((r for r in _load() if r.key == kind), key=lambda r: r.effective_from)
    if not entries:
        raise KeyError(f"No retention rule for {kind!r}.")
    in_force = [r for r in entries if r.effective_from <= day]
    return in_force[-1] if in_force else entries[0]


def retention_ends(
    kind: str, closed_on: date, employment_ended_on: date | None, *, born_on: date | None = None
) -> date | None:
    """The first day the record may be deleted, or None while it must be kept (employment not
    ended, for a period that runs from its end)."""
    rule = rule_on(kind, closed_on)
    if rule.runs_from == LAST_ENTRY:
        start: date = closed_on
    elif employment_ended_on is None:
        return None
    else:
        # The record may close after the person left (a late report): the period runs from the
        # later of the two, so no record is due for deletion before it was finished.
        start = max(employment_ended_on, closed_on)
    ends = add_months(start, 12 * rule.years)
    if rule.until_age is not None and born_on is not None:
        ends = max(min(ends, birthday(born_on, rule.until_age)), closed_on)
    return ends


def surveillance_record_kind(basis: str) -> str:
    """The retention kind of a surveillance programme's records: COSHH's 40 years for a COSHH
    programme, the partner's policy for the rest."""
    return _SURVEILLANCE_RECORDS.get(basis, "health_surveillance")
