"""Dates as people read them: "25 November 2026", never "05 Dec 2026" (issue 19).

One form for every date joinedup writes for a person to read: a page, a flash message, a
validation error, an e-mail, a notification, a PDF, a command's human-readable output. The
template filters of the same names (web/templatetags/components.py) call these, so a date
reads the same wherever it was built. Machine formats (ISO dates in JSON, CSV and audit
events, file names, HMRC, BACS and other statutory files) keep their own formats.

Pure: no Django, so every layer and the pure output formats may use it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# People in the partnership read the clock in London: an aware datetime is shown as it was
# there (BST in summer), so 23:30 UTC on 30 June is 1 July.
LONDON = ZoneInfo("Europe/London")


def _day(value: date | datetime | str, name: str) -> date:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date() if value.tzinfo else value.date()
    if not isinstance(value, date):
        raise TypeError(f"{name} takes a date, not {type(value).__name__}")
    return value


def people_date(value: date | datetime | str | None, *, weekday: bool = False) -> str:
    """25 November 2026 (no leading zero, the month in full); with ``weekday``, Wednesday
    25 November 2026 (a pay day or a cut-off to plan by). A datetime is read on the clock in
    London; an ISO date ("2026-11-25", as an audit event's JSON keeps it) is accepted."""
    if value is None or value == "":
        return ""
    day = _day(value, "people_date")
    named = f"{day:%A} " if weekday else ""
    return f"{named}{day.day} {day:%B %Y}"


def people_datetime(value: datetime | None, *, weekday: bool = False) -> str:
    """25 November 2026 at 14:30, on the clock in London, where the time matters (an event, a
    deadline); with ``weekday``, Wednesday 25 November 2026 at 14:30."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        raise TypeError(f"people_datetime takes a datetime, not {type(value).__name__}")
    if value.tzinfo:
        value = value.astimezone(LONDON)
    return f"{people_date(value.date(), weekday=weekday)} at {value:%H:%M}"


def people_month(value: date | datetime | None) -> str:
    """A month (a period, a run) as people read it: November 2026."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        raise TypeError("people_month takes a date, not str")
    return f"{_day(value, 'people_month'):%B %Y}"


def people_utc_moment(value: datetime) -> str:
    """5 December 2026 at 14:30:05 UTC: a moment to the second on the clock it was signed on, for
    the audit trail's checkpoints, whose signed timestamp a reader compares with the file."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise TypeError("people_utc_moment takes an aware datetime")
    value = value.astimezone(UTC)
    return f"{people_date(value.date())} at {value:%H:%M:%S} UTC"
