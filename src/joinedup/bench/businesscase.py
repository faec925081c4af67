"""``joinedup bench businesscase``: appraise a long case with many lines, sensitivities and all.

The acceptance target (issue 13): the appraisal with sensitivities of a 60-year case with 500
cost lines in 50 ms or less. The lines are generated (repeatably): a fifth one-off costs in the
first three years with optimism bias, the rest running costs and savings over the horizon, some
savings late. The appraisal is pure Decimal arithmetic (businesscase/appraisal.py); nothing is
read from the database.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from dataclasses import dataclass, field
from decimal import Decimal

from joinedup.bench.machine import conditions
from joinedup.businesscase.appraisal import COST, SAVING, Appraisal, Line, appraise, green_book
from joinedup.core.money import gbp, pounds_to_pence

RUNS = 7
SEED = 13
PARTNERS = {"WCC": Decimal(52), "WFRS": Decimal(11), "WPOL": Decimal(37)}


@dataclass
class BusinessCaseBenchResult:
    lines: int
    years: int
    seconds: list[float] = field(default_factory=list)
    conditions: str = ""
    result: Appraisal | None = None

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def _appraisal(self) -> Appraisal:
        if self.result is None:
            raise RuntimeError("The benchmark has not run.")
        return self.result

    def as_dict(self) -> dict[str, object]:
        appraisal = self._appraisal()
        return {
            "lines": self.lines,
            "years": self.years,
            "best_ms": round(self.best * 1000, 1),
            "median_ms": round(self.median * 1000, 1),
            "runs": len(self.seconds),
            "npv": str(appraisal.net_present_value),
            "conditions": self.conditions,
        }

    def report(self) -> str:
        appraisal = self._appraisal()
        out = [
            f"business case appraisal: {self.lines:,} lines over {self.years} years, Green Book "
            f"discounting, {len(appraisal.sensitivities)} sensitivities, switching value, shares of "
            f"{len(PARTNERS)} partners",
            f"  {self.conditions}",
            "",
            f"| step | best of {RUNS} (ms) | median (ms) |",
            "|---|---:|---:|",
            f"| appraise with sensitivities | {self.best * 1000:.1f} | {self.median * 1000:.1f} |",
            "",
            f"NPV {gbp(pounds_to_pence(appraisal.net_present_value))}, "
            f"discounted payback year {appraisal.discounted_payback_year}, "
            f"switching value {appraisal.switching_value_percent}%",
        ]
        return "\n".join(out)


def generate_lines(count: int, years: int, seed: int = SEED) -> list[Line]:
    rng = random.Random(seed)  # noqa: S311 — made-up lines, repeatable
    lines = []
    for number in range(count):
        if number % 5 == 0:
            amounts = tuple(Decimal(rng.randrange(0, 20_000_000)) / 100 for _ in range(min(3, years)))
            lines.append(
                Line(
                    name=f"one-off {number}",
                    kind=COST,
                    amounts=amounts,
                    optimism_bias=Decimal(rng.choice((0, 10, 24, 66))),
                    one_off=True,
                )
            )
        elif number % 5 in (1, 2):
            amounts = tuple(Decimal(rng.randrange(0, 2_000_000)) / 100 for _ in range(years))
            lines.append(
                Line(
                    name=f"running {number}",
                    kind=COST,
                    amounts=amounts,
                    optimism_bias=Decimal(rng.choice((0, 5, 10))),
                )
            )
        else:
            amounts = (Decimal(0), *(Decimal(rng.randrange(0, 4_000_000)) / 100 for _ in range(years - 1)))
            lines.append(
                Line(
                    name=f"saving {number}",
                    kind=SAVING,
                    amounts=amounts,
                    delay_years=rng.choice((0, 0, 1, 2)),
                )
            )
    return lines


def run_businesscase_benchmark(lines: int = 500, years: int = 60) -> BusinessCaseBenchResult:
    case = generate_lines(lines, years)
    schedule = green_book()
    result = BusinessCaseBenchResult(lines=lines, years=years)
    load = os.getloadavg()[0]
    for _ in range(RUNS):
        started = time.perf_counter()
        result.result = appraise(case, years=years, schedule=schedule, allocation=PARTNERS)
        result.seconds.append(time.perf_counter() - started)
    result.conditions = conditions(load)
    return result
