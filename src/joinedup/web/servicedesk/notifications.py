"""The signed-in user's notifications, /servicedesk/notifications/: newest first, unread marked,
each opened (and marked read) by its own button, or all marked read at once. Only the user's
own: anyone else's answers 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from joinedup.servicedesk import notifications, satisfaction
from joinedup.servicedesk.models import SatisfactionScore

PAGE_SIZE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("form") == "all":
        notifications.notifications_mark_all_read(actor=request.user)
        return redirect("web:servicedesk_notifications")
    page = Paginator(notifications.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/servicedesk/notifications.html",
        {
            "page": page,
            # A resolution's notification asks the satisfaction question: its answers are POST
            # buttons to the question's page (never a GET that records; satisfaction.py).
            "surveys": {n.pk for n in page if n.link.startswith(satisfaction.LINK_PREFIX)},
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
