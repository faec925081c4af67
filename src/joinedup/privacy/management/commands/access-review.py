"""``joinedup access-review …``: the access review's re-certification from the command line.

    joinedup access-review lapse [--as-of YYYY-MM-DD] [--as USER] [--json]

``lapse`` closes every open access review due before ``--as-of`` (today by default): each line
the nominated manager did not certify or revoke lapses, and its role is removed
(privacy/access_review.py), audited. The worker runs the same every hour. Running it twice
changes nothing the second time. Without ``--as`` it acts as the system for the OS user who runs
it, on every partner; with ``--as`` on the partners where that user holds
``privacy.access_review``. A bad date exits 2."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from joinedup.partnership.cli import acting_user
from joinedup.privacy import access_review

BAD_INPUT = 2  # as argparse uses for a bad argument


class Command(BaseCommand):
    help = "Access review: lapse the roles not re-certified by their review's due date."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lapse = sub.add_parser("lapse", help="Lapse every role not re-certified by its review's due date.")
        lapse.add_argument(
            "--as-of", default="", help="The day to lapse as of (YYYY-MM-DD); today by default."
        )
        lapse.add_argument("--as", dest="as_user", default="", help="Act as this user (their partners only).")
        lapse.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = options["as_of"].strip()
        try:
            as_of = date.fromisoformat(text) if text else timezone.localdate()
        except ValueError:
            raise CommandError(
                f"--as-of {text!r}: give the date as YYYY-MM-DD.", returncode=BAD_INPUT
            ) from None
        actor = acting_user(options["as_user"] or None, command="access-review lapse")
        result = access_review.lapse_due(actor=actor, as_of=as_of)
        if options["json"]:
            body = {"as_of": as_of.isoformat(), "reviews_closed": result.reviews, "lapsed": result.lapsed,
                    "roles_removed": result.removed}  # fmt: skip
            self.stdout.write(json.dumps(body))
            return
        self.stdout.write(
            f"As of {as_of}: {len(result.reviews)} access review(s) closed, {result.lapsed} line(s) lapsed, "
            f"{result.removed} role(s) removed."
        )
