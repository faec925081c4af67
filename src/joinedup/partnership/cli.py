"""What every `joinedup` command that acts for a partner parses the same way: ``--partner CODE``
and ``--as USERNAME``, each refused by name when nothing matches."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from joinedup.partnership.models import Partner


def partner_by_code(code: str) -> Partner:
    partner = Partner.objects.filter(code__iexact=code).first()
    if partner is None:
        raise CommandError(f"No partner with code {code!r}.")
    return partner


def acting_user(username: str | None) -> Any:
    """The user named by ``--as``, or None (the system) when none was given."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    return user
