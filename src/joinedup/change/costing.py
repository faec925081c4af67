"""A programme's costing: one-off costs (redundancy pay, pay in lieu of notice, accrued holiday,
pension strain, pay protection) and recurring savings (the posts a structure deletes or changes,
with their on-costs, less the posts it creates), by partner and financial year (1 April).

Pure: plain values in, plain values out, Decimal pounds; each person's figures come from the
redundancy calculator (change/redundancy.py) and each post's from change/oncosts.py. The
database side (who leaves, on what pay, which posts) is change/costing_selectors.py, and the
business case module reads the result through :func:`programme_costing_figures` there.

Conventions (shown on the costing page with the figures):

* A leaver's one-off cost falls in the financial year of their leaving date.
* Pay protection: the annual difference between the old and new pay, for the protection years
  (rules/costing.toml) from the structure's effective date, spread over the financial years by
  days, each year's share rounded half up to the penny.
* A recurring saving starts on the structure's effective date: the first financial year has the
  share of the year left (by days), later years the whole saving, for ``years_shown`` years.
"""

from __future__ import annotations

import functools
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from joinedup.change.redundancy import (
    EnhancedScheme,
    QuoteInputError,
    QuoteRequest,
    RedundancyQuote,
    RedundancyRules,
    StrainFactorMissing,
    StrainFactors,
    redundancy_quote,
)
from joinedup.core.calendar import financial_year_of, financial_year_start, year_label
from joinedup.core.money import ZERO, round_nearest_penny_half_up

RULES_FILE = Path(__file__).parent / "rules" / "costing.toml"
ONE_DAY = timedelta(days=1)
ONE_OFF = ("redundancy", "notice", "holiday", "strain", "protection")


@dataclass(frozen=True)
class CostingRules:
    protection_years: int
    lgps_accrual_fraction: int
    lgps_care_from: date
    years_shown: int
    sources: dict[str, str]


@functools.cache
def costing_rules(path: Path = RULES_FILE) -> CostingRules:
    with path.open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return CostingRules(
        protection_years=int(data["pay_protection"]["years"]),
        lgps_accrual_fraction=int(data["lgps_accrual"]["fraction"]),
        lgps_care_from=data["lgps_accrual"]["from"],
        years_shown=int(data["savings"]["years_shown"]),
        sources={key: str(table["source"]) for key, table in data.items()},
    )


def estimated_lgps_pension(
    *, annual_pay: Decimal, joined: date, leaving: date, rules: CostingRules | None = None
) -> Decimal:
    """The annual pension brought into payment early, estimated: pay x years in the scheme
    (from the later of ``joined`` and the CARE scheme's start, to leaving, in days / 365.25)
    / the accrual fraction; rounded half up to the penny. CARE revaluation and final-salary
    benefits before 2014 are not known here: the fund's own figure is better when it has one."""
    rules = costing_rules() if rules is None else rules
    start = max(joined, rules.lgps_care_from)
    if leaving <= start:
        return ZERO
    years = Decimal((leaving - start).days) / Decimal("365.25")
    return round_nearest_penny_half_up(annual_pay * years / rules.lgps_accrual_fraction)


@dataclass(frozen=True, slots=True)
class Leaver:
    """A person the programme expects to leave: at risk of redundancy, or a voluntary redundancy."""

    partner: str
    key: int  # the employment's id
    request: QuoteRequest
    scheme: EnhancedScheme | None = None
    strain_factors: StrainFactors | None = None


@dataclass(frozen=True, slots=True)
class Protection:
    partner: str
    key: int
    start: date
    annual_loss: Decimal


@dataclass(frozen=True, slots=True)
class RecurringSaving:
    """A structure's change to one partner's posts: the year's cost now less the year's cost as
    proposed (negative when the partner's posts cost more), from ``start``."""

    partner: str
    start: date
    annual: Decimal


