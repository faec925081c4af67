"""Termination awards on the payslip: how much of a redundancy payment is free of income tax, that
none of it is earnings for Class 1 National Insurance, and the employer's Class 1A contributions on
the part over the threshold.

The figures are in ``rules/termination_awards.toml`` with their sources (ITEPA 2003 s.403: the
first £30,000 of the payments in respect of one termination is not taxable, earlier payments
counted first, s.404). This module splits one award, given what earlier awards for the same
employment have used of the threshold; payroll.calculation gathers the pay items and gives the
engine the taxable part as pay subject to tax and none of it as NI-able pay.

Pay in lieu of notice and holiday pay are not termination awards: they are earnings (ITEPA
ss.402A-402E), taxed and NI-able in full, ordinary additions on the payslip.

Class 1A (SSCBA 1992 s.10(1ZA), from 6 April 2020): the employer pays Class 1A contributions on a
"relevant termination award", the part of the award that is employment income by virtue of s.403
(what is over the threshold, after earlier payments for the same termination), at the Class 1A
rate in force on the day it is paid. It is paid with PAYE for that period and reported on the FPS
(``Class1ANICsYTD``), not on the P11D(b). :func:`class1a_pence` works it out for one payslip.
"""

from __future__ import annotations

import functools
import itertools
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from joinedup.core.dates import people_date
from joinedup.core.money import PENNY, pounds_to_pence, round_nearest_penny_half_down

RULES_FILE = Path(__file__).parent / "rules" / "termination_awards.toml"


class TerminationRulesError(ValueError):
    """The rule file is missing a figure, or one is mistyped."""


@dataclass(frozen=True, slots=True)
class TerminationRules:
    thresholds: tuple[tuple[date, Decimal], ...]  # ascending by date, pounds
    ni_able: bool
    unconfirmed: tuple[str, ...] = ()
    class1a_rates: tuple[tuple[date, Decimal], ...] = ()  # ascending by date, per cent

    def threshold_on(self, day: date) -> Decimal:
        chosen = [value for start, value in self.thresholds if start <= day]
        if not chosen:
            raise TerminationRulesError(
                f"termination_awards.toml has no threshold in force on {people_date(day)}"
            )
        return chosen[-1]

    def class1a_rate_on(self, day: date) -> Decimal:
        """The Class 1A percentage for an award paid on ``day`` (nothing due before 6 April 2020)."""
        chosen = [value for start, value in self.class1a_rates if start <= day]
        return chosen[-1] if chosen else Decimal(0)


def _fail(key: str, problem: str) -> TerminationRulesError:
    return TerminationRulesError(f"{RULES_FILE.name}: {key}: {problem}")


def _sourced(table: Any, key: str, unconfirmed: list[str]) -> dict[str, Any]:
    if not isinstance(table, dict) or "value" not in table:
        raise _fail(key, "expected a table with a value")
    if not isinstance(table.get("source"), str) or not table["source"].strip():
        raise _fail(f"{key}.source", "every figure needs a source")
    if table.get("unconfirmed", False):
        note = table.get("note")
        if not isinstance(note, str) or not note.strip():
            raise _fail(f"{key}.note", "an unconfirmed figure says why")
        unconfirmed.append(f"{key}: {note}")
    return table


