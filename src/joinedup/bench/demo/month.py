"""A month of the demo partnership's history, so that its ledgers, journals and statements
have something in them: October 2026's monthly payroll — the first on joinedup, with take-on
balances for April to September from the payroll it replaced (demo.take_on) — calculated by the
payroll officer, checked, approved by the approver (four eyes) and paid for every employer, its
journal posted to each partner's ledger on approval and its payment when marked paid. November
is left for a visitor to run from the web or the CLI.

The Police Staff Council's pay values are not held (see people/schemes/rules/police_staff.toml),
so Wessex Constabulary's staff would be paid nothing. The demo enters illustrative values for
the PSC points, marked unconfirmed and labelled as demo figures — never the PSC spine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.take_on import seed_demo_take_on
from joinedup.core.dates import people_month
from joinedup.ledger.services import ledger_setup_partner
from joinedup.partnership.models import Partner
from joinedup.payroll.models import FlagStatus, VarianceFlag
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.payroll.services import (
    flag_accept,
    payrun_approve,
    payrun_calculate,
    payrun_create,
    payrun_mark_paid,
)
from joinedup.people.models import PayPoint, PayRate

DEMO_PAY_DATE = date(2026, 10, 23)
DEMO_PSC_SOURCE = "Demo only: illustrative figures for the demo partnership, not the PSC pay spine"
_PSC_FIRST_POINT = 7
_PSC_BOTTOM = Decimal(24600)
_PSC_STEP = Decimal(900)


def seed_demo_psc_rates() -> int:
    """Illustrative annual salaries for the PSC points that have none. Returns how many."""
    added = 0
    for point in PayPoint.objects.filter(scheme__code="police_staff", rates__isnull=True).order_by("sort"):
        PayRate.objects.create(
            point=point,
            effective_from=date(2024, 9, 1),
            annual=_PSC_BOTTOM + _PSC_STEP * (point.sort - _PSC_FIRST_POINT),
            source=DEMO_PSC_SOURCE,
            unconfirmed=True,
        )
        added += 1
    return added


def seed_demo_month(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    officer, approver = users["payroll.officer"], users["payroll.approver"]
    for partner in partners.values():
        ledger_setup_partner(
            actor=SEEDER,
            partner=partner,
            year=DEMO_PAY_DATE.year,
            cost_centres=establishment_cost_centres(partner),
        )
    for code in sorted(partners):
        partner = partners[code]
        run = payrun_create(actor=officer, partner=partner, frequency="monthly", pay_date=DEMO_PAY_DATE)
        # October is the first month on joinedup: April to September come from the old payroll.
        taken_on = seed_demo_take_on(actor=officer, run=run)
        say(f"Take-on balances April to September 2026 for {code}: {taken_on} employments")
        run = payrun_calculate(actor=officer, run=run)
        # In the demo's history the officer looked at each flag; a real officer writes why.
        for flag in VarianceFlag.objects.for_partner(partner).filter(run=run, status=FlagStatus.OPEN):
            flag_accept(actor=officer, flag=flag, note="Demo history: checked and accepted.")
        run = payrun_approve(actor=approver, run=run)
        payrun_mark_paid(actor=officer, run=run)
        say(
            f"Payroll {people_month(DEMO_PAY_DATE)} for {code}: {run.progress_total} payslips, "
            "paid and posted"
        )
