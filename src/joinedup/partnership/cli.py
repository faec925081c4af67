"""What every `joinedup` command that acts for a partner parses the same way: ``--partner CODE``
and ``--as USERNAME``, each refused by name when nothing matches."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from joinedup.core.actors import SystemActor
from joinedup.partnership.models import Partner


def partner_by_code(code: str) -> Partner:
    partner = Partner.objects.filter(code__iexact=code).first()
    if partner is None:
        raise CommandError(f"No partner with code {code!r}.")
    return partner


def operator(command: str) -> SystemActor:
    """The system acting for whoever runs ``joinedup <command>`` at this machine: the audit
    trail names the OS user and the command, e.g. ``system (operator root): joinedup payroll run``."""
    try:
        who: str | None = getpass.getuser()
    except OSError:  # no login name and no USER/LOGNAME (some containers): say so, do not guess
        who = None
    return SystemActor(reason=f"joinedup {command}", operator=who)


def acting_user(username: str | None, *, command: str) -> Any:
    """The user named by ``--as``; without one, the system acting for the OS user who ran
    ``joinedup <command>`` (``command`` is the subcommand, e.g. ``"payroll run"``)."""
    if not username:
        return operator(command)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    return user
