"""A partner's service-level agreements over JSON, read-only (issue 15): every dated version with
its targets, newest first, and one version. Reading needs ``servicedesk.view`` on the partner;
another partner's version, or a partner the caller holds no role on, answers 404. Versions are
added on the service-levels page (``servicedesk.setup``)."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from joinedup.partnership.selectors import partner_for
from joinedup.servicedesk import levels
from joinedup.servicedesk.models.levels import ServiceLevelAgreement

router = Router(tags=["service desk"])


class ServiceLevelTargetOut(Schema):
    service: str  # empty: all services
    priority: str
    response_minutes: int
    resolution_minutes: int
    clock: str  # business or 24x7


class ServiceLevelAgreementOut(Schema):
    id: int
    effective_from: date
    nation: str
    business_hours: str
    third_party_pauses: bool
    warning_percent: int
    note: str
    targets: list[ServiceLevelTargetOut]


def _out(agreement: ServiceLevelAgreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "effective_from": agreement.effective_from,
        "nation": agreement.nation,
        "business_hours": agreement.business_hours,
        "third_party_pauses": agreement.third_party_pauses,
        "warning_percent": agreement.warning_percent,
        "note": agreement.note,
        "targets": [
            {
                "service": t.service,
                "priority": t.priority,
                "response_minutes": t.response_minutes,
                "resolution_minutes": t.resolution_minutes,
                "clock": t.clock,
            }
            for t in agreement.targets.all()
        ],
    }


@router.get("/servicedesk/partners/{partner_id}/service-levels", response=list[ServiceLevelAgreementOut])
def list_service_levels(request: HttpRequest, partner_id: int) -> list[dict[str, Any]]:
    """The partner's agreements, newest first; a ticket is measured against the version in force
    on the day it was raised."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [_out(a) for a in levels.agreements(actor=request.user, partner=partner)]


@router.get(
    "/servicedesk/partners/{partner_id}/service-levels/{agreement_id}", response=ServiceLevelAgreementOut
)
def get_service_level(request: HttpRequest, partner_id: int, agreement_id: int) -> dict[str, Any]:
    """One version of the partner's agreement, with its targets."""
    partner = partner_for(request.user, partner_id=partner_id)
    return _out(levels.agreement_get(actor=request.user, partner=partner, agreement_id=agreement_id))
