"""The demo partners' service-level agreements (issue 15), one version each from 1 April 2025 so
that every demo ticket has one in force, set by the demo's service administrator through the
service: the council 08:30-17:00 on England and Wales's bank holidays (payroll queries answered
faster at P2: pay day cannot wait); the constabulary 08:00-18:00 with P1 incidents round the clock
(24x7); the fire service 08:30-17:00 with the clock paused while a ticket waits on a third party.
Idempotent: a partner with an agreement is left alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from joinedup.partnership.models import Partner
from joinedup.servicedesk import levels
from joinedup.servicedesk.levels import TargetEntry
from joinedup.servicedesk.models.levels import ServiceLevelAgreement

EFFECTIVE_FROM = date(2025, 4, 1)
# (response, resolution) minutes for P1..P4 on the agreement's hours unless marked 24x7.
OFFICE_TARGETS = [
    TargetEntry("p1", 30, 480),
    TargetEntry("p2", 60, 960),
    TargetEntry("p3", 240, 2400),
    TargetEntry("p4", 480, 5100),
]
AGREEMENTS: dict[str, dict[str, Any]] = {
    "WCC": {
        "business_hours": "08:30-17:00",
        "third_party_pauses": False,
        "targets": [*OFFICE_TARGETS, TargetEntry("p2", 30, 240, service="payroll")],
        "note": "Council schedule 3: 08:30-17:00 working days",
    },
    "WPOL": {
        "business_hours": "08:00-18:00",
        "third_party_pauses": False,
        "targets": [
            TargetEntry("p1", 15, 240, clock="24x7"),
            TargetEntry("p2", 30, 600),
            TargetEntry("p3", 120, 1800),
            TargetEntry("p4", 480, 3000),
        ],
        "note": "Constabulary schedule 3: P1 round the clock, 08:00-18:00 otherwise",
    },
    "WFRS": {
        "business_hours": "08:30-17:00",
        "third_party_pauses": True,
        "targets": OFFICE_TARGETS,
        "note": "Fire service schedule 3: third-party waits pause the clock",
    },
}


def seed_demo_service_levels(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    admin = users["ops.admin"]
    added = 0
    for code, terms in AGREEMENTS.items():
        partner = partners[code]
        if ServiceLevelAgreement.objects.for_partner(partner).exists():
            continue
        levels.agreement_add(
            actor=admin,
            partner=partner,
            effective_from=EFFECTIVE_FROM,
            nation="england-and-wales",
            warning_percent=75,
            **terms,
        )
        added += 1
    say(f"Service-level agreements: {added}")
