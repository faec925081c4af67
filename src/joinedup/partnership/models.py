from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp's devices: untyped
    """A person who signs in. Their rights come from memberships, one per role per partner;
    the model is our own so that later fields (single sign-on subject, the person record)
    need no swap of the user model."""

    session_generation = models.PositiveIntegerField(
        default=0, help_text="Raised to end every session the user has (their last role was removed)."
    )

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django ends a session whose stored hash no longer matches this one, as it does after a
        # password change. Generation 0 gives Django's own hash, so existing sessions survive
        # the upgrade; each raise of the generation ends every session at its next request.
        value = self.password if not self.session_generation else f"{self.password}:{self.session_generation}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class PartnerKind(models.TextChoices):
    COUNCIL = "council", "Council"
    POLICE = "police", "Police"
    FIRE = "fire", "Fire and rescue"
    NHS = "nhs", "NHS body"
    SHARED_SERVICE = "shared_service", "Shared-services body"
    OTHER = "other", "Other"


class Partner(models.Model):
    """A public body in the partnership (a tenant). The operating shared-services body is a
    partner too, of kind ``shared_service``, because it employs staff and keeps a ledger."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. WCC.")
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    employer_paye_reference = models.CharField(max_length=14, blank=True)
    accounts_office_reference = models.CharField(max_length=13, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="partner_code_unique_any_case"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    SERVICE_ADMIN = "service_admin", "Service administrator"
    HR_OFFICER = "hr_officer", "HR officer"
    PAYROLL_OFFICER = "payroll_officer", "Payroll officer"
    PAYROLL_APPROVER = "payroll_approver", "Payroll approver"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    PURCHASING_OFFICER = "purchasing_officer", "Purchasing officer"
    SERVICE_DESK_AGENT = "service_desk_agent", "Service desk agent"
    OH_CLINICIAN = "oh_clinician", "Occupational health clinician"
    OH_ADMIN = "oh_admin", "Occupational health administrator"
    MANAGER = "manager", "Manager"
    EMPLOYEE = "employee", "Employee"
    UNION_REP = "union_rep", "Union representative"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A role a user holds on one partner. Roles are per partner: the same person can be an
    HR officer for the police and only a viewer for the council."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "user", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["user", "partner"], name="membership_user_partner")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.partner}"


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


# How long a new API token lasts unless its creator says otherwise.
API_TOKEN_DEFAULT_DAYS = 90


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token itself is shown
    once, when it is created. It stops working at ``expires_at`` or when revoked; a ``read``
    token may only GET (and HEAD)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token in lists.")
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expired else "active"


# --- the second factor (django-otp devices) ----------------------------------------------------
# The authenticator app is django-otp's TOTPDevice (otp_totp). Recovery codes are a device of our
# own rather than otp_static's, which keeps its codes in clear: here each is a salted SHA-256
# digest (OWASP ASVS 2.6.2), so a copy of the database does not sign anyone in.

RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def _recovery_digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def normalise_recovery_code(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]  # untyped bases
    """A user's single-use recovery codes, for when their authenticator app is lost. Each code
    works once; wrong ones are throttled like wrong app codes (django-otp's back-off)."""

    class Meta(Device.Meta):  # type: ignore[misc]
        verbose_name = "recovery code set"

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_RECOVERY_THROTTLE_FACTOR", 1))

    def issue(self, count: int) -> list[str]:
        """Replace this device's codes with ``count`` new ones; returns them (shown once)."""
        self.codes.all().delete()
        shown = []
        for _ in range(count):
            raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(16))
            salt = secrets.token_hex(8)
            RecoveryCode.objects.create(device=self, salt=salt, digest=_recovery_digest(salt, raw))
            shown.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
        return shown

    def verify_token(self, token: str) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        code = normalise_recovery_code(str(token))
        match = None
        for held in self.codes.all():
            if hmac.compare_digest(held.digest, _recovery_digest(held.salt, code)):
                match = held
                break
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=16)
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"recovery code of {self.device.user}"
