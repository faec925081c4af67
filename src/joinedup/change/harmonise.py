"""Terms side by side, and what harmonising them would cost. Pure: plain values in, Decimal pounds
out, no Django and nothing from joinedup but money (contract ``change-pure``); the selectors read
the people module's records into these shapes and pass employer NI in as a function.

A team drawn from several partners holds people on different schemes. Harmonising puts them all
on one **candidate scheme** (one of the schemes the team is on now), in one of two ways:

- **Levelling up**: nobody loses. Pay assimilates to the lowest point of the candidate's scale
  paying at least the person's present full-time rate (someone paid above the top keeps their
  rate, "red-circled"); the full-time week is the shortest of the team's schemes; annual leave is
  the most any of the team's schemes gives for the person's service; the employer pension rate is
  the higher of the person's present rate and the candidate scheme's.
- **Levelling down**: the candidate's terms as they are. Pay assimilates to the highest point paying
  no more than the present rate (the lowest point, when every point pays more); the week, leave and
  pension are the candidate's. Whoever loses pay keeps the present rate for ``protection_years``
  years (cash protection, the usual local-government practice: pay only, not other terms), then
  drops to the new rate.

A person already on the candidate scheme keeps their point either way.

What each term costs the employer a year (``partner``: the present employer bears its own staff's
change; a shared team's later recharges are not modelled here):

- **pay**: the new salary (full-time rate x FTE) less the present salary;
- **employer NI and pension** on the new salary less the same on the present salary;
- **hours**: a shorter week at the same salary loses hours of work; they are valued at the
  hourly rate paid: salary x (present week - new week) / new week (negative, a saving, when the
  week gets longer);
- **leave**: extra days of annual leave valued at a day's pay: (new days - present days) x
  salary / 260 (52 weeks of 5 working days: a definition, not a statutory figure).

"Salary" is the new salary, or in a protected year the present salary still paid.

Sick pay, notice and allowances are shown side by side but not costed: the people module records
no contractual sick-pay scheme or notice, and allowances are kept as they are.

Each option is costed for years 1 to ``protection_years + 1``: the last year is what it costs each
year from then on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from joinedup.core.money import ZERO, round_nearest_penny_half_up

# 52 weeks of five working days: the days of pay in a year, to value a day of leave.
WORKING_DAYS_A_YEAR = Decimal(260)

LEVEL_UP = "level_up"
LEVEL_DOWN = "level_down"
METHODS = {LEVEL_UP: "Levelling up", LEVEL_DOWN: "Levelling down with pay protection"}


class HarmoniseInputError(ValueError):
    """Input the costing cannot use (no candidate scheme, a scale with no points)."""


@dataclass(frozen=True)
class SchemeTerms:
    """A terms scheme as a candidate: its scale on the costing date (point code and full-time
    annual rate, bottom to top), its full-time week, its leave by service and the pension scheme
    its staff join ("" when none is known)."""

    code: str
    name: str
    standard_weekly_hours: Decimal
    leave: tuple[tuple[int, Decimal], ...]
    points: tuple[tuple[str, Decimal], ...]
    pension_scheme: str = ""

    def leave_days(self, years_of_service: int) -> Decimal:
        days = ZERO
        for min_years, rule_days in sorted(self.leave):
            if years_of_service >= min_years:
                days = rule_days
        return days


@dataclass(frozen=True)
class Member:
    """A member of the team as the people module records them on the costing date.
    ``pension_rate``: the employer's rate for the scheme they are in now (zero when not in one);
    ``in_pension``: whether they are in a pension scheme at all (someone who opted out stays out)."""

    key: str
    name: str
    partner: str
    scheme: str
    point: str
    annual_rate: Decimal
    fte: Decimal
    years_of_service: int
    in_pension: bool
    pension_rate: Decimal

    @property
    def salary(self) -> Decimal:
        return round_nearest_penny_half_up(self.annual_rate * self.fte)


@dataclass(frozen=True)
class Change:
    """The yearly change in the employer's cost of one term, once any protection has ended."""

    pay: Decimal
    employer_ni: Decimal
    employer_pension: Decimal
    hours: Decimal
    leave: Decimal

    @property
    def total(self) -> Decimal:
        return self.pay + self.employer_ni + self.employer_pension + self.hours + self.leave


@dataclass(frozen=True)
class MemberCost:
    member: Member
    new_point: str
    new_rate: Decimal
    new_weekly_hours: Decimal
    new_leave_days: Decimal
    present_leave_days: Decimal
    new_pension_rate: Decimal
    red_circled: bool
    protected: bool
    years: tuple[Decimal, ...]
    after: Change


@dataclass
class Option:
    """One way of harmonising to one candidate scheme."""

    scheme: str
    method: str
    protection_years: int
    members: list[MemberCost] = field(default_factory=list)
    by_partner: dict[str, list[Decimal]] = field(default_factory=dict)
    total: list[Decimal] = field(default_factory=list)

    @property
    def label(self) -> str:
        return METHODS[self.method]


