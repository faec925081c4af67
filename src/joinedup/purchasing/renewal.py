"""When a contract is due for renewal, as plain dates: no Django, no database.

The partnership's renewal policy (issue 14): the contract's owner is told 6, 3 and 1 months
before the contract's current end, the end moved on by every extension option already taken. An
option not yet taken is the decision the alert asks for (extend, or procure again); taking it
moves the end and so every alert after it. A month before 31 August is 31 July; a month before
31 March is 28 or 29 February (the day is clamped to the month's last).

A CPV code (Common Procurement Vocabulary, Commission Regulation (EC) No 213/2008) is eight digits
and a check digit, written ``NNNNNNNN-N``. Only that form is checked, not the check digit: the
regulation does not say how the digit is computed, and the algorithm in the Commission's CPV
guidance (weights 7-1-3 along the levels of the code) does not give the digits the published
vocabulary carries (03300000-2, for one). The Commission's own CPV team said so in answer to that
question, in March 2024: the digits of the 2008 revision were made in error and will not be
corrected ("CPV control digit", OP-TED/ePO discussion #589,
https://github.com/OP-TED/ePO/discussions/589). Checking the digit by that algorithm would
refuse codes the vocabulary publishes; without the vocabulary's own table (not held here), the
form is as far as a check can go.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

# The months before the end at which the owner is alerted, most notice first (a definition of the
# partnership's policy, not a statutory figure).
THRESHOLDS_MONTHS: tuple[int, ...] = (6, 3, 1)

_CPV = re.compile(r"^[0-9]{8}-[0-9]$")


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, clamped to the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


def latest_end_due(today: date, months: int = THRESHOLDS_MONTHS[0]) -> date:
    """The latest end date whose ``months`` alert is due by ``today``: the inverse of
    ``alert_on``, for finding due contracts in the database. On the last day of a month every end
    later in the target month is due too (31 December's six-month alert falls on 30 June)."""
    found = months_after(today, months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        found = found.replace(day=calendar.monthrange(found.year, found.month)[1])
    return found


def alert_on(end_date: date, threshold_months: int) -> date:
    """The first day on which the ``threshold_months`` alert is due."""
    return months_before(end_date, threshold_months)


def threshold_reached(end_date: date, today: date) -> int | None:
    """The nearest threshold (in months) that ``today`` has reached before ``end_date``: 1 once a
    month or less remains (and after the end, for a contract nobody has ended), None while more
    than six months remain. Only the nearest counts, so an alert missed (the command did not run
    for a while) is not sent late alongside a more urgent one."""
    reached = [m for m in THRESHOLDS_MONTHS if today >= alert_on(end_date, m)]
    return min(reached) if reached else None


def check_cpv(value: str) -> str:
    """A CPV code in its written form, ``NNNNNNNN-N`` (spaces removed; the hyphen may be left out)."""
    text = re.sub(r"\s+", "", value)
    if re.fullmatch(r"[0-9]{9}", text):
        text = f"{text[:8]}-{text[8]}"
    if not _CPV.fullmatch(text):
        raise ValueError("Enter the CPV code as 8 digits, a hyphen and the check digit, like 30192000-1")
    return text
