"""The demo's voluntary redundancy window on "One HR and payroll service for Wessex".

The council opens a window to all its staff from 2 November to 18 December 2026, quoted on its
enhanced scheme; a dozen of them express interest, asking to leave on 31 March 2027, the day
before the shared team starts: its four HR staff, its chief executive and the seven longest-
serving of its other staff. The council's HR records the Wessex Pension Fund's estimates for the
members of 55 and over whose sex it holds, and the fund's strain factors (illustrative figures,
not an actuary's), so their quotes carry the strain cost; for the others the quote says what it
lacks. The council's scheme of delegation lets its Head of HR accept exits costing up to
£50,000 and the shared service's HR director any; two interests are decided (the Head of HR's
own, accepted with its leaving confirmed into the final pay, and one declined) and one deferred.

Seeding twice adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.change import PROGRAMME
from joinedup.change import services as change
from joinedup.change.models import ChangeProgramme, VrEligibility, VrStatus, VrWindow
from joinedup.change.strain import strain_factors_import
from joinedup.partnership.models import Partner
from joinedup.people.models import Employment

OPENS, CLOSES = date(2026, 11, 2), date(2026, 12, 18)
SUBMITTED_ON, DECIDED_ON = date(2026, 11, 16), date(2026, 12, 1)
LEAVING = date(2027, 3, 31)
FUND = "Wessex Pension Fund"
FACTORS_FROM = date(2026, 4, 1)
# The fund's estimates of the pension a year each member would draw at once, by payroll number:
# illustrative figures for the demo, as a fund's estimate letter would give them.
ESTIMATES = {
    "WCC9310": (Decimal("9870.00"), Decimal(12)),  # Helen Marsh, Head of HR, 59
    "WCC900001": (Decimal("21400.00"), Decimal(12)),  # Morwenna Trelawney, chief executive, 58
}
TEAM = ("WCC9310", "WCC9320", "WCC9321", "WCC9330")
OTHERS = 7


def _factor_rows() -> bytes:
    """Whole years 55 to 67 for both sexes: about 5 at 55 falling to 0 at 67, women's a little
    higher (they draw a pension for longer). Illustrative, like the benchmark's table."""
    lines = ["sex,age_years,factor"]
    for sex, extra in (("F", Decimal("0.3")), ("M", Decimal(0))):
        for age in range(55, 68):
            left = Decimal(67 - age)
            lines.append(f"{sex},{age},{left * Decimal('0.42') + (extra if left else 0):.6f}")
    return ("\n".join(lines) + "\n").encode()


def _interested(council: Partner) -> list[Employment]:
    staff = Employment.objects.for_partner(council).filter(end_date__isnull=True).select_related("person")
    chosen = list(staff.filter(payroll_number__in=[*TEAM, *ESTIMATES]).order_by("payroll_number"))
    taken = {e.pk for e in chosen}
    others = [
        e
        for e in staff.exclude(payroll_number__startswith="WCC93").order_by("continuous_service_date", "pk")
        if e.pk not in taken and e.start_date <= SUBMITTED_ON
    ]
    return chosen + others[:OTHERS]


def seed_demo_vr(*, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]) -> None:
    council = partners["WCC"]
    programme = ChangeProgramme.objects.for_partner(partners["WSS"]).filter(name=PROGRAMME).first()
    if programme is None or VrWindow.objects.for_partner(council).filter(programme=programme).exists():
        return
    for username, title, up_to, paragraph in (
        ("council.hr", "Head of HR", Decimal("50000.00"), "7.4"),
        ("shared.hr", "HR Director, Wessex Shared Services", None, "7.5"),
    ):
        change.vr_delegation_set(
            actor=SEEDER,
            partner=council,
            user=users[username],
            title=title,
            up_to=up_to,
            source=f"Demo: council constitution, Part 3 para {paragraph}",
        )
    strain_factors_import(
        actor=SEEDER,
        partner=council,
        fund=FUND,
        effective_from=FACTORS_FROM,
        source="Demo: illustrative strain factors, not a fund actuary's",
        data=_factor_rows(),
        filename="wessex-strain-factors-demo.csv",
    )
    window = change.vr_window_open(
        actor=users["council.hr"],
        programme=programme,
        partner=council,
        opens=OPENS,
        closes=CLOSES,
        eligibility=VrEligibility.PARTNER,
        scheme="wcc-2026",
    )
    interests = {}
    for employment in _interested(council):
        interest = change.vr_interest_submit(
            actor=SEEDER, window=window, employment=employment, leaving_date=LEAVING, today=SUBMITTED_ON
        )
        estimate = ESTIMATES.get(employment.payroll_number)
        if estimate is not None:
            change.vr_interest_record_facts(
                actor=SEEDER,
                interest=interest,
                contractual_notice_weeks=estimate[1],
                pension_fund=FUND,
                annual_pension=estimate[0],
                pension_source="Demo: the fund's estimate of 20 November 2026",
            )
        interests[employment.payroll_number] = interest
    head = interests["WCC9310"]
    change.vr_interest_decide(
        actor=users["shared.hr"],
        interest=head,
        decision=VrStatus.ACCEPTED,
        reason="The post is deleted by the shared team's structure.",
        today=DECIDED_ON,
    )
    change.vr_leaving_confirm(actor=users["shared.hr"], interest=head)
    others = [i for key, i in interests.items() if key not in ESTIMATES and key not in TEAM]
    if others:
        change.vr_interest_decide(
            actor=users["council.hr"],
            interest=others[0],
            decision=VrStatus.DECLINED,
            reason="The post is not in the programme's scope and is needed.",
            today=DECIDED_ON,
        )
    change.vr_interest_decide(
        actor=users["council.hr"],
        interest=interests["WCC9320"],
        decision=VrStatus.DEFERRED,
        reason="Until the selection for the shared adviser posts is done.",
        today=DECIDED_ON,
    )
    say(f"  Voluntary redundancy: {len(interests)} expressions of interest at {council.name}, 3 decided")
