"""Issue 19, every date shown as people read it ("25 November 2026"): the census of the date
formats in the code that ships.

A date built in Python for a person to read (a message, a validation error, an e-mail, a PDF, a
command's text) is written by joinedup.core.dates (people_date, people_datetime, people_month),
as templates write theirs with the filters of the same names. A strftime-style format that
gives a leading zero or a short month ("05 Dec 2026", "Dec 2026"), or a hand-built one that
re-does the helper's work, fails here unless it is in ALLOWED with why: a machine or statutory
format, or a label with the full form beside it.
"""

from __future__ import annotations

import re
from pathlib import Path

import joinedup

SOURCE = Path(joinedup.__file__).parent

# A leading-zero day, a numeric month or a short one ("%d %B", "%-d %b", "%a %d", "%d/%m/%Y",
# "%b %Y", "%b %y"), and a day or a month built by hand ("%B %Y", "{x.day} {x:%B %Y}"): each is
# what core.dates is for, and the helper reads an aware datetime on London's clock where a
# format would read it on UTC's.
NOT_AS_PEOPLE_READ = re.compile(r"%-?d[ /.-]%[bBm]|%b %[yY]|%B %Y|%a %-?d")

# (path under src/joinedup, the line's format) -> why it may stay.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "core/dates.py",
        '    return f"{named}{day.day} {day:%B %Y}"',
    ): "the helper itself: every other date people read is built here",
    (
        "core/dates.py",
        "    return f\"{_day(value, 'people_month'):%B %Y}\"",
    ): "the helper itself: every other month people read is built here",
    (
        "web/purchasing/spend_views.py",
        '    return date(year, month, 1).strftime("%b %Y")',
    ): "the monthly chart's axis: twelve labels share 540 pixels, and the table of the same "
    "figures on the page (and its downloads) names each month in full",
    (
        "web/businesscase/realisation.py",
        '            [f"{m.month:%b %Y}" for m in r.by_month],',
    ): "the cumulative savings chart's axis: twelve labels share half a page, and the months "
    "table below the charts (and its downloads and the board pack) names each month in full",
}


def _shipped() -> list[Path]:
    # Tests and the test helpers (joinedup.testing) write dates as fixtures, not for people.
    return sorted(
        p for p in SOURCE.rglob("*.py") if not {"tests", "testing"} & set(p.relative_to(SOURCE).parts)
    )


def _found() -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for path in _shipped():
        where = path.relative_to(SOURCE).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if NOT_AS_PEOPLE_READ.search(line):
                found[(where, line.rstrip())] = number
    return found


def test_every_date_format_in_the_shipped_code_reads_as_people_read_it_or_says_why_not() -> None:
    unexplained = [
        f"{where}:{number}: {line.strip()}"
        for (where, line), number in _found().items()
        if (where, line) not in ALLOWED
    ]
    assert unexplained == [], (
        "A date built for people to read goes through joinedup.core.dates (people_date, people_datetime, "
        "people_month); a machine or statutory format goes in ALLOWED with its reason:\n"
        + "\n".join(unexplained)
    )


def test_every_allowed_format_is_still_in_the_code() -> None:
    assert sorted(set(ALLOWED) - set(_found())) == []


def test_every_allowed_format_says_why() -> None:
    assert [key for key, why in ALLOWED.items() if len(why.split()) < 5] == []


def test_the_census_catches_the_forms_issue_19_names() -> None:
    caught = [
        'f"{day:%d %B %Y}"',
        'f"{day:%-d %b %Y}"',
        'f"{month:%b %Y}"',
        'day.strftime("%a %d %b %Y")',
        'f"{day.day} {day:%B %Y}"',
        'f"{day:%d/%m/%Y}"',
        'f"{month:%b %y}"',
    ]
    assert [text for text in caught if not NOT_AS_PEOPLE_READ.search(text)] == []
    assert NOT_AS_PEOPLE_READ.search('f"{month:%B %Y}"') is not None
    assert NOT_AS_PEOPLE_READ.search('f"{when:%Y-%m-%d}"') is None
