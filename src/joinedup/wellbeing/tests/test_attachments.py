"""Documents attached to an occupational-health case (issue 16: "clinical notes (encrypted at rest
with a key separate from the database's, rotatable; never written to logs, search indexes, audit
diffs or exports …), attachments"): a clinician of the case's partner attaches a PDF, PNG or JPEG
recognised by its contents, stored with its name encrypted under occupational health's keys;
clinicians of the partner list and download them, each read one access event; everyone else is
refused with nothing written; ``rotate-keys`` re-encrypts them; the retention job erases them."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test import override_settings

from joinedup.audit.models import AuditEvent
from joinedup.core.actors import SystemActor
from joinedup.wellbeing import attachments, cases, crypto
from joinedup.wellbeing.models import Case, CaseAccessEvent, CaseAttachment
from joinedup.wellbeing.tests.casebase import CaseTestCase

OLD_KEY = "0LQrpeuWmFiJQwGS-n0vGreFkBa9vzuWVyfs6GS9Ex0="
NEW_KEY = "Yd2lGm0oBvZb8S2b5xv3Rk8c6d0cNdpf3eQxP1bWvFo="
FILENAME = "GP letter - Ada Lovelace depression.pdf"
STORED_NAME = "GP-letter---Ada-Lovelace-depression.pdf"
PDF = b"%PDF-1.7\n% Dr Patel: Ada Lovelace, moderate depression, sertraline 50 mg\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24 + b"scan of a fit note"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF photograph of a rash"
# A Windows program, an HTML page and a Word document (a ZIP), each named as a PDF.
EXE = b"MZ\x90\x00\x03 this program cannot be run in DOS mode"
HTML = b"<html><script>alert(document.cookie)</script></html>"
DOCX = b"PK\x03\x04\x14\x00\x06\x00 word/document.xml"
V1 = "/api/v1/wellbeing"


def raw_row(attachment_id: int) -> tuple[str, bytes]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_ciphertext, content_ciphertext FROM wellbeing_caseattachment WHERE id = %s",
            [attachment_id],
        )
        name, content = cursor.fetchone()
    return str(name), bytes(content)


def stored() -> int:
    return CaseAttachment.objects.unscoped(reason="the test counts every attachment").count()


def every_audit_row() -> str:
    rows = AuditEvent.objects.unscoped(reason="the test searches every audit row").values()
    return json.dumps(list(rows), default=str)


class AttachmentTestCase(CaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.assessed()

    def attach(
        self, content: bytes = PDF, filename: str = FILENAME, case: Case | None = None
    ) -> CaseAttachment:
        return attachments.attachment_add(
            actor=self.oh_clinician, case=case or self.case, filename=filename, content=content
        )

    def events(self) -> list[tuple[str, str]]:
        found = CaseAccessEvent.objects.for_partner(self.case.partner_id).filter(case=self.case)
        return [(e.actor_label, e.part) for e in found.order_by("pk")]

    def added_events(self) -> list[dict[str, Any]]:
        found = AuditEvent.objects.for_partner(self.council).filter(action="wellbeing.attachment_added")
        return [e.after for e in found.order_by("seq")]


class TestAttaching(AttachmentTestCase):
    def test_the_stored_row_holds_neither_the_name_nor_the_content_only_oh_key_ciphertext(self) -> None:
        added = self.attach()
        name, content = raw_row(added.pk)
        for secret in (b"Ada", b"Lovelace", b"depression", b"sertraline", b"%PDF"):
            assert secret not in name.encode() and secret not in content
        opened = Fernet(crypto.INSECURE_DEVELOPMENT_OH_KEY.encode())
        assert opened.decrypt(name.encode()).decode() == STORED_NAME
        assert opened.decrypt(content) == PDF
        assert (added.content_type, added.size, added.uploaded_by) == (
            "application/pdf",
            79,
            self.oh_clinician,
        )

    def test_the_kind_is_read_from_the_contents_and_the_name_made_to_say_so(self) -> None:
        png = self.attach(PNG, "scan.pdf")
        jpeg = self.attach(JPEG, "rash.jpeg")
        bare = self.attach(PDF, "letter")
        assert [(a.content_type, crypto.decrypt(a.name_ciphertext)) for a in (png, jpeg, bare)] == [
            ("image/png", "scan.pdf.png"),
            ("image/jpeg", "rash.jpeg"),
            ("application/pdf", "letter.pdf"),
        ]

    def test_the_audit_event_carries_id_size_and_type_and_no_audit_row_holds_the_name(self) -> None:
        added = self.attach()
        attachments.case_attachments(self.oh_clinician, case_id=self.case.pk)
        attachments.attachment_download(self.oh_clinician, case_id=self.case.pk, attachment_id=added.pk)
        assert self.added_events() == [
            {"attachment": added.pk, "size": 79, "content_type": "application/pdf"}
        ]
        everything = every_audit_row().lower()
        for secret in ("lovelace-depression", "gp-letter", "sertraline", "moderate depression"):
            assert secret not in everything

    def test_it_refuses_a_file_that_is_not_a_pdf_png_or_jpeg_whatever_its_name_storing_nothing(self) -> None:
        for content in (EXE, HTML, DOCX, b"plain text.pdf"):
            with pytest.raises(ValidationError) as refused:
                self.attach(content, "letter.pdf")
            assert refused.value.message_dict == {
                "file": ["Attach a PDF, PNG or JPEG file: this file's contents are none of those."]
            }
        assert (stored(), self.added_events()) == (0, [])

    def test_it_refuses_an_empty_file_and_one_over_the_size_limit_storing_nothing(self) -> None:
        with pytest.raises(ValidationError) as empty:
            self.attach(b"")
        assert empty.value.message_dict == {"file": ["The file is empty."]}
        with override_settings(OH_ATTACHMENT_MAX_BYTES=78), pytest.raises(ValidationError) as large:
            self.attach(PDF)
        assert large.value.message_dict == {"file": ["Attach a file of at most 78 bytes."]}
        with override_settings(OH_ATTACHMENT_MAX_BYTES=79):
            self.attach(PDF)  # exactly at the limit is allowed
        assert stored() == 1

    def test_the_size_limit_is_ten_megabytes_by_default_and_an_upload_over_it_is_not_read(self) -> None:
        assert attachments.max_bytes() == 10 * 1024 * 1024
        upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
        with pytest.raises(ValidationError) as large:
            attachments.read_upload(upload)
        assert large.value.message_dict == {"file": ["Attach a file of at most 10 MB."]}
        assert upload.tell() == 0

    def test_only_a_clinician_of_the_partner_attaches_and_a_refusal_changes_nothing(self) -> None:
        refused = {
            self.oh_admin: PermissionDenied,
            self.police_clinician: PermissionDenied,
            self.manager: PermissionDenied,
            self.ada: PermissionDenied,
        }
        for user, error in refused.items():
            with pytest.raises(error):
                attachments.attachment_add(actor=user, case=self.case, filename="x.pdf", content=PDF)
        with pytest.raises(ValidationError):
            attachments.attachment_add(
                actor=SystemActor(reason="a test"), case=self.case, filename="x.pdf", content=PDF
            )
        assert (stored(), self.added_events()) == (0, [])

    def test_a_closed_case_takes_no_attachment(self) -> None:
        closed = cases.case_close(actor=self.oh_admin, case=self.case)
        with pytest.raises(ValidationError) as refused:
            self.attach(case=closed)
        assert refused.value.message_dict == {
            "file": ["The case is closed: documents are attached to an open case."]
        }
        assert stored() == 0


class TestReading(AttachmentTestCase):
    def test_each_list_and_each_download_is_exactly_one_access_event(self) -> None:
        added = self.attach()
        [listed] = attachments.case_attachments(self.oh_clinician, case_id=self.case.pk)
        assert (listed.id, listed.filename, listed.content_type, listed.size, listed.uploaded_by) == (
            added.pk,
            STORED_NAME,
            "application/pdf",
            79,
            "Oh.Clinician",
        )
        assert STORED_NAME not in repr(listed)
        document = attachments.attachment_download(
            self.oh_clinician, case_id=self.case.pk, attachment_id=added.pk
        )
        assert (document.filename, document.content_type, document.content) == (
            STORED_NAME,
            "application/pdf",
            PDF,
        )
        assert "sertraline" not in repr(document)
        assert self.events() == [("Oh.Clinician", "attachments"), ("Oh.Clinician", "attachments")]

    def test_who_may_not_read_them_is_refused_and_no_access_event_is_written(self) -> None:
        added = self.attach()
        expected = {
            self.oh_admin: PermissionDenied,  # sees the case, not its clinical content
            self.ada: PermissionDenied,  # her own case: by a subject-access request
            self.police_clinician: Http404,  # another partner's clinician
            self.manager: Http404,  # the referrer reads the outcome, not the case
            self.finance: Http404,
        }
        for user, error in expected.items():
            with pytest.raises(error):
                attachments.case_attachments(user, case_id=self.case.pk)
            with pytest.raises(error):
                attachments.attachment_download(user, case_id=self.case.pk, attachment_id=added.pk)
        assert self.events() == []

    def test_an_attachment_of_another_case_answers_404_on_this_one(self) -> None:
        theirs = self.attach(case=self.opened())
        with pytest.raises(Http404):
            attachments.attachment_download(self.oh_clinician, case_id=self.case.pk, attachment_id=theirs.pk)
        assert self.events() == []


class TestRotationAndErasure(AttachmentTestCase):
    def test_rotate_keys_re_encrypts_every_attachment_name_and_content(self) -> None:
        with override_settings(JOINEDUP_OH_KEYS=OLD_KEY):
            first = self.attach()
            self.attach(PNG, "scan.png")
        out = StringIO()
        with override_settings(JOINEDUP_OH_KEYS=f"{NEW_KEY},{OLD_KEY}"):
            call_command("wellbeing", "rotate-keys", stdout=out)
            assert out.getvalue() == (
                "Rotated: 0 of 0 notes re-encrypted under the current key.\n"
                "  2 attachments examined, 2 re-encrypted\n"
                "Rotated: 2 of 2 attachments re-encrypted under the current key.\n"
                "Rotated: 0 of 0 questionnaires re-encrypted under the current key.\n"
            )
            again = StringIO()
            call_command("wellbeing", "rotate-keys", "--json", stdout=again)
            assert json.loads(again.getvalue()) == {
                "examined": 0,
                "rewritten": 0,
                "attachments": {"examined": 2, "rewritten": 0},
                "questionnaires": {"examined": 0, "rewritten": 0},
            }
        name, content = raw_row(first.pk)
        new = Fernet(NEW_KEY.encode())
        assert (new.decrypt(name.encode()).decode(), new.decrypt(content)) == (STORED_NAME, PDF)
        rotated = AuditEvent.objects.unscoped(reason="the test reads the global chain").filter(
            action="wellbeing.attachments_rotated"
        )
        assert [e.after for e in rotated.order_by("seq")] == [
            {"examined": 2, "rewritten": 2},
            {"examined": 2, "rewritten": 0},
        ]

    def test_rotation_is_the_operators_job(self) -> None:
        with pytest.raises(PermissionDenied):
            attachments.rotate_attachments(actor=self.oh_clinician)

    def test_erasing_a_cases_attachments_deletes_them_and_counts_them(self) -> None:
        self.attach()
        self.attach(PNG, "scan.png")
        other = self.attach(case=self.opened())
        assert attachments.erase_case_attachments(self.case) == 2
        assert list(CaseAttachment.objects.unscoped(reason="the test").values_list("pk", flat=True)) == [
            other.pk
        ]
        assert attachments.erase_case_attachments(self.case) == 0


class TestPages(AttachmentTestCase):
    def url(self, attachment_id: int | None = None) -> str:
        base = f"/wellbeing/cases/{self.case.pk}/attachments/"
        return base if attachment_id is None else f"{base}{attachment_id}"

    def test_a_clinician_uploads_lists_and_downloads_on_the_case_pages(self) -> None:
        client = self.signed_in(self.oh_clinician)
        case_page = client.get(f"/wellbeing/cases/{self.case.pk}/").content.decode()
        assert f'href="{self.url()}">Attachments</a>' in case_page
        assert self.events() == [("Oh.Clinician", "notes")]  # the case page reads notes, not attachments
        sent = client.post(
            self.url(), {"form": "attach", "file": SimpleUploadedFile(FILENAME, PDF, "text/html")}
        )
        added = CaseAttachment.objects.for_partner(self.council).get()
        assert (sent.status_code, sent["Location"]) == (302, self.url())
        page = client.get(self.url())
        assert page["Cache-Control"] == "no-store"
        assert f'<a class="govuk-link" href="{self.url(added.pk)}">{STORED_NAME}</a>' in page.content.decode()
        download = client.get(self.url(added.pk))
        assert (download.status_code, download.content) == (200, PDF)
        assert download["Content-Type"] == "application/pdf"  # sniffed, not the browser's text/html
        assert download["Content-Disposition"] == f'attachment; filename="{STORED_NAME}"'
        assert (download["Cache-Control"], download["X-Content-Type-Options"]) == ("no-store", "nosniff")
        assert self.events() == [("Oh.Clinician", "notes")] + [("Oh.Clinician", "attachments")] * 2

    def test_a_bad_file_is_refused_on_the_page_and_nothing_is_stored(self) -> None:
        client = self.signed_in(self.oh_clinician)
        response = client.post(self.url(), {"form": "attach", "file": SimpleUploadedFile("x.pdf", EXE)})
        assert response.status_code == 200
        assert "Attach a PDF, PNG or JPEG file: this file&#x27;s contents are none of those." in (
            response.content.decode()
        )
        assert (stored(), self.added_events()) == (0, [])

    def test_others_get_404_or_403_and_nothing_is_written(self) -> None:
        added = self.attach()
        expected = {self.police_clinician: 404, self.oh_admin: 403, self.ada: 403, self.manager: 404}
        for user, status in expected.items():
            client = self.signed_in(user)
            assert client.get(self.url()).status_code == status
            assert client.get(self.url(added.pk)).status_code == status
            upload = SimpleUploadedFile("x.pdf", PDF)
            assert client.post(self.url(), {"form": "attach", "file": upload}).status_code == status
        assert (stored(), self.events()) == (1, [])


class TestApi(AttachmentTestCase):
    def path(self, attachment_id: int | None = None) -> str:
        base = f"{V1}/cases/{self.case.pk}/attachments"
        return base if attachment_id is None else f"{base}/{attachment_id}"

    def test_a_clinician_uploads_lists_and_downloads_over_the_api(self) -> None:
        api = self.api(self.oh_clinician)
        sent = api.post(self.path(), {"file": SimpleUploadedFile(FILENAME, PDF, "image/png")})
        added = CaseAttachment.objects.for_partner(self.council).get()
        assert sent.status_code == 201
        answer = sent.json()
        assert set(answer) == {"id", "content_type", "size", "uploaded_by", "uploaded_at"}
        assert (answer["id"], answer["content_type"], answer["size"]) == (added.pk, "application/pdf", 79)
        [listed] = api.get(self.path()).json()
        assert (listed["id"], listed["filename"], listed["size"]) == (added.pk, STORED_NAME, 79)
        download = api.get(self.path(added.pk))
        assert (download.status_code, download.content, download["Content-Type"]) == (
            200,
            PDF,
            "application/pdf",
        )
        assert download["Content-Disposition"] == f'attachment; filename="{STORED_NAME}"'
        assert download["Cache-Control"] == "no-store"
        assert self.events() == [("Oh.Clinician", "attachments")] * 2

    def test_no_file_or_a_bad_one_answers_422_and_stores_nothing(self) -> None:
        api = self.api(self.oh_clinician)
        empty = api.post(self.path(), {})
        assert (empty.status_code, empty.json()["errors"]) == (422, {"file": ["Choose a file to attach."]})
        bad = api.post(self.path(), {"file": SimpleUploadedFile("letter.pdf", HTML)})
        assert (bad.status_code, bad.json()["errors"]) == (
            422,
            {"file": ["Attach a PDF, PNG or JPEG file: this file's contents are none of those."]},
        )
        with override_settings(OH_ATTACHMENT_MAX_BYTES=10):
            large = api.post(self.path(), {"file": SimpleUploadedFile("letter.pdf", PDF)})
        assert (large.status_code, large.json()["errors"]) == (
            422,
            {"file": ["Attach a file of at most 10 bytes."]},
        )
        assert (stored(), self.added_events()) == (0, [])

    def test_others_get_404_across_partners_and_403_on_their_own_with_nothing_written(self) -> None:
        added = self.attach()
        expected = {self.police_clinician: 404, self.oh_admin: 403, self.ada: 403, self.finance: 404}
        for user, status in expected.items():
            api = self.api(user)
            assert api.get(self.path()).status_code == status
            assert api.get(self.path(added.pk)).status_code == status
            assert api.post(self.path(), {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == status
        assert (stored(), self.events()) == (1, [])

    def test_an_upload_larger_than_the_json_body_limit_is_streamed_and_taken(self) -> None:
        # The API refuses a JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, api/parsing.py);
        # a multipart upload is not read whole by that check, so the attachment limit governs.
        big = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024)
        sent = self.api(self.oh_clinician).post(self.path(), {"file": SimpleUploadedFile("scan.pdf", big)})
        assert (sent.status_code, sent.json()["size"]) == (201, len(big))
        added = CaseAttachment.objects.for_partner(self.council).get()
        assert crypto.decrypt_bytes(added.content_ciphertext) == big
