"""Email in, read: what a reply to a ticket's notification says. Pure (standard library only).

``parse(raw)`` takes one RFC 822 message as bytes and returns who sent it, the ticket reference
its subject carries ("Re: [WCC-000123] …" gives "WCC-000123"), the new text with the quoted
reply cut off, and its attachments. It reads:

- encoded headers (RFC 2047 subjects and names, RFC 2231 file names) and any charset the
  message declares (ISO-8859-1, Windows-1252, UTF-8…; an unknown one is read as UTF-8 with
  replacement characters rather than refused);
- quoted-printable and base64 bodies;
- multipart/alternative: the text/plain part when there is one, else the text of the HTML part,
  read with the standard HTML parser into plain text (tags dropped, scripts, styles and
  blockquotes, which hold the quoted reply, left out; nothing of the HTML is kept as HTML).

What is cut from the text (``new_text``): every line starting ">" (quoted, interleaved or not);
and everything from the first of: "On … wrote:" (on one line or wrapped onto two), Outlook's
header block ("From: …" followed within a few lines by "Sent: …" or "Date: …", or its
"-----Original Message-----" line, or the line of underscores before them), and a signature
delimiter "-- " on a line of its own.

``automatic`` is true for auto-replies and bulk mail (Auto-Submitted other than "no", or
Precedence bulk/junk/list/auto_reply), which a poller should not append to a ticket, or two
out-of-office robots would write to each other for ever."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.utils import getaddresses
from html.parser import HTMLParser

# "[WCC-000123]": a partner's code and a ticket number of at least six digits, in brackets.
REFERENCE = re.compile(r"\[([A-Za-z][A-Za-z0-9]{1,15}-\d{6,})\]")

_ON_WROTE = re.compile(r"^\s*On\b.{0,400}\bwrote:\s*$", re.IGNORECASE)
_ON_START = re.compile(r"^\s*On\b", re.IGNORECASE)
_WROTE_END = re.compile(r"\bwrote:\s*$", re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"^\s*\*?From:\*?\s", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*\*?(Sent|Date):\*?\s", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE = "-- "
OUTLOOK_BLOCK_LINES = 4  # "Sent:" follows "From:" within this many lines in Outlook's block
MAX_NAME = 200


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class Inbound:
    sender: str  # the From address, lower case ("" when there is none)
    subject: str
    reference: str | None  # "WCC-000123", upper case, or None
    new_text: str  # the reply without the quoted message or signature
    full_text: str  # the whole text part, as sent
    attachments: tuple[Attachment, ...]
    message_id: str
    automatic: bool


def reference_in(subject: str) -> str | None:
    """The first ticket reference in brackets in ``subject``, upper case."""
    found = REFERENCE.search(subject)
    return found.group(1).upper() if found else None


class _TextOfHtml(HTMLParser):
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
    )
    SKIPPED = frozenset({"script", "style", "head", "title", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
            if tag == "li" and not self.skipping:
                self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS and tag != "li":  # the next item, or the list's end, breaks the line
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: paragraphs and line breaks kept as lines, list items
    as "- " lines, every tag dropped, and scripts, styles and quoted blocks left out."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return _tidy(lines)


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n").strip()


def strip_quoted(text: str) -> str:
    """The new text of a reply: quoted lines and the quoted message below it removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line == _SIGNATURE or line.rstrip() == "--":
            break
        if _ON_WROTE.match(line) or (
            _ON_START.match(line) and _WROTE_END.search(following) and len(line) < 400
        ):
            break
        if _ORIGINAL.match(line):
            break
        if _OUTLOOK_FROM.match(line) and any(
            _OUTLOOK_SENT.match(after) for after in lines[index + 1 : index + 1 + OUTLOOK_BLOCK_LINES]
        ):
            break
        if _UNDERSCORES.match(line) and _OUTLOOK_FROM.match(following):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return _tidy(kept)


def _decoded(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]  # EmailMessage under policy.default
    except (LookupError, UnicodeError, ValueError):
        # An unknown or wrong charset: the words still matter more than the odd character.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload or "")
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return _decoded(part)
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(_decoded(part))
    return ""


def _safe_name(name: str, number: int) -> str:
    # A name from outside: no folders, no control characters, not empty, not too long.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:MAX_NAME] or f"attachment-{number}"


def _attachments(message: EmailMessage) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        if part.get_content_maintype() == "multipart":
            continue
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            continue
        name = _safe_name(part.get_filename() or "", number)
        found.append(Attachment(name=name, content=content, content_type=part.get_content_type()))
    return tuple(found)


def _automatic(message: EmailMessage) -> bool:
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return submitted != "no" or precedence in {"bulk", "junk", "list", "auto_reply"}


def parse(raw: bytes) -> Inbound:
    """Read one message (see the module's docstring)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # noqa: S101  # what policy.default always builds
    addresses = getaddresses([str(message.get("From", ""))])
    sender = next((address.strip().lower() for _, address in addresses if "@" in address), "")
    subject = " ".join(str(message.get("Subject", "")).split())
    full = _body_text(message)
    return Inbound(
        sender=sender,
        subject=subject,
        reference=reference_in(subject),
        new_text=strip_quoted(full),
        full_text=full,
        attachments=_attachments(message),
        message_id=str(message.get("Message-ID", "")).strip(),
        automatic=_automatic(message),
    )
