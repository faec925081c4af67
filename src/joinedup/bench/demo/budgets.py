"""The demo partnership's budgets for 2026/27, so that budget against actual compares something.

Each partner's finance officer budgets every cost centre and account that has spending or
income in October: pay costs per cost centre from the payroll journal, the shared-service
recharge, the demo's non-pay costs. Each annual budget is October's figure for twelve months, a
few per cent above or below (a budget set in spring does not match the year exactly), rounded to
the nearest £100, and profiled evenly over the months as a finance officer would set it on the
budgets page."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum

from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.month import DEMO_PAY_DATE
from joinedup.ledger.models import (
    REVENUE_TYPES,
    Account,
    AccountType,
    Budget,
    CostCentre,
    JournalLine,
    Period,
)
from joinedup.ledger.services import MONTHS_IN_YEAR, budget_set_year
from joinedup.partnership.models import Partner

DEMO_BUDGET_SEED = 2627
# The demo users who keep each partner's budgets.
BUDGET_HOLDERS = {
    "WCC": "council.finance",
    "WPOL": "police.finance",
    "WFRS": "fire.finance",
    "WSS": "shared.finance",
}
_ROUND_TO = Decimal(10_000)  # pence: budgets are set to the nearest £100
_VARIATION_PERCENT = range(-4, 7)  # October's run rate, from 4% under to 6% over


def seed_demo_budgets(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    rng = random.Random(DEMO_BUDGET_SEED)  # noqa: S311 — repeatable demo data, not security
    for code in sorted(partners):
        partner = partners[code]
        october = (
            Period.objects.for_partner(partner)
            .select_related("year")
            .get(start_date__lte=DEMO_PAY_DATE, end_date__gte=DEMO_PAY_DATE)
        )
        if Budget.objects.for_partner(partner).filter(period__year=october.year).exists():
            continue
        actor = users.get(BUDGET_HOLDERS.get(code, ""), SEEDER)
        centres = {c.pk: c for c in CostCentre.objects.for_partner(partner)}
        accounts = {a.pk: a for a in Account.objects.for_partner(partner)}
        cells = sorted(
            JournalLine.objects.for_partner(partner)
            .filter(period=october, cost_centre__isnull=False, account__type__in=list(REVENUE_TYPES))
            .order_by()
            .values("cost_centre_id", "account_id", "account__type")
            .annotate(debits=Sum("debit"), credits=Sum("credit"))
            .values_list("cost_centre_id", "account_id", "account__type", "debits", "credits"),
            key=lambda cell: (centres[cell[0]].code, accounts[cell[1]].code),
        )
        lines = 0
        for centre_id, account_id, kind, debits, credits in cells:
            monthly = int(credits) - int(debits) if kind == AccountType.INCOME else int(debits) - int(credits)
            if monthly <= 0:
                continue
            factor = 1 + Decimal(rng.choice(_VARIATION_PERCENT)) / 100
            annual = (monthly * MONTHS_IN_YEAR * factor / _ROUND_TO).quantize(
                Decimal(1), ROUND_HALF_UP
            ) * _ROUND_TO
            budget_set_year(
                actor=actor,
                cost_centre=centres[centre_id],
                year=october.year,
                account=accounts[account_id],
                annual=int(annual),
            )
            lines += 1
        say(f"Budgets {october.year} for {code}: {lines} cost centre and account lines, profiled evenly")
