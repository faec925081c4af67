"""``joinedup onboard``: a new partner with its ledger, schemes, pension rates and first roles, in
one transaction (privacy/onboarding.py), then its import checklist."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from joinedup.core.actors import is_system
from joinedup.partnership.cli import acting_user
from joinedup.partnership.models import Role
from joinedup.privacy import onboarding


def _rate(text: str, *, effective_from: date, source: str) -> onboarding.PensionRateInput:
    scheme, _, rate = text.partition("=")
    try:
        percent = Decimal(rate.strip())
    except InvalidOperation as exc:
        raise CommandError(f"--pension {text!r}: write SCHEME=RATE, e.g. lgps_main=19.5") from exc
    return onboarding.PensionRateInput(
        scheme=scheme.strip(), rate_percent=percent, effective_from=effective_from, source=source
    )


class Command(BaseCommand):
    help = (
        'Onboard a partner: `onboard --code NDC --name "North Wessex District Council" --kind council '
        "[--admin USERNAME] [--hr USERNAME] [--dpo USERNAME] [--finance USERNAME] [--scheme njc]… "
        "[--pension lgps_main=19.5 --pension-source TEXT [--pension-from 2026-04-01]] "
        "[--year 2026] [--json]`. "
        "Creates the partner, its chart of accounts, cost centres and periods, loads its terms schemes, "
        "records its employer pension rates and grants the first roles, all or nothing; prints the "
        "import checklist. Add --as USERNAME to act as that user (default: the system)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", required=True, help="The partner's short code, e.g. NDC.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=[str(k) for k in onboarding.JOINING_KINDS])
        parser.add_argument("--admin", help="Give this user the service-administrator role on the partner.")
        parser.add_argument("--hr", help="Give this user the HR-officer role.")
        parser.add_argument("--finance", help="Give this user the finance-officer role.")
        parser.add_argument("--dpo", help="Give this user the data-protection-officer role.")
        parser.add_argument(
            "--scheme",
            action="append",
            dest="schemes",
            help="A terms scheme its staff are on (default: its kind's).",
        )
        parser.add_argument(
            "--pension", action="append", default=[], help="SCHEME=RATE, the employer rate in %%."
        )
        parser.add_argument(
            "--pension-source", default="", help="The actuary's certificate the rates come from."
        )
        parser.add_argument(
            "--pension-from", type=date.fromisoformat, help="The rates apply from (default 1 April)."
        )
        parser.add_argument(
            "--year", type=int, help="Financial year by its start (default: the current one)."
        )
        parser.add_argument(
            "--paye-reference", default="", help="The employer PAYE reference, e.g. 123/AB456."
        )
        parser.add_argument("--accounts-office-reference", default="")
        parser.add_argument("--json", action="store_true", help="Print the result and checklist as JSON.")
        parser.add_argument(
            "--as", dest="as_user", help="Act as this user (the shared body's service admin)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options.get("as_user"), command="onboard")
        year = options.get("year")
        starts = options.get("pension_from") or date((year or onboarding.current_financial_year()), 4, 1)
        rates = [
            _rate(t, effective_from=starts, source=options["pension_source"]) for t in options["pension"]
        ]
        grants = [
            (options[flag], role)
            for flag, role in (
                ("admin", Role.SERVICE_ADMIN),
                ("hr", Role.HR_OFFICER),
                ("finance", Role.FINANCE_OFFICER),
                ("dpo", Role.DATA_PROTECTION_OFFICER),
            )
            if options.get(flag)
        ]
        try:
            result = onboarding.partner_onboard(
                actor=actor,
                code=options["code"],
                name=options["name"],
                kind=options["kind"],
                year=year,
                terms_schemes=options.get("schemes"),
                pension_rates=rates,
                grants=grants,
                employer_paye_reference=options["paye_reference"],
                accounts_office_reference=options["accounts_office_reference"],
            )
        except ValidationError as exc:
            problems = [f"{name}: {m}" for name, ms in exc.message_dict.items() for m in ms]
            raise CommandError("Nothing was created.\n" + "\n".join(problems)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        # The checklist is read as the system when the operator acted as it, else as the user
        # (who sees it only when granted a role on the new partner).
        reader = actor if is_system(actor) or onboarding.may_read_checklist(actor, result.partner) else None
        checklist = (
            onboarding.onboarding_checklist(reader, partner=result.partner) if reader is not None else None
        )
        if options["json"]:
            self.stdout.write(json.dumps(onboarding.as_json(result, checklist), indent=2))
            return
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        partner = result.partner
        console.print(f"Onboarded {partner.name} ({partner.code}, {partner.get_kind_display()}).")
        console.print(
            f"Ledger {result.year_label}: {result.accounts_created} accounts, "
            f"{result.cost_centres_created} cost centres, {result.periods_created} periods."
        )
        console.print(f"Terms schemes: {', '.join(result.terms_schemes) or 'none'}.")
        console.print(f"Pension rates: {'; '.join(result.pension_rates) or 'none yet'}.")
        console.print(f"Roles: {', '.join(f'{u} as {r}' for u, r in result.grants) or 'none'}.")
        if checklist is not None:
            console.print(f"Checklist ({checklist.done} of {len(checklist.items)} done):")
            for item in checklist.items:
                mark = "done" if item.done else "to do"
                console.print(f"  [{mark}] {item.label}: {item.count}  ({item.how})")
