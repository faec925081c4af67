"""The appraisal of a business case: pure, no Django, no I/O beyond reading its rule file.

Cash flows are pounds by year from year 0 (the year of the decision, not discounted). A case is a
set of lines, each a cost or a saving with an amount per year and its own optimism-bias
uplift (HM Treasury Green Book supplementary guidance: a percentage added to costs, and a delay
in years to when benefits start), stated per line because the guidance's uplifts differ by kind
of spend. From them: the net present value at the Green Book's declining discount rate, the
simple and discounted payback years, the sensitivities the board asks for, the switching value
and each partner's share.

Arithmetic is Decimal throughout, in a context wide enough that no rounding happens before the
end: the net present value is rounded half up to the penny once, at the end, and partners'
shares are split to the penny by largest remainder (recharges' rule), so they add up exactly.
"""

from __future__ import annotations

import datetime as dt
import decimal
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from joinedup.core.money import PENNY, ZERO, pence_to_pounds, pounds_to_pence
from joinedup.recharges.allocation import largest_remainder

RULES_FILE = Path(__file__).with_name("rules") / "discounting.toml"
HUNDRED = Decimal(100)
ONE = Decimal(1)
# Wide enough that 300 chained factors and 500 lines x 300 years of pounds lose nothing that
# shows at the penny; the default (28 digits) would be enough too, but this is said, not assumed.
_CONTEXT = decimal.Context(prec=50, rounding=decimal.ROUND_HALF_EVEN)

COST = "cost"
SAVING = "saving"
KINDS = (COST, SAVING)
MAX_YEARS = 1000


class AppraisalError(ValueError):
    """Input that cannot be appraised (the message says why, for people)."""


class DiscountRulesError(ValueError):
    """The discounting rule file is missing a key or holds a bad value."""


# --- discounting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscountSchedule:
    """Rates (percent) by the first year they apply to; the last band runs on for ever."""

    name: str
    bands: tuple[tuple[int, Decimal], ...]
    source: str = ""

    def rate(self, year: int) -> Decimal:
        current = self.bands[0][1]
        for first, rate in self.bands:
            if year < first:
                break
            current = rate
        return current

    def factors(self, years: int) -> tuple[Decimal, ...]:
        """Discount factors for years 0 .. years-1, chained: each year's factor is the previous
        one over (1 + that year's rate). Year 0's is exactly 1."""
        out = [ONE]
        with decimal.localcontext(_CONTEXT):
            for year in range(1, years):
                out.append(out[-1] / (ONE + self.rate(year) / HUNDRED))
        return tuple(out[:years])


def constant_schedule(percent: Decimal) -> DiscountSchedule:
    if not percent.is_finite() or percent <= -100 or percent > 100:
        raise AppraisalError(
            f"A discount rate of {percent}% cannot be used; give one above -100 and at most 100."
        )
    return DiscountSchedule(name=f"{percent}%", bands=((0, percent),), source="given by the user")


