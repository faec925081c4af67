from __future__ import annotations

import binascii
import time
from base64 import b32decode
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from joinedup.partnership.cli import operator
from joinedup.partnership.second_factor import second_factor_reset


class Command(BaseCommand):
    help = (
        "The second sign-in step: `otp reset USERNAME` removes a user's authenticator and recovery "
        "codes (they set up new ones at their next sign-in); `otp code --key KEY` prints the code an "
        "authenticator app with that base32 key shows now (for the demo's published key)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reset = sub.add_parser("reset", help="Reset a user's second factor (audited).")
        reset.add_argument("username")
        code = sub.add_parser("code", help="Print the current code for a base32 key (reads no database).")
        code.add_argument("--key", required=True, help="The key, base32, as an authenticator app takes it.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "code":
            text = options["key"].replace(" ", "").upper()
            try:
                key = b32decode(text + "=" * (-len(text) % 8))
            except (binascii.Error, ValueError) as exc:
                raise CommandError("The key is not base32 (letters A-Z and digits 2-7).") from exc
            totp = TOTP(key)
            totp.time = time.time()
            left = 30 - int(totp.time) % 30
            self.stdout.write(f"{totp.token():06d}")
            self.stderr.write(f"The app shows the next code in {left} second{'s' if left != 1 else ''}.")
            return
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        try:
            removed = second_factor_reset(actor=operator("otp reset"), user=user, partner=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Reset {user.get_username()}'s second factor ({removed} devices removed).")
