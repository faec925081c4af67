"""The statutory duty to consult collectively on redundancies, as plain values (no database):
how many days the consultation must run before the first dismissal takes effect and when the
Secretary of State must have form HR1, from the number proposed redundant at one establishment
within 90 days. The figures are the dated rule file's (rules/consultation.toml), with its
source; this module only reads and applies them.

TULRCA 1992 s.188(1A): consultation begins at least 30 days (20 to 99 proposed) or 45 days
(100 or more) before the first of the dismissals takes effect; fewer than 20, no collective
duty. s.193(1), (2): the Secretary of State is notified at least as long before.

The days are counted as the Act words them: a consultation beginning on 1 October with a
30-day minimum has run its 30 days at the end of 30 October, and the first dismissal may take
effect on 31 October. HR1 must be in by 1 October (30 days before 31 October)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from joinedup.core.dates import people_date

RULES = Path(__file__).parent / "rules" / "consultation.toml"


@dataclass(frozen=True)
class Band:
    min_employees: int
    period_days: int
    notify_days: int


@dataclass(frozen=True)
class RuleSet:
    effective_from: date
    window_days: int
    source: str
    bands: tuple[Band, ...]  # by min_employees, ascending


@cache
def rule_sets() -> tuple[RuleSet, ...]:
    data = tomllib.loads(RULES.read_text())
    found = []
    for index, entry in enumerate(data["sets"]):
        try:
            bands = tuple(
                sorted(
                    (
                        Band(int(b["min_employees"]), int(b["period_days"]), int(b["notify_days"]))
                        for b in entry["bands"]
                    ),
                    key=lambda b: b.min_employees,
                )
            )
            found.append(
                RuleSet(
                    date.fromisoformat(entry["effective_from"]),
                    int(entry["window_days"]),
                    str(entry["source"]),
                    bands,
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"consultation.toml: sets[{index}]: {exc}") from exc
    return tuple(sorted(found, key=lambda s: s.effective_from))


def rules_on(on: date) -> RuleSet:
    chosen = [s for s in rule_sets() if s.effective_from <= on]
    if not chosen:
        raise ValueError(f"No consultation rules in force on {people_date(on)}.")
    return chosen[-1]


@dataclass(frozen=True)
class Duty:
    """The collective duty for ``number`` proposed redundant, for a consultation beginning on
    ``start``. ``period_days`` 0: no collective duty."""

    number: int
    start: date
    period_days: int
    notify_days: int
    threshold: int  # the smallest number that brings the duty
    source: str

    @property
    def collective(self) -> bool:
        return self.period_days > 0

    @property
    def earliest_dismissal(self) -> date:
        """The first day a dismissal may take effect: ``period_days`` after the start."""
        return self.start + timedelta(days=self.period_days)

    @property
    def period_ends(self) -> date:
        """The last day of the minimum period (the start when there is no collective duty)."""
        return self.earliest_dismissal - timedelta(days=1) if self.collective else self.start

    @property
    def hr1_due(self) -> date | None:
        """The last day the Secretary of State may receive HR1 (None: no HR1 needed)."""
        if not self.collective:
            return None
        return self.earliest_dismissal - timedelta(days=self.notify_days)

    @property
    def summary(self) -> str:
        if not self.collective:
            return (
                f"{self.number} proposed redundant: fewer than {self.threshold}, so no collective "
                "consultation is required by TULRCA 1992 s.188 (consult each person individually)."
            )
        return (
            f"{self.number} proposed redundant: at least {self.period_days} days' collective "
            f"consultation before the first dismissal takes effect (TULRCA 1992 s.188(1A)), and "
            f"form HR1 to the Secretary of State at least {self.notify_days} days before it (s.193)."
        )


def duty_for(number: int, start: date) -> Duty:
    if number < 0:
        raise ValueError("The number proposed redundant cannot be negative.")
    rules = rules_on(start)
    band = next((b for b in reversed(rules.bands) if number >= b.min_employees), None)
    return Duty(
        number=number,
        start=start,
        period_days=band.period_days if band else 0,
        notify_days=band.notify_days if band else 0,
        threshold=rules.bands[0].min_employees,
        source=rules.source,
    )


def most_within_window(dismissals: Iterable[tuple[date, int]], window_days: int) -> int:
    """The most dismissals that fall within any ``window_days``-day period, from (date, count)
    pairs: s.188(1) counts those proposed "within a period of 90 days or less"."""
    days = sorted(dismissals)
    best = 0
    for start, _ in days:
        end = start + timedelta(days=window_days - 1)
        best = max(best, sum(n for d, n in days if start <= d <= end))
    return best
