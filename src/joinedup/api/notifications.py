"""Your notifications over JSON: list them (newest first, ``unread`` for only the unread), mark
one read, or mark them all read. Each user reads and marks only their own, on the partners they
still hold a role on; anyone else's notification answers 404 (servicedesk/notifications.py)."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.servicedesk import notifications
from joinedup.servicedesk.models import Notification

router = Router(tags=["servicedesk"])


class NotificationOut(Schema):
    id: int
    partner: str
    subject: str
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationsReadOut(Schema):
    marked: int


def _notification(found: Notification) -> dict[str, Any]:
    return {
        "id": found.pk,
        "partner": found.partner.code,
        "subject": found.subject,
        "text": found.text,
        "link": found.link,
        "created_at": found.created_at,
        "read_at": found.read_at,
    }


@router.get("/servicedesk/notifications", response=list[NotificationOut])
@paginate(Pages, page_size=50)
def list_notifications(request: HttpRequest, unread: bool = False) -> Any:
    """Your notifications, newest first (``unread``: only those not yet read)."""
    found = notifications.notifications_of(request.user).select_related("partner")
    if unread:
        found = found.filter(read_at__isnull=True)
    return [_notification(n) for n in found]


@router.post("/servicedesk/notifications/{notification_id}/read", response=NotificationOut)
def mark_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    """Mark one of your notifications read (the first reading's time is kept)."""
    found = notifications.notification_for(request.user, notification_id=notification_id)
    return _notification(notifications.notification_mark_read(actor=request.user, notification=found))


@router.post("/servicedesk/notifications/read", response=NotificationsReadOut)
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    """Mark every unread notification of yours read; how many were marked."""
    return {"marked": notifications.notifications_mark_all_read(actor=request.user)}
