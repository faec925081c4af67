"""Cell parsers: each turns the text of one cell into a value or raises ``ValueError`` with the
reason in plain English. The functions here are factories: ``decimal(places=2)`` returns the
parser. The reader strips cells and never passes a blank one (a blank cell is "required" or
takes the column's default); called directly, every parser strips and refuses blank text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, overload

T = TypeVar("T")

__all__ = ["boolean", "choice", "decimal", "integer", "iso_date", "list_of", "regex", "text"]

_BLANK = "Enter a value"


def text(max_length: int | None = None) -> Callable[[str], str]:
    """Any text, stripped; at most ``max_length`` characters."""

    def parse(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError(_BLANK)
        if max_length is not None and len(value) > max_length:
            raise ValueError(f"Must be {max_length} characters or fewer (this has {len(value)})")
        return value

    return parse


@overload
def choice(values: Mapping[str, T]) -> Callable[[str], T]: ...  # type: ignore[overload-overlap]
@overload
def choice(values: Iterable[str]) -> Callable[[str], str]: ...
def choice(values: Mapping[str, Any] | Iterable[str]) -> Callable[[str], Any]:
    """One of a set of values, any case. A mapping lists the accepted spellings of each value
    (``{"full time": "FT", "FT": "FT"}``); a plain iterable (a list, or a Django ``TextChoices``
    class) accepts each value as itself."""
    if isinstance(values, Mapping):
        spellings: dict[str, Any] = {str(key).strip().casefold(): value for key, value in values.items()}
        shown = list(dict.fromkeys(str(key).strip() for key in values))
    else:
        listed = list(values)
        spellings = {str(value).strip().casefold(): value for value in listed}
        shown = [str(value) for value in listed]
    if not spellings:
        raise ValueError("choice() needs at least one value")
    hint = ", ".join(shown[:12]) + (f" (or one of {len(shown) - 12} more)" if len(shown) > 12 else "")
    reason = f"Choose one of: {hint}"

    def parse(value: str) -> Any:
        try:
            return spellings[value.strip().casefold()]
        except KeyError:
            raise ValueError(_BLANK if not value.strip() else reason) from None

    return parse


# Optional sign, optional £ (either side of the sign), digits with or without thousands commas
# in groups of three, optional fraction. No exponents, spaces, underscores, NaN or Infinity,
# which Decimal() and int() themselves would take, and ASCII digits only.
_NUMBER = re.compile(r"([+-]?)£?([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?", re.ASCII)
_PLAIN_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?", re.ASCII)  # the fast path: "1234.50"
_MAX_DIGITS = 15  # before the point; Excel holds 15 significant digits


def _plain(value: str, reason: str) -> str:
    """A number as a person writes it ('£1,234.50', '+5', '.5') as plain text ('1234.50')."""
    value = value.strip()
    match = _NUMBER.fullmatch(value)
    if match is None or (match[1] and match[2]) or not (match[3] or match[4]):
        raise ValueError(reason if value else _BLANK)
    sign = "-" if "-" in (match[1], match[2]) else ""
    whole = match[3].replace(",", "").lstrip("0") or "0"
    if len(whole) > _MAX_DIGITS:
        raise ValueError("The number is too large")
    fraction = match[4] or ""
    return f"{sign}{whole}.{fraction}" if fraction else sign + whole


def _too_precise(fraction: str, places: int) -> ValueError:
    significant = len(fraction.rstrip("0"))
    allowed = "no decimal places are" if places == 0 else f"at most {places} decimal places are"
    return ValueError(
        f"Has {significant} decimal places; {allowed} allowed"
        " (round it in the spreadsheet if that is what you mean)"
    )


def _bound(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def decimal(
    places: int = 2, *, min: Decimal | int | str | None = None, max: Decimal | int | str | None = None
) -> Callable[[str], Decimal]:
    """An exact decimal with at most ``places`` decimal places, returned with exactly that many.

    Takes '1234.5', '1,234.50', '£1,234.50', '-£5'. More places than allowed is an error, never a
    rounding: '10.125' in a money column is a mistake to correct, not a penny to lose or invent.
    Trailing zeros are not extra precision ('10.500' is 10.50).
    """
    if not 0 <= places <= 10:
        raise ValueError("decimal() takes 0 to 10 places")
    low, high = _bound(min), _bound(max)
    quantum = Decimal(1).scaleb(-places)
    reason = "Enter a number, like 1234.50 or £1,234.50"
    plain = _PLAIN_NUMBER.fullmatch

    def parse(value: str) -> Decimal:
        if plain(value) is None:
            value = _plain(value, reason)
        point = value.find(".")
        if point >= 0 and len(value) - point - 1 > places and value[point + 1 + places :].strip("0"):
            raise _too_precise(value[point + 1 :], places)
        number = Decimal(value).quantize(quantum)
        if not number:
            number = abs(number)  # "-0.00" is 0.00
        if low is not None and number < low:
            raise ValueError(f"Must be {low} or more")
        if high is not None and number > high:
            raise ValueError(f"Must be {high} or less")
        return number

    return parse


def integer(*, min: int | None = None, max: int | None = None) -> Callable[[str], int]:
    """A whole number; '1,234' and '12.0' are read, '12.5' is not."""
    plain = _PLAIN_NUMBER.fullmatch

    def parse(value: str) -> int:
        if plain(value) is None:
            value = _plain(value, "Enter a whole number")
        whole, _, fraction = value.partition(".")
        if fraction.strip("0"):
            raise ValueError("Enter a whole number")
        number = int(whole)
        if min is not None and number < min:
            raise ValueError(f"Must be {min} or more")
        if max is not None and number > max:
            raise ValueError(f"Must be {max} or less")
        return number

    return parse


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?", re.ASCII)
_UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})", re.ASCII)
_NAMED_DATE = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{2,4})", re.ASCII)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DATE_FORMAT = "Enter a date like 2026-04-01 or 01/04/2026 (day/month/year)"


def _make_date(year: str, month: int, day: int, order: str = "day/month/year, UK order") -> date:
    if len(year) != 4:
        raise ValueError("Write the year with 4 digits, like 01/04/2026")
    if not int(year):
        raise ValueError("There is no year 0000")  # not "the month has no day 1", as date() would have it
    if not 1 <= month <= 12:
        hint = f" (the date is read as {order})" if 1 <= day <= 12 else ""
        raise ValueError(f"{month} is not a month{hint}")
    try:
        return date(int(year), month, day)
    except ValueError:
        raise ValueError(f"The month has no day {day}") from None


def iso_date() -> Callable[[str], date]:
    """A date written 2026-04-01 (ISO), 01/04/2026 or 1.4.2026 (UK, day first) or 1 Apr 2026.

    Two-digit years are refused, not guessed. A spreadsheet's date cell arrives as ISO text.
    """

    def parse(value: str) -> date:
        # Fast paths for the two usual shapes, 2026-04-01 and 01/04/2026; anything else, or
        # anything they refuse, goes the long way round for its reason.
        if len(value) == 10:
            try:
                if value[4] == "-" and value[7] == "-":
                    return date.fromisoformat(value)
                if value[2] == "/" and value[5] == "/":
                    return date.fromisoformat(f"{value[6:]}-{value[3:5]}-{value[:2]}")
            except ValueError:
                pass
        value = value.strip()
        if match := _ISO_DATE.fullmatch(value):
            return _make_date(match[1], int(match[2]), int(match[3]), "year-month-day")
        if match := _UK_DATE.fullmatch(value):
            return _make_date(match[3], int(match[2]), int(match[1]))
        if (match := _NAMED_DATE.fullmatch(value)) and match[2].lower() in _MONTHS:
            return _make_date(match[3], _MONTHS[match[2].lower()], int(match[1]))
        if not value:
            raise ValueError(_BLANK)
        if re.fullmatch(r"\d{5}(\.\d+)?", value):
            raise ValueError(f"{_DATE_FORMAT}: this looks like a date number, so format the cell as a date")
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d.*", value):
            raise ValueError("Enter a date without a time")
        raise ValueError(_DATE_FORMAT)

    return parse


_TRUE = frozenset({"yes", "y", "true", "t", "1"})
_FALSE = frozenset({"no", "n", "false", "f", "0"})


def boolean() -> Callable[[str], bool]:
    """yes/no, y/n, true/false or 1/0, any case."""

    def parse(value: str) -> bool:
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError("Enter yes or no" if lowered else _BLANK)

    return parse


def list_of(parse_item: Callable[[str], T], sep: str = ";") -> Callable[[str], tuple[T, ...]]:
    """Items separated by ``sep``, each read by ``parse_item``; empty items are skipped."""

    def parse(value: str) -> tuple[T, ...]:
        items = [item.strip() for item in value.split(sep)]
        out: list[T] = []
        for position, item in enumerate(items, start=1):
            if not item:
                continue
            try:
                out.append(parse_item(item))
            except ValueError as exc:
                raise ValueError(f"Item {position} ({item}): {exc}") from None
        if not out:
            raise ValueError(_BLANK)
        return tuple(out)

    return parse


def regex(pattern: str | re.Pattern[str], message: str) -> Callable[[str], str]:
    """Text the whole of which matches ``pattern``; ``message`` is the reason otherwise."""
    compiled = re.compile(pattern)

    def parse(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError(_BLANK)
        if compiled.fullmatch(value) is None:
            raise ValueError(message)
        return value

    return parse
