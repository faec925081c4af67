"""Money as text, from integer pence: one helper for people (payslips, P45, P60), one for HMRC's XML.

Both refuse anything but an ``int`` (a ``bool`` or a ``float`` is a bug upstream, never rounded here).
"""

from __future__ import annotations


def _pence(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"money must be integer pence, got {type(value).__name__} {value!r}")
    return value


def format_gbp(pence: int) -> str:
    """'£1,234.56'; a negative amount as '-£12.34'."""
    amount = _pence(pence)
    pounds, pennies = divmod(abs(amount), 100)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{pounds:,}.{pennies:02d}"


def format_pounds(pence: int) -> str:
    """HMRC's monetary type: '1234.56', '-12.34', '0.00' (two decimals, no grouping, no sign for zero)."""
    amount = _pence(pence)
    pounds, pennies = divmod(abs(amount), 100)
    sign = "-" if amount < 0 else ""
    return f"{sign}{pounds}.{pennies:02d}"


def is_whole_pounds(pence: int) -> bool:
    return _pence(pence) % 100 == 0
