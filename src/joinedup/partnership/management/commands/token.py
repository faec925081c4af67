from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.partnership.cli import operator
from joinedup.partnership.models import API_TOKEN_DEFAULT_DAYS, ApiToken, TokenScope
from joinedup.partnership.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = (
        "API tokens: `token create USERNAME [--scope read|write] [--expires-in-days N]` prints a new "
        "token; `token revoke PREFIX` revokes one; `token list` lists them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it (it is shown only once).")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")
        create.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help="read (the default): GET only; write: may also change things.",
        )
        create.add_argument(
            "--expires-in-days",
            type=int,
            default=API_TOKEN_DEFAULT_DAYS,
            help=f"Days until the token stops working (default {API_TOKEN_DEFAULT_DAYS}).",
        )
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix (the first 12 characters).")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="List tokens (prefixes only).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user {options['username']!r}.")
            try:
                token, raw = api_token_create(
                    actor=operator("token create"),
                    user=user,
                    name=options["name"],
                    scope=options["scope"],
                    expires_in_days=options["expires_in_days"],
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(raw)
            self.stderr.write(
                f"{token.get_scope_display()} token {token.prefix}… for {user.get_username()}, "
                f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC. It is not shown again."
            )
        elif action == "revoke":
            matches = list(ApiToken.objects.filter(prefix=options["prefix"][:12]))
            if len(matches) != 1:
                raise CommandError(
                    f"{len(matches)} tokens match {options['prefix']!r}; give the 12-character prefix."
                )
            try:
                api_token_revoke(actor=operator("token revoke"), token=matches[0])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(f"Revoked {matches[0].prefix}…")
        else:
            for token in ApiToken.objects.select_related("user"):
                used = (
                    f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
                )
                self.stdout.write(
                    f"{token.prefix}…  {token.user.get_username():20}  {token.status:8}  {token.scope:5}  "
                    f"expires {token.expires_at:%Y-%m-%d}  {used}  {token.name}"
                )
