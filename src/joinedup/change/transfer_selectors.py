"""Reads of transfer and secondment plans: the plan (seen by every partner involved in its
programme, else 404), its staff list (each person seen by their employer and by the receiving
body, never by another employer), the employee liability information, the comparison of a
transfer with a secondment, and the team's terms side by side with the cost of harmonising them.

Everything about a person is read from the people module's records as they stand the day before
the transfer; what it does not record is said to be "not recorded", never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.change import harmonise
from joinedup.change.models import RecognisedUnion, TransferKind, TransferPlan, TransferPlanMember
from joinedup.change.oncosts import NO_COST, PENSION_SCHEME_OF_TERMS, Cost, employer_ni_a_year, person_cost
from joinedup.change.redundancy import statutory_notice_weeks
from joinedup.change.selectors import SCOPE_READ, _pension_rates, involved_partner_ids, viewing_partners
from joinedup.change.transfer_rules import eli_days, eli_due, tupe_rules
from joinedup.core import rls
from joinedup.core.calendar import tax_year_label, tax_year_of
from joinedup.core.dates import people_date
from joinedup.core.money import ZERO, round_nearest_penny_half_up
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission, partner_ids_with
from joinedup.payroll.engine.ruleset import RulesError, TaxYearRules, load_rules
from joinedup.payroll.models import PayItem, PayItemKind
from joinedup.people.models import (
    Employment,
    EmploymentTerms,
    PayPoint,
    PensionScheme,
    PostHolding,
    TermsScheme,
)
from joinedup.people.rules import complete_years, pay_rate_on, prorate_leave

ONE_DAY = timedelta(days=1)
NOT_RECORDED = "not recorded"
NONE_RECORDED = "None recorded: joinedup holds no {what}; the employer adds any it holds"
PEOPLE_READ = "change: a transfer plan's employer and receiving body read its staff's terms"

# --- The plan ---------------------------------------------------------------------------------


def plans_of(user: Any, *, programme: Any) -> QuerySet[TransferPlan]:
    return (
        TransferPlan.objects.for_partners(viewing_partners(user))
        .filter(programme=programme)
        .select_related("receiving_partner")
        .order_by("transfer_date", "name")
    )


def plan_for(user: Any, *, plan_id: int) -> TransferPlan:
    found = (
        TransferPlan.objects.for_partners(partner_ids_with(user, "change.view"))
        .filter(pk=plan_id)
        .select_related("programme", "programme__partner", "receiving_partner", "partner")
        .first()
    )
    if found is None:
        raise Http404("No such transfer plan.")
    return found


def scope_employments(plan: TransferPlan, employers: list[int]) -> list[Employment]:
    """The employments at ``employers`` that hold a post in the programme's scope the day before
    the transfer (and are active then), not on the staff list already, by employer and payroll
    number: who "everyone in the scope" adds, and whom the page offers to add one by one."""
    eve = plan.transfer_date - ONE_DAY
    with rls.system_context(SCOPE_READ):
        post_ids = list(plan.programme.scope_posts.values_list("post_id", flat=True))
    holders = (
        PostHolding.objects.for_partners(employers)
        .filter(post_id__in=post_ids, start_date__lte=eve)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=eve))
        .values_list("employment_id", flat=True)
    )
    on_list = TransferPlanMember.objects.for_partners(employers).filter(plan=plan)
    have = on_list.values_list("employment_id", flat=True)
    return [
        e
        for e in Employment.objects.for_partners(employers)
        .filter(pk__in=holders)
        .exclude(pk__in=have)
        .select_related("partner", "person")
        .order_by("partner_id", "payroll_number")
        if e.is_active_on(eve)
    ]


def addable_employments(user: Any, *, plan: TransferPlan) -> list[Employment]:
    """Whom the user may put on the staff list: people in the programme's scope (see
    :func:`scope_employments`) at the plan's employers on which the user manages change."""
    employers = [
        pid
        for pid in involved_partner_ids(plan.programme)
        if pid != plan.receiving_partner_id and has_permission(user, "change.manage", pid)
    ]
    return scope_employments(plan, employers) if employers else []


