"""The partner's scheme of delegation for purchasing, read: who may approve a requisition of a
given value.

A person named in the scheme is held to their own line, whatever roles they hold (a scheme names
people to give them more authority than their role, or less). Anyone else has the highest limit
of the roles they hold on the partner, no limit (``up_to`` empty) being highest. Someone with no
line has no authority to approve, however their roles read. The value compared is the
requisition's net total (VAT excluded), as schemes of delegation state their limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from joinedup.core.actors import is_system
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import roles_on
from joinedup.purchasing.models import DelegationLimit


@dataclass(frozen=True)
class Authority:
    """A person's approval authority at a partner: the scheme's line that gives it."""

    title: str
    up_to: Decimal | None
    source: str

    def covers(self, value: Decimal) -> bool:
        return self.up_to is None or value <= self.up_to

    @property
    def limit_text(self) -> str:
        return "no limit" if self.up_to is None else f"£{self.up_to:,.2f}"


def scheme_of(partner: Partner | int) -> list[DelegationLimit]:
    """The scheme's lines, lowest limit first, no limit last."""
    lines = list(DelegationLimit.objects.for_partner(partner).select_related("user"))
    return sorted(lines, key=lambda d: (d.up_to is None, d.up_to or Decimal(0), d.title))


def authority_of(user: Any, partner: Partner | int) -> Authority | None:
    """``user``'s authority under the partner's scheme, or None when the scheme gives them none.
    The system has none: a requisition is approved by a person."""
    if is_system(user) or not getattr(user, "is_authenticated", False):
        return None
    lines = DelegationLimit.objects.for_partner(partner)
    named = lines.filter(user_id=user.pk).first()
    if named is not None:
        return Authority(named.title, named.up_to, named.source)
    by_role = list(lines.filter(role__in=sorted(roles_on(user, partner)), user__isnull=True))
    if not by_role:
        return None
    best = max(by_role, key=lambda d: (d.up_to is None, d.up_to or Decimal(0)))
    return Authority(best.title, best.up_to, best.source)


def lowest_covering(partner: Partner | int, value: Decimal) -> DelegationLimit | None:
    """The first line of the scheme whose limit covers ``value``: where the requisition goes."""
    return next((d for d in scheme_of(partner) if d.up_to is None or value <= d.up_to), None)
