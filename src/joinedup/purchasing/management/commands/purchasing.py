"""``joinedup purchasing …``: purchasing's scheduled work.

    joinedup purchasing contract-alerts [--today YYYY-MM-DD] [--json] [--as USERNAME]
    joinedup purchasing spend-rebuild [--partner CODE] [--json] [--as USERNAME]

``contract-alerts`` sends the renewal alerts due today (6, 3 and 1 months before each live
contract's current end) to each contract's owner through Django's mail backend, and records each
one, so running it twice sends once. Run it daily (cron or a systemd timer).

``spend-rebuild`` recomputes the monthly spend roll-up the spend analysis reads from every paid
invoice line, for one partner or all: for a database whose invoices were paid before the roll-up
existed, or loaded in bulk. It gives the same rows however often it runs; each run is one audit
event (the system's, naming the operator, unless ``--as`` names a user with purchasing.setup)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from joinedup.core.dates import people_date
from joinedup.partnership.cli import acting_user, partner_by_code
from joinedup.partnership.models import Partner
from joinedup.purchasing.contracts import send_renewal_alerts
from joinedup.purchasing.spend_rollup import spend_rebuild


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today: {text!r} is not a date like 2026-12-06", returncode=2) from None


class Command(BaseCommand):
    help = "Purchasing's scheduled work: contract renewal alerts; rebuilding the spend roll-up."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        alerts = sub.add_parser("contract-alerts", help="Email the renewal alerts due today, once each.")
        alerts.add_argument("--today", help="The day to act as (YYYY-MM-DD); today unless given.")
        alerts.add_argument("--json", action="store_true", help="Print one JSON object.")
        alerts.add_argument("--as", dest="as_user", help="Act as this user (the system otherwise).")
        rebuild = sub.add_parser(
            "spend-rebuild", help="Recompute the spend roll-up from the paid invoices (all partners)."
        )
        rebuild.add_argument("--partner", help="Only this partner (its code).")
        rebuild.add_argument("--json", action="store_true", help="Print one JSON object.")
        rebuild.add_argument("--as", dest="as_user", help="Act as this user (the system otherwise).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "spend-rebuild":
            self.spend_rebuild(options)
            return
        today = _day(options["today"]) if options.get("today") else timezone.localdate()
        actor = acting_user(options.get("as_user"), command="purchasing contract-alerts")
        sent = send_renewal_alerts(actor=actor, today=today)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "today": today.isoformat(),
                        "sent": [
                            {
                                "contract": a.contract_id,
                                "reference": a.reference,
                                "threshold_months": a.threshold_months,
                                "end_date": a.end_date.isoformat(),
                                "sent_to": a.sent_to,
                            }
                            for a in sent
                        ],
                    },
                    indent=2,
                )
            )
            return
        for a in sent:
            to = a.sent_to or "no email address: shown in the app only"
            self.stdout.write(
                f"{a.reference}: {a.threshold_months}-month alert, ends {people_date(a.end_date)} → {to}"
            )
        self.stdout.write(f"{len(sent)} alert{'s' if len(sent) != 1 else ''} sent for {people_date(today)}.")

    def spend_rebuild(self, options: dict[str, Any]) -> None:
        partners = (
            [partner_by_code(options["partner"])]
            if options.get("partner")
            else list(Partner.objects.order_by("code"))
        )
        actor = acting_user(options.get("as_user"), command="purchasing spend-rebuild")
        try:
            written = spend_rebuild(actor=actor, partners=partners)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        total = sum(written.values())
        if options["json"]:
            self.stdout.write(json.dumps({"rows": written, "total": total}, indent=2))
            return
        for code, rows in written.items():
            self.stdout.write(f"{code}: {rows} row{'s' if rows != 1 else ''}")
        self.stdout.write(
            f"{total} row{'s' if total != 1 else ''} written for "
            f"{len(written)} partner{'s' if len(written) != 1 else ''}."
        )