@dataclass
class YearLine:
    partner: str
    year: int  # the financial year, by its first calendar year
    redundancy: Decimal = ZERO
    notice: Decimal = ZERO
    holiday: Decimal = ZERO
    strain: Decimal = ZERO
    protection: Decimal = ZERO
    savings: Decimal = ZERO
    leavers: int = 0

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def one_off(self) -> Decimal:
        return self.redundancy + self.notice + self.holiday + self.strain + self.protection

    @property
    def net(self) -> Decimal:
        """Savings less one-off costs in the year (negative: the year costs more than it saves)."""
        return self.savings - self.one_off

    def add(self, other: YearLine) -> None:
        for name in (*ONE_OFF, "savings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.leavers += other.leavers


@dataclass
class ProgrammeCosting:
    lines: list[YearLine] = field(default_factory=list)  # by partner, then year
    by_partner: list[YearLine] = field(default_factory=list)  # year 0: every year
    by_year: list[YearLine] = field(default_factory=list)  # partner "": every partner
    total: YearLine = field(default_factory=lambda: YearLine("", 0))
    quotes: dict[int, RedundancyQuote] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    recurring_by_partner: dict[str, Decimal] = field(default_factory=dict)  # a full year's saving

    @property
    def savings_years(self) -> list[int]:
        """The financial years the savings are spread over (``total.savings`` is their sum)."""
        return [line.year for line in self.by_year if line.savings]

    @property
    def savings_span(self) -> str:
        """Those years as words: '2026/27 to 2030/31' ("" when nothing is saved)."""
        years = self.savings_years
        return f"{year_label(years[0])} to {year_label(years[-1])}" if years else ""

    @property
    def recurring(self) -> Decimal:
        """A full year's saving, every partner's together."""
        return sum(self.recurring_by_partner.values(), ZERO)


def _days(start: date, end: date) -> int:
    return (end - start).days + 1


def spread_by_year(amount_a_year: Decimal, start: date, end: date) -> dict[int, Decimal]:
    """``amount_a_year`` for the days from ``start`` to ``end`` inclusive, by financial year: each
    year's share is the amount x the days in it / the days of that year, rounded half up."""
    out: dict[int, Decimal] = {}
    year = financial_year_of(start)
    while financial_year_start(year) <= end:
        first, last = financial_year_start(year), financial_year_start(year + 1) - ONE_DAY
        days = _days(max(first, start), min(last, end))
        if days > 0:
            out[year] = round_nearest_penny_half_up(amount_a_year * days / _days(first, last))
        year += 1
    return out


def programme_costing(
    *,
    leavers: Iterable[Leaver],
    protections: Iterable[Protection] = (),
    savings: Iterable[RecurringSaving] = (),
    rules: RedundancyRules | None = None,
    costing: CostingRules | None = None,
) -> ProgrammeCosting:
    """The one-off costs and recurring savings of a programme, by partner and financial year."""
    costing = costing_rules() if costing is None else costing
    cells: dict[tuple[str, int], YearLine] = {}
    result = ProgrammeCosting()

    def cell(partner: str, year: int) -> YearLine:
        found = cells.get((partner, year))
        if found is None:
            found = cells[(partner, year)] = YearLine(partner, year)
        return found

    for leaver in leavers:
        try:
            quote = redundancy_quote(
                leaver.request, scheme=leaver.scheme, strain_factors=leaver.strain_factors, rules=rules
            )
        except StrainFactorMissing as exc:
            # Costed without the strain, and said so: an unknown cost is not a nil one.
            result.problems.append(f"Employment {leaver.key}: {exc}; its strain cost is not included.")
            quote = redundancy_quote(
                _no_pension(leaver.request), scheme=leaver.scheme, strain_factors=None, rules=rules
            )
        except QuoteInputError as exc:
            result.problems.append(f"Employment {leaver.key}: {exc}; not costed.")
            continue
        result.quotes[leaver.key] = quote
        line = cell(leaver.partner, financial_year_of(leaver.request.leaving))
        line.redundancy += quote.redundancy_payment
        line.notice += quote.notice.amount
        line.holiday += quote.holiday.amount
        line.strain += quote.strain.amount if quote.strain is not None else ZERO
        line.leavers += 1
    for protection in protections:
        end = _years_after(protection.start, costing.protection_years) - ONE_DAY
        for year, amount in spread_by_year(protection.annual_loss, protection.start, end).items():
            cell(protection.partner, year).protection += amount
    recurring: dict[str, Decimal] = defaultdict(lambda: ZERO)
    saving_list = list(savings)
    if saving_list:
        first_year = min(financial_year_of(s.start) for s in saving_list)
        horizon_end = financial_year_start(first_year + costing.years_shown) - ONE_DAY
        for saving in saving_list:
            recurring[saving.partner] += saving.annual
            for year, amount in spread_by_year(saving.annual, saving.start, horizon_end).items():
                cell(saving.partner, year).savings += amount
    result.recurring_by_partner = dict(sorted(recurring.items()))
    result.lines = [cells[k] for k in sorted(cells)]
    partners: dict[str, YearLine] = {}
    years: dict[int, YearLine] = {}
    for line in result.lines:
        partners.setdefault(line.partner, YearLine(line.partner, 0)).add(line)
        years.setdefault(line.year, YearLine("", line.year)).add(line)
        result.total.add(line)
    result.by_partner = [partners[k] for k in sorted(partners)]
    result.by_year = [years[k] for k in sorted(years)]
    return result


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February to a common year
        return date(day.year + years, 3, 1)


def _no_pension(request: QuoteRequest) -> QuoteRequest:
    return replace(request, pension_member=False)
