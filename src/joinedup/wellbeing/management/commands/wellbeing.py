"""``joinedup wellbeing …``: occupational health's operator jobs.

    joinedup wellbeing rotate-keys [--batch-size N] [--json]
    joinedup wellbeing release-due [--as-of YYYY-MM-DD] [--json]

``rotate-keys`` re-encrypts every clinical note, then every case attachment (its name and
content), then every questionnaire's answers, not yet under the current (first) key of
``JOINEDUP_OH_KEYS`` (notes.rotate_notes, attachments.rotate_attachments,
questionnaires.rotate_questionnaires): put a new key first, run it, then drop the old key. It
commits batch by batch, printing the running counts, so a run stopped half way keeps what it did
and the next carries on. ``release-due`` releases to their referrers the outcome reports whose
employee asked to see them first and has not answered by the release date
(reports.release_due_reports), as the daily job does; ``--as-of`` (default today) may not be in
the future. Both act as the system for the OS user who runs them, and print ids, counts and dates,
never a word of a note or a report. Bad input exits 2 with the reason."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from joinedup.partnership.cli import operator
from joinedup.wellbeing import attachments, notes, questionnaires, reports

BAD_INPUT = 2  # as argparse uses for a bad argument
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _as_of(text: str) -> date:
    if not text:
        return timezone.localdate()
    try:
        if not re.fullmatch(DATE, text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise _bad(f"--as-of {text!r}: give the date as YYYY-MM-DD, e.g. 2026-12-01.") from None
    if day > timezone.localdate():
        raise _bad(f"--as-of {day.isoformat()} is in the future: reports are released on or after their day.")
    return day


class Command(BaseCommand):
    help = "Occupational health's operator jobs: re-encrypt the clinical notes; release reports due."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser(
            "rotate-keys", help="Re-encrypt every clinical note under the current occupational-health key."
        )
        rotate.add_argument(
            "--batch-size", type=int, default=notes.ROTATION_BATCH, help="Notes per committed batch."
        )
        rotate.add_argument("--json", action="store_true", help="Print one JSON object of the counts.")
        release = sub.add_parser(
            "release-due", help="Release the outcome reports whose see-first window has passed."
        )
        release.add_argument("--as-of", default="", help="Release those due on or before (default today).")
        release.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate-keys":
            self.rotate_keys(options["batch_size"], as_json=options["json"])
        else:
            self.release_due(options["as_of"], as_json=options["json"])

    def rotate_keys(self, batch_size: int, *, as_json: bool) -> None:
        if batch_size < 1:
            raise _bad(f"--batch-size {batch_size}: give a whole number of notes, 1 or more.")

        def progress(done: notes.Rotation) -> None:
            if not as_json:
                self.stdout.write(f"  {done.examined:,} notes examined, {done.rewritten:,} re-encrypted")

        def attachment_progress(done: notes.Rotation) -> None:
            if not as_json:
                self.stdout.write(
                    f"  {done.examined:,} attachments examined, {done.rewritten:,} re-encrypted"
                )

        actor = operator("wellbeing rotate-keys")
        done = notes.rotate_notes(actor=actor, batch_size=batch_size, progress=progress)
        if not as_json:
            self.stdout.write(
                f"Rotated: {done.rewritten:,} of {done.examined:,} notes re-encrypted under the current key."
            )
        # Attachments are up to 10 MB each: never more of them in a batch than their own default.
        files = attachments.rotate_attachments(
            actor=actor, batch_size=min(batch_size, attachments.ROTATION_BATCH), progress=attachment_progress
        )
        if not as_json:
            self.stdout.write(
                f"Rotated: {files.rewritten:,} of {files.examined:,} attachments re-encrypted "
                "under the current key."
            )

        def answers_progress(done: notes.Rotation) -> None:
            if not as_json:
                self.stdout.write(
                    f"  {done.examined:,} questionnaires examined, {done.rewritten:,} re-encrypted"
                )

        answers = questionnaires.rotate_questionnaires(
            actor=actor, batch_size=batch_size, progress=answers_progress
        )
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "examined": done.examined,
                        "rewritten": done.rewritten,
                        "attachments": {"examined": files.examined, "rewritten": files.rewritten},
                        "questionnaires": {"examined": answers.examined, "rewritten": answers.rewritten},
                    }
                )
            )
            return
        self.stdout.write(
            f"Rotated: {answers.rewritten:,} of {answers.examined:,} questionnaires re-encrypted "
            "under the current key."
        )

    def release_due(self, as_of_text: str, *, as_json: bool) -> None:
        as_of = _as_of(as_of_text)
        released = reports.release_due_reports(actor=operator("wellbeing release-due"), as_of=as_of)
        rows: list[dict[str, Any]] = [
            {
                "report": r.pk,
                "case": r.case_id,
                "partner": r.partner_id,
                "release_due": r.release_due.isoformat() if r.release_due is not None else None,
            }
            for r in released
        ]
        if as_json:
            self.stdout.write(
                json.dumps({"as_of": as_of.isoformat(), "released": len(rows), "reports": rows})
            )
            return
        self.stdout.write(f"Released {len(rows)} outcome reports due on or before {as_of.isoformat()}.")
        for row in rows:
            self.stdout.write(
                f"  report {row['report']} (case {row['case']}, partner {row['partner']}), "
                f"due {row['release_due']}"
            )
