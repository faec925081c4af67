"""Loads and validates the dated rule files in ``rules/`` (one TOML file per tax year).

The file for the tax year starting 6 April YYYY is ``rules/YYYY-YY.toml``. Files are parsed with
the standard library's ``tomllib``, validated completely on first use and cached. Any missing,
mistyped or unsourced figure raises :class:`RulesError` naming the file and the dotted key.

Money and rates are read as ``Decimal`` from strings or integers; TOML floats are refused.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

from joinedup.core.calendar import tax_year_label as calendar_tax_year_label
from joinedup.core.money import pounds_to_pence
from joinedup.payroll.engine.codes import Region
from joinedup.payroll.engine.money import percent_to_ppm
from joinedup.payroll.engine.periods import Frequency

RULES_DIR = Path(__file__).with_name("rules")
_YEAR_FILE = re.compile(r"^(\d{4})-(\d{2})\.toml$")

STUDENT_LOAN_PLANS = ("plan_1", "plan_2", "plan_4", "plan_5")
POSTGRADUATE = "postgraduate"
PENSION_SCHEMES = ("lgps_main", "lgps_5050", "police_2015", "firefighters_2015", "nhs_2015")
NI_THRESHOLDS = ("LEL", "PT", "ST", "UEL", "UST", "AUST", "VUST", "FUST", "IZUST")


class RulesError(ValueError):
    """A rule file is missing, malformed, or lacks a figure or its source."""


# --- the typed, frozen rules ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaxBand:
    name: str
    rate: Decimal  # per cent
    width: int | None  # annual width of taxable pay in whole pounds; None for the last band


@dataclass(frozen=True, slots=True)
class RegionTax:
    region: Region
    bands: tuple[TaxBand, ...]
    flat_codes: Mapping[str, TaxBand]  # "BR", "D0", ... (without the S/C prefix) -> band charged


@dataclass(frozen=True, slots=True)
class IncomeTaxRules:
    regulatory_limit: Decimal  # per cent of the period's pay
    regions: Mapping[Region, RegionTax]


@dataclass(frozen=True, slots=True)
class Threshold:
    name: str
    weekly: Decimal
    monthly: Decimal
    annual: Decimal

    def for_period(self, frequency: Frequency) -> Decimal:
        """SSCR 2001 reg. 11: a multi-week earnings period uses the weekly figure times weeks."""
        if frequency is Frequency.MONTHLY:
            return self.monthly
        return self.weekly * frequency.weeks


@dataclass(frozen=True, slots=True)
class NIStep:
    threshold: str  # name of a Threshold
    rate: Decimal  # per cent, applying from the threshold up to the next step's threshold


@dataclass(frozen=True, slots=True)
class NICategory:
    letter: str
    employee: tuple[NIStep, ...]
    employer: tuple[NIStep, ...]


@dataclass(frozen=True, slots=True)
class NIRules:
    thresholds: Mapping[str, Threshold]
    categories: Mapping[str, NICategory]


@dataclass(frozen=True, slots=True)
class LoanPlan:
    key: str  # "plan_1", ..., "postgraduate"
    rate: Decimal  # per cent
    annual: Decimal
    weekly: Decimal
    monthly: Decimal

    def threshold(self, frequency: Frequency) -> Decimal:
        """HMRC's pay-period threshold; two- and four-weekly use the weekly figure x 2 or x 4."""
        if frequency is Frequency.MONTHLY:
            return self.monthly
        return self.weekly * frequency.weeks


@dataclass(frozen=True, slots=True)
class PensionTier:
    up_to: Decimal | None  # annual pay in pounds, inclusive; None for the last tier
    rate: Decimal  # per cent


@dataclass(frozen=True, slots=True)
class PensionScheme:
    key: str
    name: str
    tiers: tuple[PensionTier, ...]


@dataclass(frozen=True, slots=True)
class TaxYearRules:
    tax_year: str  # "2026-27"
    first_year: int  # 2026
    source_file: Path
    income_tax: IncomeTaxRules
    national_insurance: NIRules
    student_loans: Mapping[str, LoanPlan]  # plans in force this year, incl. "postgraduate"
    pensions: Mapping[str, PensionScheme]
    unconfirmed: tuple[str, ...]  # dotted keys of figures marked unconfirmed, with notes


# --- public loading API -----------------------------------------------------------------------


def available_tax_years(rules_dir: Path = RULES_DIR) -> list[int]:
    """First calendar years of the tax years that have a rule file, ascending."""
    years = []
    for path in rules_dir.glob("*.toml"):
        match = _YEAR_FILE.match(path.name)
        if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
            years.append(int(match.group(1)))
    return sorted(years)


