"""The second factor at sign-in: who must have one, setting one up, checking a code, and an
administrator's reset. Built on django-otp: the authenticator app is its ``TOTPDevice``; the
recovery codes are our ``RecoveryCodeDevice`` (hashed, single use).

Holding a role in ``permissions.SECOND_FACTOR_ROLES`` (or being a platform superuser) makes it
required; anyone else may set one up. A user with one may replace their recovery codes (a
current app code proves it is them). Every set-up, wrong code, recovery code used, new set of
recovery codes and reset is an audit event on the global chain. A wrong code is not an
exception: the services return what happened, so the device's throttle and the audit event
commit even though the code was refused.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.audit.services import record_event
from joinedup.partnership.models import Partner, RecoveryCodeDevice
from joinedup.partnership.permissions import SECOND_FACTOR_ROLES, authorise_over_sign_in, holds_any_role

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

State = Literal["verify", "enrol"]


def requires_second_factor(user: Any) -> bool:
    """Whether ``user`` must sign in with a second factor: a platform superuser, or a holder
    of any role in ``SECOND_FACTOR_ROLES`` on any partner (active or not)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return holds_any_role(user, SECOND_FACTOR_ROLES)


def authenticator_of(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=confirmed).order_by("pk").first()


def has_second_factor(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def recovery_codes_left(user: Any) -> int:
    device = RecoveryCodeDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    return device.codes.count() if device is not None else 0


def second_factor_state(user: Any, *, verified: bool) -> State | None:
    """What a signed-in session still lacks: ``"verify"`` (the user has a second factor and
    the session has not given a code), ``"enrol"`` (they must have one and have none) or None."""
    if not user.is_authenticated or verified:
        return None
    if has_second_factor(user):
        return "verify"
    return "enrol" if requires_second_factor(user) else None


def key_for_entry(device: TOTPDevice) -> str:
    """The device's key as an authenticator app asks for it typed in: base32, in fours."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@dataclass(frozen=True)
class CodeOutcome:
    """What a code did: ``device`` is the device that accepted it (None: refused)."""

    device: Any | None
    recovery_code_used: bool = False
    recovery_codes_left: int = 0
    wait_seconds: int = 0  # refused without checking: too many wrong codes just now
    recovery_codes: list[str] = field(default_factory=list)  # set-up only: shown once


def _throttled_for(device: Any) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    until = (data or {}).get("locked_until")
    if until is None:
        return 1
    return max(1, int((until - timezone.now()).total_seconds() + 0.999))


def _record_failure(user: Any, *, stage: str, kind: str, wait: int, failures: int) -> None:
    record_event(
        actor=user,
        partner=None,
        action="second_factor.failed",
        target=user,
        after={"stage": stage, "kind": kind, "throttled": bool(wait), "consecutive_failures": failures},
    )


@transaction.atomic
def second_factor_begin(*, user: Any) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (made on first ask, the same one
    after). Nothing is in force until ``second_factor_enrol`` confirms it, so this is not
    audited. Refused when the user already has one: a second is added only after a reset."""
    if has_second_factor(user):
        raise ValidationError({"code": "You already have an authenticator app set up."})
    device = authenticator_of(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def second_factor_enrol(*, user: Any, code: str) -> CodeOutcome:
    """Confirm the authenticator ``user`` is setting up with a code from it, and issue their
    recovery codes (returned once, kept only as digests). A wrong code is throttled and
    audited like one at sign-in."""
    device = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=False).first()
    if device is None or has_second_factor(user):
        raise ValidationError({"code": "Start setting up your authenticator app again."})
    wait = _throttled_for(device)
    if wait or not device.verify_token(code.strip().replace(" ", "")):
        _record_failure(user, stage="set-up", kind="app", wait=wait, failures=device.throttling_failure_count)
        return CodeOutcome(device=None, wait_seconds=wait)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    RecoveryCodeDevice.objects.filter(user_id=user.pk).delete()
    recovery = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = recovery.issue(settings.RECOVERY_CODE_COUNT)
    record_event(
        actor=user,
        partner=None,
        action="second_factor.enrolled",
        target=user,
        after={"device": APP_DEVICE_NAME, "recovery_codes_issued": len(codes)},
    )
    return CodeOutcome(device=device, recovery_codes_left=len(codes), recovery_codes=codes)


def _looks_like_app_code(code: str) -> bool:
    return code.isdigit() and len(code) in (6, 8)


@transaction.atomic
def second_factor_verify(*, user: Any, code: str) -> CodeOutcome:
    """Check a code given at sign-in: six digits from the authenticator app, or one of the
    recovery codes (used up by this). Devices are locked for the check, so one code cannot
    be spent twice by two requests at once."""
    text = code.strip().replace(" ", "")
    app = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
    if app is None:
        raise ValidationError({"code": "You have no second factor set up."})
    if _looks_like_app_code(text):
        wait = _throttled_for(app)
        if not wait and app.verify_token(text):
            return CodeOutcome(device=app)
        _record_failure(user, stage="sign-in", kind="app", wait=wait, failures=app.throttling_failure_count)
        return CodeOutcome(device=None, wait_seconds=wait)
    recovery = RecoveryCodeDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
    if recovery is None:
        _record_failure(user, stage="sign-in", kind="recovery", wait=0, failures=0)
        return CodeOutcome(device=None)
    wait = _throttled_for(recovery)
    if not wait and recovery.verify_token(text):
        left = recovery.codes.count()
        record_event(
            actor=user,
            partner=None,
            action="second_factor.recovery_code_used",
            target=user,
            after={"recovery_codes_left": left},
        )
        return CodeOutcome(device=recovery, recovery_code_used=True, recovery_codes_left=left)
    _record_failure(
        user, stage="sign-in", kind="recovery", wait=wait, failures=recovery.throttling_failure_count
    )
    return CodeOutcome(device=None, wait_seconds=wait)


@transaction.atomic
def second_factor_new_recovery_codes(*, user: Any, code: str) -> CodeOutcome:
    """Replace ``user``'s recovery codes with a new set (returned once, kept only as digests):
    every old code stops working. The user proves it is them again with a current code from
    their authenticator app — not a recovery code, so a lost phone cannot mint fresh codes from
    a found one. A wrong code changes no code and is throttled and audited like one at sign-in;
    the event of a new set holds how many, never the codes."""
    app = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
    if app is None:
        raise ValidationError({"code": "You have no second factor set up."})
    text = code.strip().replace(" ", "")
    wait = _throttled_for(app)
    if not wait and not _looks_like_app_code(text):
        app.throttle_increment(commit=True)
    elif not wait and app.verify_token(text):
        recovery = (
            RecoveryCodeDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
        )
        if recovery is None:
            recovery = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        left = recovery.codes.count()
        codes = recovery.issue(settings.RECOVERY_CODE_COUNT)
        record_event(
            actor=user,
            partner=None,
            action="second_factor.recovery_codes_replaced",
            target=user,
            before={"recovery_codes_left": left},
            after={"recovery_codes_issued": len(codes)},
        )
        return CodeOutcome(device=app, recovery_codes_left=len(codes), recovery_codes=codes)
    _record_failure(
        user, stage="new recovery codes", kind="app", wait=wait, failures=app.throttling_failure_count
    )
    return CodeOutcome(device=None, wait_seconds=wait)


@transaction.atomic
def second_factor_reset(*, actor: Any, user: Any, partner: Partner | None) -> int:
    """Remove ``user``'s authenticator and recovery codes, for someone who lost both: they set
    up a new one at their next sign-in (at once, if they must have one). An administrator of
    ``partner`` may, for a user whose every role is on partners they administer (as with
    deactivating); the platform's superusers and the operator's command may for anyone.
    Nobody resets their own: another administrator does, so a stolen session cannot."""
    authorise_over_sign_in(
        actor,
        user=user,
        partner=partner,
        own="Ask another administrator to reset your own second factor.",
        other_partners="This user also works for a partner you do not administer: its administrators "
        "or a platform administrator can reset their second factor.",
    )
    apps = TOTPDevice.objects.filter(user_id=user.pk)
    had_app = apps.filter(confirmed=True).exists()
    recovery = RecoveryCodeDevice.objects.filter(user_id=user.pk)
    left = sum(d.codes.count() for d in recovery)
    if not had_app and not recovery.exists():
        raise ValidationError({"user": f"{user.get_username()} has no second factor to reset."})
    removed: int = apps.count() + recovery.count()
    apps.delete()
    recovery.delete()
    record_event(
        actor=actor,
        partner=partner,
        action="second_factor.reset",
        target=user,
        before={"authenticator_app": had_app, "recovery_codes_left": left},
        after={"authenticator_app": False, "recovery_codes_left": 0},
    )
    return removed
