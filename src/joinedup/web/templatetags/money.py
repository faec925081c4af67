from __future__ import annotations

from django import template

from joinedup.core.money import gbp as _gbp

register = template.Library()


@register.filter
def gbp(pence: int | None) -> str:
    """Integer pence as £1,234.56."""
    return "" if pence is None else _gbp(int(pence))
