"""Clinical notes: encrypted at rest under occupational health's own rotatable keys, and never
written to the audit trail, logs or a repr."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import SimpleTestCase, override_settings

from joinedup.audit.models import AuditEvent
from joinedup.core.actors import SystemActor
from joinedup.wellbeing import crypto, notes, reports, selectors
from joinedup.wellbeing.models import ClinicalNote
from joinedup.wellbeing.tests.casebase import ADJUSTMENTS, NOTE, CaseTestCase

OLD_KEY = "0LQrpeuWmFiJQwGS-n0vGreFkBa9vzuWVyfs6GS9Ex0="
NEW_KEY = "Yd2lGm0oBvZb8S2b5xv3Rk8c6d0cNdpf3eQxP1bWvFo="
OPERATOR = SystemActor(reason="rotate the occupational-health key", operator="root")


def raw_ciphertext(note_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM wellbeing_clinicalnote WHERE id = %s", [note_id])
        return str(cursor.fetchone()[0])


def every_audit_row() -> str:
    rows = AuditEvent.objects.unscoped(reason="the test searches every audit row").values()
    return json.dumps(list(rows), cls=DjangoJSONEncoder)


class TestNotes(CaseTestCase):
    def test_the_stored_column_holds_ciphertext_that_only_the_oh_key_opens(self) -> None:
        case = self.assessed()
        note = notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        stored = raw_ciphertext(note.pk)
        assert NOTE not in stored and "sertraline" not in stored
        assert Fernet(crypto.INSECURE_DEVELOPMENT_OH_KEY.encode()).decrypt(stored.encode()).decode() == NOTE
        [read] = selectors.case_notes(self.oh_clinician, case_id=case.pk)
        assert (read.id, read.text, read.author) == (note.pk, NOTE, "Oh.Clinician")

    def test_no_note_text_reaches_any_audit_row(self) -> None:
        case = self.assessed()
        note = notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        selectors.case_notes(self.oh_clinician, case_id=case.pk)
        report = reports.report_write(
            actor=self.oh_clinician, case=case, outcome="fit_with_adjustments", adjustments=ADJUSTMENTS
        )
        reports.report_issue(actor=self.oh_clinician, report=report)
        everything = every_audit_row()
        for secret in (NOTE, "sertraline", ADJUSTMENTS, "phased return", "Three periods of sickness"):
            assert secret.lower() not in everything.lower()
        added = AuditEvent.objects.for_partner(self.council).get(action="wellbeing.note_added")
        assert (added.object_type, added.object_id, added.after, added.before) == (
            "wellbeing.case",
            str(case.pk),
            {"note": note.pk, "length": "short"},
            {},
        )

    def test_no_note_text_reaches_the_logs(self) -> None:
        case = self.assessed()
        seen: list[str] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                seen.append(self.format(record))

        handler = Keep(level=logging.DEBUG)
        root = logging.getLogger()
        level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
            selectors.case_notes(self.oh_clinician, case_id=case.pk)
        finally:
            root.removeHandler(handler)
            root.setLevel(level)
        assert not any("sertraline" in line for line in seen)

    def test_neither_the_note_nor_its_reading_shows_text_in_a_repr(self) -> None:
        case = self.assessed()
        note = notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        [read] = selectors.case_notes(self.oh_clinician, case_id=case.pk)
        for shown in (repr(note), str(note), repr(read), str(read)):
            assert "sertraline" not in shown
        assert str(note) == f"clinical note {note.pk} on case {case.pk}"

    def test_the_length_class_is_all_the_trail_knows_of_its_size(self) -> None:
        assert [notes.length_class("x" * n) for n in (1, 199, 200, 1999, 2000)] == [
            "short",
            "short",
            "medium",
            "medium",
            "long",
        ]

    def test_only_a_clinician_of_the_partner_writes_a_note_and_a_refusal_writes_nothing(self) -> None:
        case = self.assessed()
        for user in (
            self.oh_admin,
            self.police_clinician,
            self.manager,
            self.council_hr,
            self.ops_admin,
            self.finance,
            self.shared_dpo,
            self.union_rep,
            self.ada,
        ):
            with pytest.raises(PermissionDenied):
                notes.note_add(actor=user, case=case, text=NOTE)
        assert ClinicalNote.objects.for_partner(self.council).count() == 0
        assert "wellbeing.note_added" not in self.audit_actions(self.council)

    def test_an_empty_note_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            notes.note_add(actor=self.oh_clinician, case=self.assessed(), text="  ")
        assert caught.value.message_dict == {"text": ["Write the note."]}


class TestRotation(CaseTestCase):
    def test_rotation_re_encrypts_and_the_old_key_still_decrypts_until_rotated(self) -> None:
        case = self.assessed()
        with override_settings(JOINEDUP_OH_KEYS=OLD_KEY):
            first = notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
            second = notes.note_add(actor=self.oh_clinician, case=case, text="Review in six weeks.")
        before = raw_ciphertext(first.pk)
        with override_settings(JOINEDUP_OH_KEYS=f"{NEW_KEY},{OLD_KEY}"):
            # The new key is first, the old one still decrypts: nothing is lost before rotating.
            assert [n.text for n in selectors.case_notes(self.oh_clinician, case_id=case.pk)] == [
                NOTE,
                "Review in six weeks.",
            ]
            assert not crypto.is_current(before)
            assert notes.rotate_notes(actor=OPERATOR, batch_size=1) == notes.Rotation(examined=2, rewritten=2)
            # Idempotent: everything is under the new key now.
            assert notes.rotate_notes(actor=OPERATOR) == notes.Rotation(examined=2, rewritten=0)
        after = raw_ciphertext(first.pk)
        assert after != before
        assert Fernet(NEW_KEY.encode()).decrypt(after.encode()).decode() == NOTE
        assert Fernet(NEW_KEY.encode()).decrypt(raw_ciphertext(second.pk).encode()) == b"Review in six weeks."
        with override_settings(JOINEDUP_OH_KEYS=NEW_KEY):
            # The old key is dropped: the rotated notes still read.
            assert selectors.case_notes(self.oh_clinician, case_id=case.pk)[0].text == NOTE
        rotated = AuditEvent.objects.unscoped(reason="test").filter(action="wellbeing.notes_rotated")
        assert [e.after for e in rotated.order_by("seq")] == [
            {"examined": 2, "rewritten": 2},
            {"examined": 2, "rewritten": 0},
        ]

    def test_a_note_under_a_dropped_key_cannot_be_read(self) -> None:
        case = self.assessed()
        with override_settings(JOINEDUP_OH_KEYS=OLD_KEY):
            notes.note_add(actor=self.oh_clinician, case=case, text=NOTE)
        with override_settings(JOINEDUP_OH_KEYS=NEW_KEY), pytest.raises(crypto.NoteKeyError):
            selectors.case_notes(self.oh_clinician, case_id=case.pk)

    def test_rotation_is_an_operators_job(self) -> None:
        for user in (self.oh_clinician, self.ops_admin):
            with pytest.raises(PermissionDenied):
                notes.rotate_notes(actor=user)


class TestKeys(SimpleTestCase):
    def test_the_environment_variable_gives_the_keys_in_order(self) -> None:
        with mock.patch.dict(os.environ, {"JOINEDUP_OH_KEYS": f" {NEW_KEY} , {OLD_KEY}"}):
            assert crypto.configured_keys() == [NEW_KEY, OLD_KEY]

    def test_a_key_file_gives_them_one_a_line(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "oh-keys"
            path.write_text(f"{NEW_KEY}\n{OLD_KEY}\n")
            with override_settings(JOINEDUP_OH_KEY_FILE=str(path)):
                assert crypto.configured_keys() == [NEW_KEY, OLD_KEY]

    def test_development_and_test_use_the_loudly_named_published_key(self) -> None:
        with override_settings(ENVIRONMENT="development"):
            assert crypto.configured_keys() == [crypto.INSECURE_DEVELOPMENT_OH_KEY]
            assert crypto.check_keys() == []

    def test_production_without_keys_fails_the_system_check(self) -> None:
        with override_settings(ENVIRONMENT="production"):
            [error] = crypto.check_keys()
        assert (error.level, error.id, error.msg) == (
            40,
            "wellbeing.E001",
            "Clinical notes have no encryption key.",
        )

    def test_production_refuses_the_development_key_and_a_key_shared_with_the_platform(self) -> None:
        with override_settings(ENVIRONMENT="production", JOINEDUP_OH_KEYS=crypto.INSECURE_DEVELOPMENT_OH_KEY):
            assert [e.id for e in crypto.check_keys()] == ["wellbeing.E003"]
        with override_settings(
            ENVIRONMENT="production", JOINEDUP_OH_KEYS=NEW_KEY, FIELD_ENCRYPTION_KEYS=[NEW_KEY]
        ):
            assert [e.id for e in crypto.check_keys()] == ["wellbeing.E004"]
        with override_settings(
            ENVIRONMENT="production", JOINEDUP_OH_KEYS=NEW_KEY, FIELD_ENCRYPTION_KEYS=[OLD_KEY]
        ):
            assert crypto.check_keys() == []

    def test_a_value_that_is_not_a_fernet_key_fails_the_check(self) -> None:
        with override_settings(JOINEDUP_OH_KEYS="not-a-key"):
            [error] = crypto.check_keys()
        assert (error.id, error.msg) == (
            "wellbeing.E002",
            "JOINEDUP_OH_KEYS holds a value that is not a Fernet key.",
        )

    def test_the_check_is_registered_with_django(self) -> None:
        from django.core import checks

        with override_settings(ENVIRONMENT="production"):
            found = [m.id for m in checks.run_checks(tags=[checks.Tags.security])]
        assert "wellbeing.E001" in found