def load_termination_rules(path: Path = RULES_FILE) -> TerminationRules:
    """Parse and validate the rule file (uncached; tests use it on broken copies)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise _fail("file", f"cannot read: {error}") from error
    unconfirmed: list[str] = []
    entries = data.get("threshold")
    if not isinstance(entries, list) or not entries:
        raise _fail("threshold", "expected one or more [[threshold]] tables")
    thresholds = []
    for index, entry in enumerate(entries):
        where = f"threshold[{index}]"
        table = _sourced(entry, where, unconfirmed)
        if not isinstance(table.get("effective_from"), date):
            raise _fail(f"{where}.effective_from", "expected a TOML date")
        try:
            value = Decimal(table["value"]) if isinstance(table["value"], str) else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value != value.quantize(PENNY):
            raise _fail(f"{where}.value", f"expected a string of pounds and pence, got {table['value']!r}")
        thresholds.append((table["effective_from"], value))
    thresholds.sort(key=lambda pair: pair[0])
    for before, after in itertools.pairwise(thresholds):
        if before[0] == after[0]:
            raise _fail("threshold", f"two entries from {after[0]}")
    ni_able = _sourced(data.get("ni_able"), "ni_able", unconfirmed)["value"]
    if not isinstance(ni_able, bool):
        raise _fail("ni_able.value", "expected true or false")
    rates = _dated_rates(data.get("class1a"), unconfirmed)
    return TerminationRules(tuple(thresholds), ni_able, tuple(unconfirmed), rates)


def _dated_rates(entries: Any, unconfirmed: list[str]) -> tuple[tuple[date, Decimal], ...]:
    if not isinstance(entries, list) or not entries:
        raise _fail("class1a", "expected one or more [[class1a]] tables")
    rates = []
    for index, entry in enumerate(entries):
        where = f"class1a[{index}]"
        if not isinstance(entry, dict) or "rate" not in entry:
            raise _fail(where, "expected a table with a rate")
        _sourced({**entry, "value": entry["rate"]}, where, unconfirmed)
        if not isinstance(entry.get("effective_from"), date):
            raise _fail(f"{where}.effective_from", "expected a TOML date")
        try:
            rate = Decimal(entry["rate"]) if isinstance(entry["rate"], str) else None
        except InvalidOperation:
            rate = None
        # Per cent, exact in parts per million (the engine's convention for rates).
        if (
            rate is None
            or not rate.is_finite()
            or not 0 <= rate < 100
            or rate != rate.quantize(Decimal("0.0001"))
        ):
            raise _fail(f"{where}.rate", f"expected a string of per cent, got {entry['rate']!r}")
        rates.append((entry["effective_from"], rate))
    rates.sort(key=lambda pair: pair[0])
    for before, after in itertools.pairwise(rates):
        if before[0] == after[0]:
            raise _fail("class1a", f"two entries from {after[0]}")
    return tuple(rates)


@functools.cache
def termination_rules() -> TerminationRules:
    return load_termination_rules()


@dataclass(frozen=True, slots=True)
class AwardSplit:
    """One termination award in pence: the part free of tax and the taxable part; NI-able is
    the part Class 1 NICs are due on (nothing, under the current rule)."""

    tax_free: int
    taxable: int
    ni_able: int


def split_award(pence: int, *, threshold_used: int, paid_on: date) -> AwardSplit:
    """ITEPA 2003 s.403: of an award of ``pence`` received on ``paid_on``, the part still under
    the threshold once ``threshold_used`` pence of it went to earlier awards for the same
    termination (s.404) is free of tax; the rest is taxable."""
    rules = termination_rules()
    room = max(pounds_to_pence(rules.threshold_on(paid_on)) - max(threshold_used, 0), 0)
    tax_free = min(max(pence, 0), room)
    return AwardSplit(tax_free=tax_free, taxable=pence - tax_free, ni_able=pence if rules.ni_able else 0)


def class1a_pence(liable_pence: int, *, paid_on: date) -> int:
    """SSCBA 1992 s.10(1ZA): the employer's Class 1A contributions on ``liable_pence`` of relevant
    termination awards (the taxable parts, :attr:`AwardSplit.taxable`) paid on ``paid_on``, at the
    Class 1A rate in force that day; to the nearest penny, half a penny down (the NICs rule,
    NIM11002). Rounded once per payslip, on the sum of its awards."""
    if liable_pence <= 0:
        return 0
    rate = termination_rules().class1a_rate_on(paid_on)
    return int(round_nearest_penny_half_down(Decimal(liable_pence) * rate / 100 / 100) * 100)
