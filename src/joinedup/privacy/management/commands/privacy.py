"""``joinedup privacy …``: data protection from the command line.

    joinedup privacy sar --partner WCC --person PERSON_ID -o export.json [--pdf]
    joinedup privacy retention-run [--as-of DATE] [--dry-run] [--json]
    joinedup privacy breaches --partner WCC [--open] [--json]

``sar`` writes the subject-access export of one person for one partner (privacy/sar_export.py):
JSON, or with ``--pdf`` the same content as a PDF for the person. It acts as the system for the
OS user who runs it; the export is audited (``privacy.sar_exported``, ids and counts only) and
reading occupational-health notes for it writes their access event. Third parties are shown by
their role. Bad input (an unknown partner, a person the partner never employed, an unwritable
file) exits 2 with the reason.

``retention-run`` anonymises the payslips and tickets whose retention ended on or before
``--as-of`` (today by default) in every partner, except what a legal hold keeps, then runs
occupational health's own retention (privacy/retention.py); it prints the report per partner and
type (expired, held, removed), or with ``--json`` the report as JSON. ``--dry-run`` changes
nothing. A second run finds nothing left.

``breaches`` lists the partner's part in each personal data breach, most recent first, with its
72-hour ICO clock (due, due within a day, overdue, notified in time or late, not notifiable), the
deadline and the hours left; ``--open`` leaves out closed breaches, ``--json`` prints JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from joinedup.core.dates import people_datetime
from joinedup.partnership.cli import operator
from joinedup.partnership.models import Partner
from joinedup.privacy import retention, sar, sar_pdf
from joinedup.privacy.breach_selectors import breach_log_for, clocks

BAD_INPUT = 2  # as argparse uses for a bad argument


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


class Command(BaseCommand):
    help = "Data protection: subject-access exports, the retention run and the breach log."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("sar", help="Write one person's subject-access export for one partner.")
        export.add_argument("--partner", required=True, help="The partner's code, e.g. WCC.")
        export.add_argument("--person", required=True, help="The person's id.")
        export.add_argument("-o", "--output", required=True, help="The file to write.")
        export.add_argument("--pdf", action="store_true", help="Write a PDF for the person instead of JSON.")
        run = sub.add_parser("retention-run", help="Anonymise or delete what has passed its retention.")
        run.add_argument("--as-of", help="The day to judge retention on, YYYY-MM-DD (default today).")
        run.add_argument("--dry-run", action="store_true", help="Report what would go; change nothing.")
        run.add_argument("--json", action="store_true", help="Print the report as JSON.")
        log = sub.add_parser("breaches", help="The partner's breach log with each breach's 72-hour clock.")
        log.add_argument("--partner", required=True, help="The partner's code, e.g. WCC.")
        log.add_argument("--open", action="store_true", help="Only breaches not yet closed.")
        log.add_argument("--json", action="store_true", help="Print the log as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "retention-run":
            self.retention_run(options["as_of"], dry_run=options["dry_run"], as_json=options["json"])
            return
        if options["action"] == "breaches":
            self.breaches(options["partner"], open_only=options["open"], as_json=options["json"])
            return
        self.write_sar(options["partner"], options["person"], options["output"], as_pdf=options["pdf"])

    def retention_run(self, as_of: str | None, *, dry_run: bool, as_json: bool) -> None:
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise _bad(f"--as-of {as_of!r}: give a date as YYYY-MM-DD.") from None
        try:
            report = retention.retention_run(
                actor=operator("privacy retention-run"), as_of=day, dry_run=dry_run
            )
        except ValidationError as error:
            raise _bad(" ".join(error.messages)) from None
        if as_json:
            self.stdout.write(json.dumps(report.as_json(), indent=2))
            return
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(f"Retention run as of {day.isoformat()}{' (dry run)' if dry_run else ''}:")
        for row in report.types:
            note = f" ({row.note})" if row.note else ""
            self.stdout.write(
                f"  {row.partner} {row.record_type}: {row.expired} expired, {row.held} held, "
                f"{verb} {row.removed if not dry_run else row.expired - row.held}{note}"
            )
        oh = report.occupational_health
        if "note" in oh:
            self.stdout.write(f"  occupational health: {oh['note']}")
        else:
            self.stdout.write(
                f"  occupational health: {oh['due']} due, {oh['held']} held, {oh['erased']} erased"
            )

    def breaches(self, code: str, *, open_only: bool, as_json: bool) -> None:
        partner = Partner.objects.filter(code__iexact=code.strip()).first()
        if partner is None:
            raise _bad(f"--partner {code!r}: no partner has that code.")
        now = timezone.now()
        rows = breach_log_for(operator("privacy breaches"), partner=partner, open_only=open_only)
        found = clocks(list(rows), now=now)
        if as_json:
            payload = {
                "partner": partner.code,
                "at": now,
                "breaches": [
                    {
                        "breach": row.breach_id,
                        "summary": row.breach.summary,
                        "aware_at": row.breach.aware_at,
                        "ico_deadline": clock.deadline,
                        "clock": clock.state.value,
                        "clock_label": clock.label,
                        "hours_left": clock.hours_left,
                        "people_affected": row.people_affected,
                        "ico_decision": row.ico_decision,
                        "ico_notified_at": row.ico_notified_at,
                        "closed_at": row.breach.closed_at,
                    }
                    for row, clock in found
                ],
            }
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"Breach log of {partner.code}{' (open only)' if open_only else ''}: {len(found)}")
        for row, clock in found:
            deadline = people_datetime(clock.deadline)
            left = f", {clock.hours_left} hours left" if clock.hours_left is not None else ""
            closed = ", closed" if row.breach.closed_at else ""
            self.stdout.write(
                f"  {row.breach_id}: {clock.label}{left} (ICO deadline {deadline}); "
                f"{row.people_affected} people{closed}: {row.breach.summary}"
            )

    def write_sar(self, code: str, person: str, output: str, *, as_pdf: bool) -> None:
        partner = Partner.objects.filter(code__iexact=code.strip()).first()
        if partner is None:
            raise _bad(f"--partner {code!r}: no partner has that code.")
        if not person.strip().isdigit():
            raise _bad(f"--person {person!r}: give the person's id, a whole number.")
        target = Path(output)
        if not target.parent.is_dir():
            raise _bad(f"-o {output}: the folder {target.parent} does not exist.")
        try:
            export = sar.export_person(actor=operator("privacy sar"), partner=partner, person_id=int(person))
        except ValidationError as error:
            raise _bad(" ".join(error.messages)) from None
        if as_pdf:
            target.write_bytes(sar_pdf.render(export))
        else:
            target.write_text(json.dumps(export, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False) + "\n")
        counts = ", ".join(f"{name} {count}" for name, count in export["counts"].items() if count)
        self.stdout.write(
            f"Wrote the subject-access export of person {person} for {partner.code} to {target}: {counts}."
        )
