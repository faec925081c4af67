"""``joinedup wellbeing rotate-keys`` and ``joinedup wellbeing release-due``: each calls its
service as the operator, prints counts and ids (never a note's or a report's words), and refuses
bad input with exit status 2 and the reason."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.wellbeing import crypto, notes, reports
from joinedup.wellbeing.models import OutcomeReport
from joinedup.wellbeing.tests.casebase import NOTE, CaseTestCase
from joinedup.wellbeing.tests.test_notes import NEW_KEY, OLD_KEY, raw_ciphertext


def run(*args: str) -> str:
    out = StringIO()
    call_command("wellbeing", *args, stdout=out)
    return out.getvalue()


class TestRotateKeys(CaseTestCase):
    def test_it_re_encrypts_every_note_in_batches_and_prints_the_progress(self) -> None:
        case = self.assessed()
        with override_settings(JOINEDUP_OH_KEYS=OLD_KEY):
            first = notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
            notes.note_add(actor=self.oh_clinician, case=case, text="Review in six weeks.")
            notes.note_add(actor=self.oh_clinician, case=case, text="Discharged.")
        with override_settings(JOINEDUP_OH_KEYS=f"{NEW_KEY},{OLD_KEY}"):
            printed = run("rotate-keys", "--batch-size", "2")
            assert printed == (
                "  2 notes examined, 2 re-encrypted\n"
                "  3 notes examined, 3 re-encrypted\n"
                "Rotated: 3 of 3 notes re-encrypted under the current key.\n"
                "Rotated: 0 of 0 attachments re-encrypted under the current key.\n"
                "Rotated: 0 of 0 questionnaires re-encrypted under the current key.\n"
            )
            # A second run finds nothing to do.
            assert json.loads(run("rotate-keys", "--json")) == {
                "examined": 3,
                "rewritten": 0,
                "attachments": {"examined": 0, "rewritten": 0},
                "questionnaires": {"examined": 0, "rewritten": 0},
            }
        assert Fernet(NEW_KEY.encode()).decrypt(raw_ciphertext(first.pk).encode()).decode() == NOTE
        rotated = AuditEvent.objects.unscoped(reason="the test reads the global chain").filter(
            action="wellbeing.notes_rotated"
        )
        labels = [e.actor_label for e in rotated.order_by("seq")]
        assert len(labels) == 2
        assert all(label.endswith("joinedup wellbeing rotate-keys") for label in labels), labels

    def test_it_refuses_a_batch_size_below_one_with_status_2(self) -> None:
        with pytest.raises(
            CommandError, match=r"^--batch-size 0: give a whole number of notes, 1 or more\.$"
        ) as e:
            run("rotate-keys", "--batch-size", "0")
        assert e.value.returncode == 2

    def test_it_prints_no_note_text(self) -> None:
        case = self.assessed()
        notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        with mock.patch.object(crypto, "is_current", return_value=False):
            printed = run("rotate-keys")
        assert "sertraline" not in printed
        assert printed.endswith(
            "Rotated: 1 of 1 notes re-encrypted under the current key.\n"
            "Rotated: 0 of 0 attachments re-encrypted under the current key.\n"
            "Rotated: 0 of 0 questionnaires re-encrypted under the current key.\n"
        )


class TestReleaseDue(CaseTestCase):
    def waiting(self) -> OutcomeReport:
        return reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=True))

    def test_it_releases_the_reports_due_and_lists_them(self) -> None:
        report = self.waiting()
        assert report.release_due is not None
        due = report.release_due
        before = (due - timedelta(days=1)).isoformat()
        with mock.patch.object(timezone, "localdate", return_value=due + timedelta(days=30)):
            assert run("release-due", "--as-of", before) == (
                f"Released 0 outcome reports due on or before {before}.\n"
            )
            printed = json.loads(run("release-due", "--as-of", due.isoformat(), "--json"))
        assert printed == {
            "as_of": due.isoformat(),
            "released": 1,
            "reports": [
                {
                    "report": report.pk,
                    "case": report.case_id,
                    "partner": self.council.pk,
                    "release_due": due.isoformat(),
                }
            ],
        }
        released = OutcomeReport.objects.for_partner(self.council).get(pk=report.pk)
        assert (released.status, released.release_reason) == ("released", "no_response")

    def test_it_prints_each_report_released_without_its_words(self) -> None:
        report = self.waiting()
        assert report.release_due is not None
        with mock.patch.object(timezone, "localdate", return_value=report.release_due):
            printed = run("release-due")
        assert printed == (
            f"Released 1 outcome reports due on or before {report.release_due.isoformat()}.\n"
            f"  report {report.pk} (case {report.case_id}, partner {self.council.pk}), "
            f"due {report.release_due.isoformat()}\n"
        )

    def test_it_refuses_a_date_that_is_not_one_with_status_2(self) -> None:
        for text in ("2026-13-01", "1 March", "2026-3-1"):
            with pytest.raises(CommandError, match=r"give the date as YYYY-MM-DD") as e:
                run("release-due", "--as-of", text)
            assert e.value.returncode == 2

    def test_it_refuses_a_date_in_the_future_and_releases_nothing(self) -> None:
        report = self.waiting()
        tomorrow = timezone.localdate() + timedelta(days=1)
        with pytest.raises(CommandError, match=r"is in the future") as e:
            run("release-due", "--as-of", tomorrow.isoformat())
        assert e.value.returncode == 2
        assert OutcomeReport.objects.for_partner(self.council).get(pk=report.pk).status == "with_employee"
