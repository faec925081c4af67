"""Redundancy costing: statutory and enhanced redundancy pay, pay in lieu of notice, accrued
holiday pay and pension strain, with the working shown. Pure: plain values in, plain values out,
``Decimal`` pounds throughout, no Django and no I/O beyond reading the rule files once.

The figures (the weekly pay cap by date, the age bands, the 20-year limit, statutory notice, the
£30,000 tax-free threshold, the strain age) are in ``rules/redundancy.toml`` with their sources;
partners' enhanced schemes in ``rules/enhanced_schemes.toml``. What is fixed here is how the law
is read:

* **Continuous service** runs from the continuous service date to the leaving date inclusive.
  Whole years are counted back from the day after the leaving date: year 1 is the twelve months
  ending on the leaving date, year 2 the twelve before it, and so on (ERA 1996 s.162(1)). A date
  that does not exist in the year reached (29 February) is taken as 1 March, the day a person
  born on 29 February attains an age in a common year (Family Law Reform Act 1969 s.9).
* **Age bands** (s.162(2)): a counted year earns the weeks of the highest band whose age the
  employee had reached on the year's first day, so a year in which the 22nd or 41st birthday
  falls after its first day is paid at the lower band (it does not consist "wholly of weeks" at
  the higher age). Only the last ``max_years_counted`` years count (s.162(3)); nothing is due
  below ``minimum_years`` of service (s.155). Service before 18 counts (the exclusion in the old
  s.211(2) went with the Employment Equality (Age) Regulations 2006).
* **The week's pay** is capped at the limit in force on the leaving date, taken as the relevant
  date (s.227(1), s.145). Where the employer gives less than statutory notice, s.145(5) puts the
  relevant date later by the statutory notice for counting service; a quote takes the leaving
  date as given, so a caller paying in lieu of notice who wants that extension passes the
  extended date.
* **Statutory notice** (s.86(1)) is judged on service at the leaving date (the law judges it
  when notice is given: a quote does not know that date).
* **Rounding**: no statute sets one for these sums; each amount (weeks x a week's pay, factor x
  pension, days x daily rate) is rounded once to the nearest penny, half a penny up
  (:func:`joinedup.core.money.round_nearest_penny_half_up`).

Public entry points (the voluntary-redundancy window calls these): :func:`statutory_redundancy`,
:func:`enhanced_redundancy`, :func:`notice_pay`, :func:`holiday_pay`, :func:`pension_strain`,
:func:`redundancy_quote` (all of them at once), :func:`redundancy_rules`, :func:`enhanced_schemes`,
:func:`scheme_named` and :class:`StrainFactors`.
"""

from __future__ import annotations

import functools
import itertools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, TypeVar

from joinedup.core.dates import people_date
from joinedup.core.money import PENNY, ZERO, round_nearest_penny_half_up

RULES_FILE = Path(__file__).parent / "rules" / "redundancy.toml"
SCHEMES_FILE = Path(__file__).parent / "rules" / "enhanced_schemes.toml"
MONTHS_IN_YEAR = 12  # a definition
ONE_DAY = timedelta(days=1)
SEXES = ("F", "M")  # as people.Person.gender and the funds' tables hold it
_T = TypeVar("_T")

__all__ = [
    "AgeBand",
    "BandYears",
    "CountedYear",
    "EnhancedRedundancy",
    "EnhancedScheme",
    "HolidayPay",
    "NoticePay",
    "NoticeRules",
    "PensionStrain",
    "QuoteInputError",
    "QuoteRequest",
    "RedundancyQuote",
    "RedundancyRules",
    "RedundancyRulesError",
    "StatutoryRedundancy",
    "StrainFactorMissing",
    "StrainFactors",
    "UnknownScheme",
    "age_in_months",
    "age_on",
    "anniversary",
    "enhanced_redundancy",
    "enhanced_schemes",
    "full_months",
    "full_years",
    "holiday_pay",
    "load_enhanced_schemes",
    "load_redundancy_rules",
    "money_text",
    "notice_pay",
    "number_text",
    "pension_strain",
    "quote_as_dict",
    "redundancy_quote",
    "redundancy_rules",
    "scheme_named",
    "statutory_notice_weeks",
    "statutory_redundancy",
]


class RedundancyRulesError(ValueError):
    """A rule or scheme file is missing a figure, or one is mistyped."""


class QuoteInputError(ValueError):
    """The facts given cannot be quoted on (a leaving date before the start, a negative pay)."""


class UnknownScheme(LookupError):
    """No enhanced scheme has that key or name."""


