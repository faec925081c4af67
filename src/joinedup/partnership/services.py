"""Every change to partners, memberships, users and API tokens: one function each, atomic,
with its audit event written in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import is_system
from joinedup.partnership.models import (
    API_TOKEN_DEFAULT_DAYS,
    ApiToken,
    Membership,
    Partner,
    PartnerKind,
    Role,
    TokenScope,
    User,
)
from joinedup.partnership.permissions import (
    access_rows,
    authorise,
    forget_cached_roles,
    partner_ids_with,
    remember_access,
)

TOKEN_PREFIX = "jup_"  # noqa: S105 — a label, not a secret
# The longest a token may be made to last; a token for a longer job is made again.
API_TOKEN_MAX_DAYS = 366
# last_used_at is written at most this often per token, so a busy reader does not write per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _partner_fields(partner: Partner) -> dict[str, Any]:
    return {
        "name": partner.name,
        "code": partner.code,
        "kind": partner.kind,
        "employer_paye_reference": partner.employer_paye_reference,
        "accounts_office_reference": partner.accounts_office_reference,
        "active": partner.active,
    }


@transaction.atomic
def partner_create(
    *,
    actor: Any,
    name: str,
    code: str,
    kind: str,
    employer_paye_reference: str = "",
    accounts_office_reference: str = "",
) -> Partner:
    """Add a partner to the partnership. Only the platform's superusers (or the system, a
    ``SystemActor``) may: no partner's administrator can create another partner."""
    if not is_system(actor) and not actor.is_superuser:
        raise PermissionDenied("Only a platform administrator can add a partner.")
    partner = Partner(
        name=name.strip(),
        code=code.strip().upper(),
        kind=kind,
        employer_paye_reference=employer_paye_reference.strip(),
        accounts_office_reference=accounts_office_reference.strip(),
    )
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(PartnerKind.values)}."})
    partner.full_clean()
    partner.save()
    record_event(
        actor=actor, partner=partner, action="partner.created", target=partner, after=_partner_fields(partner)
    )
    return partner


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str | None, email: str = "", full_name: str = ""
) -> User:
    # A user without a role reaches nothing, but creating accounts is still an administrator's
    # act: someone who administers members somewhere, or the system (seeding, createuser).
    manage = "partnership.manage_members"
    administers = is_system(actor) or actor.is_superuser or partner_ids_with(actor, manage)
    if not administers:
        raise PermissionDenied("Only an administrator of members can create a user.")
    user_model = User
    username = username.strip()
    if not username:
        raise ValidationError({"username": "Enter a username."})
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username {username!r} is taken."})
    first, _, last = full_name.strip().partition(" ")
    user = user_model(username=username, email=email.strip(), first_name=first, last_name=last)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record_event(
        actor=actor,
        partner=None,
        action="user.created",
        target=user,
        after={"username": user.username, "email": user.email, "full_name": full_name.strip()},
    )
    return user


