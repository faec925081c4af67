from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.partnership.models import ApiToken, Membership, Partner, User
from joinedup.partnership.permissions import authorise, is_member, partner_ids_with


def partners_visible_to(user: Any) -> QuerySet[Partner]:
    """Active partners on which the user holds any role."""
    return Partner.objects.filter(pk__in=partner_ids_with(user, "partnership.view"), active=True).order_by(
        "name"
    )


def partner_for(user: Any, *, partner_id: int) -> Partner:
    """The partner if the user is a member of it; otherwise 404, so that a partner's
    existence is not revealed to outsiders."""
    if not is_member(user, partner_id):
        raise Http404("No such partner.")
    try:
        return Partner.objects.get(pk=partner_id, active=True)
    except Partner.DoesNotExist as exc:
        raise Http404("No such partner.") from exc


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, partner__active=True).select_related("partner")


# --- administration: what a partner's service administrators see ------------------------------


def administered_partners(user: Any) -> QuerySet[Partner]:
    """Every partner the user administers, active or not (an inactive one can be reactivated)."""
    return Partner.objects.filter(pk__in=partner_ids_with(user, "partnership.manage_members")).order_by(
        "name"
    )


def users_of(user: Any, *, partner: Partner, q: str = "", status: str = "", role: str = "") -> QuerySet[User]:
    """The users holding a role on ``partner`` (``role``, when given), for its administrators:
    by username, name or email containing ``q``; ``status`` "active" or "inactive". Each
    carries ``has_second_factor`` (a confirmed authenticator app)."""
    authorise(user, "partnership.manage_members", partner)
    # One join: the role asked for must be held on this partner, not on another.
    holding = {"memberships__partner": partner, **({"memberships__role": role} if role else {})}
    found = (
        User.objects.filter(**holding)
        .distinct()
        .annotate(has_second_factor=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)))
    )
    text = q.strip()
    if text:
        found = found.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text)
        )
    if status in ("active", "inactive"):
        found = found.filter(is_active=status == "active")
    return found.order_by("username")


def user_administered(admin: Any, *, user_id: int) -> User:
    """A user holding a role on a partner ``admin`` administers; 404 otherwise, so that
    another partner's staff are not revealed."""
    ids = partner_ids_with(admin, "partnership.manage_members")
    found = User.objects.filter(pk=user_id, memberships__partner_id__in=ids).distinct().first()
    if found is None:
        raise Http404("No such user.")
    return found


def memberships_administered(admin: Any, *, user: Any) -> QuerySet[Membership]:
    """The user's roles on partners ``admin`` administers (roles elsewhere are not shown)."""
    ids = partner_ids_with(admin, "partnership.manage_members")
    return Membership.objects.filter(user=user, partner_id__in=ids).select_related("partner")


def membership_administered(admin: Any, *, membership_id: int) -> Membership:
    found = (
        Membership.objects.filter(
            pk=membership_id, partner_id__in=partner_ids_with(admin, "partnership.manage_members")
        )
        .select_related("partner", "user")
        .first()
    )
    if found is None:
        raise Http404("No such role.")
    return found


def tokens_of(admin: Any, *, user: Any) -> QuerySet[ApiToken]:
    user_administered(admin, user_id=user.pk)
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_administered(admin: Any, *, token_id: int) -> ApiToken:
    ids = partner_ids_with(admin, "partnership.manage_members")
    found = (
        ApiToken.objects.filter(pk=token_id, user__memberships__partner_id__in=ids)
        .select_related("user")
        .distinct()
        .first()
    )
    if found is None:
        raise Http404("No such token.")
    return found
