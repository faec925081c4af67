"""Showing amounts held in integer pence, without passing through float."""

from __future__ import annotations


def plain_pounds(pence: int) -> str:
    """1234567 → "12345.67"; -5 → "-0.05" (for CSV files)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def gbp(pence: int) -> str:
    """1234567 → "£12,345.67"; -1234 → "-£12.34" (for people)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"