def tax_year_label(first_year: int) -> str:
    return calendar_tax_year_label(first_year, separator="-")


@functools.cache
def load_rules(first_year: int) -> TaxYearRules:
    """The validated rules for the tax year starting 6 April ``first_year`` (cached)."""
    path = RULES_DIR / f"{tax_year_label(first_year)}.toml"
    if not path.is_file():
        known = ", ".join(tax_year_label(y) for y in available_tax_years()) or "none"
        raise RulesError(f"no rule file for tax year {tax_year_label(first_year)} (have: {known})")
    return load_rules_file(path)


def load_rules_file(path: Path) -> TaxYearRules:
    """Parse and validate one rule file (uncached; tests use it on broken copies)."""
    match = _YEAR_FILE.match(path.name)
    if not match:
        raise RulesError(f"{path.name}: rule files are named YYYY-YY.toml")
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path.name}: cannot read: {error}") from error
    return _Reader(path, data).rules(int(match.group(1)))


# --- validation -------------------------------------------------------------------------------


class _Reader:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.unconfirmed: list[str] = []

    def fail(self, key: str, problem: str) -> RulesError:
        return RulesError(f"{self.path.name}: {key}: {problem}")

    # generic accessors

    def table(self, parent: Mapping[str, Any], name: str, key: str) -> Mapping[str, Any]:
        value = parent.get(name)
        if value is None:
            raise self.fail(key, "missing table")
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {type(value).__name__}")
        return value

    def figure(self, parent: Mapping[str, Any], name: str, key: str) -> Mapping[str, Any]:
        """A figure: a table with a non-empty ``source`` and optional unconfirmed/note."""
        fig = self.table(parent, name, key)
        source = fig.get("source")
        if not isinstance(source, str) or not source.strip():
            raise self.fail(f"{key}.source", "every figure needs a source (non-empty string)")
        unconfirmed = fig.get("unconfirmed", False)
        if not isinstance(unconfirmed, bool):
            raise self.fail(f"{key}.unconfirmed", "expected true or false")
        if unconfirmed:
            note = fig.get("note")
            if not isinstance(note, str) or not note.strip():
                raise self.fail(f"{key}.note", "an unconfirmed figure needs a note saying why")
            self.unconfirmed.append(f"{key}: {note}")
        return fig

    def text(self, parent: Mapping[str, Any], name: str, key: str) -> str:
        value = parent.get(name)
        if value is None:
            raise self.fail(key, "missing")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {value!r}")
        return value

    def decimal(self, parent: Mapping[str, Any], name: str, key: str) -> Decimal:
        value = parent.get(name)
        if value is None:
            raise self.fail(key, "missing")
        if isinstance(value, bool | float):
            raise self.fail(
                key,
                f"expected a string or integer, got {type(value).__name__} {value!r}"
                " (floats are not allowed for money or rates)",
            )
        if isinstance(value, int):
            return Decimal(value)
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string or integer, got {type(value).__name__}")
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise self.fail(key, f"not a number: {value!r}") from None
        if not number.is_finite():
            raise self.fail(key, f"not a finite number: {value!r}")
        return number

    def money(self, parent: Mapping[str, Any], name: str, key: str) -> Decimal:
        amount = self.decimal(parent, name, key)
        if amount < 0:
            raise self.fail(key, f"must not be negative, got {amount}")
        try:
            pounds_to_pence(amount)
        except ValueError:
            raise self.fail(key, f"must be whole pence, got {amount}") from None
        return amount

    def whole_pounds(self, parent: Mapping[str, Any], name: str, key: str) -> int:
        amount = self.money(parent, name, key)
        if amount != amount.to_integral_value():
            raise self.fail(key, f"must be whole pounds, got {amount}")
        if amount <= 0:
            raise self.fail(key, f"must be positive, got {amount}")
        return int(amount)

    def rate(self, parent: Mapping[str, Any], name: str, key: str) -> Decimal:
        rate = self.decimal(parent, name, key)
        if not 0 <= rate <= 100:
            raise self.fail(key, f"a percentage must be between 0 and 100, got {rate}")
        try:
            percent_to_ppm(rate)
        except ValueError:
            raise self.fail(key, f"rate {rate}% is finer than a millionth") from None
        return rate

    def array(self, parent: Mapping[str, Any], name: str, key: str) -> list[Any]:
        value = parent.get(name)
        if value is None:
            raise self.fail(key, "missing")
        if not isinstance(value, list):
            raise self.fail(key, f"expected an array, got {type(value).__name__}")
        return value

    # sections

    def rules(self, first_year: int) -> TaxYearRules:
        meta = self.table(self.data, "meta", "meta")
        label = self.text(meta, "tax_year", "meta.tax_year")
        if label != tax_year_label(first_year):
            raise self.fail(
                "meta.tax_year", f"says {label!r} but the file is for {tax_year_label(first_year)}"
            )
        income_tax = self.income_tax()
        national_insurance = self.national_insurance()
        student_loans = self.student_loans()
        pensions = self.pensions()
        return TaxYearRules(
            tax_year=label,
            first_year=first_year,
            source_file=self.path,
            income_tax=income_tax,
            national_insurance=national_insurance,
            student_loans=student_loans,
            pensions=pensions,
            unconfirmed=tuple(self.unconfirmed),
        )

    def income_tax(self) -> IncomeTaxRules:
        section = self.table(self.data, "income_tax", "income_tax")
        limit_fig = self.figure(section, "regulatory_limit", "income_tax.regulatory_limit")
        limit = self.rate(limit_fig, "value", "income_tax.regulatory_limit.value")
        regions_table = self.table(section, "regions", "income_tax.regions")
        regions: dict[Region, RegionTax] = {}
        for region in Region:
            base = f"income_tax.regions.{region.value}"
            table = self.table(regions_table, region.value, base)
            regions[region] = self.region(region, table, base)
        unknown = set(regions_table) - {r.value for r in Region}
        if unknown:
            raise self.fail("income_tax.regions", f"unknown region(s) {sorted(unknown)}")
        return IncomeTaxRules(regulatory_limit=limit, regions=MappingProxyType(regions))

    def region(self, region: Region, table: Mapping[str, Any], base: str) -> RegionTax:
        bands_fig = self.figure(table, "bands", f"{base}.bands")
        raw_bands = self.array(bands_fig, "value", f"{base}.bands.value")
        if not raw_bands:
            raise self.fail(f"{base}.bands.value", "needs at least one band")
        bands: list[TaxBand] = []
        for i, raw in enumerate(raw_bands):
            key = f"{base}.bands.value[{i}]"
            if not isinstance(raw, dict):
                raise self.fail(key, "expected a table {name, rate, width}")
            last = i == len(raw_bands) - 1
            if last and "width" in raw:
                raise self.fail(f"{key}.width", "the last band is open-ended and has no width")
            width = None if last else self.whole_pounds(raw, "width", f"{key}.width")
            bands.append(
                TaxBand(self.text(raw, "name", f"{key}.name"), self.rate(raw, "rate", f"{key}.rate"), width)
            )
        names = [b.name for b in bands]
        if len(set(names)) != len(names):
            raise self.fail(f"{base}.bands.value", f"band names must be unique, got {names}")
        flat_fig = self.figure(table, "flat_codes", f"{base}.flat_codes")
        flat_raw = self.table(flat_fig, "value", f"{base}.flat_codes.value")
        by_name = {b.name: b for b in bands}
        flat: dict[str, TaxBand] = {}
        for code, band_name in flat_raw.items():
            key = f"{base}.flat_codes.value.{code}"
            if not re.fullmatch(r"BR|D\d", code):
                raise self.fail(key, "flat codes are BR, D0, D1, ... (without the S/C prefix)")
            if band_name not in by_name:
                raise self.fail(key, f"names no band of this region: {band_name!r} (have {names})")
            flat[code] = by_name[band_name]
        return RegionTax(region=region, bands=tuple(bands), flat_codes=MappingProxyType(flat))

    def national_insurance(self) -> NIRules:
        section = self.table(self.data, "national_insurance", "national_insurance")
        thresholds_table = self.table(section, "thresholds", "national_insurance.thresholds")
        thresholds: dict[str, Threshold] = {}
        for name in NI_THRESHOLDS:
            key = f"national_insurance.thresholds.{name}"
            fig = self.figure(thresholds_table, name, key)
            thresholds[name] = Threshold(
                name=name,
                weekly=self.money(fig, "weekly", f"{key}.weekly"),
                monthly=self.money(fig, "monthly", f"{key}.monthly"),
                annual=self.money(fig, "annual", f"{key}.annual"),
            )
        rates_table = self.table(section, "rates", "national_insurance.rates")
        rates: dict[str, Decimal] = {}
        for name in rates_table:
            key = f"national_insurance.rates.{name}"
            rates[name] = self.rate(self.figure(rates_table, name, key), "value", f"{key}.value")
        categories_table = self.table(section, "categories", "national_insurance.categories")
        categories: dict[str, NICategory] = {}
        for letter in categories_table:
            key = f"national_insurance.categories.{letter}"
            if not re.fullmatch(r"[A-Z]", letter):
                raise self.fail(key, "a category is a single capital letter")
            fig = self.figure(categories_table, letter, key)
            categories[letter] = NICategory(
                letter=letter,
                employee=self.ni_steps(fig, "employee", f"{key}.employee", thresholds, rates),
                employer=self.ni_steps(fig, "employer", f"{key}.employer", thresholds, rates),
            )
        if "A" not in categories:
            raise self.fail("national_insurance.categories.A", "missing table")
        return NIRules(thresholds=MappingProxyType(thresholds), categories=MappingProxyType(categories))

    def ni_steps(
        self,
        fig: Mapping[str, Any],
        name: str,
        key: str,
        thresholds: Mapping[str, Threshold],
        rates: Mapping[str, Decimal],
    ) -> tuple[NIStep, ...]:
        steps: list[NIStep] = []
        for i, raw in enumerate(self.array(fig, name, key)):
            item = f"{key}[{i}]"
            if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(x, str) for x in raw)):
                raise self.fail(item, 'expected ["THRESHOLD", "rate name"]')
            threshold, rate_name = raw
            if threshold not in thresholds:
                raise self.fail(item, f"unknown threshold {threshold!r}")
            if rate_name not in rates:
                raise self.fail(
                    item, f"unknown rate {rate_name!r} (define it under national_insurance.rates)"
                )
            if steps:
                before = thresholds[steps[-1].threshold]
                after = thresholds[threshold]
                for frequency in Frequency:
                    if after.for_period(frequency) <= before.for_period(frequency):
                        raise self.fail(item, f"thresholds must rise: {threshold} is not above {before.name}")
            steps.append(NIStep(threshold=threshold, rate=rates[rate_name]))
        return tuple(steps)

    def student_loans(self) -> Mapping[str, LoanPlan]:
        section = self.table(self.data, "student_loans", "student_loans")
        unknown = set(section) - {*STUDENT_LOAN_PLANS, POSTGRADUATE}
        if unknown:
            raise self.fail("student_loans", f"unknown plan(s) {sorted(unknown)}")
        if POSTGRADUATE not in section:
            raise self.fail(f"student_loans.{POSTGRADUATE}", "missing table")
        plans: dict[str, LoanPlan] = {}
        for plan in (*STUDENT_LOAN_PLANS, POSTGRADUATE):
            if plan not in section:
                continue  # a plan not (yet) in force this year
            key = f"student_loans.{plan}"
            fig = self.figure(section, plan, key)
            plans[plan] = LoanPlan(
                key=plan,
                rate=self.rate(fig, "rate", f"{key}.rate"),
                annual=self.money(fig, "annual", f"{key}.annual"),
                weekly=self.money(fig, "weekly", f"{key}.weekly"),
                monthly=self.money(fig, "monthly", f"{key}.monthly"),
            )
        return MappingProxyType(plans)

    def pensions(self) -> Mapping[str, PensionScheme]:
        section = self.table(self.data, "pensions", "pensions")
        unknown = set(section) - set(PENSION_SCHEMES)
        if unknown:
            raise self.fail("pensions", f"unknown scheme(s) {sorted(unknown)}")
        schemes: dict[str, PensionScheme] = {}
        for scheme in PENSION_SCHEMES:
            key = f"pensions.{scheme}"
            fig = self.figure(section, scheme, key)
            if self.text(fig, "pay_basis", f"{key}.pay_basis") != "actual":
                raise self.fail(f"{key}.pay_basis", 'only "actual" (annualised pensionable pay) is supported')
            raw_tiers = self.array(fig, "tiers", f"{key}.tiers")
            if not raw_tiers:
                raise self.fail(f"{key}.tiers", "needs at least one tier")
            tiers: list[PensionTier] = []
            for i, raw in enumerate(raw_tiers):
                item = f"{key}.tiers[{i}]"
                if not isinstance(raw, dict):
                    raise self.fail(item, "expected a table {up_to, rate}")
                last = i == len(raw_tiers) - 1
                if last and "up_to" in raw:
                    raise self.fail(f"{item}.up_to", "the last tier is open-ended and has no up_to")
                up_to = None if last else self.money(raw, "up_to", f"{item}.up_to")
                if up_to is not None and tiers and tiers[-1].up_to is not None and up_to <= tiers[-1].up_to:
                    raise self.fail(f"{item}.up_to", "tiers must rise")
                tiers.append(PensionTier(up_to=up_to, rate=self.rate(raw, "rate", f"{item}.rate")))
            schemes[scheme] = PensionScheme(
                key=scheme, name=self.text(fig, "name", f"{key}.name"), tiers=tuple(tiers)
            )
        return MappingProxyType(schemes)
