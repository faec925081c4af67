"""The mailbox poller's sources (servicedesk/mailbox.py) and ``joinedup servicedesk
poll-mailbox``: a real Maildir in a temporary folder, and IMAP through a recorded connection
(no network in tests). A message is marked processed only after the caller confirms it."""

from __future__ import annotations

import mailbox as stdlib_mailbox
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from joinedup.servicedesk import mailbox
from joinedup.servicedesk.email_in import Inbound


def _message(number: int, subject: str, body: str = "Thanks.") -> bytes:
    return (
        f"From: person{number}@wessex.gov.uk\nSubject: {subject}\n"
        f"Message-ID: <m{number}@wessex.gov.uk>\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    ).encode()


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    box = stdlib_mailbox.Maildir(tmp_path / "desk", create=True)
    for number, subject in enumerate(("Re: [WCC-000001] Laptop", "Re: [WPOL-000002] Payslip"), start=1):
        message = stdlib_mailbox.MaildirMessage(_message(number, subject, "x" * (10 * number)))
        message.set_date(1_700_000_000 + number)  # delivery order
        box.add(message)
    box.close()
    return tmp_path / "desk"


def _inbox_count(path: Path) -> int:
    return len(stdlib_mailbox.Maildir(path, create=False).keys())


def _processed_count(path: Path) -> int:
    return len(stdlib_mailbox.Maildir(path, create=False).get_folder("processed").keys())


def test_it_reads_a_maildir_oldest_first_and_moves_only_confirmed_messages(maildir: Path) -> None:
    source = mailbox.MaildirSource(maildir)
    seen: list[str | None] = []

    def handle(message: Inbound) -> bool:
        seen.append(message.reference)
        return message.reference == "WCC-000001"

    assert mailbox.poll(source, handle) == (2, 1)
    source.close()
    assert seen == ["WCC-000001", "WPOL-000002"]
    assert _inbox_count(maildir) == 1
    assert _processed_count(maildir) == 1
    left = mailbox.MaildirSource(maildir)
    assert [r.raw for r in left.messages()] == [_message(2, "Re: [WPOL-000002] Payslip", "x" * 20)]


def test_a_crash_while_handling_leaves_the_message_to_be_read_again(maildir: Path) -> None:
    def handle(message: Inbound) -> bool:
        if message.reference == "WPOL-000002":
            raise RuntimeError("the database went away")
        return True

    with pytest.raises(RuntimeError):
        mailbox.poll(mailbox.MaildirSource(maildir), handle)
    assert _inbox_count(maildir) == 1 and _processed_count(maildir) == 1
    assert mailbox.poll(mailbox.MaildirSource(maildir), lambda m: True) == (1, 1)
    assert _inbox_count(maildir) == 0 and _processed_count(maildir) == 2


def test_it_refuses_a_folder_that_is_not_a_maildir(tmp_path: Path) -> None:
    with pytest.raises(mailbox.MailboxError, match="is not a Maildir"):
        mailbox.MaildirSource(tmp_path)


class RecordedImap:
    """An IMAP connection that answers as a server does and records every command."""

    def __init__(self, messages: dict[bytes, bytes]) -> None:
        self.messages = messages
        self.calls: list[tuple[Any, ...]] = []
        self.seen: set[bytes] = set()

    def login(self, user: str, password: str) -> tuple[str, list[bytes]]:
        self.calls.append(("LOGIN", user))
        return "OK", [b"signed in"]

    def select(self, folder: str) -> tuple[str, list[bytes]]:
        self.calls.append(("SELECT", folder))
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command: str, *args: Any) -> tuple[str, list[Any]]:
        self.calls.append((command, *args))
        if command == "SEARCH":
            return "OK", [b" ".join(u for u in self.messages if u not in self.seen)]
        if command == "FETCH":
            uid = args[0]
            return "OK", [(uid + b" (UID " + uid + b" BODY[] {1}", self.messages[uid]), b")"]
        if command == "STORE":
            self.seen.add(args[0].encode())
            return "OK", [b"stored"]
        return "NO", [b"unknown"]

    def logout(self) -> tuple[str, list[bytes]]:
        self.calls.append(("LOGOUT",))
        return "BYE", [b""]


def test_imap_peeks_at_unseen_messages_and_sets_seen_only_when_confirmed() -> None:
    server = RecordedImap({b"7": _message(7, "Re: [WCC-000007] A"), b"9": _message(9, "Re: [WCC-000009] B")})
    source = mailbox.ImapSource(
        host="imap.example.org", user="desk", password="secret", connect=lambda host, port: server
    )
    assert mailbox.poll(source, lambda m: m.reference == "WCC-000009") == (2, 1)
    source.close()
    assert server.calls == [
        ("LOGIN", "desk"),
        ("SELECT", "INBOX"),
        ("SEARCH", "UNSEEN"),
        ("FETCH", b"7", "(BODY.PEEK[])"),  # PEEK: reading does not mark it seen
        ("FETCH", b"9", "(BODY.PEEK[])"),
        ("STORE", "9", "+FLAGS", "(\\Seen)"),
        ("LOGOUT",),
    ]
    assert server.seen == {b"9"}


def test_imap_says_why_when_the_server_refuses_the_sign_in() -> None:
    class Refusing(RecordedImap):
        def login(self, user: str, password: str) -> tuple[str, list[bytes]]:
            return "NO", [b"AUTHENTICATIONFAILED"]

    with pytest.raises(mailbox.MailboxError, match="refused to sign in"):
        mailbox.ImapSource(host="h", user="u", password="p", connect=lambda host, port: Refusing({}))


def _poll(*args: str) -> str:
    out = StringIO()
    call_command("servicedesk", "poll-mailbox", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_replies_naming_no_ticket_and_confirms_them(maildir: Path) -> None:
    refused = "no ticket of that reference takes replies from that address"
    assert _poll("--maildir", str(maildir)).splitlines() == [
        f"refused: WCC-000001 from person1@wessex.gov.uk: {refused}",
        f"refused: WPOL-000002 from person2@wessex.gov.uk: {refused}",
        "2 message(s) read: 0 appended, 0 skipped, 2 refused.",
    ]
    assert _inbox_count(maildir) == 0 and _processed_count(maildir) == 2


@override_settings(SERVICEDESK_MAILDIR="", SERVICEDESK_IMAP_HOST="")
def test_the_command_exits_2_when_no_mailbox_is_configured() -> None:
    with pytest.raises(CommandError, match="No mailbox configured") as caught:
        _poll()
    assert caught.value.returncode == 2
