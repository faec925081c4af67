from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from joinedup.partnership.models import Role
from joinedup.partnership.permissions import ROLE_PERMISSIONS, has_permission, roles_on
from joinedup.people.models import Person
from joinedup.recharges.selectors import reads_any_statement
from joinedup.servicedesk.notifications import unread_label
from joinedup.web.current import current_partner as _current_partner
from joinedup.web.current import switchable_partners


def has_own_record(user: Any) -> bool:
    """Whether the signed-in user is a person on record (the menu's "My payslips" and "My
    record"): their person if a view has read it already, else whether there is one, without
    reading it (``user.person`` read and decrypted the whole record on every page)."""
    if not user.is_authenticated:
        return False
    own = Person._meta.get_field("user").remote_field  # the user's side: ``user.person``
    if own.is_cached(user):
        return own.get_cached_value(user) is not None
    return bool(
        Person.objects.unscoped(reason="the menu asks whether the signed-in user has a record of their own")
        .filter(user_id=user.pk)
        .exists()
    )


def current_partner(request: HttpRequest) -> dict[str, Any]:
    partner = _current_partner(request)
    # Asked only when the menu is drawn, once however often the template asks.
    own_record = SimpleLazyObject(lambda: has_own_record(request.user))
    # The header's count of unread notifications: one bounded indexed read, only when drawn.
    unread = SimpleLazyObject(lambda: unread_label(request.user))
    if partner is None:
        return {
            "current_partner": None,
            "switchable_partners": [],
            "current_roles": [],
            "has_own_record": own_record,
            "unread_notifications": unread,
        }
    labels = dict(Role.choices)
    return {
        "current_partner": partner,
        "switchable_partners": switchable_partners(request),
        "current_roles": sorted(labels[r] for r in roles_on(request.user, partner)),
        "has_own_record": own_record,
        "unread_notifications": unread,
        "can_view_audit": has_permission(request.user, "audit.view", partner),
        "can_view_people": has_permission(request.user, "people.view", partner),
        "can_view_payroll": has_permission(request.user, "payroll.view", partner),
        "can_view_ledger": has_permission(request.user, "ledger.view", partner),
        "can_view_recharges": reads_any_statement(request.user),
        "can_view_team": has_permission(request.user, "people.view_team", partner),
        "can_approve_charges": has_permission(request.user, "people.approve_charges", partner),
        "can_administer": has_permission(request.user, "partnership.manage_members", partner),
        "can_view_change": has_permission(request.user, "change.view", partner),
        "can_view_purchasing": has_permission(request.user, "purchasing.view", partner),
        # The service desk: an employee's own tickets; an agent's or administrator's queue.
        "can_raise_tickets": has_permission(request.user, "servicedesk.raise", partner),
        "can_view_ticket_queue": has_permission(request.user, "servicedesk.view", partner),
        "can_report_service_levels": has_permission(request.user, "servicedesk.reports", partner),
        "can_view_businesscase": has_permission(request.user, "businesscase.view", partner)
        or has_permission(request.user, "businesscase.view_published", partner),
        # Occupational health: anyone holding any wellbeing permission here (an employee's own).
        "can_use_wellbeing": any(
            p.startswith("wellbeing.") for r in roles_on(request.user, partner) for p in ROLE_PERMISSIONS[r]
        ),
        # The register of workplace adjustments (web/wellbeing/adjustments.py), linked from Staff
        # for HR and from My team for managers.
        "can_see_adjustments": has_permission(request.user, "wellbeing.adjustments", partner),
        "can_see_team_adjustments": has_permission(request.user, "wellbeing.adjustments_team", partner),
        "can_consult": has_permission(request.user, "change.consult", partner)
        or has_permission(request.user, "change.union", partner),
    }
