"""The demo partnership's shared-service recharge for October 2026.

Wessex Shared Services (WSS) keeps six cost pools, one per service, on its own cost centres:
its staff's pay arrives through its October payroll journal, and an illustrative journal of
non-pay costs (systems, premises, contracted occupational-health clinicians) is posted as a
manual journal labelled as demo figures. The council, the constabulary and the fire service
take every service under agreements that mix the drivers — headcount, FTE, payslips, tickets,
invoices and fixed percentages — and the finance agreements change from headcount to FTE on
1 September 2026, so October is charged by FTE. Ticket and invoice counts are demo readings.

Every step finds what exists first, so seeding twice posts nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from joinedup.bench.demo import SEEDER
from joinedup.core.dates import people_month
from joinedup.ledger.models import CostCentre
from joinedup.ledger.services import LineInput, journal_post
from joinedup.partnership.models import Partner
from joinedup.recharges.models import RechargeRun, ServiceAgreement
from joinedup.recharges.services import agreement_add, pool_set, reading_set, recharge_run

DEMO_MONTH = date(2026, 10, 1)
DEMO_LABEL = "Demo figures: illustrative, not any body's actual costs or volumes"
AGREEMENTS_FROM = date(2026, 4, 1)
FINANCE_CHANGE = date(2026, 9, 1)
# The council's ICT work is done in joinedup's service desk from October: its ICT agreement is
# live, so the October recharge counts its ICT tickets there (recharges/drivers.py) and not a
# reading; the constabulary and the fire service still send readings.
ICT_LIVE = ("WCC", date(2026, 10, 1))

# service → WSS cost centres (units of the demo establishment; OHS is added here)
POOLS = {
    "hr": ["HRS"],
    "payroll": ["PAY"],
    "finance": ["FIN"],
    "purchasing": ["PRC"],
    "ict": ["ICT"],
    "occupational_health": ["OHS"],
}
CENTRES = {
    "HRS": "HR Services",
    "PAY": "Payroll Services",
    "FIN": "Finance Services",
    "PRC": "Procurement",
    "ICT": "ICT Service Desk",
    "OHS": "Occupational Health Service",
}
# service → (driver, {partner: fixed percentage}) from 1 April 2026
AGREEMENTS: dict[str, tuple[str, dict[str, Decimal]]] = {
    "hr": ("headcount", {}),
    "payroll": ("payslips", {}),
    "finance": ("headcount", {}),
    "purchasing": ("invoices", {}),
    "ict": ("tickets", {}),
    "occupational_health": (
        "fixed_percentage",
        {"WCC": Decimal(50), "WPOL": Decimal(30), "WFRS": Decimal(20)},
    ),
}
CHARGED = ("WCC", "WPOL", "WFRS")
READINGS = {
    "tickets": {"WCC": Decimal(812), "WPOL": Decimal(455), "WFRS": Decimal(131)},
    "invoices": {"WCC": Decimal(2140), "WPOL": Decimal(960), "WFRS": Decimal(305)},
}
# (account, cost centre, pence): October's non-pay costs of WSS
NON_PAY = [
    ("4100", "ICT", 1_850_000),  # service-desk and ERP licences
    ("2200", "HRS", 420_000),  # office rent, by floor area
    ("2200", "PAY", 310_000),
    ("2200", "FIN", 380_000),
    ("2200", "PRC", 190_000),
    ("2200", "ICT", 260_000),
    ("4300", "OHS", 640_000),  # contracted occupational-health clinicians
]


def seed_demo_recharges(*, partners: dict[str, Partner], say: Callable[[str], None] = print) -> RechargeRun:
    shared = partners["WSS"]
    have = set(CostCentre.objects.for_partner(shared).values_list("code", flat=True))
    for code, name in CENTRES.items():
        if code not in have:  # a unit with no demo posts has no cost centre from set-up
            CostCentre.objects.create(partner=shared, code=code, name=name)
    total = sum(pence for _, _, pence in NON_PAY)
    journal_post(
        actor=SEEDER,
        partner=shared,
        date=date(2026, 10, 30),
        description=f"Non-pay costs October 2026 ({DEMO_LABEL})"[:200],
        idempotency_key="demo:wss-non-pay:2026-10",
        lines=[
            *(LineInput(account=a, debit=p, cost_centre=c, description="Demo figure") for a, c, p in NON_PAY),
            LineInput(account="B300", credit=total, description="Demo figure"),
        ],
    )
    for service, centres in POOLS.items():
        pool_set(actor=SEEDER, provider=shared, service=service, cost_centres=centres)
    _agreements(shared, partners)
    for driver, by_partner in READINGS.items():
        for code, quantity in by_partner.items():
            reading_set(
                actor=SEEDER,
                provider=shared,
                partner=partners[code],
                driver=driver,
                month=DEMO_MONTH,
                quantity=quantity,
                source=DEMO_LABEL,
            )
    run = recharge_run(actor=SEEDER, month=DEMO_MONTH, provider=shared)
    say(f"Recharge {people_month(DEMO_MONTH)}: six pools shared to {', '.join(CHARGED)}, journals posted")
    return run


def _agreements(shared: Partner, partners: dict[str, Partner]) -> None:
    existing = set(
        ServiceAgreement.objects.for_partner(shared).values_list(
            "charged_partner__code", "service", "effective_from"
        )
    )

    def add(
        code: str,
        service: str,
        driver: str,
        since: date,
        percentage: Decimal | None,
        note: str,
        live: bool = False,
    ) -> None:
        if (code, service, since) in existing:
            return
        agreement_add(
            actor=SEEDER,
            provider=shared,
            partner=partners[code],
            service=service,
            driver=driver,
            percentage=percentage,
            effective_from=since,
            note=note,
            live=live,
        )

    for service, (driver, fixed) in AGREEMENTS.items():
        for code in CHARGED:
            add(code, service, driver, AGREEMENTS_FROM, fixed.get(code), "Partnership agreement 2026/27")
    for code in CHARGED:
        add(
            code,
            "finance",
            "fte",
            FINANCE_CHANGE,
            None,
            "Partnership board: finance shared by FTE from September",
        )
    add(
        ICT_LIVE[0],
        "ict",
        "tickets",
        ICT_LIVE[1],
        None,
        "Partnership board: the council's ICT tickets counted by the service desk from October",
        live=True,
    )
