"""``joinedup bench realisation --lines N``: the board pack's figures for three partners over a year
of an N-line ledger.

The acceptance target (issue 13): the realisation dashboard for three partners over a year of a
1,000,000-line ledger in 1 s or less on PostgreSQL. Seeded, not timed: three partners, each with a
third of the lines by the ledger benchmark's own seeding (:func:`joinedup.bench.ledger.seed_ledger`:
financial year 2026/27, a hundred teams, journals of 49 lines and a bank line, loaded by COPY), a
shared-services body owning a business case of the three with a baseline of five functions, a
shared-service option, allocation keys and every partner's approval, live from April 2026. Each
partner maps its hundred teams to the five functions (every spending line counts), has
:data:`POSTS` posts on those teams held by :data:`STAFF` employees (the FTE query reads them), a
recharge for each service in each month, and a termination award in an approved pay run.

Timed: :func:`joinedup.businesscase.realisation.realisation` as the case's owner sees it (every
partner's rows): the ledger's cost by partner, function and month, the months each partner has
reported, the FTE at each month end, the twelve months before go-live, recharges, termination
awards, the plan and the allocation: everything the dashboard draws. Best and median of
:data:`RUNS`. Figures depend on the machine; nothing here asserts a speed."""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.bench import BENCH
from joinedup.bench.ledger import YEAR, seed_ledger
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.population import (
    COUNCIL,
    PeopleFactory,
    bench_stamp,
    import_staff,
    make_posts,
    payable_points,
    standard_hours,
)
from joinedup.businesscase import realisation, selectors, services
from joinedup.businesscase.services import BaselineFigures, LineInput
from joinedup.ledger.models import CostCentre
from joinedup.partnership.models import Partner, PartnerKind, Role
from joinedup.partnership.permissions import forget_cached_roles
from joinedup.partnership.services import membership_grant, partner_create, user_create
from joinedup.payroll.models import PayItem, PayItemTreatment, PayRun, Payslip, RunStatus
from joinedup.people.models import Employment, Post
from joinedup.people.schemes_sync import schemes_sync
from joinedup.recharges.models import CostPool, RechargeLine, RechargeRun

RUNS = 5
PARTNERS = 3
POSTS = 100  # per partner, one per team
STAFF = 300  # per partner
FUNCTIONS = ("hr", "payroll", "finance", "purchasing", "ict")
LIVE = date(YEAR, 4, 1)
SEED = 1313

Say = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class RealisationBenchResult:
    lines: int
    database: str
    partners: list[str] = field(default_factory=list)
    seed_seconds: float = 0.0
    seconds: list[float] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)
    conditions: str = ""

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def as_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "partners": len(self.partners),
            "months": 12,
            "database": self.database,
            "best_ms": round(self.best * 1000, 1),
            "median_ms": round(self.median * 1000, 1),
            "runs": len(self.seconds),
            "seed_seconds": round(self.seed_seconds, 1),
            "checks": self.checks,
            "conditions": self.conditions,
        }

    def report(self) -> str:
        out = [
            f"benefits realisation: {len(self.partners)} partners over a year of a {self.lines:,}-line "
            f"ledger on {self.database} ({', '.join(self.partners)})",
            f"  (seeded in {self.seed_seconds:.1f} s: not counted)",
            f"  {self.conditions}",
            "",
            f"| step | best of {len(self.seconds)} (ms) | median (ms) |",
            "|---|---:|---:|",
            f"| the dashboard's figures | {self.best * 1000:.1f} | {self.median * 1000:.1f} |",
            "",
            ", ".join(f"{name} {value}" for name, value in self.checks.items()),
        ]
        return "\n".join(out)


def _people(partner: Partner, teams: list[str], rng: random.Random, factory: PeopleFactory) -> None:
    """POSTS posts, one on each team's cost centre, and STAFF employees in them."""
    posts = make_posts(partner, COUNCIL, POSTS, rng, actor=BENCH)
    rows = list(Post.objects.for_partner(partner).filter(code__in=posts).order_by("code"))
    for post, team in zip(rows, teams, strict=False):
        post.cost_centre = team
    Post.objects.for_partner(partner).bulk_update(rows, ["cost_centre"])
    import_staff(
        partner=partner,
        force=COUNCIL,
        factory=factory,
        count=STAFF,
        points=payable_points(COUNCIL.scheme),
        posts=posts,
        hours=standard_hours(COUNCIL.scheme),
        payroll_number=f"{partner.code[-1]}{{:07d}}".format,
        actor=BENCH,
    )


def _termination_award(partner: Partner) -> None:
    """A redundancy payment of £20,000 in an approved pay run in June."""
    employment = Employment.objects.for_partner(partner).order_by("pk").first()
    if employment is None:
        return
    run = PayRun.objects.create(
        partner=partner,
        frequency="monthly",
        tax_year=YEAR,
        period=3,
        pay_date=date(YEAR, 6, 25),
        period_start=date(YEAR, 6, 1),
        period_end=date(YEAR, 6, 30),
        status=RunStatus.APPROVED,
    )
    zero = dict.fromkeys(
        [
            "basic_pay",
            "gross_pay",
            "pensionable_pay",
            "pension_employee",
            "pension_employer",
            "taxable_pay",
            "taxable_pay_to_date",
            "tax",
            "tax_paid_to_date",
            "ni_pay",
            "ni_employee",
            "ni_employer",
            "student_loan",
            "postgraduate_loan",
            "net_pay",
        ],
        0,
    )
    Payslip.objects.create(
        partner=partner,
        run=run,
        employment=employment,
        tax_code="1257L",
        ni_category="A",
        pension_scheme="lgps_main",
        **zero,
    )
    PayItem.objects.create(
        partner=partner,
        employment=employment,
        kind="addition",
        code="redundancy",
        description="Redundancy payment",
        amount=Decimal("20000.00"),
        start_date=date(YEAR, 6, 10),
        end_date=date(YEAR, 6, 10),
        treatment=PayItemTreatment.TERMINATION_AWARD,
    )


