"""``joinedup bench redundancy``: quote everyone in scope of a workforce-change programme.

The acceptance target (issue 12): costing a programme of 5,000 people in scope, with quotes for
all of them, in 2 s or less. Programme models (people in scope, at risk) are not built yet, so
this times the part that scales with the people: a full quote for each of N generated people
(statutory and enhanced redundancy pay, pay in lieu of notice, accrued holiday pay and, for the
pension-scheme members aged 55 or over, the strain cost from a fund table by years and months),
and the totals a costing adds up. Reading the people from the database is the programme's part
and is not timed here.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from joinedup.bench.machine import conditions
from joinedup.change.redundancy import (
    QuoteRequest,
    RedundancyQuote,
    StrainFactors,
    enhanced_schemes,
    redundancy_quote,
    redundancy_rules,
)
from joinedup.core.money import ZERO, gbp, pounds_to_pence

RUNS = 3
SEED = 12
LEAVING_FIRST = date(2026, 4, 6)
LEAVING_DAYS = 360
MEMBERS_PERCENT = 70  # of the generated people, in a pension scheme


@dataclass
class RedundancyBenchResult:
    people: int
    seconds: list[float] = field(default_factory=list)
    conditions: str = ""
    totals: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def report(self) -> str:
        per = self.best / self.people * 1_000_000
        out = [
            f"redundancy costing: full quotes for {self.people:,} generated people "
            "(statutory + enhanced + notice + holiday + strain), pure Python, one process",
            f"  {self.conditions}",
            "",
            f"| step | best of {RUNS} (ms) | median (ms) | per person (µs) |",
            "|---|---:|---:|---:|",
            f"| quote and total | {self.best * 1000:.1f} | {self.median * 1000:.1f} | {per:.0f} |",
            "",
            ", ".join(f"{name} {value:,}" for name, value in self.counts.items()),
            ", ".join(f"{name} {gbp(pounds_to_pence(value))}" for name, value in self.totals.items()),
        ]
        return "\n".join(out)


def strain_table() -> StrainFactors:
    """A made-up fund table by years and months, ages 55-67 for both sexes: a factor that falls
    from about 5 at 55 to 0 at 67, women's a little higher (they draw a pension for longer)."""
    rows = []
    for sex, extra in (("F", Decimal("0.3")), ("M", ZERO)):
        for age in range(55, 68):
            for month in range(12):
                left = Decimal((67 - age) * 12 - month) / 12
                factor = max(left * Decimal("0.42") + (extra if left else ZERO), ZERO)
                rows.append((sex, age, month, factor.quantize(Decimal("0.000001"))))
    return StrainFactors.from_rows("Benchmark Pension Fund", date(2026, 4, 1), rows)


def generate_people(count: int, seed: int = SEED) -> list[QuoteRequest]:
    """People aged 20-66 at leaving, with 0-40 years' service, paid £250-£1,500 a week."""
    rng = random.Random(seed)  # noqa: S311 — made-up people, repeatable
    people = []
    for _ in range(count):
        leaving = LEAVING_FIRST + timedelta(days=rng.randrange(LEAVING_DAYS))
        born = leaving - timedelta(days=rng.randrange(20 * 365, 66 * 365))
        earliest = born + timedelta(days=17 * 365)
        service_days = rng.randrange(0, min(40 * 365, (leaving - earliest).days) + 1)
        member = rng.randrange(100) < MEMBERS_PERCENT
        people.append(
            QuoteRequest(
                date_of_birth=born,
                start=leaving - timedelta(days=service_days),
                leaving=leaving,
                weekly_pay=Decimal(rng.randrange(25_000, 150_000)) / 100,
                contractual_notice_weeks=Decimal(rng.choice((1, 4, 8, 12, 13))),
                holiday_days_untaken=Decimal(rng.randrange(0, 61)) / 2,
                pension_member=member,
                sex=rng.choice("FM"),
                annual_pension=Decimal(rng.randrange(100_000, 3_000_000)) / 100 if member else ZERO,
            )
        )
    return people


def cost(
    people: list[QuoteRequest], factors: StrainFactors
) -> tuple[list[RedundancyQuote], dict[str, Decimal]]:
    """Quote everyone (the schemes taken in turn, as the programme's partners would) and add up
    what a programme's one-off costs show."""
    schemes = list(enhanced_schemes().values())
    rules = redundancy_rules()
    quotes = [
        redundancy_quote(person, scheme=schemes[index % len(schemes)], strain_factors=factors, rules=rules)
        for index, person in enumerate(people)
    ]
    totals = {
        "statutory": sum((q.statutory.amount for q in quotes), ZERO),
        "redundancy": sum((q.redundancy_payment for q in quotes), ZERO),
        "notice": sum((q.notice.amount for q in quotes), ZERO),
        "holiday": sum((q.holiday.amount for q in quotes), ZERO),
        "strain": sum((q.strain.amount for q in quotes if q.strain is not None), ZERO),
        "employer cost": sum((q.employer_cost for q in quotes), ZERO),
    }
    return quotes, totals


def run_redundancy_benchmark(people: int, *, runs: int = RUNS) -> RedundancyBenchResult:
    if people < 1:
        raise ValueError("--people must be at least 1.")
    population = generate_people(people)
    factors = strain_table()
    redundancy_rules(), enhanced_schemes()  # read the rule files before the clock starts
    result = RedundancyBenchResult(people)
    load = os.getloadavg()[0]
    quotes: list[RedundancyQuote] = []
    for _ in range(runs):
        started = time.perf_counter()
        quotes, result.totals = cost(population, factors)
        result.seconds.append(time.perf_counter() - started)
    result.conditions = conditions(load)
    result.counts = {
        "qualifying": sum(1 for q in quotes if q.statutory.qualifies),
        "capped": sum(1 for q in quotes if q.statutory.cap_applied),
        "with strain": sum(1 for q in quotes if q.strain is not None and q.strain.eligible),
    }
    return result
