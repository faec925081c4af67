from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from joinedup.partnership.cli import operator
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.services import membership_grant, user_create


class Command(BaseCommand):
    help = "Create a user and, optionally, give them roles on partners."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Full name.")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            metavar="PARTNER:ROLE",
            help=f"Partner code and role, e.g. WCC:hr_officer. Roles: {', '.join(Role.values)}. Repeatable.",
        )
        parser.add_argument("--no-password", action="store_true", help="API-only or single sign-on user.")

    def handle(
        self,
        *args: Any,
        username: str,
        email: str,
        name: str,
        role: list[str],
        no_password: bool,
        **options: Any,
    ) -> None:
        grants = []
        for item in role:
            code, sep, role_name = item.partition(":")
            if not sep:
                raise CommandError(f"--role {item!r}: write PARTNER:ROLE, e.g. WCC:hr_officer.")
            partner = Partner.objects.filter(code__iexact=code).first()
            if partner is None:
                raise CommandError(f"--role {item!r}: no partner with code {code!r}.")
            if role_name not in Role.values:
                raise CommandError(f"--role {item!r}: unknown role {role_name!r}.")
            grants.append((partner, role_name))
        password = None
        if not no_password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            with transaction.atomic():
                system = operator("createuser")
                user = user_create(
                    actor=system, username=username, password=password, email=email, full_name=name
                )
                for partner, role_name in grants:
                    membership_grant(actor=system, user=user, partner=partner, role=role_name)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"Created {username} with {len(grants)} role(s).")
