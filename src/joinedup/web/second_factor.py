"""The second factor in the browser: the code asked for after the password, setting up an
authenticator app (with recovery codes shown once), a new set of recovery codes for a user who
has one (their current app code asked again), and the middleware that lets a session
that still owes one reach nothing else. The rules are ``partnership.second_factor``'s.

A wrong code is throttled by the device (django-otp's back-off) and also counts as a failed
sign-in for django-axes: enough of them lock the username (and address) like wrong passwords,
and the session is ended."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login

from joinedup.partnership import second_factor as sf
from joinedup.web.forms import GovukForm, text_field
from joinedup.web.lockout import lockout_message

# Pages a session owing a second factor may still reach (besides the one that settles it).
OPEN_PAGES = frozenset({"web:logout", "web:accessibility", "web:privacy", "web:help"})
PAGE_FOR = {"verify": "web:second_factor_verify", "enrol": "web:account_security"}


def _verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class SecondFactorMiddleware:
    """Send a signed-in session that owes a second factor to the page that settles it: the
    code page if the user has one, the set-up page if they must have one and have none. Only
    the web's pages are guarded (the API takes bearer tokens, not sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is None or match.namespace != "web" or not request.user.is_authenticated:
            return None
        state = sf.second_factor_state(request.user, verified=_verified(request))
        request.second_factor_pending = state  # type: ignore[attr-defined]
        if state is None or match.view_name in OPEN_PAGES or match.view_name == PAGE_FOR[state]:
            return None
        target = reverse(PAGE_FOR[state])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("web:home")


class CodeForm(GovukForm):
    sections = [("", ["code"])]
    code = text_field(
        "Code",
        max_length=40,
        hint="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        what="code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class SetUpForm(GovukForm):
    sections = [("", ["code"])]
    code = text_field(
        "Code from the app",
        max_length=10,
        hint="The 6 digits the app shows for joinedup now.",
        what="code from the app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class NewRecoveryCodesForm(GovukForm):
    sections = [("", ["code"])]
    code = text_field(
        "Code from your authenticator app",
        max_length=40,
        hint="The 6 digits the app shows for joinedup now. A recovery code cannot be used here.",
        what="code from your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


def _count_towards_lockout(request: HttpRequest) -> bool:
    """Record a wrong code as a failed sign-in for django-axes; True when that locked the
    username or address (the caller then ends the session)."""
    username = request.user.get_username()
    AxesProxyHandler.user_login_failed(
        sender=SecondFactorMiddleware, credentials={"username": username}, request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def _locked(request: HttpRequest) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": request.user.get_username()})


def _wrong_code_message(outcome: sf.CodeOutcome) -> str:
    if outcome.wait_seconds:
        return (
            f"Too many wrong codes. Wait {outcome.wait_seconds} second"
            f"{'s' if outcome.wait_seconds != 1 else ''} and try again."
        )
    return "That code is not right. Enter the code your app shows now, or a recovery code."


def _locked_out_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    form = AuthenticationForm(request)
    return render(
        request,
        "web/sign_in.html",
        {"form": form, "next": "", "lockout_message": lockout_message()},
        status=429,
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code asked for after the password, from a user who has a second factor."""
    if _verified(request):
        return redirect(_next(request))
    if not sf.has_second_factor(request.user):
        return redirect("web:account_security")
    if _locked(request):
        return _locked_out_page(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        outcome = sf.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if outcome.device is not None:
            request.session.cycle_key()
            otp_login(request, outcome.device)
            if outcome.recovery_code_used:
                left = outcome.recovery_codes_left
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. If you have lost your authenticator app, "
                    "ask a service administrator to reset your second factor and set it up again.",
                )
            return redirect(_next(request))
        if _count_towards_lockout(request):
            return _locked_out_page(request)
        form.add_error("code", _wrong_code_message(outcome))
    return render(request, "web/second_factor/verify.html", {"form": form, "next": _next(request)})


def _qr_data_uri(config_url: str) -> str:
    # An <img> with a data: URI: no inline script or style for the CSP to refuse.
    return str(segno.make(config_url, error="m").svg_data_uri(scale=5, border=4))


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    """The user's second factor: set one up (required or by choice), or see that it is on."""
    user = request.user
    has_one = sf.has_second_factor(user)
    if has_one and not _verified(request):
        return redirect(reverse("web:second_factor_verify") + "?" + urlencode({"next": request.path}))
    required = sf.requires_second_factor(user)
    if has_one:
        context = {
            "required": required,
            "device": sf.authenticator_of(user),
            "recovery_codes_left": sf.recovery_codes_left(user),
        }
        return render(request, "web/second_factor/account.html", context)
    try:
        device = sf.second_factor_begin(user=user)
    except ValidationError:
        return redirect("web:account_security")
    form = SetUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = sf.second_factor_enrol(user=user, code=form.cleaned_data["code"])
        if outcome.device is not None:
            request.session.cycle_key()
            otp_login(request, outcome.device)
            context = {"codes": outcome.recovery_codes, "next": _next(request)}
            return render(request, "web/second_factor/recovery_codes.html", context)
        if _count_towards_lockout(request):
            return _locked_out_page(request)
        form.add_error("code", _wrong_code_message(outcome))
    context = {
        "form": form,
        "required": required,
        "qr": _qr_data_uri(device.config_url),
        "key": sf.key_for_entry(device),
        "next": _next(request),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "web/second_factor/set_up.html", context)


@login_required
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """A new set of recovery codes for a user with an authenticator app, who gives its current
    code again: the old codes stop working, and the new ones are shown on this response only."""
    user = request.user
    if not sf.has_second_factor(user):
        return redirect("web:account_security")
    if not _verified(request):
        return redirect(reverse("web:second_factor_verify") + "?" + urlencode({"next": request.path}))
    if _locked(request):
        return _locked_out_page(request)
    form = NewRecoveryCodesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = sf.second_factor_new_recovery_codes(user=user, code=form.cleaned_data["code"])
        if outcome.device is not None:
            back = reverse("web:account_security")
            shown = {"codes": outcome.recovery_codes, "next": back, "replaced": True}
            return render(request, "web/second_factor/recovery_codes.html", shown)
        if _count_towards_lockout(request):
            return _locked_out_page(request)
        form.add_error(
            "code",
            _wrong_code_message(outcome)
            if outcome.wait_seconds
            else "That code is not right. Enter the 6-digit code your authenticator app shows now.",
        )
    context = {"form": form, "recovery_codes_left": sf.recovery_codes_left(user)}
    return render(request, "web/second_factor/new_recovery_codes.html", context)
