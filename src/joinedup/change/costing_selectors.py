"""The database side of a programme's costing (change/costing.py): who leaves, on what pay and
service, with which scheme and strain factors; who is moved down a grade; what the structures
save. Set-based: one query per table however many people are in scope, then the pure calculator.

People's figures are the employer's: a user sees the one-off costs of the partners on which they
may view workforce change (``change.view``), and every involved partner's post savings (posts
are the joint structure's, as the comparison shows them).

The business case module reads the figures with :func:`programme_costing_figures`, a function
call with the partners named by its caller (which has authorised its own user)."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from joinedup.change import selectors
from joinedup.change.costing import (
    Leaver,
    ProgrammeCosting,
    Protection,
    RecurringSaving,
    costing_rules,
    estimated_lgps_pension,
    programme_costing,
)
from joinedup.change.models import (
    AtRisk,
    AtRiskReason,
    AtRiskStatus,
    ChangeProgramme,
    ProposedStructure,
    StrainFactor,
    StrainFactorTable,
    StructureChange,
    VrInterest,
    VrStatus,
    VrWindow,
)
from joinedup.change.redundancy import (
    EnhancedScheme,
    QuoteRequest,
    StrainFactors,
    UnknownScheme,
    redundancy_rules,
    scheme_named,
)
from joinedup.core import rls
from joinedup.core.actors import SystemActor
from joinedup.core.calendar import WEEKS_IN_YEAR
from joinedup.core.dates import people_date
from joinedup.core.money import ZERO, round_nearest_penny_half_up
from joinedup.partnership.models import Partner
from joinedup.people.models import Employment, EmploymentTerms, PayRate

ONE_DAY = timedelta(days=1)
LEAVING = (AtRiskStatus.AT_RISK, AtRiskStatus.REDUNDANT)
COSTING_READ = "change: a programme's costing reads the involved partners' posts in its scope"
FIGURES_ACTOR = SystemActor("change: the programme's costing, read by the business case")
ASSUMPTIONS = (
    "A person at risk whose post is deleted leaves the day before the structure takes effect; an "
    "accepted voluntary redundancy on the leaving date agreed.",
    "Redundancy pay is the partner's enhanced scheme of its voluntary redundancy window in the "
    "programme, or statutory redundancy pay where it has none.",
    "Notice is paid in lieu at the statutory minimum (contractual notice is not recorded); no "
    "accrued holiday is counted (untaken days are not recorded).",
    "Pension strain: LGPS members aged 55 or over, from the partner's strain factor table in force "
    "on the leaving date, on a pension estimated at 1/49 of pay a year in the scheme since "
    "April 2014 (rules/costing.toml).",
    "Pay protection: the loss of a person moved down a grade, for the protection years in "
    "rules/costing.toml.",
    "Savings: each structure's posts now less as proposed, at the top of the grade with employer "
    "NI and pension, from its effective date.",
)


@dataclass
class CostingInputs:
    leavers: list[Leaver] = field(default_factory=list)
    protections: list[Protection] = field(default_factory=list)
    savings: list[RecurringSaving] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)


@dataclass
class CostingView:
    programme: ChangeProgramme
    costing: ProgrammeCosting
    partners: list[str]  # codes whose people are costed
    assumptions: tuple[str, ...] = ASSUMPTIONS


class _Rates:
    """Pay rates of the points asked for, read in one query: the latest award on or before a day."""

    def __init__(self, point_ids: set[int]) -> None:
        self.by_point: dict[int, tuple[list[date], list[Decimal]]] = defaultdict(lambda: ([], []))
        for point_id, effective, annual in (
            PayRate.objects.filter(point_id__in=point_ids)
            .order_by("point_id", "effective_from")
            .values_list("point_id", "effective_from", "annual")
        ):
            days, amounts = self.by_point[point_id]
            days.append(effective)
            amounts.append(annual)

    def on(self, point_id: int, day: date) -> Decimal | None:
        days, amounts = self.by_point.get(point_id, ([], []))
        at = bisect_right(days, day)
        return amounts[at - 1] if at else None


def _terms_on(rows: list[tuple[date, Decimal, int, str]], day: date) -> tuple[date, Decimal, int, str] | None:
    found = None
    for row in rows:  # ordered by effective_from
        if row[0] > day:
            break
        found = row
    return found


def gather(programme: ChangeProgramme, partner_ids: list[int]) -> CostingInputs:
    """Everything the costing needs, for the people of ``partner_ids`` (and every partner's
    posts). Runs in a system context: the callers have decided who may see what."""
    out = CostingInputs()
    rules = costing_rules()
    with rls.system_context(COSTING_READ):
        involved = selectors.involved_partner_ids(programme)
        partners = dict(Partner.objects.filter(pk__in=involved).values_list("pk", "code"))
        structures = list(ProposedStructure.objects.for_partners(involved).filter(programme=programme))
        effective = {s.pk: s.effective_date for s in structures}
        people_partners = [p for p in partner_ids if p in partners]
        at_risk = list(
            AtRisk.objects.for_partners(people_partners)
            .filter(structure__in=effective, status__in=LEAVING)
            .order_by("structure__effective_date", "pk")
            .values_list("employment_id", "partner_id", "structure_id", "reasons", "change_id")
        )
        accepted = list(
            VrInterest.objects.for_partners(people_partners)
            .filter(window__programme=programme, status=VrStatus.ACCEPTED)
            .values_list("employment_id", "partner_id", "leaving_date", "window__scheme")
        )
        window_schemes = dict(
            VrWindow.objects.for_partners(people_partners)
            .filter(programme=programme)
            .exclude(scheme="")
            .order_by("opens")
            .values_list("partner_id", "scheme")
        )
        leaving: dict[int, tuple[int, date, str]] = {}  # employment -> partner, leaving day, scheme
        protect: dict[int, tuple[int, date, int | None]] = {}  # employment -> partner, from, new grade
        changes_needed: set[int] = set()
        for employment_id, partner_id, structure_id, reasons, change_id in at_risk:
            if AtRiskReason.DELETED in reasons:
                day = effective[structure_id] - ONE_DAY
                leaving.setdefault(employment_id, (partner_id, day, window_schemes.get(partner_id, "")))
            elif AtRiskReason.GRADE_DOWN in reasons:
                protect.setdefault(employment_id, (partner_id, effective[structure_id], change_id))
                changes_needed.add(change_id)
        for employment_id, partner_id, day, scheme in accepted:
            leaving[employment_id] = (partner_id, day, scheme)  # the agreed date wins
            protect.pop(employment_id, None)
        new_grade = dict(
            StructureChange.objects.for_partners(involved)
            .filter(pk__in=changes_needed)
            .values_list("pk", "grade_max_id")
        )
        ids = set(leaving) | set(protect)
        employments = {
            row[0]: row[1:]
            for row in Employment.objects.for_partners(people_partners)
            .filter(pk__in=ids)
            .values_list("pk", "continuous_service_date", "person__date_of_birth", "person__gender")
        }
        terms: dict[int, list[tuple[date, Decimal, int, str]]] = defaultdict(list)
        for employment_id, effective_from, fte, point_id, pension in (
            EmploymentTerms.objects.for_partners(people_partners)
            .filter(employment_id__in=ids)
            .order_by("employment_id", "effective_from", "pk")
            .values_list("employment_id", "effective_from", "fte", "pay_point_id", "pension_scheme")
        ):
            terms[employment_id].append((effective_from, fte, point_id, pension))
        points = {row[2] for rows in terms.values() for row in rows} | {
            g for g in new_grade.values() if g is not None
        }
        rates = _Rates(points)
        tables = list(
            StrainFactorTable.objects.for_partners(people_partners)
            .order_by("partner_id", "effective_from")
            .values_list("pk", "partner_id", "fund", "effective_from")
        )
        factor_rows: dict[int, list[tuple[str, int, int, Decimal]]] = defaultdict(list)
        for table_id, sex, years, months, factor in (
            StrainFactor.objects.for_partners(people_partners)
            .filter(table_id__in=[t[0] for t in tables])
            .values_list("table_id", "sex", "age_years", "age_months", "factor")
        ):
            factor_rows[table_id].append((sex, years, months, factor))
    strain_tables: dict[int, list[tuple[date, StrainFactors]]] = defaultdict(list)
    for table_id, partner_id, fund, effective_from in tables:
        strain_tables[partner_id].append(
            (effective_from, StrainFactors.from_rows(fund, effective_from, factor_rows[table_id]))
        )
    schemes: dict[str, EnhancedScheme | None] = {}

    def scheme_of(key: str) -> EnhancedScheme | None:
        if key not in schemes:
            try:
                schemes[key] = scheme_named(key) if key else None
            except UnknownScheme:
                out.problems.append(f"No enhanced scheme {key!r}: statutory redundancy pay is counted.")
                schemes[key] = None
        return schemes[key]

    for employment_id, (partner_id, day, scheme) in sorted(leaving.items()):
        facts = employments.get(employment_id)
        now = _terms_on(terms.get(employment_id, []), day)
        if facts is None or now is None:
            out.problems.append(f"Employment {employment_id} has no terms on {people_date(day)}: not costed.")
            continue
        start, born, gender = facts
        _, fte, point_id, pension = now
        annual = rates.on(point_id, day)
        if annual is None:
            out.problems.append(
                f"Employment {employment_id}: its pay point has no rate on {people_date(day)}."
            )
            continue
        pay = round_nearest_penny_half_up(annual * fte)
        member = pension.startswith("lgps")
        table = None
        for effective_from, candidate in strain_tables.get(partner_id, []):
            if effective_from <= day:
                table = candidate
        if member and not gender:
            out.problems.append(f"Employment {employment_id}: no sex recorded, so no strain factor.")
            member = False
        out.leavers.append(
            Leaver(
                partner=partners[partner_id],
                key=employment_id,
                request=QuoteRequest(
                    date_of_birth=born,
                    start=start,
                    leaving=day,
                    weekly_pay=round_nearest_penny_half_up(annual * fte / WEEKS_IN_YEAR),
                    pension_member=member,
                    sex=gender,
                    annual_pension=(
                        estimated_lgps_pension(annual_pay=pay, joined=start, leaving=day, rules=rules)
                        if member
                        else ZERO
                    ),
                ),
                scheme=scheme_of(scheme),
                strain_factors=table,
            )
        )
    for employment_id, (partner_id, day, moved_by) in sorted(protect.items()):
        now = _terms_on(terms.get(employment_id, []), day)
        grade = new_grade.get(moved_by) if moved_by is not None else None
        if now is None or grade is None:
            continue
        old, new = rates.on(now[2], day), rates.on(grade, day)
        if old is None or new is None or new >= old:
            continue
        out.protections.append(
            Protection(
                partners[partner_id], employment_id, day, round_nearest_penny_half_up((old - new) * now[1])
            )
        )
    for structure in structures:
        if structure.applied_at is not None:
            continue
        try:
            comparison = selectors.structure_comparison(FIGURES_ACTOR, structure=structure)
        except ValidationError as exc:
            out.problems.extend(exc.messages)
            continue
        for line in comparison.partners:
            saving = line.current.total - line.proposed.total
            if saving:
                out.savings.append(RecurringSaving(line.partner, structure.effective_date, saving))
    return out


def costing_of(programme: ChangeProgramme, partner_ids: list[int]) -> ProgrammeCosting:
    inputs = gather(programme, partner_ids)
    costing = programme_costing(
        leavers=inputs.leavers,
        protections=inputs.protections,
        savings=inputs.savings,
        rules=redundancy_rules(),
    )
    costing.problems = inputs.problems + costing.problems
    return costing


def programme_costing_for(user: Any, *, programme_id: int) -> CostingView:
    """The costing a user may see: 404 unless they may view the programme; people's costs of the
    partners on which they view change."""
    programme = selectors.programme_for(user, programme_id=programme_id)
    viewing = selectors.viewing_partners(user)
    involved = selectors.involved_partner_ids(programme)
    partner_ids = [p for p in involved if p in viewing]
    codes = list(Partner.objects.filter(pk__in=partner_ids).order_by("code").values_list("code", flat=True))
    return CostingView(programme, costing_of(programme, partner_ids), codes)


def programme_costing_figures(programme: ChangeProgramme, *, partners: list[Partner]) -> ProgrammeCosting:
    """For the business case module: the programme's costing with the people of ``partners``
    (the caller has authorised its user on them)."""
    return costing_of(programme, [p.pk for p in partners])
