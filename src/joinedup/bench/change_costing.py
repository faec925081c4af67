"""``joinedup bench change-costing --people N``: cost a workforce-change programme with N people
in scope, every one of them leaving, with a full quote each.

Seeding (not timed): a new council partner with a little more than N employees on NJC terms
through the employments import, a programme led by it with every unit in scope, a structure that
deletes every post, the people it puts at risk (the ones beyond N withdrawn, so exactly N are
costed), a voluntary redundancy window on the partner's enhanced scheme, and a strain factor
table (bench.redundancy.strain_table). Timed: ``costing_selectors.costing_of``, the function the
costing page, the API and the business case call, stage by stage."""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.payroll import seed_payroll_partner
from joinedup.bench.population import Progress, quiet
from joinedup.bench.redundancy import strain_table
from joinedup.change import costing_selectors, services
from joinedup.change.costing import programme_costing
from joinedup.change.models import (
    AtRisk,
    AtRiskStatus,
    ChangeKind,
    ChangeProgramme,
    StrainFactor,
    StrainFactorTable,
    StructureChange,
    VrEligibility,
    VrWindow,
)
from joinedup.change.redundancy import redundancy_rules
from joinedup.core.dates import people_date
from joinedup.core.money import gbp, pounds_to_pence
from joinedup.partnership.models import Partner
from joinedup.people.models import OrgUnit, Person, Post

RUNS = 3
EFFECTIVE = date(2027, 1, 1)
SCHEME = "wcc-2026"


