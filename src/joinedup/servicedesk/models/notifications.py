"""notifications: messages in the app for one user (issue 15), written by
``servicedesk.notifications.notify`` and read only by that user."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__ = ["Notification"]


class Notification(models.Model):
    """One message to ``user`` about something of ``partner``'s (a ticket…). Its text is what the
    user may read: callers pass public text only, never an internal note."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    # A path inside the site ("/servicedesk/tickets/12/"), never a full address.
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerScopedManager["Notification"]()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["partner", "user", "read_at"], name="servicedesk_notif_unread"),
        ]

    def __str__(self) -> str:
        return self.subject