class StrainFactorMissing(LookupError):
    """The fund's factor table has no factor for this age and sex."""


# --- dates --------------------------------------------------------------------------------------


def _shift_months(day: date, months: int) -> date:
    """``day`` moved by whole months; a day the target month lacks (31 April, 29 February in a
    common year) becomes the first of the next month."""
    index = day.year * MONTHS_IN_YEAR + day.month - 1 + months
    year, month = divmod(index, MONTHS_IN_YEAR)
    try:
        return date(year, month + 1, day.day)
    except ValueError:
        return date(year, month + 2, 1) if month + 1 < MONTHS_IN_YEAR else date(year + 1, 1, 1)


def anniversary(day: date, years: int) -> date:
    """``day`` moved by whole years (back, with a negative ``years``); 29 February becomes
    1 March in a common year."""
    return _shift_months(day, years * MONTHS_IN_YEAR)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on ``day`` (a birthday is attained at its start)."""
    years = day.year - date_of_birth.year
    while years > 0 and anniversary(date_of_birth, years) > day:
        years -= 1
    return max(years, 0)


def age_in_months(date_of_birth: date, day: date) -> int:
    """Age in whole months on ``day``."""
    months = (day.year - date_of_birth.year) * MONTHS_IN_YEAR + day.month - date_of_birth.month
    while months > 0 and _shift_months(date_of_birth, months) > day:
        months -= 1
    return max(months, 0)


def full_months(start: date, leaving: date) -> int:
    """Whole months of service from ``start`` to ``leaving``, both days included."""
    after = leaving + ONE_DAY
    months = (after.year - start.year) * MONTHS_IN_YEAR + after.month - start.month
    while months > 0 and _shift_months(after, -months) < start:
        months -= 1
    return max(months, 0)


def full_years(start: date, leaving: date) -> int:
    """Whole years of service from ``start`` to ``leaving``, both days included: 1 September
    2024 to 31 August 2026 is two years; to 30 August 2026 one."""
    after = leaving + ONE_DAY
    years = after.year - start.year
    while years > 0 and anniversary(after, -years) < start:
        years -= 1
    return max(years, 0)


# --- rules --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgeBand:
    from_age: int
    name: str
    weeks_per_year: Decimal


@dataclass(frozen=True, slots=True)
class NoticeRules:
    minimum_service_months: int
    weeks_under_two_years: int
    weeks_per_year: int
    maximum_weeks: int


@dataclass(frozen=True, slots=True)
class RedundancyRules:
    weekly_pay_caps: tuple[tuple[date, Decimal], ...]  # ascending by date
    max_years_counted: int
    minimum_years: int
    age_bands: tuple[AgeBand, ...]  # ascending by age, the first from 0
    notice: NoticeRules
    tax_free_threshold: Decimal
    redundancy_pay_ni_able: bool
    strain_minimum_ages: tuple[tuple[date, int], ...]  # ascending by date
    unconfirmed: tuple[str, ...] = ()

    def weekly_pay_cap_on(self, day: date) -> Decimal:
        return _in_force(self.weekly_pay_caps, day, "weekly_pay_cap")

    def strain_minimum_age_on(self, day: date) -> int:
        return _in_force(self.strain_minimum_ages, day, "pension_strain_minimum_age")

    @property
    def max_weeks(self) -> Decimal:
        """The most weeks s.162 can give: every counted year in the top band (30)."""
        return self.age_bands[-1].weeks_per_year * self.max_years_counted


def _in_force(entries: tuple[tuple[date, _T], ...], day: date, key: str) -> _T:
    chosen = [value for start, value in entries if start <= day]
    if not chosen:
        raise QuoteInputError(
            f"No {key.replace('_', ' ')} in redundancy.toml covers {people_date(day)}: "
            f"the first is from {people_date(entries[0][0])}"
        )
    return chosen[-1]


class _Reader:
    """Reads `value`/`source`/`unconfirmed` tables, naming the file and key in every error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.unconfirmed: list[str] = []

    def fail(self, key: str, problem: str) -> RedundancyRulesError:
        return RedundancyRulesError(f"{self.name}: {key}: {problem}")

    def sourced(self, table: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(table, dict):
            raise self.fail(key, "missing table" if table is None else "expected a table")
        source = table.get("source")
        if not isinstance(source, str) or not source.strip():
            raise self.fail(f"{key}.source", "every figure needs a source")
        if table.get("unconfirmed", False) is not False:
            note = table.get("note")
            if table["unconfirmed"] is not True or not isinstance(note, str) or not note.strip():
                raise self.fail(f"{key}.unconfirmed", "true (with a note saying why) or false")
            self.unconfirmed.append(f"{key}: {note}")
        return table

    def value(self, table: Any, key: str, name: str = "value") -> Any:
        checked = self.sourced(table, key)
        if name not in checked:
            raise self.fail(f"{key}.{name}", "missing")
        return checked[name]

    def count(self, table: Any, key: str, *, least: int = 0) -> int:
        value = self.value(table, key)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise self.fail(f"{key}.value", f"expected a whole number of at least {least}, got {value!r}")
        return int(value)

    def decimal(self, value: Any, key: str, *, pence: bool = False) -> Decimal:
        try:
            number = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number < 0:
            raise self.fail(key, f"expected a string of a number of at least 0, got {value!r}")
        if pence and number != number.quantize(PENNY):
            raise self.fail(key, f"expected whole pence, got {value!r}")
        return number

    def dated(self, entries: Any, key: str, read: Any) -> tuple[tuple[date, Any], ...]:
        if not isinstance(entries, list) or not entries:
            raise self.fail(key, "expected one or more [[" + key + "]] tables")
        out = []
        for index, entry in enumerate(entries):
            where = f"{key}[{index}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("effective_from"), date):
                raise self.fail(f"{where}.effective_from", "expected a TOML date")
            out.append((entry["effective_from"], read(entry, where)))
        out.sort(key=lambda pair: pair[0])
        for before, after in itertools.pairwise(out):
            if before[0] == after[0]:
                raise self.fail(key, f"two entries from {after[0]}")
        return tuple(out)


def _read_toml(path: Path, reader: _Reader) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise reader.fail("file", f"cannot read: {error}") from error


def load_redundancy_rules(path: Path = RULES_FILE) -> RedundancyRules:
    """Parse and validate the rule file (uncached; tests use it on broken copies)."""
    reader = _Reader(path.name)
    data = _read_toml(path, reader)
    caps = reader.dated(
        data.get("weekly_pay_cap"),
        "weekly_pay_cap",
        lambda entry, where: reader.decimal(reader.value(entry, where), f"{where}.value", pence=True),
    )
    strain_ages = reader.dated(
        data.get("pension_strain_minimum_age"),
        "pension_strain_minimum_age",
        lambda entry, where: reader.count(entry, where, least=1),
    )
    bands_data = data.get("age_bands")
    if not isinstance(bands_data, list) or not bands_data:
        raise reader.fail("age_bands", "expected one or more [[age_bands]] tables")
    bands = []
    for index, entry in enumerate(bands_data):
        where = f"age_bands[{index}]"
        checked = reader.sourced(entry, where)  # once: an unconfirmed band is listed once
        from_age, name = checked.get("from_age"), checked.get("name")
        if isinstance(from_age, bool) or not isinstance(from_age, int) or from_age < 0:
            raise reader.fail(f"{where}.from_age", f"expected a whole number of years, got {from_age!r}")
        if not isinstance(name, str) or not name.strip():
            raise reader.fail(f"{where}.name", "expected the band's name")
        weeks = reader.decimal(checked.get("weeks_per_year"), f"{where}.weeks_per_year")
        bands.append(AgeBand(from_age, name, weeks))
    bands.sort(key=lambda band: band.from_age)
    if bands[0].from_age != 0 or len({band.from_age for band in bands}) != len(bands):
        raise reader.fail("age_bands", "the first band starts at age 0 and no two start at the same age")
    notice = data.get("notice")
    if not isinstance(notice, dict):
        raise reader.fail("notice", "missing table")
    return RedundancyRules(
        weekly_pay_caps=caps,
        max_years_counted=reader.count(data.get("max_years_counted"), "max_years_counted", least=1),
        minimum_years=reader.count(data.get("minimum_years"), "minimum_years"),
        age_bands=tuple(bands),
        notice=NoticeRules(
            minimum_service_months=reader.count(
                notice.get("minimum_service_months"), "notice.minimum_service_months"
            ),
            weeks_under_two_years=reader.count(
                notice.get("weeks_under_two_years"), "notice.weeks_under_two_years"
            ),
            weeks_per_year=reader.count(notice.get("weeks_per_year"), "notice.weeks_per_year"),
            maximum_weeks=reader.count(notice.get("maximum_weeks"), "notice.maximum_weeks"),
        ),
        tax_free_threshold=reader.decimal(
            reader.value(data.get("tax_free_threshold"), "tax_free_threshold"),
            "tax_free_threshold.value",
            pence=True,
        ),
        redundancy_pay_ni_able=_flag(reader, data.get("redundancy_pay_ni_able"), "redundancy_pay_ni_able"),
        strain_minimum_ages=strain_ages,
        unconfirmed=tuple(reader.unconfirmed),
    )


def _flag(reader: _Reader, table: Any, key: str) -> bool:
    value = reader.value(table, key)
    if not isinstance(value, bool):
        raise reader.fail(f"{key}.value", f"expected true or false, got {value!r}")
    return value


@functools.cache
def redundancy_rules() -> RedundancyRules:
    """The rules in ``rules/redundancy.toml``, read once."""
    return load_redundancy_rules()


# --- enhanced schemes ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnhancedScheme:
    key: str
    name: str
    partner: str  # the partner's code, for people reading the quote; not a tenancy key
    weekly_pay: Literal["actual", "capped"]
    multiplier: Decimal
    maximum_weeks: Decimal | None
    lump_sum_cap: Decimal | None
    source: str


def load_enhanced_schemes(path: Path = SCHEMES_FILE) -> dict[str, EnhancedScheme]:
    """The schemes by key, validated (uncached)."""
    reader = _Reader(path.name)
    data = _read_toml(path, reader)
    tables = data.get("schemes")
    if not isinstance(tables, dict):
        raise reader.fail("schemes", "expected [schemes.KEY] tables")
    schemes: dict[str, EnhancedScheme] = {}
    names: set[str] = set()
    for key, table in tables.items():
        where = f"schemes.{key}"
        reader.sourced(table, where)
        name, partner, basis = table.get("name"), table.get("partner", ""), table.get("weekly_pay")
        if not isinstance(name, str) or not name.strip():
            raise reader.fail(f"{where}.name", "expected the scheme's name")
        if name.casefold() in names or key.casefold() in names:
            raise reader.fail(f"{where}.name", "another scheme has this key or name")
        names.update({name.casefold(), key.casefold()})
        if not isinstance(partner, str):
            raise reader.fail(f"{where}.partner", "expected a partner code")
        if basis not in ("actual", "capped"):
            raise reader.fail(f"{where}.weekly_pay", f'expected "actual" or "capped", got {basis!r}')
        multiplier = reader.decimal(table.get("multiplier"), f"{where}.multiplier")
        if multiplier < 1:
            raise reader.fail(f"{where}.multiplier", "an enhanced scheme multiplies by 1 or more")
        maximum_weeks = table.get("maximum_weeks")
        cap = table.get("lump_sum_cap")
        schemes[key] = EnhancedScheme(
            key=key,
            name=name.strip(),
            partner=partner,
            weekly_pay=basis,
            multiplier=multiplier,
            maximum_weeks=None
            if maximum_weeks is None
            else reader.decimal(maximum_weeks, f"{where}.maximum_weeks"),
            lump_sum_cap=None if cap is None else reader.decimal(cap, f"{where}.lump_sum_cap", pence=True),
            source=table["source"],
        )
    return schemes


@functools.cache
def enhanced_schemes() -> Mapping[str, EnhancedScheme]:
    return load_enhanced_schemes()


def scheme_named(name: str, schemes: Mapping[str, EnhancedScheme] | None = None) -> EnhancedScheme:
    """The scheme whose key or name is ``name`` (any case, spaces trimmed)."""
    schemes = enhanced_schemes() if schemes is None else schemes
    wanted = " ".join(name.split()).casefold()
    for scheme in schemes.values():
        if wanted in (scheme.key.casefold(), scheme.name.casefold()):
            return scheme
    known = "; ".join(f"{s.key} ({s.name})" for s in schemes.values())
    raise UnknownScheme(f"No enhanced scheme is called {name!r}. Known schemes: {known}")


# --- statutory redundancy pay -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountedYear:
    number: int  # 1 is the year ending on the leaving date
    first_day: date
    last_day: date
    band: str
    weeks: Decimal


@dataclass(frozen=True, slots=True)
class BandYears:
    band: str
    from_age: int
    weeks_per_year: Decimal
    years: int
    weeks: Decimal


@dataclass(frozen=True, slots=True)
class StatutoryRedundancy:
    date_of_birth: date
    start: date
    leaving: date
    age_on_leaving: int
    years_of_service: int
    qualifies: bool
    reason: str  # why nothing is due, when nothing is
    years_counted: int
    by_band: tuple[BandYears, ...]  # every band, in age order, with 0 years where none
    weeks: Decimal
    weekly_pay: Decimal  # as given
    weekly_pay_cap: Decimal  # in force on the leaving date
    cap_applied: bool
    week_pay_used: Decimal
    amount: Decimal

    @property
    def counted_years(self) -> tuple[CountedYear, ...]:
        """The working year by year, latest first (for letters and the CLI; a costing of
        thousands needs only ``by_band``, so this is built when asked for)."""
        after = self.leaving + ONE_DAY
        reached = [(anniversary(self.date_of_birth, band.from_age), band) for band in self.by_band]
        years = []
        for number in range(1, self.years_counted + 1):
            first_day = anniversary(after, -number)
            band = [band for day, band in reached if day <= first_day][-1]
            last_day = anniversary(after, 1 - number) - ONE_DAY
            years.append(CountedYear(number, first_day, last_day, band.band, band.weeks_per_year))
        return tuple(years)


def _check_facts(date_of_birth: date, start: date, leaving: date, weekly_pay: Decimal) -> None:
    if leaving < start:
        raise QuoteInputError(
            f"The leaving date ({people_date(leaving)}) is before the start of continuous service "
            f"({people_date(start)})"
        )
    if start <= date_of_birth:
        raise QuoteInputError(
            f"The start of continuous service ({people_date(start)}) is not after the date of birth "
            f"({people_date(date_of_birth)})"
        )
    _check_money(weekly_pay, "The weekly pay")


def _check_money(amount: Decimal, what: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise QuoteInputError(f"{what} must be an amount of money of at least £0.00, not {amount!r}")
    if amount != amount.quantize(PENNY):
        raise QuoteInputError(f"{what} must be in whole pence, not £{amount}")


def statutory_redundancy(
    *,
    date_of_birth: date,
    start: date,
    leaving: date,
    weekly_pay: Decimal,
    rules: RedundancyRules | None = None,
) -> StatutoryRedundancy:
    """Statutory redundancy pay under ERA 1996 s.162 for service from ``start`` (the continuous
    service date) to ``leaving`` (the relevant date), with the working."""
    rules = redundancy_rules() if rules is None else rules
    _check_facts(date_of_birth, start, leaving, weekly_pay)
    cap = rules.weekly_pay_cap_on(leaving)
    service = full_years(start, leaving)
    qualifies = service >= rules.minimum_years
    counted_count = min(service, rules.max_years_counted) if qualifies else 0
    # Year k (counted back) starts on or after the day the employee reached a band's age exactly
    # when k is at most the whole years from that birthday to the leaving date: so the years at
    # or above each band are a count, not a search, and those in a band are the difference.
    at_or_above = [
        min(counted_count, full_years(reached, leaving)) if reached <= leaving else 0
        for reached in (anniversary(date_of_birth, band.from_age) for band in rules.age_bands)
    ]
    by_band = tuple(
        BandYears(band.name, band.from_age, band.weeks_per_year, years, band.weeks_per_year * years)
        for band, years in zip(
            rules.age_bands, (n - m for n, m in itertools.pairwise([*at_or_above, 0])), strict=True
        )
    )
    weeks = sum((band.weeks for band in by_band), ZERO)
    cap_applied = weekly_pay > cap
    used = cap if cap_applied else weekly_pay
    reason = (
        ""
        if qualifies
        else f"Fewer than {rules.minimum_years} years' continuous service at the leaving date "
        f"({service} whole years): no statutory redundancy payment (ERA 1996 s.155)"
    )
    return StatutoryRedundancy(
        date_of_birth=date_of_birth,
        start=start,
        leaving=leaving,
        age_on_leaving=age_on(date_of_birth, leaving),
        years_of_service=service,
        qualifies=qualifies,
        reason=reason,
        years_counted=counted_count,
        by_band=by_band,
        weeks=weeks,
        weekly_pay=weekly_pay,
        weekly_pay_cap=cap,
        cap_applied=cap_applied,
        week_pay_used=used,
        amount=round_nearest_penny_half_up(weeks * used),
    )


# --- enhanced schemes ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnhancedRedundancy:
    scheme: EnhancedScheme
    statutory_weeks: Decimal
    weeks_before_limit: Decimal  # statutory weeks x multiplier
    weeks: Decimal  # after the scheme's maximum weeks
    week_pay_used: Decimal
    before_cap: Decimal
    lump_sum_cap_applied: bool
    statutory_floor_applied: bool
    amount: Decimal  # the whole payment, the statutory payment included


def enhanced_redundancy(statutory: StatutoryRedundancy, scheme: EnhancedScheme) -> EnhancedRedundancy:
    """The scheme's payment: the statutory weeks x the multiplier (at most the scheme's maximum
    weeks) at the actual or capped week's pay, at most the lump-sum cap, never below the statutory
    payment it includes."""
    pay = statutory.weekly_pay if scheme.weekly_pay == "actual" else statutory.week_pay_used
    multiplied = statutory.weeks * scheme.multiplier
    weeks = multiplied if scheme.maximum_weeks is None else min(multiplied, scheme.maximum_weeks)
    before_cap = round_nearest_penny_half_up(weeks * pay)
    capped = before_cap if scheme.lump_sum_cap is None else min(before_cap, scheme.lump_sum_cap)
    amount = max(capped, statutory.amount)
    return EnhancedRedundancy(
        scheme=scheme,
        statutory_weeks=statutory.weeks,
        weeks_before_limit=multiplied,
        weeks=weeks,
        week_pay_used=pay,
        before_cap=before_cap,
        lump_sum_cap_applied=capped < before_cap,
        statutory_floor_applied=amount > capped,
        amount=amount,
    )


# --- notice and holiday -------------------------------------------------------------------------


def statutory_notice_weeks(*, start: date, leaving: date, rules: RedundancyRules | None = None) -> int:
    """ERA 1996 s.86(1): none under a month's service; one week under two years; then a week per
    whole year, at most twelve."""
    rules = redundancy_rules() if rules is None else rules
    if leaving < start:
        raise QuoteInputError(
            f"The leaving date ({people_date(leaving)}) is before the start ({people_date(start)})"
        )
    notice = rules.notice
    if full_months(start, leaving) < notice.minimum_service_months:
        return 0
    years = full_years(start, leaving)
    if years < 2:  # s.86(1)(a)-(b) turn on two years: the statute's words, not a rate
        return notice.weeks_under_two_years
    return min(years * notice.weeks_per_year, notice.maximum_weeks)


@dataclass(frozen=True, slots=True)
class NoticePay:
    statutory_weeks: int
    contractual_weeks: Decimal
    weeks: Decimal  # the greater of the two
    weekly_pay: Decimal
    amount: Decimal


def notice_pay(
    *,
    start: date,
    leaving: date,
    weekly_pay: Decimal,
    contractual_notice_weeks: Decimal = ZERO,
    rules: RedundancyRules | None = None,
) -> NoticePay:
    """Pay in lieu of notice: the greater of statutory and contractual notice, in weeks, at the
    actual week's pay (no cap: it is earnings, taxed and NI-able in full)."""
    _check_money(weekly_pay, "The weekly pay")
    if contractual_notice_weeks < 0:
        raise QuoteInputError("Contractual notice cannot be negative")
    statutory = statutory_notice_weeks(start=start, leaving=leaving, rules=rules)
    weeks = max(Decimal(statutory), contractual_notice_weeks)
    amount = round_nearest_penny_half_up(weeks * weekly_pay)
    return NoticePay(statutory, contractual_notice_weeks, weeks, weekly_pay, amount)


@dataclass(frozen=True, slots=True)
class HolidayPay:
    days: Decimal
    daily_rate: Decimal  # unrounded: the product is rounded once
    amount: Decimal


def holiday_pay(*, days_untaken: Decimal, daily_rate: Decimal) -> HolidayPay:
    """Accrued holiday pay: days untaken x the daily rate."""
    if days_untaken < 0 or daily_rate < 0:
        raise QuoteInputError("Days untaken and the daily rate cannot be negative")
    return HolidayPay(days_untaken, daily_rate, round_nearest_penny_half_up(days_untaken * daily_rate))


# --- pension strain -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StrainFactors:
    """One fund's strain factor table: a factor per £1 a year of pension brought into payment
    early, by sex and age. ``by_month``: factors by age in years and months; otherwise by whole
    years (every month 0). Built from the uploaded table (change/strain.py) or directly in tests."""

    fund: str
    effective_from: date
    factors: Mapping[tuple[str, int, int], Decimal]
    by_month: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_month", any(months for _, _, months in self.factors))

    @classmethod
    def from_rows(
        cls, fund: str, effective_from: date, rows: Iterable[tuple[str, int, int, Decimal]]
    ) -> StrainFactors:
        table = {(sex, years, months): factor for sex, years, months, factor in rows}
        return cls(fund, effective_from, table)

    def factor(self, sex: str, years: int, months: int) -> Decimal:
        key = (sex, years, months if self.by_month else 0)
        try:
            return self.factors[key]
        except KeyError:
            who = "a woman" if sex == "F" else "a man" if sex == "M" else f"sex {sex!r}"
            age = f"{years} years {months} months" if self.by_month else f"{years}"
            raise StrainFactorMissing(
                f"The {self.fund} strain factor table from {people_date(self.effective_from)} has no "
                f"factor for {who} aged {age}"
            ) from None


@dataclass(frozen=True, slots=True)
class PensionStrain:
    eligible: bool
    reason: str
    age_years: int
    age_months: int
    sex: str
    factor: Decimal | None
    annual_pension: Decimal
    fund: str
    amount: Decimal


def pension_strain(
    *,
    date_of_birth: date,
    leaving: date,
    sex: str,
    annual_pension: Decimal,
    factors: StrainFactors | None,
    rules: RedundancyRules | None = None,
) -> PensionStrain:
    """The strain cost to the employer when a scheme member made redundant at or over the
    minimum age draws an unreduced pension at once: the fund's factor for the member's sex and
    age on the leaving date x the annual pension brought into payment early. Under the minimum
    age there is no strain (amount 0). Raises :class:`StrainFactorMissing` when the table has no
    factor for the member (or there is no table): an unknown cost is not quoted as nil."""
    rules = redundancy_rules() if rules is None else rules
    _check_money(annual_pension, "The annual pension")
    if sex not in SEXES:
        raise QuoteInputError(f"A strain factor needs the member's sex as F or M, not {sex!r}")
    years, months = divmod(age_in_months(date_of_birth, leaving), MONTHS_IN_YEAR)
    minimum = rules.strain_minimum_age_on(leaving)
    if years < minimum:
        return PensionStrain(
            False,
            f"Aged {years} on the leaving date, under {minimum}: no immediate pension, no strain",
            years,
            months,
            sex,
            None,
            annual_pension,
            "",
            ZERO,
        )
    if factors is None:
        raise StrainFactorMissing("The member's fund has no strain factor table in force on the leaving date")
    factor = factors.factor(sex, years, months)
    return PensionStrain(
        True,
        "",
        years,
        months,
        sex,
        factor,
        annual_pension,
        factors.fund,
        round_nearest_penny_half_up(factor * annual_pension),
    )


# --- the whole quote ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    date_of_birth: date
    start: date  # the continuous service date
    leaving: date
    weekly_pay: Decimal  # actual gross week's pay (ERA 1996 ss.221-229)
    contractual_notice_weeks: Decimal = ZERO
    holiday_days_untaken: Decimal = ZERO
    daily_rate: Decimal | None = None  # None: weekly pay / working days a week
    working_days_per_week: Decimal = Decimal(5)
    pension_member: bool = False
    sex: str = ""
    annual_pension: Decimal = ZERO  # pension brought into payment early, a year


@dataclass(frozen=True, slots=True)
class RedundancyQuote:
    request: QuoteRequest
    statutory: StatutoryRedundancy
    enhanced: EnhancedRedundancy | None
    notice: NoticePay
    holiday: HolidayPay
    strain: PensionStrain | None  # None for a non-member
    redundancy_payment: Decimal  # the scheme's payment, or the statutory one without a scheme
    tax_free: Decimal  # ITEPA 2003 s.403: the part of the redundancy payment under the threshold
    taxable: Decimal  # redundancy payment above the threshold (notice and holiday are taxed apart)
    to_employee: Decimal  # redundancy + notice + holiday, before tax
    employer_cost: Decimal  # to_employee + strain


def redundancy_quote(
    request: QuoteRequest,
    *,
    scheme: EnhancedScheme | None = None,
    strain_factors: StrainFactors | None = None,
    rules: RedundancyRules | None = None,
) -> RedundancyQuote:
    """Everything a voluntary-redundancy quote shows for one person (see the module notes)."""
    rules = redundancy_rules() if rules is None else rules
    r = request
    statutory = statutory_redundancy(
        date_of_birth=r.date_of_birth, start=r.start, leaving=r.leaving, weekly_pay=r.weekly_pay, rules=rules
    )
    enhanced = None if scheme is None else enhanced_redundancy(statutory, scheme)
    notice = notice_pay(
        start=r.start,
        leaving=r.leaving,
        weekly_pay=r.weekly_pay,
        contractual_notice_weeks=r.contractual_notice_weeks,
        rules=rules,
    )
    if r.daily_rate is None and r.working_days_per_week <= 0:
        raise QuoteInputError("Working days a week must be more than 0")
    daily = r.weekly_pay / r.working_days_per_week if r.daily_rate is None else r.daily_rate
    holiday = holiday_pay(days_untaken=r.holiday_days_untaken, daily_rate=daily)
    strain = (
        pension_strain(
            date_of_birth=r.date_of_birth,
            leaving=r.leaving,
            sex=r.sex,
            annual_pension=r.annual_pension,
            factors=strain_factors,
            rules=rules,
        )
        if r.pension_member
        else None
    )
    payment = statutory.amount if enhanced is None else enhanced.amount
    tax_free = min(payment, rules.tax_free_threshold)
    to_employee = payment + notice.amount + holiday.amount
    return RedundancyQuote(
        request=request,
        statutory=statutory,
        enhanced=enhanced,
        notice=notice,
        holiday=holiday,
        strain=strain,
        redundancy_payment=payment,
        tax_free=tax_free,
        taxable=payment - tax_free,
        to_employee=to_employee,
        employer_cost=to_employee + (strain.amount if strain is not None else ZERO),
    )


# --- as plain data (the CLI's --json, and the API) ----------------------------------------------


def money_text(amount: Decimal) -> str:
    """Pounds and pence as a string: Decimal('21028') -> '21028.00'."""
    return f"{amount.quantize(PENNY)}"


def number_text(weeks: Decimal) -> str:
    """Weeks, days or a factor without trailing zeros: Decimal('28.0') -> '28', '3.456000' -> '3.456'."""
    text = f"{weeks:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def quote_as_dict(quote: RedundancyQuote) -> dict[str, Any]:
    """The quote as JSON-ready data: money and weeks as strings, dates as ISO strings."""
    s, e, n, h, p = quote.statutory, quote.enhanced, quote.notice, quote.holiday, quote.strain
    out: dict[str, Any] = {
        "date_of_birth": s.date_of_birth.isoformat(),
        "start": s.start.isoformat(),
        "leaving": s.leaving.isoformat(),
        "age_on_leaving": s.age_on_leaving,
        "years_of_service": s.years_of_service,
        "qualifies": s.qualifies,
        "reason": s.reason,
        "years_counted": s.years_counted,
        "years_by_band": [
            {
                "band": b.band,
                "from_age": b.from_age,
                "years": b.years,
                "weeks_per_year": number_text(b.weeks_per_year),
                "weeks": number_text(b.weeks),
            }
            for b in s.by_band
        ],
        "counted_years": [
            {
                "year": y.number,
                "from": y.first_day.isoformat(),
                "to": y.last_day.isoformat(),
                "band": y.band,
                "weeks": number_text(y.weeks),
            }
            for y in s.counted_years
        ],
        "weekly_pay": money_text(s.weekly_pay),
        "weekly_pay_cap": money_text(s.weekly_pay_cap),
        "cap_applied": s.cap_applied,
        "week_pay_used": money_text(s.week_pay_used),
        "statutory_weeks": number_text(s.weeks),
        "statutory_pay": money_text(s.amount),
        "scheme": None,
        "redundancy_payment": money_text(quote.redundancy_payment),
        "tax_free": money_text(quote.tax_free),
        "taxable": money_text(quote.taxable),
        "notice": {
            "statutory_weeks": n.statutory_weeks,
            "contractual_weeks": number_text(n.contractual_weeks),
            "weeks": number_text(n.weeks),
            "pay": money_text(n.amount),
        },
        "holiday": {"days": number_text(h.days), "pay": money_text(h.amount)},
        "strain": None,
        "to_employee": money_text(quote.to_employee),
        "employer_cost": money_text(quote.employer_cost),
    }
    if e is not None:
        out["scheme"] = {
            "key": e.scheme.key,
            "name": e.scheme.name,
            "weekly_pay_basis": e.scheme.weekly_pay,
            "multiplier": number_text(e.scheme.multiplier),
            "weeks": number_text(e.weeks),
            "week_pay_used": money_text(e.week_pay_used),
            "before_cap": money_text(e.before_cap),
            "lump_sum_cap": None if e.scheme.lump_sum_cap is None else money_text(e.scheme.lump_sum_cap),
            "lump_sum_cap_applied": e.lump_sum_cap_applied,
            "statutory_floor_applied": e.statutory_floor_applied,
            "pay": money_text(e.amount),
        }
    if p is not None:
        out["strain"] = {
            "eligible": p.eligible,
            "reason": p.reason,
            "age": f"{p.age_years}y {p.age_months}m",
            "sex": p.sex,
            "fund": p.fund,
            "factor": None if p.factor is None else number_text(p.factor),
            "annual_pension": money_text(p.annual_pension),
            "cost": money_text(p.amount),
        }
    return out