@dataclass
class ChangeCostingResult:
    people: int
    partner: str = ""
    stages: dict[str, list[float]] = field(default_factory=dict)
    queries: int = 0
    load_before: float = 0.0
    load_after: float = 0.0
    conditions: str = ""
    database: str = ""
    totals: dict[str, str] = field(default_factory=dict)
    leavers: int = 0
    problems: int = 0
    savings_years: int = 0
    posts_deleted: int = 0
    fte_deleted: Decimal = Decimal(0)

    def add(self, stage: str, seconds: float) -> None:
        self.stages.setdefault(stage, []).append(seconds)

    @property
    def best(self) -> float:
        return min(self.stages["total"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark": "change-costing",
            "people": self.people,
            "leavers_costed": self.leavers,
            "partner": self.partner,
            "database": self.database,
            "runs": len(self.stages.get("total", [])),
            "seconds": {name: round(min(times), 4) for name, times in self.stages.items()},
            "median_total_seconds": round(statistics.median(self.stages["total"]), 4),
            "queries": self.queries,
            "target_seconds": 2.0,
            "within_target": self.best <= 2.0,
            "load_average_before": round(self.load_before, 2),
            "load_average_after": round(self.load_after, 2),
            "totals": self.totals,
            "savings_years": self.savings_years,
            "posts_deleted": self.posts_deleted,
            "budgeted_fte_deleted": str(self.fte_deleted),
            "problems": self.problems,
        }

    def report(self) -> str:
        runs = len(self.stages["total"])
        out = [
            f"change costing: a programme with {self.people:,} people in scope, all leaving, each "
            f"with a full quote ({self.database}, partner {self.partner})",
            f"  {self.conditions}",
            "",
            f"| stage | best of {runs} (ms) | median (ms) |",
            "|---|---:|---:|",
        ]
        for name, times in self.stages.items():
            out.append(f"| {name} | {min(times) * 1000:.1f} | {statistics.median(times) * 1000:.1f} |")
        out += [
            "",
            f"{self.leavers:,} leavers costed in {self.queries} queries; target 2 s: "
            + ("met" if self.best <= 2.0 else "MISSED"),
            ", ".join(f"{name} {value}" for name, value in self.totals.items()),
            f"(the structure deletes {self.posts_deleted:,} posts of {self.fte_deleted:,} budgeted FTE, "
            "costed at the top of their grades with employer NI and pension, vacant FTE included; the "
            f"savings total covers {self.savings_years} financial years, the first from "
            f"{people_date(EFFECTIVE)}"
            ")",
        ]
        return "\n".join(out)


def seed_programme(people: int, *, progress: Progress = quiet) -> ChangeProgramme:
    """The programme to cost (see the module's notes)."""
    employees = people * 10 // 9 + 100  # nine in ten hold a post (bench.population)
    partner = seed_payroll_partner(employees, progress=progress)
    progress("Programme", 0, 1)
    owner = get_user_model().objects.create_user(username=f"bench-{partner.code.lower()}", password=None)
    programme = services.programme_create(
        actor=BENCH,
        partner=partner,
        name=f"Benchmark restructure {partner.code}",
        owner=owner,
        start_date=date(2026, 9, 1),
    )
    units = list(OrgUnit.objects.for_partner(partner))
    services.scope_add(actor=BENCH, programme=programme, org_units=units)
    structure = services.structure_create(
        actor=BENCH, programme=programme, name="Everything goes", effective_date=EFFECTIVE
    )
    # Seeding, not the timed part: the deletions in one insert rather than a service call each.
    StructureChange.objects.bulk_create(
        [
            StructureChange(
                partner=partner,
                structure=structure,
                kind=ChangeKind.DELETE,
                target_partner=partner,
                post=post,
            )
            for post in Post.objects.for_partner(partner)
        ],
        batch_size=1000,
    )
    services.at_risk_identify(actor=BENCH, structure=structure)
    extra = list(
        AtRisk.objects.for_partner(partner)
        .filter(structure=structure)
        .order_by("pk")
        .values_list("pk", flat=True)
    )[people:]
    AtRisk.objects.for_partner(partner).filter(pk__in=extra).update(status=AtRiskStatus.WITHDRAWN)
    VrWindow.objects.create(  # the service wants a person opening it; the owner stands in
        partner=partner,
        programme=programme,
        opens=date(2026, 9, 1),
        closes=date(2026, 10, 31),
        eligibility=VrEligibility.SCOPE,
        scheme=SCHEME,
        opened_by=owner,
    )
    factors = strain_table()
    table = StrainFactorTable.objects.create(
        partner=partner,
        fund=factors.fund,
        effective_from=factors.effective_from,
        by_month=True,
        source="bench",
    )
    StrainFactor.objects.bulk_create(
        [
            StrainFactor(partner=partner, table=table, sex=s, age_years=y, age_months=m, factor=f)
            for (s, y, m), f in factors.factors.items()
        ]
    )
    # The generated people carry no sex for HMRC; the strain factor needs one.
    ids = list(Person.objects.for_partner(partner).order_by("pk").values_list("pk", flat=True))
    Person.objects.for_partner(partner).filter(pk__in=ids[::2]).update(gender="F")
    Person.objects.for_partner(partner).filter(pk__in=ids[1::2]).update(gender="M")
    progress("Programme", 1, 1)
    return programme


def deleted_posts(programme: ChangeProgramme) -> tuple[int, Decimal]:
    """How many posts the programme's structures delete, and their budgeted FTE."""
    deleted = StructureChange.objects.for_partner(programme.partner_id).filter(
        structure__programme=programme, kind=ChangeKind.DELETE
    )
    fte = (
        Post.objects.for_partner(programme.partner_id)
        .filter(pk__in=deleted.values_list("post_id", flat=True))
        .aggregate(total=Sum("budgeted_fte"))["total"]
    )
    return deleted.count(), Decimal(fte or 0)


def run_change_costing_benchmark(
    people: int, *, runs: int = RUNS, progress: Progress = quiet
) -> ChangeCostingResult:
    if people < 1:
        raise ValueError("--people must be at least 1.")
    programme = seed_programme(people, progress=progress)
    partner_ids = [programme.partner_id]
    redundancy_rules()  # the rule files, read once per process, before the clock
    result = ChangeCostingResult(people, partner=Partner.objects.get(pk=programme.partner_id).code)
    result.database = database_label()
    result.load_before = os.getloadavg()[0]
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            inputs = costing_selectors.gather(programme, partner_ids)
            read = time.perf_counter()
            costing = programme_costing(
                leavers=inputs.leavers, protections=inputs.protections, savings=inputs.savings
            )
            done = time.perf_counter()
        result.add("read (set-based)", read - started)
        result.add("quote and total", done - read)
        result.add("total", done - started)
        result.queries = len(captured.captured_queries)
    result.load_after = os.getloadavg()[0]
    result.conditions = conditions(result.load_before)
    result.leavers = costing.total.leavers
    result.problems = len(inputs.problems) + len(costing.problems)
    t = costing.total
    result.totals = {
        name: gbp(pounds_to_pence(getattr(t, name))) for name in ("redundancy", "notice", "strain")
    }
    # Savings are not one figure: a full year's, and the sum over the years the costing shows
    # (rules/costing.toml: five financial years, the first only from the effective date).
    result.totals["savings a full year"] = gbp(pounds_to_pence(costing.recurring))
    result.totals[f"savings {costing.savings_span}"] = gbp(pounds_to_pence(t.savings))
    result.savings_years = len(costing.savings_years)
    result.posts_deleted, result.fte_deleted = deleted_posts(programme)
    return result


__all__ = ["ChangeCostingResult", "run_change_costing_benchmark", "seed_programme"]
