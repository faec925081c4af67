"""Email in, appended: what ``joinedup servicedesk poll-mailbox`` does with each message that
email_in.parse has read.

- An **automatic** message (an auto-reply or bulk mail) is skipped, so that two out-of-office
  robots never write to each other through a ticket.
- The ticket is the one its subject's reference names ("[WCC-000123]"): the partner whose code
  it starts with, and that partner's ticket of that reference. The poller works for no signed-in
  user, so it looks under ``rls.system_context`` with a reason.
- The **sender** must be the ticket's requester (their sign-in's email address) or an agent
  (``servicedesk.work`` on the ticket's partner) with that address. Anyone else, a reference
  that names no ticket, or a ticket that takes no reply (resolved or closed) is **refused**: a
  log line for the operator, nothing appended, and no answer to the sender, so a stranger learns
  nothing of any ticket. The From address is what the message says: checking that it was not
  forged (SPF, DKIM, DMARC) is the receiving mail server's work, before the mailbox.
- Otherwise the new text (the quoted message cut off) is **appended** as that user's public reply
  through ``services.reply`` with the message's Message-ID, which the ticket's partner takes once
  only (``TicketEvent.message_id``, unique per partner), so a message read again after a crash
  between appending and confirming is skipped, not appended twice. Its attachments go through
  ``services.add_attachment`` (core.attachments: kind and size); one refused is named at the end
  of the reply, and the text is still appended.

The caller (mailbox.poll) confirms the message only when ``append`` has returned, that is after
its transaction has committed; every outcome here is final, so each is confirmed."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from joinedup.core import attachments, rls
from joinedup.partnership.models import Partner
from joinedup.servicedesk import services
from joinedup.servicedesk.email_in import Inbound
from joinedup.servicedesk.models import Ticket, TicketEvent

log = logging.getLogger(__name__)

REASON = "servicedesk: email in finds the ticket a reply names and appends it as its sender"
APPENDED, SKIPPED, REFUSED = "appended", "skipped", "refused"
MAX_ATTACHMENTS = 10  # per message: more is a mailing, not a reply
MAX_TEXT = 19000  # services.reply takes 20,000 characters; room is left for the refused files' note
ATTACHMENTS_ONLY = "(Sent by email with attachments only.)"
NOT_APPENDED = "no ticket of that reference takes replies from that address"


@dataclass(frozen=True)
class Outcome:
    kind: str  # APPENDED, SKIPPED or REFUSED
    why: str


def message_key(message: Inbound) -> str:
    """The message's Message-ID; for one without (or with one too long to keep), a digest of
    what it says, so that reading it twice still finds it the second time."""
    found = message.message_id.strip()
    if found and len(found) <= 255:
        return found
    said = "\n".join((found, message.sender, message.subject, message.full_text))
    return f"sha256:{hashlib.sha256(said.encode('utf-8', 'replace')).hexdigest()}"


def _ticket(reference: str) -> Ticket | None:
    code, _, _ = reference.rpartition("-")
    partner = Partner.objects.filter(code__iexact=code).first()
    if partner is None:
        return None
    found: Ticket | None = (
        Ticket.objects.for_partner(partner)
        .select_related("requester")
        .filter(reference__iexact=reference)
        .first()
    )
    return found


def _sender(ticket: Ticket, address: str) -> Any:
    """The user the message is from, if they may reply to the ticket: its requester, or an agent
    of its partner, with that address; None for anyone else."""
    if not address:
        return None
    requester = ticket.requester
    if requester.is_active and (requester.email or "").strip().lower() == address:
        return requester
    users = get_user_model().objects.filter(email__iexact=address, is_active=True).order_by("pk")
    return next((user for user in users if services.is_agent(user, ticket.partner_id)), None)


def _sorted_attachments(message: Inbound) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The attachments core.attachments accepts, and a line for each it refuses."""
    accepted: list[tuple[str, bytes]] = []
    refused: list[str] = []
    for number, attachment in enumerate(message.attachments, start=1):
        if number > MAX_ATTACHMENTS:
            refused.append(f"{attachment.name}: only {MAX_ATTACHMENTS} attachments are taken from one email.")
            continue
        try:
            attachments.check(attachment.name, attachment.content)
        except ValidationError as error:
            refused.append(" ".join(error.messages))
            continue
        accepted.append((attachment.name, attachment.content))
    return accepted, refused


def _body(message: Inbound, refused: list[str], attached: bool) -> str:
    text = message.new_text.strip()
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT].rstrip() + "\n[… the rest of the email was cut.]"
    if not text and attached:
        text = ATTACHMENTS_ONLY
    if refused and text:
        text += "\n\nNot attached:\n" + "\n".join(f"- {line}" for line in refused)
    return text


def _done(message: Inbound, outcome: Outcome) -> Outcome:
    level = logging.WARNING if outcome.kind == REFUSED else logging.INFO
    log.log(
        level,
        "Email %s from %s about %s %s: %s",
        message.message_id or "(no Message-ID)",
        message.sender or "(no sender)",
        message.reference or "(no reference)",
        outcome.kind,
        outcome.why,
    )
    return outcome


def append(message: Inbound) -> Outcome:
    """Append ``message`` to its ticket, or say why not (see the module's docstring)."""
    if message.automatic:
        return _done(message, Outcome(SKIPPED, "an automatic reply or bulk mail"))
    if not message.reference:
        return _done(message, Outcome(REFUSED, "no ticket reference in its subject"))
    key = message_key(message)
    try:
        with rls.system_context(REASON):
            ticket = _ticket(message.reference)
            user = _sender(ticket, message.sender) if ticket is not None else None
            if ticket is None or user is None:
                # One reason for both: the log names no ticket an unknown sender asked about.
                return _done(message, Outcome(REFUSED, NOT_APPENDED))
            if TicketEvent.objects.for_partner(ticket.partner_id).filter(message_id=key).exists():
                return _done(message, Outcome(SKIPPED, "appended already"))
            accepted, refused = _sorted_attachments(message)
            body = _body(message, refused, bool(accepted))
            if not body:
                return _done(message, Outcome(REFUSED, "no new text and no attachment"))
            services.reply(actor=user, ticket=ticket, body=body, message_id=key)
            for name, content in accepted:
                services.add_attachment(actor=user, ticket=ticket, filename=name, content=content)
    except IntegrityError:
        # Another poller appended the same message between our look and our write.
        return _done(message, Outcome(SKIPPED, "appended already"))
    except ValidationError as error:
        return _done(message, Outcome(REFUSED, " ".join(error.messages)))
    extra = f", {len(accepted)} attachment(s)" if accepted else ""
    refused_note = f", {len(refused)} refused" if refused else ""
    return _done(message, Outcome(APPENDED, f"as a reply by {services.name_of(user)}{extra}{refused_note}"))
