"""The signed-in user's notifications, /servicedesk/notifications/: newest first, unread marked,
each opened (and marked read) by its own button, or all marked read at once. Only the user's
own: anyone else's answers 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from joinedup.servicedesk import notifications, satisfaction
from joinedup.servicedesk.models import Notification, SatisfactionScore
from joinedup.web import listing

PAGE_SIZE = 50


class NotificationFilters(forms.Form):
    state = listing.filter_choice(
        "Read or not", [("unread", "Unread"), ("read", "Read")], every="Read or not"
    )
    q = listing.filter_text("Subject")


NOTIFICATION_SORTS = {
    "received": ("created_at", "pk"),
    "subject": ("subject", "-created_at", "-pk"),
}


def _narrow(rows: QuerySet[Notification], given: dict[str, Any]) -> QuerySet[Notification]:
    if "state" in given:
        rows = rows.filter(read_at__isnull=given["state"] == "unread")
    if "q" in given:
        rows = rows.filter(subject__icontains=given["q"])
    return rows


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("form") == "all":
        notifications.notifications_mark_all_read(actor=request.user)
        return redirect("web:servicedesk_notifications")
    listed = listing.list_page(
        request,
        notifications.notifications_of(request.user),
        sorts=NOTIFICATION_SORTS,
        default="received",
        descending=True,
        form=NotificationFilters(request.GET),
        narrow=_narrow,
        download=listing.Download(
            ["received_at", "subject", "text", "read_at", "link"],
            lambda n: [n.created_at, n.subject, n.text, n.read_at, n.link],
            "notifications",
        ),
        per_page=PAGE_SIZE,
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/servicedesk/notifications.html",
        {
            **listed.context(),
            # A resolution's notification asks the satisfaction question: its answers are POST
            # buttons to the question's page (never a GET that records; satisfaction.py).
            "surveys": {n.pk for n in listed.page if n.link.startswith(satisfaction.LINK_PREFIX)},
            "choices": SatisfactionScore.choices,
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    found = notifications.notification_for(request.user, notification_id=notification_id)
    notifications.notification_mark_read(actor=request.user, notification=found)
    # The link is a path in the site (notify() refuses anything else); checked again here.
    if found.link and url_has_allowed_host_and_scheme(found.link, allowed_hosts=None):
        return redirect(found.link)
    return redirect("web:servicedesk_notifications")


urlpatterns = [
    path("", notification_list, name="servicedesk_notifications"),
    path("<int:notification_id>/read", notification_read, name="servicedesk_notification_read"),
]
