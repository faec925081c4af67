"""The vectorised path agrees with the scalar reference to the penny, for arbitrary inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.payroll.engine.codes import PREFIXES
from joinedup.payroll.engine.gross_to_net import EmployeePeriod
from joinedup.payroll.engine.periods import Basis, Frequency
from joinedup.payroll.engine.ruleset import PENSION_SCHEMES, available_tax_years, load_rules
from joinedup.payroll.engine.tests.support import scalar_pence, vector_pence

MONEY_PENCE = st.one_of(st.integers(0, 500_000), st.integers(0, 20_000_000), st.integers(0, 1_000_000_000))


def money() -> st.SearchStrategy[Decimal]:
    return MONEY_PENCE.map(lambda pence: Decimal(pence) / 100)


@st.composite
def tax_codes(draw: st.DrawFn, year: int) -> str:
    rules = load_rules(year)
    prefix = draw(st.sampled_from(sorted(PREFIXES)))
    kind = draw(st.sampled_from(["allowance", "allowance", "k", "flat", "nt"]))
    marker = draw(st.sampled_from(["", "", "", "", " W1", "M1", " X"]))
    if kind == "allowance":
        number = draw(st.one_of(st.integers(0, 1500), st.integers(0, 99_999)))
        return f"{prefix}{number}{draw(st.sampled_from('LMNT'))}{marker}"
    if kind == "k":
        return f"{prefix}K{draw(st.one_of(st.integers(1, 1500), st.integers(1, 99_999)))}{marker}"
    if kind == "flat":
        flat = draw(st.sampled_from(sorted(rules.income_tax.regions[PREFIXES[prefix]].flat_codes)))
        return f"{prefix}{flat}{marker}"
    return f"NT{marker}"


@st.composite
def employee_periods(draw: st.DrawFn) -> EmployeePeriod:
    year = draw(st.sampled_from(available_tax_years()))
    rules = load_rules(year)
    frequency = draw(st.sampled_from(list(Frequency)))
    regular = st.integers(1, frequency.tax_periods_in_year)
    extra = frequency.extra_period
    period = draw(regular if extra is None else st.one_of(regular, st.just(extra)))
    return EmployeePeriod(
        tax_year=year,
        frequency=frequency,
        period=period,
        tax_code=draw(tax_codes(year)),
        basis=draw(st.sampled_from(list(Basis))),
        gross_pay=draw(money()),
        previous_taxable_pay=draw(money()),
        previous_tax_paid=draw(money()),
        ni_category=draw(st.sampled_from(sorted(rules.national_insurance.categories))),
        ni_pay=draw(st.none() | money()),
        student_loan_plans=draw(st.frozensets(st.sampled_from(sorted(rules.student_loans)))),
        pension_scheme=draw(st.sampled_from(["none", *PENSION_SCHEMES])),
        pensionable_pay=draw(st.none() | money()),
        employer_pension_rate=Decimal(draw(st.integers(0, 1_000_000))) / 10_000,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(employee_periods(), min_size=1, max_size=25))
def test_the_vector_path_agrees_with_the_scalar_reference_for_any_payments(
    records: list[EmployeePeriod],
) -> None:
    assert vector_pence(records) == scalar_pence(records)


def band_edge_payments() -> list[EmployeePeriod]:
    """0T payments whose whole-pound pay to date sits on, just under and just over every scaled
    band limit of every region, for every period of a weekly and a monthly year."""
    records = []
    for year in available_tax_years():
        rules = load_rules(year)
        for prefix, region in PREFIXES.items():
            bands = rules.income_tax.regions[region].bands
            for frequency in (Frequency.WEEKLY, Frequency.MONTHLY):
                big_n = frequency.tax_periods_in_year
                for n in range(1, big_n + 1):
                    upper = 0
                    for band in bands[:-1]:
                        upper += band.width or 0
                        edge = upper * n // big_n
                        for pounds in {edge - 1, edge, edge + 1}:
                            records.append(
                                EmployeePeriod(
                                    tax_year=year,
                                    frequency=frequency,
                                    period=n,
                                    tax_code=f"{prefix}0T",
                                    basis=Basis.CUMULATIVE,
                                    gross_pay=Decimal(pounds) + Decimal("0.37"),
                                )
                            )
    return records


def test_the_vector_path_agrees_at_every_scaled_band_edge() -> None:
    records = band_edge_payments()
    assert len(records) > 1000
    assert vector_pence(records) == scalar_pence(records)


@pytest.mark.parametrize("size", [0, 1])
def test_the_vector_path_handles_empty_and_single_batches(size: int) -> None:
    record = EmployeePeriod(2026, Frequency.MONTHLY, 1, "1257L", Basis.CUMULATIVE, Decimal("2000"))
    assert vector_pence([record] * size) == scalar_pence([record] * size)
