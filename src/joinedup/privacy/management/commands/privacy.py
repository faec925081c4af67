"""``joinedup privacy …``: data protection from the command line.

    joinedup privacy sar --partner WCC --person PERSON_ID -o export.json [--pdf]

``sar`` writes the subject-access export of one person for one partner (privacy/sar_export.py):
JSON, or with ``--pdf`` the same content as a PDF for the person. It acts as the system for the
OS user who runs it; the export is audited (``privacy.sar_exported``, ids and counts only) and
reading occupational-health notes for it writes their access event. Third parties are shown by
their role. Bad input (an unknown partner, a person the partner never employed, an unwritable
file) exits 2 with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from joinedup.partnership.cli import operator
from joinedup.partnership.models import Partner
from joinedup.privacy import sar, sar_pdf

BAD_INPUT = 2  # as argparse uses for a bad argument


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


class Command(BaseCommand):
    help = "Data protection: write a person's subject-access export for one partner."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("sar", help="Write one person's subject-access export for one partner.")
        export.add_argument("--partner", required=True, help="The partner's code, e.g. WCC.")
        export.add_argument("--person", required=True, help="The person's id.")
        export.add_argument("-o", "--output", required=True, help="The file to write.")
        export.add_argument("--pdf", action="store_true", help="Write a PDF for the person instead of JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.write_sar(options["partner"], options["person"], options["output"], as_pdf=options["pdf"])

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
