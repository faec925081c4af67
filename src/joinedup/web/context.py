from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from joinedup.partnership.models import Role
from joinedup.partnership.permissions import has_permission, roles_on
from joinedup.recharges.selectors import statement_partners
from joinedup.web.current import current_partner as _current_partner
from joinedup.web.current import switchable_partners


def current_partner(request: HttpRequest) -> dict[str, Any]:
    partner = _current_partner(request)
    if partner is None:
        return {"current_partner": None, "switchable_partners": [], "current_roles": []}
    labels = dict(Role.choices)
    return {
        "current_partner": partner,
        "switchable_partners": switchable_partners(request),
        "current_roles": sorted(labels[r] for r in roles_on(request.user, partner)),
        "can_view_audit": has_permission(request.user, "audit.view", partner),
        "can_view_people": has_permission(request.user, "people.view", partner),
        "can_view_payroll": has_permission(request.user, "payroll.view", partner),
        "can_view_ledger": has_permission(request.user, "ledger.view", partner),
        "can_view_recharges": bool(statement_partners(request.user)),
        "can_view_team": has_permission(request.user, "people.view_team", partner),
        "can_approve_charges": has_permission(request.user, "people.approve_charges", partner),
        "can_administer": has_permission(request.user, "partnership.manage_members", partner),
        "can_view_change": has_permission(request.user, "change.view", partner),
        "can_view_purchasing": has_permission(request.user, "purchasing.view", partner),
        "can_view_businesscase": has_permission(request.user, "businesscase.view", partner)
        or has_permission(request.user, "businesscase.view_published", partner),
        "can_consult": has_permission(request.user, "change.consult", partner)
        or has_permission(request.user, "change.union", partner),
    }
