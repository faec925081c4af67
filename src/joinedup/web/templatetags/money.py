from __future__ import annotations

from decimal import Decimal

from django import template

from joinedup.core.money import gbp as _gbp
from joinedup.core.money import pounds_to_pence

register = template.Library()


@register.filter
def gbp(pence: int | None) -> str:
    """Integer pence as £1,234.56."""
    return "" if pence is None else _gbp(int(pence))


@register.filter
def unit_price(amount: Decimal | None) -> str:
    """A unit price, which may be finer than a penny (four places): £1,234.5678, £0.50, -£2.25."""
    if amount is None:
        return ""
    if not isinstance(amount, Decimal):
        raise TypeError(f"a price is a Decimal, never {type(amount).__name__}")
    shown = amount.normalize()
    if shown.as_tuple().exponent > -2:  # type: ignore[operator]
        shown = shown.quantize(Decimal("0.01"))
    sign = "-" if shown < 0 else ""
    return f"{sign}£{abs(shown):,}"


@register.filter
def pounds(amount: Decimal | None) -> str:
    """Decimal pounds (a domain figure, whole pence) as £1,234.56."""
    return "" if amount is None else _gbp(pounds_to_pence(amount))
