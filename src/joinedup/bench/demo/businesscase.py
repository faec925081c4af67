"""The demo's business case: "Wessex shared corporate services", owned by Wessex Shared Services.

The baseline is the partnership's joint spending on the five shared areas (HR, payroll, finance,
purchasing, ICT) across the council, the constabulary and the fire service: £67.8m a year by
1,196 full-time-equivalent staff, as the partnership's own case put it. Two options are appraised
over ten years at the Green Book rate: a shared service (set-up costs of £3.7m, redundancy and
pension strain included) and outsourcing ("a saving of at least £1 million" in its first year).

The story of its decisions: version 1 was published; in June 2025 the council's cabinet and the
fire authority approved it, and the police authority "asked for more information and will
re-consider it". The more information (a fuller risk note on the systems, and a larger
optimism-bias uplift on them) made version 2, which every partner approved in September 2025: the
case is approved by the partnership on version 2, and the police's deferral stays on version 1.
The shared service went live on 1 November 2025, so its first year of benefits realisation runs
to October 2026: the months to September taken on from the previous ledgers, October from
joinedup's own pay runs and recharge (bench/demo/realisation.py maps the partners' cost centres
and takes the months on).

The council and the fire service share their baseline detail with the partnership; the
constabulary does not (its partners see its figures only in the totals). Seeding twice adds
nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.bench.demo import SEEDER
from joinedup.businesscase import services
from joinedup.businesscase.models import BusinessCase, OptionLine
from joinedup.businesscase.services import LineInput
from joinedup.core.dates import people_month
from joinedup.partnership.models import Partner

CASE = "Wessex shared corporate services"
LIVE_FROM = date(2025, 11, 1)
YEARS = 10
# partner, function, staff cost, FTE, non-staff cost, payslips, invoices, tickets (a year)
BASELINE = [
    ("WCC", "hr", 5_400_000, 130, 1_100_000, 0, 0, 0),
    ("WCC", "payroll", 1_900_000, 52, 400_000, 216_000, 0, 0),
    ("WCC", "finance", 8_200_000, 190, 1_300_000, 0, 180_000, 0),
    ("WCC", "purchasing", 2_600_000, 64, 500_000, 0, 0, 0),
    ("WCC", "ict", 12_500_000, 230, 6_300_000, 0, 0, 95_000),
    ("WPOL", "hr", 3_000_000, 72, 600_000, 0, 0, 0),
    ("WPOL", "payroll", 1_000_000, 28, 200_000, 84_000, 0, 0),
    ("WPOL", "finance", 3_300_000, 80, 500_000, 0, 60_000, 0),
    ("WPOL", "purchasing", 1_200_000, 30, 200_000, 0, 0, 0),
    ("WPOL", "ict", 6_800_000, 135, 3_400_000, 0, 0, 48_000),
    ("WFRS", "hr", 1_200_000, 40, 250_000, 0, 0, 0),
    ("WFRS", "payroll", 450_000, 20, 100_000, 30_000, 0, 0),
    ("WFRS", "finance", 1_350_000, 45, 200_000, 0, 25_000, 0),
    ("WFRS", "purchasing", 500_000, 17, 100_000, 0, 0, 0),
    ("WFRS", "ict", 2_200_000, 63, 1_050_000, 0, 0, 14_000),
]
SHARED_BY = ("WCC", "WFRS")


def _years(*amounts: int, each_from: int | None = None, value: int = 0) -> tuple[Decimal, ...]:
    """Pounds by year from year 0; ``each_from``: ``value`` every year from then to the horizon."""
    out = [Decimal(a) for a in amounts]
    if each_from is not None:
        out += [Decimal(value)] * (YEARS - each_from)
    return tuple(out)


SHARED_SERVICE = [
    LineInput(
        "Redundancy and pension strain",
        "cost",
        _years(1_400_000, 600_000),
        optimism_bias=Decimal(10),
        one_off=True,
        risk="Depends on how many staff take voluntary redundancy; strain costs are the funds' actuaries'.",
    ),
    LineInput(
        "One finance, HR and payroll system",
        "cost",
        _years(800_000, 300_000),
        optimism_bias=Decimal(20),
        one_off=True,
        risk="Data migration from three systems.",
    ),
    LineInput("Project team", "cost", _years(200_000, 200_000), optimism_bias=Decimal(10), one_off=True),
    LineInput("Premises fit-out", "cost", _years(200_000), optimism_bias=Decimal(10), one_off=True),
    LineInput("System licences and support", "cost", _years(0, each_from=1, value=250_000)),
    LineInput(
        "Fewer posts and one set of systems",
        "saving",
        _years(0, 3_000_000, 6_000_000, each_from=3, value=8_500_000),
    ),
]
OUTSOURCING = [
    LineInput(
        "Redundancy, pension strain and TUPE transfer",
        "cost",
        _years(2_600_000),
        optimism_bias=Decimal(15),
        one_off=True,
    ),
    LineInput("Procurement", "cost", _years(500_000), optimism_bias=Decimal(15), one_off=True),
    LineInput("Transition", "cost", _years(0, 400_000), optimism_bias=Decimal(15), one_off=True),
    LineInput("Contract management and client team", "cost", _years(0, each_from=1, value=1_200_000)),
    LineInput(
        "Contract price below today's cost",
        "saving",
        _years(0, 1_000_000, 5_000_000, each_from=3, value=7_000_000),
        risk="Offshore processing of personal data would need each partner's agreement.",
    ),
]


def _baseline_csv() -> bytes:
    rows = ["partner,function,staff_cost,fte,non_staff_cost,payslips,invoices,tickets,source"]
    for code, function, staff, fte, other, payslips, invoices, tickets in BASELINE:
        rows.append(
            f"{code},{function},{staff},{fte},{other},{payslips},{invoices},{tickets},"
            "Partners' 2024/25 outturn"
        )
    return ("\n".join(rows) + "\n").encode()


def seed_demo_businesscase(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> BusinessCase | None:
    owner = partners["WSS"]
    if BusinessCase.objects.for_partner(owner).filter(name=CASE).exists():
        return None
    finance = users["shared.finance"]
    council, police, fire = partners["WCC"], partners["WPOL"], partners["WFRS"]
    case = services.case_create(
        actor=finance,
        owner=owner,
        name=CASE,
        partners=[council, police, fire],
        years=YEARS,
        description=(
            "Joint spending in the five shared areas is £67.8 million a year with 1,196 staff. One "
            "team serving all three partners can potentially halve overhead costs; one-off set-up "
            "costs are estimated at up to £3.7m, including redundancy pay-offs and pension contributions."
        ),
    )
    imported = services.baselines_import(
        actor=finance, case=case, source=_baseline_csv(), filename="baseline.csv"
    )
    if not imported.ok:
        raise RuntimeError(f"The demo baseline did not import: {imported.errors}")
    for code in SHARED_BY:
        services.baseline_share(actor=SEEDER, case=case, partner=partners[code], shared=True)
    for kind, name, lines in (
        ("shared_service", "Shared service", SHARED_SERVICE),
        ("outsourcing", "Outsourcing", OUTSOURCING),
    ):
        option = services.option_add(actor=finance, case=case, kind=kind, name=name)
        for line in lines:
            services.line_add(actor=finance, option=option, line=line)
    services.allocation_set(
        actor=finance,
        case=case,
        keys={council: Decimal("40.2"), police: Decimal("20.2"), fire: Decimal("7.4")},
    )
    v1 = services.latest_version(case)
    services.version_publish(actor=finance, version=v1)

    def decide(version: Any, actor: Any, partner: Partner, outcome: str, on: date, body: str) -> None:
        services.decision_record(
            actor=actor,
            version=version,
            partner=partner,
            outcome=outcome,
            decided_on=on,
            body=body,
            minutes_url=f"https://democracy.wessex.example/{partner.code.lower()}/{on.isoformat()}",
        )

    decide(v1, users["council.finance"], council, "approved", date(2025, 6, 16), "cabinet")
    decide(v1, SEEDER, fire, "approved", date(2025, 6, 23), "fire_authority")
    decide(v1, users["police.finance"], police, "deferred", date(2025, 6, 25), "police_authority")
    # The more information the police authority asked for: the systems risk set out, and its
    # optimism bias raised. A change after a decision: version 2.
    systems = case_line(case, v1, "Shared service", "One finance, HR and payroll system")
    services.line_change(
        actor=finance,
        line=systems,
        to=LineInput(
            systems.name,
            "cost",
            tuple(Decimal(a) for a in systems.amounts),
            optimism_bias=Decimal(40),
            one_off=True,
            risk=(
                "Data migration from three systems; the constabulary's vetting and duty systems keep "
                "their own interfaces, costed in the uplift."
            ),
        ),
    )
    v2 = services.latest_version(case)
    services.version_publish(actor=finance, version=v2)
    decide(v2, users["council.finance"], council, "approved", date(2025, 9, 8), "cabinet")
    decide(v2, SEEDER, fire, "approved", date(2025, 9, 15), "fire_authority")
    decide(v2, users["police.finance"], police, "approved", date(2025, 9, 17), "police_authority")
    services.case_go_live(actor=finance, case=case, live_from=LIVE_FROM)
    say(
        f"Business case: {CASE}, approved by the partnership on version {v2.number}, "
        f"live from {people_month(LIVE_FROM)}"
    )
    return case


def case_line(case: BusinessCase, version: Any, option: str, name: str) -> OptionLine:
    return (
        OptionLine.objects.for_partner(case.partner_id)
        .filter(option__version=version, option__name=option, name=name)
        .get()
    )
