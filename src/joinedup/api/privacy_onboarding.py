"""A partner's onboarding checklist over JSON (``privacy.onboard``): what it has loaded, each
step done or not with its count and the command that loads it. Computed, never stored.

A partner the caller is not a member of answers 404; a member without ``privacy.onboard`` 403."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from django.http import HttpRequest
from ninja import Router, Schema

from joinedup.partnership.selectors import partner_for
from joinedup.privacy import onboarding

router = Router(tags=["privacy"])


class OnboardingPartnerOut(Schema):
    id: int
    code: str
    name: str


class OnboardingItemOut(Schema):
    key: str
    label: str
    done: bool
    count: int
    detail: str
    command: str


class OnboardingChecklistOut(Schema):
    partner: OnboardingPartnerOut
    done: int
    total: int
    complete: bool
    items: list[OnboardingItemOut]


@router.get("/partners/{partner_id}/onboarding", response=OnboardingChecklistOut)
def get_onboarding_checklist(request: HttpRequest, partner_id: int) -> dict[str, object]:
    """The partner's import checklist: posts, people, opening balances, suppliers and the rest."""
    partner = partner_for(request.user, partner_id=partner_id)
    return onboarding.checklist_json(onboarding.onboarding_checklist(request.user, partner=partner))
