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
def pounds(amount: Decimal | None) -> str:
    """Decimal pounds (a domain figure, whole pence) as £1,234.56."""
    return "" if amount is None else _gbp(pounds_to_pence(amount))