def members_of(user: Any, *, plan: TransferPlan) -> list[TransferPlanMember]:
    """The staff list as the user may see it: their own partners' staff, or everyone when the user
    is at the receiving body."""
    # The receiving body reads the employers' employments and persons that the list names: the
    # list itself is scoped to the user's partners, and row-level security would hide the rest.
    with rls.system_context(PEOPLE_READ):
        return list(
            TransferPlanMember.objects.for_partners(partner_ids_with(user, "change.view"))
            .filter(plan=plan)
            .select_related("partner", "employment", "employment__person", "employment__org_unit")
            .order_by("partner__name", "employment__person__family_name", "employment__payroll_number")
        )


def member_for(user: Any, *, member_id: int) -> TransferPlanMember:
    with rls.system_context(PEOPLE_READ):
        found = (
            TransferPlanMember.objects.for_partners(partner_ids_with(user, "change.view"))
            .filter(pk=member_id)
            .select_related("plan", "plan__programme", "employment")
            .first()
        )
    if found is None:
        raise Http404("No such person on a transfer plan.")
    return found


@dataclass(frozen=True)
class EliStatus:
    """When the employee liability information is due (reg. 11(6)) and whether it is late."""

    due: date
    days: int
    source: str
    given_on: date | None
    late: bool
    message: str


def eli_status(plan: TransferPlan, *, today: date | None = None) -> EliStatus:
    today = timezone.localdate() if today is None else today
    rule = eli_days(plan.transfer_date)
    due = eli_due(plan.transfer_date)
    given = plan.eli_given_on
    if given is not None:
        late = given > due
        message = (
            f"Given on {people_date(given)}, after it was due on {people_date(due)}."
            if late
            else f"Given on {people_date(given)}, by {people_date(due)} as due."
        )
    else:
        late = today > due
        message = (
            f"Late: it was due by {people_date(due)}, {rule.value} days before the transfer, and is not "
            "recorded as given."
            if late
            else f"Due by {people_date(due)}, {rule.value} days before the transfer."
        )
    return EliStatus(due, rule.value, rule.source, given, late, message)


# --- What the people module records about each person ------------------------------------------


@dataclass(frozen=True)
class PersonTerms:
    member: TransferPlanMember
    terms: EmploymentTerms | None
    annual_rate: Decimal | None
    place: str
    allowances: list[str]
    pension_rate: Decimal | None


