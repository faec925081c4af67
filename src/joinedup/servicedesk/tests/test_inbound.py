"""Email in, appended (servicedesk/inbound.py through ``joinedup servicedesk poll-mailbox``), with
a real Maildir in a temporary folder: a reply by email from the requester or an agent of the
ticket's partner is appended once as their public reply; anyone else's, an auto-reply, or one
naming another partner's ticket changes nothing (issue 15: "email in (a reply to a ticket's
notification appends to it)")."""

from __future__ import annotations

import json
import mailbox as stdlib_mailbox
import tempfile
from email.message import EmailMessage
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from joinedup.audit.models import AuditEvent
from joinedup.servicedesk import mailbox, services
from joinedup.servicedesk.models import Notification, TicketAttachment, TicketEvent
from joinedup.servicedesk.tests.base import ServiceDeskTestCase

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _email(
    sender: str, subject: str, body: str, *, message_id: str = "<r1@wessex.gov.uk>", **headers: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "desk@shared.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


QUOTED = (
    "It beeps three times now.\n\nOn Mon, 7 Dec 2026 at 09:00, Service desk wrote:\n> Please restart it.\n"
)


class TestPollMailbox(ServiceDeskTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for user, address in ((cls.ada, "Ada@Wessex.gov.uk"), (cls.agent, "desk.agent@shared.gov.uk")):
            user.email = address
            user.save(update_fields=["email"])

    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = Path(folder.name) / "desk"
        stdlib_mailbox.Maildir(self.path, create=True).close()
        self.ticket = self.raise_for(self.ada)

    def deliver(self, message: EmailMessage) -> None:
        box = stdlib_mailbox.Maildir(self.path, create=False)
        box.add(stdlib_mailbox.MaildirMessage(message.as_bytes()))
        box.close()

    def poll(self) -> dict[str, int]:
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("servicedesk", "poll-mailbox", "--maildir", str(self.path), "--json", stdout=out)
        counts: dict[str, int] = json.loads(out.getvalue())
        return counts

    def inbox(self) -> int:
        return len(stdlib_mailbox.Maildir(self.path, create=False).keys())

    def history(self) -> list[tuple[str, Any, str, str, bool]]:
        events = TicketEvent.objects.for_partner(self.council).filter(ticket=self.ticket).order_by("pk")
        return [(e.kind, e.actor, e.body, e.message_id, e.public) for e in events]

    def test_a_requesters_reply_is_appended_once_even_when_read_again_after_a_crash(self) -> None:
        self.deliver(_email("Ada Lovelace <ada@wessex.gov.uk>", "Re: [WCC-000001] Laptop", QUOTED))
        with (
            mock.patch.object(mailbox.MaildirSource, "processed", side_effect=OSError("disk full")),
            pytest.raises(OSError, match="disk full"),
        ):
            self.poll()  # appended and committed, then the poller dies before confirming
        assert self.inbox() == 1
        assert self.poll() == {"read": 1, "appended": 0, "skipped": 1, "refused": 0}
        assert self.inbox() == 0
        assert self.history()[1:] == [
            ("reply", self.ada, "It beeps three times now.", "<r1@wessex.gov.uk>", True)
        ]
        replied = (
            AuditEvent.objects.for_partner(self.council).filter(action="servicedesk.ticket_replied").get()
        )
        assert replied.after["by_email"] is True

    def test_the_requesters_reply_by_email_tells_the_assignee(self) -> None:
        services.assign(actor=self.agent, ticket=self.ticket, team=self.ict, assignee=self.agent)
        self.deliver(_email("ada@wessex.gov.uk", "RE: [wcc-000001] Laptop", QUOTED))
        assert self.poll() == {"read": 1, "appended": 1, "skipped": 0, "refused": 0}
        told = Notification.objects.for_partner(self.council).get(user=self.agent)
        assert (told.subject, told.text) == (
            f"[WCC-000001] Reply from {services.name_of(self.ada)}: Laptop will not start",
            "It beeps three times now.",
        )
        assert [m.to for m in mail.outbox] == [["desk.agent@shared.gov.uk"]]

    def test_an_unknown_sender_is_refused_and_nothing_changes(self) -> None:
        before = self.history()
        self.deliver(_email("mallory@example.com", "Re: [WCC-000001] Laptop", "Close this please."))
        assert self.poll() == {"read": 1, "appended": 0, "skipped": 0, "refused": 1}
        assert self.history() == before
        assert Notification.objects.for_partner(self.council).count() == 0
        assert mail.outbox == []  # nothing goes back to the stranger either
        assert self.inbox() == 0  # confirmed: not read again and again

    def test_an_auto_reply_is_skipped(self) -> None:
        before = self.history()
        self.deliver(
            _email("ada@wessex.gov.uk", "Out of office: [WCC-000001]", "Away.", Auto_Submitted="auto-replied")
        )
        assert self.poll() == {"read": 1, "appended": 0, "skipped": 1, "refused": 0}
        assert self.history() == before

    def test_an_agents_email_reply_is_appended_as_the_agent_and_tells_the_requester(self) -> None:
        self.deliver(_email("desk.agent@shared.gov.uk", "Re: [WCC-000001] Laptop", "Try the other charger."))
        assert self.poll() == {"read": 1, "appended": 1, "skipped": 0, "refused": 0}
        last = TicketEvent.objects.for_partner(self.council).filter(ticket=self.ticket).latest("pk")
        assert (last.kind, last.actor, last.body, last.responds) == (
            "reply",
            self.agent,
            "Try the other charger.",
            True,
        )
        assert [n.text for n in Notification.objects.for_partner(self.council).filter(user=self.ada)] == [
            "Try the other charger."
        ]

    def test_a_reply_naming_another_partners_ticket_is_refused(self) -> None:
        theirs = self.raise_for(self.mary, partner=self.police)
        assert theirs.reference == "WPOL-000001"
        self.deliver(_email("ada@wessex.gov.uk", "Re: [WPOL-000001] Laptop", "Mine now."))
        assert self.poll() == {"read": 1, "appended": 0, "skipped": 0, "refused": 1}
        assert TicketEvent.objects.for_partner(self.police).filter(ticket=theirs).count() == 1
        assert TicketEvent.objects.for_partner(self.council).filter(kind="reply").count() == 0

    def test_an_accepted_attachment_is_kept_and_a_refused_one_named_under_the_text(self) -> None:
        message = _email("ada@wessex.gov.uk", "Re: [WCC-000001] Laptop", "The error is attached.")
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename="error.pdf")
        message.add_attachment(b"MZ\x90", maintype="application", subtype="octet-stream", filename="fix.exe")
        self.deliver(message)
        assert self.poll() == {"read": 1, "appended": 1, "skipped": 0, "refused": 0}
        reply = TicketEvent.objects.for_partner(self.council).get(kind="reply")
        assert reply.body == (
            "The error is attached.\n\nNot attached:\n"
            "- Attach a CSV, DOCX, JPG, ODS, ODT, PDF, PNG, TXT, XLSX file; fix.exe is not one."
        )
        kept = TicketAttachment.objects.for_partner(self.council).get()
        assert (kept.filename, kept.size, kept.uploaded_by) == ("error.pdf", len(PDF), self.ada)

    def test_a_reply_to_a_resolved_ticket_is_refused_with_the_reason(self) -> None:
        services.resolve(actor=self.agent, ticket=self.ticket, resolution="Done.")
        before = self.history()
        self.deliver(_email("ada@wessex.gov.uk", "Re: [WCC-000001] Laptop", "Thanks!"))
        out = StringIO()
        call_command("servicedesk", "poll-mailbox", "--maildir", str(self.path), stdout=out)
        assert out.getvalue().splitlines() == [
            "refused: WCC-000001 from ada@wessex.gov.uk: This ticket is resolved: reopen it to reply.",
            "1 message(s) read: 0 appended, 0 skipped, 1 refused.",
        ]
        assert self.history() == before
