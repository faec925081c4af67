"""Notifications: a message in the app for one user, and by email where mail is configured.

``notify`` is called by the service that made the change (a ticket's reply, its assignment…),
inside that service's transaction and after its own audit event: the notification is a copy of
what the audited change already says to its reader, so it records no event of its own, and
neither does marking it read (the reader's own state, not the partner's record).

A user reads only their own notifications, on the partners they still hold a role on."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import is_member, member_partners
from joinedup.servicedesk.models import Notification

log = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
NOT_FOUND = "No such notification."


def ticket_subject(reference: str, subject: str) -> str:
    """A ticket notification's subject: "[WCC-000123] Reply to your request". A reply by email
    keeps it, and email_in.reference_in reads the ticket back from it."""
    return f"[{reference}] {' '.join(subject.split())}"


def email_configured() -> bool:
    """Whether Django's mail is configured: SMTP with EMAIL_HOST set, or another backend."""
    return settings.EMAIL_BACKEND != SMTP_BACKEND or bool(getattr(settings, "EMAIL_CONFIGURED", False))


def _email(address: str, subject: str, text: str, link: str) -> EmailMessage:
    body = text
    if link:
        body = f"{text}\n\n{settings.SITE_URL}{link}\n" if text else f"{settings.SITE_URL}{link}\n"
    reply_to = [settings.SERVICEDESK_REPLY_TO] if settings.SERVICEDESK_REPLY_TO else None
    return EmailMessage(subject=subject, body=body, to=[address], reply_to=reply_to)


def _send(message: EmailMessage) -> None:
    # After the commit the change stands whatever the mail server says: a refused email must not
    # turn a saved reply into an error page. The notification in the app is the record.
    try:
        message.send()
    except OSError:
        log.warning("Notification email to %s not sent", message.to, exc_info=True)


@transaction.atomic
def notify(
    *,
    user: Any,
    partner: Partner | int,
    subject: str,
    text: str,
    link: str,
    email: bool = True,
    email_text: str | None = None,
) -> Notification:
    """Tell ``user`` about something of ``partner``'s: a notification in the app and, with
    ``email`` and when mail is configured and the user has an address, an email after commit.

    ``text`` goes to the user as it is, in the app and by email: pass only what the user may
    read. For a ticket that is its public replies, never an internal note. A ticket's subject
    starts with its reference in brackets ("[WCC-000123] Reply to your request"), which a reply
    by email carries back (email_in.py); its Reply-To is ``JOINEDUP_SERVICEDESK_REPLY_TO``.
    ``link`` is a path in the site ("/servicedesk/…"). ``email_text``: the email's words when
    they differ from the app's (full addresses the app shows as buttons), as public as ``text``."""
    partner_id = partner if isinstance(partner, int) else partner.pk
    if not is_member(user, partner_id):
        raise ValueError("A notification goes only to a user who holds a role on the partner.")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValidationError({"link": "A link is a path in the site, starting with one /."})
    subject = " ".join(subject.split())[:200]
    if not subject:
        raise ValidationError({"subject": "Enter a subject."})
    made = Notification.objects.create(
        partner_id=partner_id, user=user, subject=subject, text=text, link=link
    )
    address = getattr(user, "email", "") or ""
    if email and address and email_configured():
        message = _email(address, subject, text if email_text is None else email_text, link)
        transaction.on_commit(lambda: _send(message))
    return made


def notifications_of(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first, on the partners they hold a role on."""
    partners = [p.pk for p in member_partners(user)]
    return Notification.objects.for_partners(partners).filter(user_id=user.pk).order_by("-created_at", "-pk")


# The header shows up to this many unread notifications, and "99+" beyond.
UNREAD_SHOWN = 99


def unread_count(user: Any) -> int:
    """The user's unread notifications, counted only up to ``UNREAD_SHOWN + 1``: every page's
    header asks, so it reads at most that many ids through the (user, read) index rather than
    COUNT every notification a busy agent ever had."""
    if not getattr(user, "is_authenticated", False):
        return 0
    unread = notifications_of(user).filter(read_at__isnull=True).order_by().values_list("pk", flat=True)
    return len(unread[: UNREAD_SHOWN + 1])


def unread_label(user: Any) -> str:
    """The header's figure: empty with none unread, ``99+`` past ``UNREAD_SHOWN``."""
    count = unread_count(user)
    if count == 0:
        return ""
    return f"{UNREAD_SHOWN}+" if count > UNREAD_SHOWN else str(count)


def notification_for(user: Any, *, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's answers 404."""
    found = notifications_of(user).filter(pk=notification_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark the actor's own notification read (once: the first reading's time is kept)."""
    if notification.user_id != getattr(actor, "pk", None):
        raise Http404(NOT_FOUND)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.for_partner(notification.partner_id).filter(pk=notification.pk).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor's read; the number marked."""
    return notifications_of(actor).filter(read_at__isnull=True).update(read_at=timezone.now())
