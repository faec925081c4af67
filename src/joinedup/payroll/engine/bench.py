"""Benchmark of the vectorised path against the scalar reference (pure; the CLI wires it).

``run_benchmark(2_000_000)`` builds a deterministic (seeded) mixed population: rest-of-UK,
Scottish and Welsh codes including K, BR, D, NT, 0T and W1/M1 codes; weekly, fortnightly,
four-weekly and monthly pay with cumulative and week 1/month 1 bases and some week 53/54/56
payments; a spread of NI categories; student and postgraduate loans; the five pension schemes.
It times the vectorised gross to net for the whole population (best of ``repeats`` runs, on one
core: NumPy's elementwise integer operations do not use threads) and the scalar reference on a
sample, and reports both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from joinedup.core.money import pence_to_pounds
from joinedup.payroll.engine.codes import parse_tax_code
from joinedup.payroll.engine.gross_to_net import EmployeePeriod, gross_to_net
from joinedup.payroll.engine.periods import Basis
from joinedup.payroll.engine.ruleset import load_rules
from joinedup.payroll.engine.vector import FREQUENCIES, LOAN_BITS, SCHEMES, Batch, calculate, compile_tables

SEED = 20260406

# (code, weight): weights are relative frequencies in the population.
CODE_MIX = (
    ("1257L", 520), ("1257M", 10), ("1257N", 10), ("1383L", 15), ("1100L", 20), ("0T", 10),
    ("1257L W1", 15), ("1257L M1", 15), ("K100", 6), ("K585", 4), ("BR", 50), ("D0", 8), ("D1", 3),
    ("NT", 5), ("S1257L", 90), ("S1100L", 8), ("SK250", 3), ("SBR", 10), ("SD0", 2), ("SD1", 2),
    ("SD2", 1), ("SD3", 1), ("S0T", 2), ("C1257L", 55), ("C1100L", 5), ("CK300", 2), ("CBR", 6),
    ("CD0", 1), ("CD1", 1), ("C0T", 1),
)  # fmt: skip
FREQUENCY_MIX = (("monthly", 70), ("weekly", 20), ("fortnightly", 5), ("four_weekly", 5))
NI_MIX = (
    ("A", 840),
    ("B", 5),
    ("C", 40),
    ("H", 15),
    ("J", 10),
    ("M", 40),
    ("V", 5),
    ("Z", 10),
    ("X", 5),
    ("F", 10),
    ("N", 10),
    ("I", 2),
    ("L", 2),
    ("S", 2),
    ("E", 2),
    ("D", 1),
    ("K", 1),
)
SCHEME_MIX = (
    ("none", 550),
    ("lgps_main", 250),
    ("lgps_5050", 20),
    ("nhs_2015", 90),
    ("police_2015", 50),
    ("firefighters_2015", 40),
)
EMPLOYER_RATE_PPM = {
    "none": 0,
    "lgps_main": 195_000,
    "lgps_5050": 195_000,
    "nhs_2015": 237_000,
    "police_2015": 351_000,
    "firefighters_2015": 373_000,
}
# annual salary bands in pounds and their weights
SALARY_MIX = (
    (8_000, 20_000, 25),
    (20_000, 35_000, 35),
    (35_000, 60_000, 25),
    (60_000, 120_000, 12),
    (120_000, 300_000, 3),
)


def _choose(rng: np.random.Generator, n: int, mix: tuple[tuple[str, int], ...]) -> npt.NDArray[np.intp]:
    weights = np.array([w for _, w in mix], dtype=np.int64)
    cumulative = np.cumsum(weights)
    return np.searchsorted(cumulative, rng.integers(0, int(cumulative[-1]), size=n), side="right")


def population(employees: int, seed: int = SEED, tax_year: int = 2026) -> Batch:
    """A deterministic mixed population of ``employees`` payments for the vectorised path."""
    rules = load_rules(tax_year)
    rng = np.random.default_rng(seed)
    n = employees
    i64 = np.int64

    codes = tuple(parse_tax_code(c) for c, _ in CODE_MIX)
    code_index = _choose(rng, n, CODE_MIX).astype(i64)
    names = [f.value for f in FREQUENCIES]
    freq_pick = _choose(rng, n, FREQUENCY_MIX)
    frequency = np.array([names.index(name) for name, _ in FREQUENCY_MIX], dtype=i64)[freq_pick]
    per_year = np.array([f.periods_in_year for f in FREQUENCIES], dtype=i64)[frequency]
    tax_periods = np.array([f.tax_periods_in_year for f in FREQUENCIES], dtype=i64)[frequency]
    extra = np.array([f.extra_period or 0 for f in FREQUENCIES], dtype=i64)[frequency]
    period = rng.integers(1, tax_periods + 1, dtype=i64)
    period = np.where((extra > 0) & (rng.integers(0, 200, size=n) == 0), extra, period)
    week1 = rng.integers(0, 10, size=n) == 0

    band = _choose(rng, n, tuple((str(lo), w) for lo, _, w in SALARY_MIX))
    lows = np.array([lo for lo, _, _ in SALARY_MIX], dtype=i64)[band]
    highs = np.array([hi for _, hi, _ in SALARY_MIX], dtype=i64)[band]
    salary_pence = rng.integers(lows * 100, highs * 100, dtype=i64)
    gross = salary_pence // per_year + rng.integers(-5_000, 5_000, size=n, dtype=i64)
    gross = np.maximum(gross, 0)
    periods_before = np.maximum(period - 1, 0)
    previous_taxable = (salary_pence // tax_periods) * periods_before
    previous_tax = previous_taxable * rng.integers(0, 25, size=n, dtype=i64) // 100

    letters = compile_tables(rules).ni_letters
    ni_category = np.array([letters.index(c) for c, _ in NI_MIX], dtype=i64)[_choose(rng, n, NI_MIX)]
    ni_pay = gross

    plan_bits = np.array([LOAN_BITS[p] for p in ("plan_1", "plan_2", "plan_4", "plan_5")], dtype=i64)
    has_plan = rng.integers(0, 100, size=n) < 20
    loans = np.where(has_plan, plan_bits[rng.integers(0, 4, size=n)], 0)
    loans |= np.where(rng.integers(0, 100, size=n) < 5, LOAN_BITS["plan_1"] | LOAN_BITS["plan_2"], 0)
    loans |= np.where(rng.integers(0, 100, size=n) < 6, LOAN_BITS["postgraduate"], 0)
    loans = loans & compile_tables(rules).loans_in_force

    scheme_keys = [s for s, _ in SCHEME_MIX]
    scheme = np.array([SCHEMES.index(s) for s in scheme_keys], dtype=i64)[_choose(rng, n, SCHEME_MIX)]
    employer_rate = np.array([EMPLOYER_RATE_PPM[s] for s in SCHEMES], dtype=i64)[scheme]

    return Batch(
        rules=rules,
        codes=codes,
        code_index=code_index,
        frequency=frequency,
        period=period,
        week1_month1=week1,
        gross=gross,
        previous_taxable=previous_taxable,
        previous_tax=previous_tax,
        ni_category=ni_category,
        ni_pay=ni_pay,
        loans=loans,
        scheme=scheme,
        pensionable=gross.copy(),
        employer_rate_ppm=employer_rate,
    )


def records_from_batch(batch: Batch, rows: int) -> list[EmployeePeriod]:
    """The first ``rows`` payments of a batch as scalar inputs."""
    letters = compile_tables(batch.rules).ni_letters
    plans = {bit: plan for plan, bit in LOAN_BITS.items()}
    out = []
    for i in range(min(rows, len(batch))):
        mask = int(batch.loans[i])
        out.append(
            EmployeePeriod(
                tax_year=batch.rules.first_year,
                frequency=FREQUENCIES[int(batch.frequency[i])],
                period=int(batch.period[i]),
                tax_code=batch.codes[int(batch.code_index[i])].text,
                basis=Basis.WEEK1_MONTH1 if batch.week1_month1[i] else Basis.CUMULATIVE,
                gross_pay=pence_to_pounds(int(batch.gross[i])),
                previous_taxable_pay=pence_to_pounds(int(batch.previous_taxable[i])),
                previous_tax_paid=pence_to_pounds(int(batch.previous_tax[i])),
                ni_category=letters[int(batch.ni_category[i])],
                ni_pay=pence_to_pounds(int(batch.ni_pay[i])),
                student_loan_plans=frozenset(p for bit, p in plans.items() if mask & bit),
                pension_scheme=SCHEMES[int(batch.scheme[i])],
                pensionable_pay=pence_to_pounds(int(batch.pensionable[i])),
                employer_pension_rate=Decimal(int(batch.employer_rate_ppm[i])) / 10_000,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class BenchResult:
    employees: int
    vector_seconds: float  # best of the repeats, whole population
    scalar_sample: int
    scalar_seconds: float  # the whole sample

    @property
    def employees_per_second(self) -> float:
        return self.employees / self.vector_seconds

    @property
    def seconds_per_million(self) -> float:
        return self.vector_seconds / self.employees * 1_000_000

    @property
    def scalar_per_second(self) -> float:
        return self.scalar_sample / self.scalar_seconds

    @property
    def speedup(self) -> float:
        """Vector throughput over scalar throughput, per employee."""
        return self.employees_per_second / self.scalar_per_second

    def report(self) -> str:
        return (
            f"vectorised: {self.employees:,} employees in {self.vector_seconds:.3f} s "
            f"= {self.employees_per_second:,.0f} employees/s, {self.seconds_per_million:.3f} s per million\n"
            f"scalar reference: {self.scalar_sample:,} employees in {self.scalar_seconds:.3f} s "
            f"= {self.scalar_per_second:,.0f} employees/s\n"
            f"speed-up per employee: {self.speedup:,.0f}x"
        )


def run_benchmark(
    employees: int = 2_000_000,
    scalar_sample: int = 2_000,
    repeats: int = 3,
    seed: int = SEED,
    tax_year: int = 2026,
) -> BenchResult:
    batch = population(employees, seed, tax_year)
    calculate(population(min(employees, 1_000), seed, tax_year))  # warm the caches
    best = float("inf")
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        calculate(batch)
        best = min(best, time.perf_counter() - start)
    records = records_from_batch(batch, scalar_sample)
    rules = batch.rules
    start = time.perf_counter()
    for record in records:
        gross_to_net(record, rules)
    scalar = time.perf_counter() - start
    return BenchResult(
        employees=employees, vector_seconds=best, scalar_sample=len(records), scalar_seconds=scalar
    )


def main(employees: int = 2_000_000) -> BenchResult:
    """Run and print the benchmark (the CLI's ``joinedup bench engine --employees N``)."""
    result = run_benchmark(employees)
    print(result.report())
    return result
