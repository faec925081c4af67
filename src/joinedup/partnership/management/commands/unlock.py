from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from joinedup.partnership.cli import operator
from joinedup.partnership.lockout import user_unlock


class Command(BaseCommand):
    help = "Release a sign-in lockout: `joinedup unlock USERNAME` clears that user's failed attempts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        cleared = user_unlock(actor=operator("unlock"), username=username)
        if cleared:
            self.stdout.write(f"Unlocked {username}: {cleared} failed sign-in records cleared.")
        else:
            self.stdout.write(f"{username} had no failed sign-ins recorded.")
