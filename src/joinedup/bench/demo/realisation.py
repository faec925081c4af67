"""The demo's benefits realisation: each partner maps the cost centres of its own retained finance,
HR and payroll teams to the business case's functions, so that the realisation page measures them
from the demo ledger (October 2026's pay run journals, on the posts' cost centres, and the months
from go-live on 1 November 2025 to September 2026 taken on from the previous ledgers in October's
pattern: :func:`seed_demo_realisation_year`) and the people module (the FTE in the posts on those
cost centres), with the shared service's recharges, against the approved version 2.

The council's Finance unit (cost centres FIN, FIN000 to FIN039) counts in finance and its HR and
Payroll unit (HRP…) in HR; the constabulary's Finance unit in finance; the fire service keeps no
back-office team of its own, so all it spends on the shared functions is its recharge. Mapping twice
changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Sum

from joinedup.bench.demo import SEEDER
from joinedup.businesscase import services
from joinedup.businesscase.models import CostCentreFunction
from joinedup.businesscase.realisation import MONTHS, month_end, months_from
from joinedup.core import rls
from joinedup.core.calendar import financial_year_of
from joinedup.core.dates import people_month
from joinedup.ledger.models import AccountType, CostCentre, JournalLine
from joinedup.ledger.services import LineInput, journal_post, ledger_setup_partner
from joinedup.partnership.models import Partner
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.recharges.models import LineKind as RechargeKind
from joinedup.recharges.models import RechargeLine, RechargeRun
from joinedup.recharges.services import post_run_journals

# The first month the partners' ledgers and payroll ran on joinedup (bench/demo/month.py).
OCTOBER = date(2026, 10, 1)

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


# --- A first year of realisation ----------------------------------------------------------------------

TAKE_ON_LABEL = (
    "Demo figures: the month's actuals taken on from the previous ledger, in October 2026's pattern"
)
TAKE_ON_ACCOUNT = "B100"  # the bank: the old ledger paid these costs


def seed_demo_realisation_year(
    *, partners: dict[str, Partner], live_from: date, say: Callable[[str], None]
) -> int:
    """The months from go-live to September 2026, before the partners' ledgers and payroll moved
    onto joinedup in October 2026: each month's actuals taken on from the previous ledger, so that
    the realisation page has a first year (go-live to October 2026) to measure.

    For each month, each partner that maps cost centres gets one journal of its mapped cost
    centres' spending, account by account, as October 2026's payroll journal put it; and the shared
    service's recharge of the month is taken on as a run with October's lines (the same pools,
    partners and amounts), its journals posted to every charged partner's ledger as a run posts
    them. Flat figures, labelled as demo figures. Returns the months taken on; a second seeding
    finds them and adds nothing."""
    shared = partners["WSS"]
    months = [m for m in months_from(live_from, MONTHS) if m < OCTOBER]
    if not months or RechargeRun.objects.for_partner(shared).filter(month=months[0]).exists():
        return 0
    with rls.system_context("demo: taking on a year of the partners' monthly actuals"):
        for partner in partners.values():
            for year in sorted({financial_year_of(m) for m in months} - {financial_year_of(OCTOBER)}):
                ledger_setup_partner(
                    actor=SEEDER, partner=partner, year=year, cost_centres=establishment_cost_centres(partner)
                )
        patterns = {code: _october_pattern(partners[code]) for code in MAPPED}
        october = RechargeRun.objects.for_partner(shared).get(month=OCTOBER)
        recharges = list(
            RechargeLine.objects.for_partner(shared)
            .filter(run=october, kind=RechargeKind.POOL)
            .order_by("pk")
        )
        for month in months:
            on = month_end(month)
            for code, pattern in patterns.items():
                if not pattern:
                    continue  # no October spending to copy (a demo seeded without its pay runs)
                total = sum(pence for _, _, pence in pattern)
                journal_post(
                    actor=SEEDER,
                    partner=partners[code],
                    date=on,
                    description=f"Take-on: {people_month(month)} actuals ({TAKE_ON_LABEL})"[:200],
                    idempotency_key=f"demo:take-on:{code}:{month:%Y-%m}",
                    lines=[
                        *(
                            LineInput(account=a, debit=p, cost_centre=c, description="Demo figure")
                            for a, c, p in pattern
                        ),
                        LineInput(account=TAKE_ON_ACCOUNT, credit=total, description="Demo figure"),
                    ],
                )
            run = RechargeRun.objects.create(partner=shared, month=month, total=october.total)
            RechargeLine.objects.bulk_create(
                [
                    RechargeLine(
                        partner=shared,
                        run=run,
                        month=month,
                        charged_partner_id=line.charged_partner_id,
                        kind=line.kind,
                        pool_id=line.pool_id,
                        service=line.service,
                        description=line.description.replace(people_month(OCTOBER), people_month(month)),
                        driver=line.driver,
                        quantity=line.quantity,
                        rate=line.rate,
                        pool_amount=line.pool_amount,
                        amount=line.amount,
                    )
                    for line in recharges
                ]
            )
            post_run_journals(actor=SEEDER, run=run)
    say(
        f"Benefits realisation: {people_month(months[0])} to {people_month(months[-1])} "
        "taken on from the previous "
        "ledgers (demo figures), so the first year from go-live can be measured"
    )
    return len(months)


def _october_pattern(partner: Partner) -> list[tuple[str, str, int]]:
    """October 2026's spending on the partner's mapped cost centres: (account, cost centre, pence)."""
    mapped = CostCentreFunction.objects.for_partner(partner).values("cost_centre_id")
    rows = (
        JournalLine.objects.for_partner(partner)
        .filter(
            date__gte=OCTOBER,
            date__lte=month_end(OCTOBER),
            cost_centre_id__in=mapped,
            account__type=AccountType.EXPENSE,
            account__inter_partner=False,
        )
        .order_by("account__code", "cost_centre__code")
        .values("account__code", "cost_centre__code")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return [
        (r["account__code"], r["cost_centre__code"], int(r["debit"] or 0) - int(r["credit"] or 0))
        for r in rows
        if int(r["debit"] or 0) - int(r["credit"] or 0) > 0
    ]
