"""The sign-in page as a locked-out user sees it (django-axes' lockout response)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed attempts to sign in. Try again in {minutes} minutes, "
        "or ask a service administrator to unlock your account."
    )


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    username = request.POST.get("username", "") if request.method == "POST" else ""
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "web/sign_in.html",
        {"form": form, "next": request.POST.get("next", ""), "lockout_message": lockout_message()},
        status=429,
    )
