"""Where replies to ticket notifications are read from: a local Maildir or an IMAP mailbox.

Both sources yield each waiting message (``Received``: a key and the raw bytes) and mark it
processed only when the caller says so (``processed(key)``), after it has been appended. A
poller that crashes half-way therefore reads the unconfirmed messages again next time; it never
loses one. (It may read one twice if it crashes between appending and confirming, so the
appending side should ignore a Message-ID it has seen.)

- ``MaildirSource``: the messages in the Maildir's inbox (``new`` and ``cur``); a processed one
  is moved into its ``.processed`` folder (Maildir++), copied there before it is removed from
  the inbox, so a crash between the two leaves a copy in the inbox, not none.
- ``ImapSource``: IMAP over SSL (``imaplib.IMAP4_SSL``, certificates checked against the
  system's authorities); the messages without the ``\\Seen`` flag, fetched with ``BODY.PEEK[]``
  so that reading does not set it; ``processed`` sets it. The mailbox is the service desk's own:
  a person reading it in a mail client would mark messages seen before the poller gets them.

``from_settings`` picks the source the settings name (JOINEDUP_SERVICEDESK_MAILDIR, else
JOINEDUP_SERVICEDESK_IMAP_HOST with _USER, _PASSWORD, _PORT and _FOLDER)."""

from __future__ import annotations

import contextlib
import imaplib
import mailbox
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from joinedup.servicedesk import email_in

PROCESSED_FOLDER = "processed"


class MailboxError(RuntimeError):
    """The mailbox cannot be read (not configured, missing, or the server refused)."""


@dataclass(frozen=True)
class Received:
    key: str
    raw: bytes


class Source(Protocol):
    def messages(self) -> Iterator[Received]: ...

    def processed(self, key: str) -> None: ...

    def close(self) -> None: ...


class MaildirSource:
    def __init__(self, path: str | Path) -> None:
        root = Path(path)
        if not (root / "new").is_dir() or not (root / "cur").is_dir():
            raise MailboxError(f"{root} is not a Maildir (it needs new/ and cur/ folders).")
        self.box = mailbox.Maildir(root, factory=None, create=False)

    def messages(self) -> Iterator[Received]:
        # Oldest first, so replies to one ticket are appended in the order they were sent.
        keys = sorted(self.box.keys(), key=lambda k: (self.box.get_message(k).get_date(), k))
        for key in keys:
            try:
                raw = self.box.get_bytes(key)
            except KeyError:
                continue  # taken by another poller meanwhile
            yield Received(key=key, raw=raw)

    def processed(self, key: str) -> None:
        if PROCESSED_FOLDER in self.box.list_folders():
            done = self.box.get_folder(PROCESSED_FOLDER)
        else:
            done = self.box.add_folder(PROCESSED_FOLDER)
        message = self.box.get_message(key)
        message.add_flag("S")
        done.add(message)
        self.box.discard(key)

    def close(self) -> None:
        self.box.close()


def _ok(response: tuple[str, Any], doing: str) -> Any:
    status, data = response
    if status != "OK":
        raise MailboxError(f"The IMAP server refused to {doing}: {data!r}")
    return data


class ImapSource:
    def __init__(
        self,
        *,
        host: str,
        user: str,
        password: str,
        folder: str = "INBOX",
        port: int = 993,
        connect: Callable[..., Any] | None = None,
    ) -> None:
        if not host or not user:
            raise MailboxError("Set JOINEDUP_SERVICEDESK_IMAP_HOST and _USER (and _PASSWORD).")
        opener = connect or (
            lambda h, p: imaplib.IMAP4_SSL(h, p, ssl_context=ssl.create_default_context(), timeout=60)
        )
        try:
            self.connection = opener(host, port)
            _ok(self.connection.login(user, password), "sign in")
            _ok(self.connection.select(folder), f"open {folder}")
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(f"Cannot read the IMAP mailbox {user}@{host}: {exc}") from exc

    def messages(self) -> Iterator[Received]:
        data = _ok(self.connection.uid("SEARCH", "UNSEEN"), "search")
        uids = data[0].split() if data and data[0] else []
        for uid in uids:
            fetched = _ok(self.connection.uid("FETCH", uid, "(BODY.PEEK[])"), "fetch a message")
            raw = next((item[1] for item in fetched if isinstance(item, tuple)), None)
            if raw is not None:
                yield Received(key=uid.decode() if isinstance(uid, bytes) else str(uid), raw=raw)

    def processed(self, key: str) -> None:
        _ok(self.connection.uid("STORE", key, "+FLAGS", "(\\Seen)"), "mark a message read")

    def close(self) -> None:
        # Closing: the flags set so far are already on the server.
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self.connection.logout()


def from_settings(settings: Any, *, maildir: str = "") -> Source:
    """The source named by ``maildir`` or the settings; MailboxError when none is configured."""
    path = maildir or settings.SERVICEDESK_MAILDIR
    if path:
        return MaildirSource(path)
    if settings.SERVICEDESK_IMAP_HOST:
        return ImapSource(
            host=settings.SERVICEDESK_IMAP_HOST,
            user=settings.SERVICEDESK_IMAP_USER,
            password=settings.SERVICEDESK_IMAP_PASSWORD,
            folder=settings.SERVICEDESK_IMAP_FOLDER,
            port=settings.SERVICEDESK_IMAP_PORT,
        )
    raise MailboxError(
        "No mailbox configured: give --maildir PATH, or set JOINEDUP_SERVICEDESK_MAILDIR or "
        "JOINEDUP_SERVICEDESK_IMAP_HOST (with _USER and _PASSWORD)."
    )


def poll(source: Source, handle: Callable[[email_in.Inbound], bool]) -> tuple[int, int]:
    """Read every waiting message and give it to ``handle``; a message is marked processed only
    when ``handle`` returns True. An exception leaves the rest for the next poll. Returns
    (messages read, messages processed)."""
    read = done = 0
    for received in source.messages():
        read += 1
        if handle(email_in.parse(received.raw)):
            source.processed(received.key)
            done += 1
    return read, done