def _recharges(owner: Partner, partners: list[Partner]) -> None:
    """Each service recharged to each partner in each month: £40,000."""
    pools = {s: CostPool.objects.create(partner=owner, service=s, name=s) for s in FUNCTIONS}
    for n in range(12):
        month = date(YEAR + (3 + n) // 12, (3 + n) % 12 + 1, 1)
        run = RechargeRun.objects.create(partner=owner, month=month)
        RechargeLine.objects.bulk_create(
            RechargeLine(
                partner=owner,
                run=run,
                month=month,
                charged_partner=p,
                pool=pools[s],
                service=s,
                description=s,
                quantity=Decimal(1),
                amount=4_000_000,
            )
            for p in partners
            for s in FUNCTIONS
        )


def seed_realisation(lines: int, *, say: Say = _silent) -> tuple[Any, Any, RealisationBenchResult]:
    began = time.perf_counter()
    stamp = bench_stamp()
    schemes_sync(actor=BENCH)
    result = RealisationBenchResult(lines=0, database=database_label())
    partners: list[Partner] = []
    rng = random.Random(SEED)  # noqa: S311 — repeatable benchmark data, not security
    factory = PeopleFactory(STAFF * PARTNERS, SEED)
    for letter in "ABC"[:PARTNERS]:
        say(f"Partner {letter}: ledger")
        partner, _, seeded = seed_ledger(lines // PARTNERS, partner_code=f"BENCH{stamp}{letter}", say=say)
        result.lines += seeded.lines
        teams = sorted(
            CostCentre.objects.for_partner(partner)
            .filter(code__regex=r"^D\dS\dT\d$")
            .values_list("code", flat=True)
        )
        say(f"Partner {letter}: people")
        _people(partner, teams, rng, factory)
        ids = dict(CostCentre.objects.for_partner(partner).filter(code__in=teams).values_list("code", "pk"))
        services.cost_centre_functions_set(
            actor=BENCH,
            partner=partner,
            mapping={ids[code]: FUNCTIONS[n % len(FUNCTIONS)] for n, code in enumerate(teams)},
        )
        _termination_award(partner)
        partners.append(partner)
    say("The business case")
    owner = partner_create(
        actor=BENCH,
        name=f"Benchmark shared services {stamp}",
        code=f"BENCH{stamp}S",
        kind=PartnerKind.SHARED_SERVICE,
    )
    user = user_create(actor=BENCH, username=f"bench.realisation.{stamp}", password=None, full_name="Bench")
    membership_grant(actor=BENCH, user=user, partner=owner, role=Role.FINANCE_OFFICER)
    case = services.case_create(
        actor=BENCH, owner=owner, name=f"Benchmark case {stamp}", partners=partners, years=10
    )
    for partner in partners:
        for function in FUNCTIONS:
            services.baseline_set(
                actor=BENCH,
                case=case,
                partner=partner,
                figures=BaselineFigures(
                    function=function,
                    staff_cost=Decimal("2000000.00"),
                    fte=Decimal("50.00"),
                    non_staff_cost=Decimal("500000.00"),
                ),
            )
    option = services.option_add(actor=BENCH, case=case, kind="shared_service", name="Shared service")
    services.line_add(
        actor=BENCH,
        option=option,
        line=LineInput(
            "Set-up", "cost", (Decimal(1_000_000), Decimal(500_000)), optimism_bias=Decimal(10), one_off=True
        ),
    )
    services.line_add(
        actor=BENCH,
        option=option,
        line=LineInput("Savings", "saving", (Decimal(0), *([Decimal(3_000_000)] * 9))),
    )
    services.allocation_set(actor=BENCH, case=case, keys={p: Decimal(1) for p in partners})
    version = services.latest_version(case)
    for partner in partners:
        services.decision_record(
            actor=BENCH,
            version=version,
            partner=partner,
            outcome="approved",
            decided_on=date(YEAR - 1, 11, 1),
            body="cabinet",
        )
    services.case_go_live(actor=BENCH, case=case, live_from=LIVE)
    _recharges(owner, partners)
    result.partners = [p.code for p in partners]
    result.seed_seconds = time.perf_counter() - began
    return case, user, result


def run_realisation_benchmark(lines: int, *, runs: int = RUNS, say: Say = _silent) -> RealisationBenchResult:
    if lines < PARTNERS * 50:
        raise ValueError(f"lines must be at least {PARTNERS * 50} (a journal for each partner).")
    case, user, result = seed_realisation(lines, say=say)
    load = os.getloadavg()[0]
    say("Timing")
    found = None
    for _ in range(runs):
        forget_cached_roles(user)  # each run reads the user's roles afresh, as a request does
        started = time.perf_counter()
        found = realisation.realisation(selectors.case_for(user, case_id=case.pk))
        result.seconds.append(time.perf_counter() - started)
    result.conditions = conditions(load)
    if found is None or found.total is None:
        raise RuntimeError("The benchmark's case has no realisation.")
    result.checks = {
        "months reported": str(found.total.months),
        "own cost": str(found.total.own_cost),
        "recharges": str(found.total.recharges),
        "saving": str(found.total.saving),
        "one-off costs paid": str(found.total.one_off_actual),
        "FTE now": str(sum((f.fte or Decimal(0) for f in found.function_totals), Decimal(0))),
    }
    return result
