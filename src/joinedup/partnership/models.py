from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper


class User(AbstractUser):
    """A person who signs in. Their rights come from memberships, one per role per partner;
    the model is our own so that later fields (single sign-on subject, the person record)
    need no swap of the user model."""


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


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token itself is shown
    once, when it is created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token in lists.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