def load_schedules(path: Path = RULES_FILE) -> tuple[tuple[dt.date, DiscountSchedule], ...]:
    """Parse and validate the rule file (uncached; tests use it on broken copies)."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DiscountRulesError(f"{where}: cannot read: {error}") from error
    entries = data.get("schedule")
    if not isinstance(entries, list) or not entries:
        raise DiscountRulesError(f"{where}: [[schedule]] is missing")
    out: list[tuple[dt.date, DiscountSchedule]] = []
    for index, entry in enumerate(entries):
        key = f"{where}: schedule[{index}]"
        start = entry.get("effective_from")
        if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
            raise DiscountRulesError(f"{key}.effective_from must be a date")
        name, source = entry.get("name"), entry.get("source")
        if not isinstance(name, str) or not name or not isinstance(source, str) or not source:
            raise DiscountRulesError(f"{key} needs a name and a source")
        bands = []
        for number, band in enumerate(entry.get("band") or []):
            first, rate = band.get("from_year"), band.get("rate")
            if not isinstance(first, int) or first < 0 or not isinstance(rate, str):
                raise DiscountRulesError(
                    f"{key}.band[{number}] needs from_year (a whole year) and rate (a string)"
                )
            try:
                bands.append((first, Decimal(rate)))
            except decimal.InvalidOperation:
                raise DiscountRulesError(f"{key}.band[{number}].rate {rate!r} is not a number") from None
        if not bands or bands[0][0] != 0 or [b[0] for b in bands] != sorted({b[0] for b in bands}):
            raise DiscountRulesError(f"{key}: bands must start at year 0 and rise, each year once")
        out.append((start, DiscountSchedule(name=name, bands=tuple(bands), source=source)))
    return tuple(sorted(out, key=lambda item: item[0]))


@cache
def _schedules() -> tuple[tuple[dt.date, DiscountSchedule], ...]:
    return load_schedules()


def green_book(on: dt.date | None = None) -> DiscountSchedule:
    """The Green Book schedule in force on ``on`` (today's edition when not given)."""
    day = on or dt.date.max
    in_force = [
        schedule for start, schedule in _schedules() if start <= day and schedule.name == "green-book"
    ]
    if not in_force:
        raise DiscountRulesError(f"No Green Book discount schedule is in force on {day}.")
    return in_force[-1]


def schedule_named(text: str) -> DiscountSchedule:
    """``green-book``, or a constant rate in percent (``5``, ``3.5``)."""
    if text == "green-book":
        return green_book()
    try:
        percent = Decimal(text.removesuffix("%"))
    except decimal.InvalidOperation:
        raise AppraisalError(f"{text!r} is neither green-book nor a rate in percent.") from None
    return constant_schedule(percent)


# --- a series of cash flows -----------------------------------------------------------------------


def present_values(cashflows: Sequence[Decimal], schedule: DiscountSchedule) -> tuple[Decimal, ...]:
    factors = schedule.factors(len(cashflows))
    with decimal.localcontext(_CONTEXT):
        return tuple(flow * factor for flow, factor in zip(cashflows, factors, strict=True))


def to_penny(amount: Decimal) -> Decimal:
    """The one rounding of an appraisal: half up to the penny, at the end."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def net_present_value(cashflows: Sequence[Decimal], schedule: DiscountSchedule) -> Decimal:
    with decimal.localcontext(_CONTEXT):
        return to_penny(sum(present_values(cashflows, schedule), ZERO))


def payback_year(flows: Sequence[Decimal]) -> int | None:
    """The first year whose cumulative flow reaches zero or more; None when none does. Give it
    present values for the discounted payback year."""
    running = ZERO
    with decimal.localcontext(_CONTEXT):
        for year, flow in enumerate(flows):
            running += flow
            if running >= 0:
                return year
    return None


def check_cashflows(cashflows: Sequence[Decimal]) -> None:
    if not cashflows:
        raise AppraisalError("Give at least one year's cash flow (year 0).")
    if len(cashflows) > MAX_YEARS:
        raise AppraisalError(f"At most {MAX_YEARS} years can be appraised; {len(cashflows)} were given.")
    for year, flow in enumerate(cashflows):
        if not flow.is_finite():
            raise AppraisalError(f"Year {year}: {flow} is not an amount.")
        if flow != flow.quantize(PENNY, context=_CONTEXT):
            raise AppraisalError(f"Year {year}: {flow} is not a whole number of pence.")


# --- a case of lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of an option: a cost or a saving, pounds by year from year 0 (positive
    amounts; a saving is money no longer spent). ``optimism_bias`` is the percentage added to a
    cost; ``delay_years`` moves a saving later (benefits slip, costs do not arrive early)."""

    name: str
    kind: str
    amounts: tuple[Decimal, ...]
    optimism_bias: Decimal = ZERO
    delay_years: int = 0
    one_off: bool = False


@dataclass(frozen=True)
class Flows:
    costs: tuple[Decimal, ...]
    savings: tuple[Decimal, ...]

    @property
    def net(self) -> tuple[Decimal, ...]:
        with decimal.localcontext(_CONTEXT):
            return tuple(s - c for c, s in zip(self.costs, self.savings, strict=True))


def check_lines(lines: Sequence[Line], years: int) -> None:
    if not 1 <= years <= MAX_YEARS:
        raise AppraisalError(f"The horizon must be 1 to {MAX_YEARS} years; {years} was given.")
    for line in lines:
        label = f"Line {line.name!r}"
        if line.kind not in KINDS:
            raise AppraisalError(f"{label}: kind must be one of {', '.join(KINDS)}, not {line.kind!r}.")
        if len(line.amounts) > years:
            raise AppraisalError(
                f"{label}: {len(line.amounts)} years of amounts, past the {years}-year horizon."
            )
        if line.optimism_bias < 0 or line.delay_years < 0:
            raise AppraisalError(f"{label}: optimism bias and delay cannot be negative.")
        if line.kind == SAVING and line.optimism_bias:
            raise AppraisalError(f"{label}: optimism bias on a saving is a delay in years, not a percentage.")
        for year, amount in enumerate(line.amounts):
            if not amount.is_finite() or amount < 0 or amount != amount.quantize(PENNY, context=_CONTEXT):
                raise AppraisalError(
                    f"{label}, year {year}: {amount} is not an amount of pounds and pence of 0 or more."
                )


@dataclass(frozen=True)
class _Totals:
    """The lines added up once, with and without their optimism bias: every sensitivity is
    then arithmetic on these few series, not another pass over the lines."""

    costs: tuple[Decimal, ...]
    costs_unbiased: tuple[Decimal, ...]
    savings: tuple[Decimal, ...]  # each line moved by its own delay
    savings_unbiased: tuple[Decimal, ...]


def _totals(lines: Sequence[Line], years: int) -> _Totals:
    costs, plain_costs = [ZERO] * years, [ZERO] * years
    savings, plain_savings = [ZERO] * years, [ZERO] * years
    with decimal.localcontext(_CONTEXT):
        for line in lines:
            if line.kind == COST:
                uplift = ONE + line.optimism_bias / HUNDRED
                for year, amount in enumerate(line.amounts):
                    plain_costs[year] += amount
                    costs[year] += amount * uplift
            else:
                shift = line.delay_years
                for year, amount in enumerate(line.amounts):
                    plain_savings[year] += amount
                    if year + shift < years:
                        savings[year + shift] += amount
    return _Totals(tuple(costs), tuple(plain_costs), tuple(savings), tuple(plain_savings))


def flows(
    lines: Sequence[Line] | _Totals,
    years: int,
    *,
    optimism_bias: bool = True,
    savings_factor: Decimal = ONE,
    extra_delay: int = 0,
) -> Flows:
    """Costs and savings by year over the horizon. A saving moved past the horizon is lost, as
    it would be to the partnership."""
    totals = lines if isinstance(lines, _Totals) else _totals(lines, years)
    costs = totals.costs if optimism_bias else totals.costs_unbiased
    savings = totals.savings if optimism_bias else totals.savings_unbiased
    if extra_delay:
        savings = (ZERO,) * min(extra_delay, years) + savings[: max(years - extra_delay, 0)]
    if savings_factor != ONE:
        with decimal.localcontext(_CONTEXT):
            savings = tuple(s * savings_factor for s in savings)
    return Flows(costs=costs, savings=savings)


# Each sensitivity the issue names: savings up and down by 10% and 20%, every saving a year late,
# and the case without its optimism-bias uplifts.
SENSITIVITIES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("savings +20%", {"savings_factor": Decimal("1.2")}),
    ("savings +10%", {"savings_factor": Decimal("1.1")}),
    ("savings -10%", {"savings_factor": Decimal("0.9")}),
    ("savings -20%", {"savings_factor": Decimal("0.8")}),
    ("savings one year late", {"extra_delay": 1}),
    ("optimism bias off", {"optimism_bias": False}),
)


