"""The demo's benefits realisation: each partner maps the cost centres of its own retained finance,
HR and payroll teams to the business case's functions, so that the realisation page measures them
from the demo ledger (October 2026's pay run journals, on the posts' cost centres) and the people
module (the FTE in the posts on those cost centres), with October's recharges from the shared
service, against the approved version 2 from its go-live on 1 October 2026.

The council's Finance unit (cost centres FIN, FIN000 to FIN039) counts in finance and its HR and
Payroll unit (HRP…) in HR; the constabulary's Finance unit in finance; the fire service keeps no
back-office team of its own, so all it spends on the shared functions is its recharge. Mapping twice
changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from joinedup.bench.demo import SEEDER
from joinedup.businesscase import services
from joinedup.ledger.models import CostCentre
from joinedup.partnership.models import Partner

# partner: (cost-centre code prefix, function), by the demo establishment's unit codes
MAPPED = {"WCC": (("FIN", "finance"), ("HRP", "hr")), "WPOL": (("FIN", "finance"),)}
MAPPED_BY = {"WCC": "council.finance", "WPOL": "police.finance"}


def seed_demo_realisation(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    for code, prefixes in MAPPED.items():
        partner = partners[code]
        centres = CostCentre.objects.for_partner(partner).order_by("code").values_list("pk", "code")
        mapping = {
            pk: function
            for pk, centre in centres
            for prefix, function in prefixes
            if centre.startswith(prefix)
        }
        services.cost_centre_functions_set(
            actor=users.get(MAPPED_BY[code], SEEDER), partner=partner, mapping=mapping
        )
        say(f"Benefits realisation: {partner.name} maps {len(mapping)} cost centres to the case's functions")
