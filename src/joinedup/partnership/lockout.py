"""Sign-in throttling (django-axes), audited on the global chain.

After ``settings.AXES_FAILURE_LIMIT`` failed sign-ins for one username, or from one address,
further attempts are refused for ``settings.AXES_COOLOFF_TIME`` or until an operator runs
``joinedup unlock USERNAME``, or an administrator releases it from the user's page
(``sign_in_unlock``). API bearer tokens do not pass through ``authenticate`` and are
not throttled here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import SystemActor
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise_over_sign_in

THROTTLE = SystemActor(reason="sign-in throttling: too many failed attempts")


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in came from. Behind ``TRUSTED_PROXY_COUNT`` proxies (each appending
    to X-Forwarded-For) it is the entry the outermost trusted proxy added; entries further left
    are the client's own word and are ignored, so an attacker cannot pick a fresh address per try."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    remote = request.META.get("REMOTE_ADDR")
    return str(remote) if remote else None


class AuditedLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler, plus one audit event when a username or address becomes locked."""

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or already_locked or not getattr(request, "axes_locked_out", False):
            return
        failures = getattr(request, "axes_failures_since_start", None)
        if failures != get_failure_limit(request, credentials):
            return
        username = str(credentials.get("username", ""))[:150]
        user = get_user_model().objects.filter(username=username).first()
        with transaction.atomic():
            record_event(
                actor=THROTTLE,
                partner=None,
                action="user.locked_out",
                object_type="partnership.user",
                object_id=user.pk if user is not None else "",
                after={
                    "username": username,
                    "ip_address": request.axes_ip_address,
                    "failures": failures,
                    "locked_for_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
                },
            )


@transaction.atomic
def user_unlock(*, actor: Any, username: str) -> int:
    """Clear the failed sign-ins recorded for ``username`` (and so its lockout, and the part
    they played in their addresses' counts). An operator's command (a ``SystemActor``) or a
    superuser may; returns how many records were cleared."""
    if not isinstance(actor, SystemActor) and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only an operator or a superuser may unlock a sign-in.")
    cleared: int = reset(username=username)
    user = get_user_model().objects.filter(username=username).first()
    record_event(
        actor=actor,
        partner=None,
        action="user.unlocked",
        object_type="partnership.user",
        object_id=user.pk if user is not None else "",
        after={"username": username, "cleared": cleared},
    )
    return cleared


def locked_out_until(username: str) -> datetime | None:
    """When ``username``'s lockout ends, or None when it is not locked out: as axes counts, the
    failures recorded for the username within the cool-off reach the limit, and the lockout
    lasts the cool-off from the latest of them. (A lockout of an address is the address's, not
    the user's, and is not shown.)"""
    cooloff = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=timezone.now() - cooloff)
    found = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (found["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    last: datetime = found["last"]
    return last + cooloff


@transaction.atomic
def sign_in_unlock(*, actor: Any, user: Any, partner: Partner | None) -> int:
    """Release ``user``'s lockout before its cool-off ends: the locked-out sign-in page tells them
    to ask an administrator. An administrator of ``partner`` may for a user whose every role is
    on partners they administer (``authorise_over_sign_in``); nobody releases their own. Returns
    how many records of failed sign-ins were cleared."""
    username = user.get_username()
    authorise_over_sign_in(
        actor,
        user=user,
        partner=partner,
        own="Ask another administrator to release your own sign-in.",
        other_partners="This user also works for a partner you do not administer: its administrators "
        "or a platform administrator can release their sign-in.",
    )
    until = locked_out_until(username)
    if until is None:
        raise ValidationError({"user": f"{username} is not locked out."})
    cleared: int = reset(username=username)
    record_event(
        actor=actor,
        partner=partner,
        action="user.unlocked",
        target=user,
        before={"locked_until": until.isoformat()},
        after={"username": username, "cleared": cleared},
    )
    return cleared