def _people(plan: TransferPlan, members: list[TransferPlanMember], on: date) -> list[PersonTerms]:
    """Each member's terms, rate, place of work and recurring allowances on ``on``. Runs in a
    system context: the receiving body reads the employers' records the plan gives it."""
    employments = [m.employment_id for m in members]
    partners = sorted({m.partner_id for m in members})
    with rls.system_context(PEOPLE_READ):
        terms: dict[int, EmploymentTerms] = {}
        for row in (
            EmploymentTerms.objects.for_partners(partners)
            .filter(employment_id__in=employments, effective_from__lte=on)
            .select_related("scheme", "pay_point")
            .order_by("employment_id", "effective_from")
        ):
            terms[row.employment_id] = row  # the latest on or before ``on``
        places: dict[int, str] = {}
        for holding in (
            PostHolding.objects.for_partners(partners)
            .filter(employment_id__in=employments, start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .select_related("post", "post__org_unit")
            .order_by("start_date")
        ):
            places[holding.employment_id] = holding.post.location or holding.post.org_unit.name
        allowances: dict[int, list[str]] = defaultdict(list)
        for item in (
            PayItem.objects.for_partners(partners)
            .filter(employment_id__in=employments, kind=PayItemKind.ADDITION, start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            # A one-off addition runs from and to one day; only recurring ones are allowances.
            .exclude(end_date=F("start_date"))
            .order_by("employment_id", "code")
        ):
            allowances[item.employment_id].append(f"{item.description}: £{item.amount:,} a pay period")
        rates = _pension_rates(partners, on)
    found = []
    for member in members:
        current = terms.get(member.employment_id)
        annual = None
        if current is not None:
            try:
                annual = pay_rate_on(current.pay_point, on)
            except ValidationError:
                annual = None
        unit = member.employment.org_unit
        place = places.get(member.employment_id) or (unit.name if unit else NOT_RECORDED)
        rate = None
        if current is not None and current.pension_scheme != PensionScheme.NONE:
            rate = rates.get((member.partner_id, current.pension_scheme))
        found.append(PersonTerms(member, current, annual, place, allowances[member.employment_id], rate))
    return found


# --- Employee liability information (TUPE 2006 reg. 11) ----------------------------------------

ELI_HEADER = [
    "employer",
    "payroll_number",
    "name",
    "date_of_birth",
    "age_at_transfer",
    "job_title",
    "place_of_work",
    "start_date",
    "continuous_service_date",
    "contract_type",
    "terms_scheme",
    "pay_point",
    "full_time_annual_salary",
    "fte",
    "annual_salary",
    "pay_frequency",
    "weekly_hours",
    "annual_leave_days",
    "pension_scheme",
    "employer_pension_rate",
    "statutory_notice_weeks",
    "contractual_notice",
    "sick_pay_scheme",
    "allowances",
    "disciplinary_action_last_2_years",
    "grievances_last_2_years",
    "claims_and_actions",
    "collective_agreements",
]


def _age(born: date, on: date) -> int:
    return complete_years(born, on)


def eli_rows(user: Any, *, plan: TransferPlan) -> list[list[Any]]:
    """The employee liability information of every person on the plan the user may see, one row
    each, by employer (reg. 11(2): identity and age; the particulars of employment an ERA 1996 s.1
    statement gives; disciplinary action and grievances within the last two years; claims and
    actions; collective agreements). What joinedup does not hold is said so."""
    plan_for(user, plan_id=plan.pk)
    members = members_of(user, plan=plan)
    eve = plan.transfer_date - ONE_DAY
    people = _people(plan, members, eve)
    years = tupe_rules().lookback_years
    unions: dict[int, list[str]] = defaultdict(list)
    with rls.system_context(PEOPLE_READ):
        for union in RecognisedUnion.objects.for_partners(sorted({m.partner_id for m in members})):
            unions[union.partner_id].append(union.get_union_display())
    rows = []
    for p in people:
        employment = p.member.employment
        person = employment.person
        terms = p.terms
        agreements = []
        if terms is not None:
            agreements.append(terms.scheme.name)
        agreements += [f"recognition of {u}" for u in unions[p.member.partner_id]]
        salary = (
            round_nearest_penny_half_up(p.annual_rate * terms.fte)
            if terms is not None and p.annual_rate is not None
            else None
        )
        leave = NOT_RECORDED
        if terms is not None:
            full = terms.scheme.leave_days(complete_years(employment.continuous_service_date, eve))
            leave = str(prorate_leave(full, terms.fte))
        rows.append(
            [
                p.member.partner.name,
                employment.payroll_number,
                person.full_name,
                person.date_of_birth.isoformat(),
                _age(person.date_of_birth, plan.transfer_date),
                employment.job_title or NOT_RECORDED,
                p.place,
                employment.start_date.isoformat(),
                employment.continuous_service_date.isoformat(),
                terms.get_contract_type_display() if terms else NOT_RECORDED,
                terms.scheme.name if terms else NOT_RECORDED,
                terms.pay_point.code if terms else NOT_RECORDED,
                p.annual_rate if p.annual_rate is not None else NOT_RECORDED,
                terms.fte if terms else NOT_RECORDED,
                salary if salary is not None else NOT_RECORDED,
                employment.get_pay_frequency_display(),
                terms.weekly_hours if terms else NOT_RECORDED,
                leave,
                terms.get_pension_scheme_display() if terms else NOT_RECORDED,
                p.pension_rate if p.pension_rate is not None else NOT_RECORDED,
                statutory_notice_weeks(start=employment.continuous_service_date, leaving=plan.transfer_date),
                NOT_RECORDED,
                NOT_RECORDED,
                "; ".join(p.allowances) or "none recorded",
                NONE_RECORDED.format(what=f"disciplinary records (last {years} years)"),
                NONE_RECORDED.format(what=f"grievance records (last {years} years)"),
                NONE_RECORDED.format(what="record of claims or actions"),
                "; ".join(agreements) or NOT_RECORDED,
            ]
        )
    return rows


# --- Transfer against secondment ----------------------------------------------------------------


@dataclass
class Arrangement:
    """One way of moving the group: who employs, whose terms, the pension, what each partner pays a
    year (pay, employer NI and employer pension), and what the people module records."""

    kind: str
    label: str
    employer: str
    terms: str
    pension: str
    records: str
    cost_by_partner: dict[str, Cost] = field(default_factory=dict)
    total: Cost = NO_COST


@dataclass
class TransferComparison:
    plan: TransferPlan
    on: date
    tax_year: str
    people: int
    receiving_is_lgps_employer: bool
    transfer: Arrangement
    secondment: Arrangement
    notes: list[str] = field(default_factory=list)


def _rules_for(on: date) -> TaxYearRules:
    try:
        return load_rules(tax_year_of(on))
    except RulesError as exc:
        raise ValidationError(
            f"No payroll rules for the tax year of {people_date(on)} yet: the group cannot be costed then."
        ) from exc


def _share(cost: Cost, percent: Decimal) -> Cost:
    return Cost(
        round_nearest_penny_half_up(cost.salary * percent / 100),
        round_nearest_penny_half_up(cost.employer_ni * percent / 100),
        round_nearest_penny_half_up(cost.employer_pension * percent / 100),
    )


def _minus(a: Cost, b: Cost) -> Cost:
    return Cost(a.salary - b.salary, a.employer_ni - b.employer_ni, a.employer_pension - b.employer_pension)


def transfer_comparison(user: Any, *, plan: TransferPlan) -> TransferComparison:
    """The plan's group (the staff the user may see) moved by a TUPE transfer and by a secondment,
    costed alike for a year from the transfer date (change.oncosts: salary, category A employer
    NI, employer pension at each partner's rate for the person's scheme)."""
    plan_for(user, plan_id=plan.pk)
    on = plan.transfer_date
    rules = _rules_for(on)
    members = members_of(user, plan=plan)
    people = _people(plan, members, on - ONE_DAY)
    receiving = plan.receiving_partner
    partner_ids = sorted({m.partner_id for m in members} | {receiving.pk})
    with rls.system_context(PEOPLE_READ):
        rates = _pension_rates(partner_ids, on)
        codes = dict(Partner.objects.filter(pk__in=partner_ids).values_list("pk", "code"))
    lgps = (receiving.pk, PensionScheme.LGPS_MAIN.value) in rates
    notes: set[str] = set()
    tupe: dict[str, Cost] = defaultdict(lambda: NO_COST)
    second: dict[str, Cost] = defaultdict(lambda: NO_COST)
    percent = plan.recharge_percent
    for p in people:
        number = p.member.employment.payroll_number
        if p.terms is None or p.annual_rate is None:
            notes.add(f"{number} has no terms or pay rate the day before the transfer: not costed.")
            continue
        scheme = p.terms.pension_scheme
        own_rate = p.pension_rate or ZERO
        if scheme != PensionScheme.NONE and p.pension_rate is None:
            notes.add(f"{p.member.partner.name} has no employer rate for {scheme}: none is counted.")
        # Seconded: the employer's cost at its own rate, the host recharged its share.
        cost = person_cost(rules, annual_rate=p.annual_rate, fte=p.terms.fte, pension_rate=own_rate)
        host = _share(cost, percent)
        employer = codes[p.member.partner_id]
        second[employer] += _minus(cost, host)
        second[receiving.code] += host
        # Transferred: the receiving body employs at its own rate for the scheme, if it has one.
        new_rate = rates.get((receiving.pk, scheme)) if scheme != PensionScheme.NONE else ZERO
        if new_rate is None:
            notes.add(
                f"{receiving.name} has no employer rate for {scheme}: transferred staff are costed at "
                "their present employer's rate until it joins the scheme or offers a broadly "
                "comparable one."
            )
            new_rate = own_rate
        tupe[receiving.code] += person_cost(
            rules, annual_rate=p.annual_rate, fte=p.terms.fte, pension_rate=new_rate
        )
    employers = sorted({codes[m.partner_id] for m in members})
    for code in employers:
        tupe.setdefault(code, NO_COST)
        second.setdefault(code, NO_COST)
    tupe.setdefault(receiving.code, NO_COST)
    second.setdefault(receiving.code, NO_COST)
    pension_lgps = (
        f"{receiving.name} is an LGPS employer (it has a fund rate): staff stay in the LGPS as its "
        "members, their service continuing."
        if lgps
        else f"{receiving.name} is not an LGPS employer: it must become an admitted body, or offer a "
        "broadly comparable scheme, for the staff's pension to be protected."
    )
    transfer = Arrangement(
        kind=TransferKind.TUPE,
        label="TUPE transfer",
        employer=f"{receiving.name}, from {people_date(on)}",
        terms="The transferring employer's terms, carried over and protected (TUPE reg. 4): changes "
        "for a reason connected with the transfer are void unless for an economic, technical or "
        "organisational reason entailing changes in the workforce.",
        pension=pension_lgps,
        records=f"A TUPE transfer in the people module: each employment ends on "
        f"{people_date(on - ONE_DAY)}, a new one at {receiving.name} starts on {people_date(on)} with the "
        "same continuous service, and its terms are flagged as protected.",
        cost_by_partner=dict(sorted(tupe.items())),
    )
    secondment = Arrangement(
        kind=TransferKind.SECONDMENT,
        label="Secondment",
        employer="Each present employer: " + ", ".join(employers),
        terms="Each employer's own terms, unchanged; the staff work for the host.",
        pension="Unchanged: each stays in their employer's scheme at the employer's rate.",
        records=f"A secondment of each employment to {receiving.name} from {people_date(on)}"
        + (f" to {people_date(plan.secondment_end)}" if plan.secondment_end else "")
        + f", with {percent.normalize():f}% of the cost recharged to {receiving.name} once it agrees.",
        cost_by_partner=dict(sorted(second.items())),
    )
    for arrangement in (transfer, secondment):
        total = NO_COST
        for cost in arrangement.cost_by_partner.values():
            total += cost
        arrangement.total = total
    return TransferComparison(
        plan=plan,
        on=on,
        tax_year=tax_year_label(rules.first_year, "-"),
        people=len(members),
        receiving_is_lgps_employer=lgps,
        transfer=transfer,
        secondment=secondment,
        notes=sorted(notes),
    )


# --- Terms side by side -------------------------------------------------------------------------


@dataclass(frozen=True)
class TermsRow:
    member: TransferPlanMember
    employer: str
    name: str
    payroll_number: str
    scheme: str
    point: str
    annual_rate: Decimal | None
    salary: Decimal | None
    weekly_hours: Decimal | None
    annual_leave: str
    sick_pay: str
    pension_scheme: str
    pension_rate: str
    notice: str
    allowances: str


@dataclass
class SideBySide:
    plan: TransferPlan
    on: date
    protection_years: int
    groups: list[tuple[str, list[TermsRow]]]
    options: list[harmonise.Option]
    schemes: dict[str, harmonise.SchemeTerms]
    notes: list[str] = field(default_factory=list)


def _scheme_terms(scheme: TermsScheme, on: date) -> harmonise.SchemeTerms:
    points = []
    for point in PayPoint.objects.filter(scheme=scheme).order_by("sort"):
        try:
            points.append((point.code, pay_rate_on(point, on)))
        except ValidationError:
            continue  # withdrawn, or not paid yet on the date
    return harmonise.SchemeTerms(
        code=scheme.code,
        name=scheme.name,
        standard_weekly_hours=scheme.standard_weekly_hours,
        leave=tuple((int(r["min_years"]), Decimal(str(r["days"]))) for r in scheme.leave_rules),
        points=tuple(sorted(points, key=lambda p: p[1])),
        pension_scheme=PENSION_SCHEME_OF_TERMS.get(scheme.code, ""),
    )


def _rate_shown(rate: Decimal | None, in_pension: bool) -> str:
    if not in_pension:
        return "none: not in a scheme"
    return NOT_RECORDED if rate is None else f"{rate}%"


def terms_side_by_side(user: Any, *, plan: TransferPlan, protection_years: int = 3) -> SideBySide:
    """The plan's team (the people the user may see) on their terms the day before the transfer,
    grouped by scheme, and the cost of harmonising them to each scheme they are on
    (change.harmonise), per partner and per year."""
    plan_for(user, plan_id=plan.pk)
    on = plan.transfer_date - ONE_DAY
    rules = _rules_for(plan.transfer_date)
    members = members_of(user, plan=plan)
    people = _people(plan, members, on)
    partner_ids = sorted({m.partner_id for m in members})
    with rls.system_context(PEOPLE_READ):
        rates = _pension_rates(partner_ids, on)
        codes = dict(Partner.objects.filter(pk__in=partner_ids).values_list("pk", "code"))
    groups: dict[str, list[TermsRow]] = defaultdict(list)
    team: list[harmonise.Member] = []
    schemes: dict[str, harmonise.SchemeTerms] = {}
    notes: set[str] = set()
    for p in people:
        employment = p.member.employment
        terms = p.terms
        years = complete_years(employment.continuous_service_date, on)
        weeks = statutory_notice_weeks(start=employment.continuous_service_date, leaving=plan.transfer_date)
        notice = f"statutory minimum {weeks} weeks (ERA 1996 s.86); contractual notice {NOT_RECORDED}"
        if terms is None:
            groups[NOT_RECORDED].append(
                TermsRow(
                    p.member,
                    codes[p.member.partner_id],
                    employment.person.full_name,
                    employment.payroll_number,
                    NOT_RECORDED,
                    NOT_RECORDED,
                    None,
                    None,
                    None,
                    NOT_RECORDED,
                    NOT_RECORDED,
                    NOT_RECORDED,
                    NOT_RECORDED,
                    notice,
                    "; ".join(p.allowances) or "none recorded",
                )
            )
            notes.add(f"{employment.payroll_number} has no terms recorded: left out of the costing.")
            continue
        leave = prorate_leave(terms.scheme.leave_days(years), terms.fte)
        salary = round_nearest_penny_half_up(p.annual_rate * terms.fte) if p.annual_rate is not None else None
        in_pension = terms.pension_scheme != PensionScheme.NONE
        groups[terms.scheme.name].append(
            TermsRow(
                member=p.member,
                employer=codes[p.member.partner_id],
                name=employment.person.full_name,
                payroll_number=employment.payroll_number,
                scheme=terms.scheme.name,
                point=terms.pay_point.code,
                annual_rate=p.annual_rate,
                salary=salary,
                weekly_hours=terms.weekly_hours,
                annual_leave=f"{leave} days",
                sick_pay=NOT_RECORDED,
                pension_scheme=terms.get_pension_scheme_display(),
                pension_rate=_rate_shown(p.pension_rate, in_pension),
                notice=notice,
                allowances="; ".join(p.allowances) or "none recorded",
            )
        )
        if p.annual_rate is None:
            notes.add(f"{employment.payroll_number} has no pay rate on {people_date(on)}: not costed.")
            continue
        if terms.scheme.code not in schemes:
            schemes[terms.scheme.code] = _scheme_terms(terms.scheme, on)
        if in_pension and p.pension_rate is None:
            notes.add(f"{p.member.partner.name} has no employer rate for {terms.pension_scheme}: 0% counted.")
        team.append(
            harmonise.Member(
                key=employment.payroll_number,
                name=employment.person.full_name,
                partner=codes[p.member.partner_id],
                scheme=terms.scheme.code,
                point=terms.pay_point.code,
                annual_rate=p.annual_rate,
                fte=terms.fte,
                years_of_service=years,
                in_pension=in_pension,
                pension_rate=p.pension_rate or ZERO,
            )
        )
    by_code = {(codes[pid], scheme): rate for (pid, scheme), rate in rates.items()}
    options = (
        harmonise.harmonisation_options(
            team,
            schemes=schemes,
            pension_rates=by_code,
            protection_years=protection_years,
            employer_ni=lambda pay: employer_ni_a_year(rules, pay),
        )
        if team
        else []
    )
    return SideBySide(
        plan=plan,
        on=on,
        protection_years=protection_years,
        groups=sorted(groups.items()),
        options=options,
        schemes=schemes,
        notes=sorted(notes),
    )


TERMS_HEADER = [
    "scheme",
    "employer",
    "payroll_number",
    "name",
    "pay_point",
    "full_time_annual_salary",
    "annual_salary",
    "weekly_hours",
    "annual_leave",
    "sick_pay_scheme",
    "pension_scheme",
    "employer_pension_rate",
    "notice",
    "allowances",
]


def terms_table(view: SideBySide) -> tuple[list[str], list[list[Any]]]:
    """The side-by-side terms as a table, one row a person, grouped by scheme."""
    rows: list[list[Any]] = []
    for scheme, members in view.groups:
        for r in members:
            rows.append(
                [
                    scheme,
                    r.employer,
                    r.payroll_number,
                    r.name,
                    r.point,
                    r.annual_rate if r.annual_rate is not None else NOT_RECORDED,
                    r.salary if r.salary is not None else NOT_RECORDED,
                    r.weekly_hours if r.weekly_hours is not None else NOT_RECORDED,
                    r.annual_leave,
                    r.sick_pay,
                    r.pension_scheme,
                    r.pension_rate,
                    r.notice,
                    r.allowances,
                ]
            )
    return list(TERMS_HEADER), rows


def eli_people_by_employer(user: Any, *, plan: TransferPlan) -> dict[int, int]:
    """How many of each employer's staff on the plan the user's export carries."""
    counts: dict[int, int] = defaultdict(int)
    for member in members_of(user, plan=plan):
        counts[member.partner_id] += 1
    return dict(counts)