@dataclass(frozen=True)
class PartnerShare:
    partner: str
    costs: Decimal
    savings: Decimal
    net_present_value: Decimal


@dataclass(frozen=True)
class Appraisal:
    schedule: DiscountSchedule
    years: int
    costs: tuple[Decimal, ...]  # by year, uplifted, to the penny
    savings: tuple[Decimal, ...]
    net: tuple[Decimal, ...]
    discount_factors: tuple[Decimal, ...]
    present_value_costs: Decimal
    present_value_savings: Decimal
    net_present_value: Decimal
    payback_year: int | None
    discounted_payback_year: int | None
    sensitivities: dict[str, Decimal] = field(default_factory=dict)
    # The fall in savings, as a percentage of them, at which the net present value reaches
    # zero (negative: the rise needed); None when there are no savings to fall.
    switching_value_percent: Decimal | None = None
    shares: tuple[PartnerShare, ...] = ()


def _discounted(values: Sequence[Decimal], factors: Sequence[Decimal]) -> Decimal:
    with decimal.localcontext(_CONTEXT):
        return sum((v * f for v, f in zip(values, factors, strict=True)), ZERO)


def _npv_exact(case: Flows, factors: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    cost, saving = _discounted(case.costs, factors), _discounted(case.savings, factors)
    with decimal.localcontext(_CONTEXT):
        return cost, saving, saving - cost


def _split(total: Decimal, keys: Mapping[str, Decimal]) -> dict[str, Decimal]:
    pence = largest_remainder(pounds_to_pence(to_penny(total)), keys)
    return {code: pence_to_pounds(amount) for code, amount in pence.items()}


def appraise(
    lines: Sequence[Line],
    *,
    years: int,
    schedule: DiscountSchedule,
    allocation: Mapping[str, Decimal] | None = None,
) -> Appraisal:
    """The whole appraisal of one option. ``allocation`` holds each partner's key (any
    quantities: shares of budget, head counts) by partner code."""
    check_lines(lines, years)
    factors = schedule.factors(years)
    totals = _totals(lines, years)
    base = flows(totals, years)
    pv_cost, pv_saving, exact = _npv_exact(base, factors)
    net = base.net
    with decimal.localcontext(_CONTEXT):
        discounted = [flow * factor for flow, factor in zip(net, factors, strict=True)]
    sensitivities = {}
    for name, change in SENSITIVITIES:
        sensitivities[name] = to_penny(_npv_exact(flows(totals, years, **change), factors)[2])
    switching = None
    if pv_saving:
        with decimal.localcontext(_CONTEXT):
            switching = (exact / pv_saving * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shares: tuple[PartnerShare, ...] = ()
    if allocation:
        with decimal.localcontext(_CONTEXT):
            total_costs, total_savings = sum(base.costs, ZERO), sum(base.savings, ZERO)
        costs = _split(total_costs, allocation)
        savings = _split(total_savings, allocation)
        npvs = _split(exact, allocation)
        shares = tuple(
            PartnerShare(partner=code, costs=costs[code], savings=savings[code], net_present_value=npvs[code])
            for code in sorted(allocation)
        )
    return Appraisal(
        schedule=schedule,
        years=years,
        costs=tuple(to_penny(c) for c in base.costs),
        savings=tuple(to_penny(s) for s in base.savings),
        net=tuple(to_penny(n) for n in net),
        discount_factors=factors,
        present_value_costs=to_penny(pv_cost),
        present_value_savings=to_penny(pv_saving),
        net_present_value=to_penny(exact),
        payback_year=payback_year(net),
        discounted_payback_year=payback_year(discounted),
        sensitivities=sensitivities,
        switching_value_percent=switching,
        shares=shares,
    )


def schedule_factor_text(factor: Decimal) -> str:
    """A discount factor as printed: six places, as the Green Book's tables show them."""
    return str(factor.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))