@transaction.atomic
def membership_grant(*, actor: Any, user: Any, partner: Partner, role: str) -> Membership:
    """Give ``user`` a role on ``partner``. The actor must administer that partner (or be
    the system, a ``SystemActor``, as the demo seeder and first set-up are)."""
    if not is_system(actor) and not actor.is_superuser:
        authorise(actor, "partnership.manage_members", partner)
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    membership, created = Membership.objects.get_or_create(user=user, partner=partner, role=role)
    if created:
        record_event(
            actor=actor,
            partner=partner,
            action="membership.granted",
            target=membership,
            after={"user": user.get_username(), "role": role},
        )
    forget_cached_roles(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    if not is_system(actor) and not actor.is_superuser:
        authorise(actor, "partnership.manage_members", membership.partner)
    user = membership.user
    before = {"user": user.get_username(), "role": membership.role}
    last_role = not Membership.objects.filter(user=user).exclude(pk=membership.pk).exists()
    record_event(
        actor=actor,
        partner=membership.partner,
        action="membership.revoked",
        target=membership,
        before=before,
        after=_end_access(user) if last_role else None,
    )
    membership.delete()
    forget_cached_roles(user)


def _end_access(user: Any) -> dict[str, Any]:
    """A user left with no role on any partner keeps no way in: every session they have ends
    at its next request (``User.session_generation``) and every live API token is revoked."""
    now = timezone.now()
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    prefixes = sorted(live.values_list("prefix", flat=True))
    live.update(revoked_at=now)
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    return {"last_role": True, "sessions_ended": True, "api_tokens_revoked": prefixes}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    actor: Any,
    user: Any,
    name: str = "",
    scope: str = TokenScope.READ,
    expires_in_days: int = API_TOKEN_DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """Create a bearer token for ``user``; returns the stored record and the token itself,
    which is not kept and cannot be shown again. It reads only unless ``scope`` is
    ``write``, and stops working after ``expires_in_days`` days."""
    if not is_system(actor) and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied("You can only create tokens for yourself.")
    if scope not in TokenScope.values:
        raise ValidationError({"scope": f"Choose one of: {', '.join(TokenScope.values)}."})
    if not 1 <= expires_in_days <= API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires_in_days": f"A token lasts from 1 to {API_TOKEN_MAX_DAYS} days, not {expires_in_days}."}
        )
    if not user.is_active:
        raise ValidationError({"user": f"{user.get_username()} is deactivated."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[:12],
        digest=_digest(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    record_event(
        actor=actor,
        partner=None,
        action="api_token.created",
        target=token,
        after={
            "user": user.get_username(),
            "prefix": token.prefix,
            "name": token.name,
            "scope": token.scope,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner may, and so may an administrator of any partner its owner
    holds a role on (stopping access is always safe to allow)."""
    if not is_system(actor) and actor.pk != token.user_id and not actor.is_superuser:
        owner_partners = set(
            Membership.objects.filter(user_id=token.user_id).values_list("partner_id", flat=True)
        )
        if not owner_partners & set(partner_ids_with(actor, "partnership.manage_members")):
            raise PermissionDenied("You can only revoke your own tokens.")
    if token.revoked_at is not None:
        raise ValidationError({"token": "This token is already revoked."})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        actor=actor,
        partner=None,
        action="api_token.revoked",
        target=token,
        after={"user": token.user.get_username(), "prefix": token.prefix},
    )
    return token


def api_token_check(raw: str) -> ApiToken | None:
    """The live token ``raw`` is — not revoked, not expired, its user active — or None. Not a
    state change worth an audit event; ``last_used_at`` is written at most once a minute
    (``LAST_USED_RESOLUTION``) to keep reads cheap."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    digest = _digest(raw)
    token = _token_with_access(digest, now)
    if token is None:
        # A user with no membership at all, or no live token: the token alone.
        # get(), not first(): the digest is unique, and first() would order by the model's ordering.
        try:
            token = ApiToken.objects.select_related("user").get(
                digest=digest, revoked_at__isnull=True, expires_at__gt=now, user__is_active=True
            )
        except ApiToken.DoesNotExist:
            return None
        remember_access(token.user, [])
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# The token's columns on each of its user's membership rows, read in one statement.
_TOKEN_COLUMN = "joinedup_token_"  # noqa: S105 — a column prefix, not a secret


def _token_with_access(digest: str, now: Any) -> ApiToken | None:
    """The live token of ``digest`` with its user, whose memberships (all of them, as the
    permission checks read them) are kept for the request: one statement, not two, for each API
    request (issue 15). Each membership row carries the token's columns; None when there is no
    row, which is also when the user holds no membership."""
    fields = [field for field in ApiToken._meta.concrete_fields if field.attname != "user_id"]
    memberships = Membership.objects.filter(
        user__api_tokens__digest=digest,
        user__api_tokens__revoked_at__isnull=True,
        user__api_tokens__expires_at__gt=now,
        user__is_active=True,
    )
    rows = list(
        access_rows(memberships)
        .select_related("user")
        .annotate(**{_TOKEN_COLUMN + f.attname: F(f"user__api_tokens__{f.attname}") for f in fields})
    )
    if not rows:
        return None
    user = rows[0].user
    for row in rows:
        row.user = user
    # In the model's field order, which from_db takes every field's value in.
    columns = ApiToken._meta.concrete_fields
    values = [
        user.pk if f.attname == "user_id" else getattr(rows[0], _TOKEN_COLUMN + f.attname) for f in columns
    ]
    token = ApiToken.from_db(rows[0]._state.db, [f.attname for f in columns], values)
    token.user = user
    remember_access(user, rows)
    return token


def api_token_authenticate(raw: str) -> Any | None:
    """The active user a live bearer token belongs to, or None."""
    token = api_token_check(raw)
    return token.user if token is not None else None


@transaction.atomic
def partner_update(
    *,
    actor: Any,
    partner: Partner,
    name: str,
    kind: str,
    active: bool,
    employer_paye_reference: str = "",
    accounts_office_reference: str = "",
) -> Partner:
    """Change a partner's settings: its administrators (or the platform's superusers) may.
    The code is its identity in files and ledgers, and does not change."""
    if not is_system(actor) and not actor.is_superuser:
        authorise(actor, "partnership.manage_members", partner)
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(PartnerKind.values)}."})
    before = _partner_fields(partner)
    partner.name = name.strip()
    partner.kind = kind
    partner.active = active
    partner.employer_paye_reference = employer_paye_reference.strip().upper()
    partner.accounts_office_reference = accounts_office_reference.strip().upper()
    errors: dict[str, list[str]] = {}
    if not partner.name:
        errors["name"] = ["Enter the partner's name."]
    elif Partner.objects.filter(name__iexact=partner.name).exclude(pk=partner.pk).exists():
        errors["name"] = [f"Another partner is called {partner.name}."]
    if errors:
        raise ValidationError(errors)
    partner.full_clean()
    partner.save()
    after = _partner_fields(partner)
    changed = [k for k in before if before[k] != after[k]]
    if not changed:
        raise ValidationError({"name": "Nothing has changed."})
    record_event(
        actor=actor,
        partner=partner,
        action="partner.updated",
        target=partner,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return partner


@transaction.atomic
def user_set_active(*, actor: Any, user: Any, partner: Partner, active: bool) -> Any:
    """Let a user sign in again, or stop them. A partner's administrator may do it only for a
    user who holds roles on no partner the administrator does not administer: stopping
    someone's access to another partner is that partner's decision."""
    if not is_system(actor) and not actor.is_superuser:
        authorise(actor, "partnership.manage_members", partner)
        held = set(Membership.objects.filter(user=user).values_list("partner_id", flat=True))
        if partner.pk not in held:
            raise PermissionDenied("This user holds no role on this partner.")
        others = held - set(partner_ids_with(actor, "partnership.manage_members"))
        if others:
            raise ValidationError(
                {
                    "active": "This user also works for a partner you do not administer: remove their "
                    "roles here instead."
                }
            )
    if not is_system(actor) and actor.pk == user.pk and not active:
        raise ValidationError({"active": "You cannot deactivate yourself."})
    if user.is_active == active:
        raise ValidationError({"active": f"This user is already {'active' if active else 'deactivated'}."})
    user.is_active = active
    user.save(update_fields=["is_active"])
    forget_cached_roles(user)
    record_event(
        actor=actor,
        partner=partner,
        action="user.activated" if active else "user.deactivated",
        target=user,
        before={"active": not active},
        after={"active": active},
    )
    return user


@transaction.atomic
def member_create(
    *, actor: Any, partner: Partner, username: str, email: str, full_name: str, role: str
) -> Membership:
    """A new user with a first role on ``partner``, for its administrator: the user and the
    role are created together or not at all (each audited as ``user_create`` and
    ``membership_grant`` audit them). The user sets a password through a reset; none is set."""
    if not is_system(actor) and not actor.is_superuser:
        authorise(actor, "partnership.manage_members", partner)
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role from the list."})
    user = user_create(actor=actor, username=username, password=None, email=email, full_name=full_name)
    return membership_grant(actor=actor, user=user, partner=partner, role=role)