def _point_for(scheme: SchemeTerms, rate: Decimal, method: str) -> tuple[str, Decimal, bool]:
    """The point a present full-time ``rate`` assimilates to, its rate, and whether the person keeps
    their own higher rate (red-circled, levelling up only)."""
    if not scheme.points:
        raise HarmoniseInputError(f"{scheme.name} has no pay points on the costing date.")
    if method == LEVEL_UP:
        for code, annual in scheme.points:
            if annual >= rate:
                return code, annual, False
        return scheme.points[-1][0], rate, True
    below = [(code, annual) for code, annual in scheme.points if annual <= rate]
    code, annual = below[-1] if below else scheme.points[0]
    return code, annual, False


def _oncosts(
    salary: Decimal, pension_rate: Decimal, employer_ni: Callable[[Decimal], Decimal]
) -> tuple[Decimal, Decimal]:
    return employer_ni(salary), round_nearest_penny_half_up(salary * pension_rate / 100)


def cost_member(
    member: Member,
    *,
    candidate: SchemeTerms,
    method: str,
    team: Mapping[str, SchemeTerms],
    candidate_pension_rate: Decimal,
    protection_years: int,
    employer_ni: Callable[[Decimal], Decimal],
) -> MemberCost:
    """One person harmonised to ``candidate`` by ``method`` (see the module's rules). ``team``: the
    schemes the team is on now, by code (the member's own among them); ``candidate_pension_rate``:
    the member's employer's rate for the candidate scheme's pension scheme."""
    own = team[member.scheme]
    if member.scheme == candidate.code:
        point, rate, red = member.point, member.annual_rate, False
    else:
        point, rate, red = _point_for(candidate, member.annual_rate, method)
    if method == LEVEL_UP:
        week = min(s.standard_weekly_hours for s in team.values())
        leave = max(s.leave_days(member.years_of_service) for s in team.values())
        pension = max(member.pension_rate, candidate_pension_rate)
    else:
        week = candidate.standard_weekly_hours
        leave = candidate.leave_days(member.years_of_service)
        pension = candidate_pension_rate
    if not member.in_pension:
        pension = ZERO
    present_leave = own.leave_days(member.years_of_service)
    old_salary = member.salary
    new_salary = round_nearest_penny_half_up(rate * member.fte)
    present_rate = member.pension_rate if member.in_pension else ZERO
    old_ni, old_pension = _oncosts(old_salary, present_rate, employer_ni)
    new_ni, new_pension = _oncosts(new_salary, pension, employer_ni)

    def hours_value(salary: Decimal) -> Decimal:
        return round_nearest_penny_half_up(salary * (own.standard_weekly_hours - week) / week)

    def leave_value(salary: Decimal) -> Decimal:
        return round_nearest_penny_half_up((leave - present_leave) * salary / WORKING_DAYS_A_YEAR)

    after = Change(
        pay=new_salary - old_salary,
        employer_ni=new_ni - old_ni,
        employer_pension=new_pension - old_pension,
        hours=hours_value(new_salary),
        leave=leave_value(new_salary),
    )
    protected = method == LEVEL_DOWN and new_salary < old_salary and protection_years > 0
    if protected:
        # Protected years: the present salary, its on-costs at the new pension rate, and the
        # week and leave valued at the pay actually paid.
        kept_ni, kept_pension = _oncosts(old_salary, pension, employer_ni)
        during = (
            (kept_ni - old_ni)
            + (kept_pension - old_pension)
            + hours_value(old_salary)
            + leave_value(old_salary)
        )
        years = tuple([during] * protection_years + [after.total])
    else:
        years = tuple([after.total] * (protection_years + 1))
    return MemberCost(
        member=member,
        new_point=point,
        new_rate=rate,
        new_weekly_hours=week,
        new_leave_days=leave,
        present_leave_days=present_leave,
        new_pension_rate=pension,
        red_circled=red,
        protected=protected,
        years=years,
        after=after,
    )


def harmonisation_options(
    members: Sequence[Member],
    *,
    schemes: Mapping[str, SchemeTerms],
    pension_rates: Mapping[tuple[str, str], Decimal],
    protection_years: int,
    employer_ni: Callable[[Decimal], Decimal],
) -> list[Option]:
    """Every candidate scheme (each scheme the team is on, by code) by both methods.
    ``pension_rates``: (partner, pension scheme) -> the partner's employer rate; a pair missing
    is a rate of zero, which the caller reports."""
    if protection_years < 0:
        raise HarmoniseInputError("Pay protection cannot be a negative number of years.")
    if not members:
        raise HarmoniseInputError("The team has no members to compare.")
    team = {code: schemes[code] for code in sorted({m.scheme for m in members})}
    options = []
    for code, candidate in team.items():
        for method in (LEVEL_UP, LEVEL_DOWN):
            option = Option(code, method, protection_years)
            for member in members:
                option.members.append(
                    cost_member(
                        member,
                        candidate=candidate,
                        method=method,
                        team=team,
                        candidate_pension_rate=pension_rates.get(
                            (member.partner, candidate.pension_scheme), ZERO
                        ),
                        protection_years=protection_years,
                        employer_ni=employer_ni,
                    )
                )
            width = protection_years + 1
            option.total = [ZERO] * width
            for cost in option.members:
                row = option.by_partner.setdefault(cost.member.partner, [ZERO] * width)
                for year, amount in enumerate(cost.years):
                    row[year] += amount
                    option.total[year] += amount
            option.by_partner = dict(sorted(option.by_partner.items()))
            options.append(option)
    return options
