"""The demo's TUPE transfer plan: the twelve HR and payroll staff of the council, the constabulary
and the fire service transfer to Wessex Shared Services on 1 April 2027 under "One HR and payroll
service for Wessex". The plan's pages show the employee liability information (due 28 days before,
on 4 March 2027), the comparison of the transfer with a secondment of the same people (a full
recharge to WSS for two years), and the new team's terms side by side (the Green Book and the
police staff scale) with the cost of harmonising them.

Seeding twice adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from joinedup.bench.demo.change import EFFECTIVE, PROGRAMME
from joinedup.change import transfer_services
from joinedup.change.models import ChangeProgramme, TransferPlan
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner

PLAN = "HR and payroll staff to Wessex Shared Services"
MEASURES = (
    "Wessex Shared Services envisages these measures in connection with the transfer:\n\n"
    "1. Pay will move from each employer's payroll to the shared service's monthly payroll, paid "
    "on the same day of the month as now.\n\n"
    "2. The transferring staff will work from Winchester or Eastleigh, as now, and from the "
    "shared service's offices when their team meets.\n\n"
    "3. Terms and conditions, including the pension, are protected: Wessex Shared Services is a "
    "Local Government Pension Scheme employer, and membership continues."
)


def seed_demo_transfers(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    shared = partners["WSS"]
    programme = ChangeProgramme.objects.for_partner(shared).filter(name=PROGRAMME).first()
    if programme is None or TransferPlan.objects.for_partner(shared).filter(programme=programme).exists():
        return
    hr = users["shared.hr"]
    plan = transfer_services.plan_create(
        actor=hr,
        programme=programme,
        name=PLAN,
        kind="tupe",
        receiving_partner=shared,
        transfer_date=EFFECTIVE,
        measures=MEASURES,
    )
    added = transfer_services.plan_add_scope(actor=hr, plan=plan)
    transfer_services.plan_update(actor=hr, plan=plan, status="consulting")
    say(
        f"  TUPE plan: {len(added)} staff to {shared.code} on {people_date(EFFECTIVE)}, "
        "the employee liability information due 28 days before"
    )
