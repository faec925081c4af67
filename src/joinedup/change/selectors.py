"""Reads of workforce change. Each takes the user: a programme and its structure are found only
through a partner involved in it on which the user may view change (``change.view``), else 404;
people at risk only through their employer.

A programme's partners read each other's posts in its scope (the structure is joint), which the
database's row-level security would hide: those reads run in a named system context, after the
checks here have decided the user may see the programme.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from joinedup.change.models import (
    AtRisk,
    ChangeKind,
    ChangeProgramme,
    Milestone,
    ProgrammePartner,
    ProposedStructure,
    Redeployment,
    ScopePost,
    StrainFactorTable,
    StructureChange,
    VrDelegation,
    VrEligibility,
    VrInterest,
    VrWindow,
)
from joinedup.change.oncosts import NO_COST, PENSION_SCHEME_OF_TERMS, Cost, post_cost
from joinedup.change.redundancy import (
    SEXES,
    QuoteRequest,
    RedundancyQuote,
    StrainFactorMissing,
    StrainFactors,
    age_on,
    anniversary,
    number_text,
    quote_as_dict,
    redundancy_quote,
    redundancy_rules,
    scheme_named,
)
from joinedup.change.restructure import PostShape, changed_shape, is_match, new_shape, shape_of
from joinedup.change.strain import strain_factors_on
from joinedup.core import rls
from joinedup.core.calendar import tax_year_label, tax_year_of
from joinedup.core.dates import people_date
from joinedup.core.money import ZERO, round_nearest_penny_half_up
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import ROLE_PERMISSIONS, has_permission, partner_ids_with
from joinedup.payroll.engine.ruleset import RulesError, load_rules
from joinedup.payroll.models import EmployerPensionRate
from joinedup.payroll.statutory import contractual_weekly_pay
from joinedup.people.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    Employment,
    EmploymentTerms,
    OrgUnit,
    PayPoint,
    PensionScheme,
    Post,
    PostHolding,
    TermsScheme,
)
from joinedup.people.rules import pay_rate_on
from joinedup.people.selectors import leave_balance

ONE_DAY = timedelta(days=1)
SCOPE_READ = "change: a partner involved in a programme reads the posts and rates in its scope"
VACANCY_READ = "change: vacancies at the partners that accept redeployment from a programme"


# --- Programmes -----------------------------------------------------------------------------------


def viewing_partners(user: Any) -> list[int]:
    """The partners on which ``user`` may view workforce change; 403 when there are none."""
    partners = partner_ids_with(user, "change.view")
    if not partners:
        raise PermissionDenied("Your roles do not include workforce change.")
    return partners


def programmes_visible_to(user: Any) -> QuerySet[ChangeProgramme]:
    """Programmes led by, or involving, a partner on which the user may view change."""
    return (
        ChangeProgramme.objects.for_partners(viewing_partners(user))
        .select_related("partner", "owner")
        .order_by("-start_date", "name")
    )


def programme_for(user: Any, *, programme_id: int) -> ChangeProgramme:
    found = (
        ChangeProgramme.objects.for_partners(partner_ids_with(user, "change.view"))
        .filter(pk=programme_id)
        .select_related("partner", "owner")
        .first()
    )
    if found is None:
        raise Http404("No such programme.")
    return found


def involved_of(programme: ChangeProgramme) -> list[ProgrammePartner]:
    """The partners involved, the lead first."""
    rows = list(
        ProgrammePartner.objects.for_partner(programme.partner_id)
        .filter(programme=programme)
        .select_related("partner")
    )
    return sorted(rows, key=lambda r: (r.partner_id != programme.partner_id, r.partner.name))


def involved_partner_ids(programme: ChangeProgramme) -> list[int]:
    return [row.partner_id for row in involved_of(programme)]


def milestones_of(programme: ChangeProgramme) -> QuerySet[Milestone]:
    return programme.milestones.all()


def scope_posts_of(programme: ChangeProgramme) -> list[Post]:
    """The posts in scope, every involved partner's, as the establishment holds them now."""
    with rls.system_context(SCOPE_READ):
        ids = list(programme.scope_posts.values_list("post_id", flat=True))
        return list(
            Post.objects.for_partners(involved_partner_ids(programme))
            .filter(pk__in=ids)
            .select_related("partner", "org_unit", "scheme", "grade_min", "grade_max", "reports_to")
            .order_by("partner__name", "code")
        )


def structures_of(programme: ChangeProgramme) -> QuerySet[ProposedStructure]:
    return programme.structures.all()


def structure_for(user: Any, *, structure_id: int) -> ProposedStructure:
    found = (
        ProposedStructure.objects.for_partners(partner_ids_with(user, "change.view"))
        .filter(pk=structure_id)
        .select_related("programme", "programme__partner")
        .first()
    )
    if found is None:
        raise Http404("No such structure.")
    return found


def changes_of(structure: ProposedStructure) -> list[StructureChange]:
    with rls.system_context(SCOPE_READ):
        return list(
            structure.changes.select_related(
                "target_partner",
                "post",
                "post__scheme",
                "post__grade_max",
                "org_unit",
                "scheme",
                "grade_min",
                "grade_max",
                "reports_to",
                "reports_to_new",
                "pool",
            )
        )


# --- Current against proposed ---------------------------------------------------------------------


@dataclass(frozen=True)
class CostLine:
    """One post in the comparison, as it is or as proposed."""

    shape: PostShape
    partner: str
    scheme: str
    grade: str
    pension_scheme: str
    pension_rate: Decimal
    cost: Cost


@dataclass(frozen=True)
class ComparisonRow:
    partner: str
    scheme: str
    grade: str
    current_fte: Decimal
    proposed_fte: Decimal
    current: Cost
    proposed: Cost

    @property
    def fte_change(self) -> Decimal:
        return self.proposed_fte - self.current_fte

    @property
    def cost_change(self) -> Decimal:
        return self.proposed.total - self.current.total


@dataclass
class Comparison:
    """The posts in scope now and as the structure proposes them, costed alike on the structure's
    effective date (change.oncosts), by partner and grade, by partner, and in total."""

    structure: ProposedStructure
    on: date
    tax_year: str
    current_lines: list[CostLine]
    proposed_lines: list[CostLine]
    rows: list[ComparisonRow] = field(default_factory=list)
    partners: list[ComparisonRow] = field(default_factory=list)
    total: ComparisonRow = field(
        default_factory=lambda: ComparisonRow("", "", "", ZERO, ZERO, NO_COST, NO_COST)
    )
    notes: list[str] = field(default_factory=list)


def live_on(posts: QuerySet[Post], on: date) -> QuerySet[Post]:
    return posts.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def current_and_proposed(structure: ProposedStructure) -> tuple[list[PostShape], list[PostShape]]:
    """The posts in scope live on the effective date, and the same with the structure's changes
    not applied yet: deleted posts gone, changed posts changed, new posts added. Once a structure
    is applied the two are the same. Runs in the caller's system context."""
    programme = structure.programme
    ids = list(programme.scope_posts.values_list("post_id", flat=True))
    posts = live_on(
        Post.objects.for_partners(involved_partner_ids(programme)).filter(pk__in=ids),
        structure.effective_date,
    )
    current = [shape_of(p) for p in posts.order_by("partner_id", "code")]
    pending = {
        c.post_id: c
        for c in structure.changes.filter(applied_at__isnull=True).exclude(kind=ChangeKind.CREATE)
    }
    proposed: list[PostShape] = []
    for shape in current:
        change = pending.get(shape.post_id)
        if change is None:
            proposed.append(shape)
        elif change.kind == ChangeKind.CHANGE:
            proposed.append(changed_shape(shape, change))
    created = structure.changes.filter(applied_at__isnull=True, kind=ChangeKind.CREATE).order_by(
        "target_partner_id", "code"
    )
    proposed.extend(new_shape(c) for c in created)
    return current, proposed


def structure_comparison(user: Any, *, structure: ProposedStructure) -> Comparison:
    """Current against proposed: FTE and cost (salary, employer NI, employer pension) by partner
    and grade. The caller has found ``structure`` through ``structure_for``."""
    structure_for(user, structure_id=structure.pk)  # 404 unless the user may see it
    on = structure.effective_date
    try:
        rules = load_rules(tax_year_of(on))
    except RulesError as exc:
        raise ValidationError(
            f"No payroll rules for the tax year of {people_date(on)} yet: the posts cannot be costed then."
        ) from exc
    with rls.system_context(SCOPE_READ):
        current, proposed = current_and_proposed(structure)
        shapes = current + proposed
        partners = {p.pk: p for p in Partner.objects.filter(pk__in={s.partner_id for s in shapes})}
        schemes = {s.pk: s for s in TermsScheme.objects.filter(pk__in={s.scheme_id for s in shapes})}
        points = {p.pk: p for p in PayPoint.objects.filter(pk__in={s.grade_max_id for s in shapes})}
        rates = _pension_rates(list(partners), on)
        annual = {pk: pay_rate_on(point, on) for pk, point in points.items()}
    comparison = Comparison(structure, on, tax_year_label(rules.first_year, "-"), [], [])
    notes: set[str] = set()

    def line(shape: PostShape) -> CostLine:
        scheme = schemes[shape.scheme_id]
        pension = PENSION_SCHEME_OF_TERMS.get(scheme.code, "")
        partner = partners[shape.partner_id]
        rate = rates.get((shape.partner_id, pension))
        if not pension:
            notes.add(f"No pension scheme is known for {scheme.name}: its posts carry no pension on-cost.")
        elif rate is None:
            notes.add(
                f"{partner.name} has no employer rate for {pension} on {people_date(on)}: none is counted."
            )
        cost = post_cost(
            rules, annual_rate=annual[shape.grade_max_id], fte=shape.budgeted_fte, pension_rate=rate or ZERO
        )
        return CostLine(
            shape, partner.code, scheme.code, points[shape.grade_max_id].code, pension, rate or ZERO, cost
        )

    comparison.current_lines = [line(s) for s in current]
    comparison.proposed_lines = [line(s) for s in proposed]
    comparison.rows = _grouped(comparison, lambda ln: (ln.partner, ln.scheme, ln.grade))
    comparison.partners = _grouped(comparison, lambda ln: (ln.partner, "", ""))
    for total in _grouped(comparison, lambda ln: ("", "", "")):
        comparison.total = total
    comparison.notes = sorted(notes)
    return comparison


def _pension_rates(partner_ids: list[int], on: date) -> dict[tuple[int, str], Decimal]:
    rates: dict[tuple[int, str], Decimal] = {}
    for partner_id, scheme, rate in (
        EmployerPensionRate.objects.for_partners(partner_ids)
        .filter(effective_from__lte=on)
        .order_by("partner_id", "pension_scheme", "effective_from")
        .values_list("partner_id", "pension_scheme", "rate_percent")
    ):
        rates[(partner_id, scheme)] = rate  # later dates overwrite earlier ones
    return rates


def _grouped(comparison: Comparison, key: Any) -> list[ComparisonRow]:
    fte: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    cost: dict[tuple[str, str, str], list[Cost]] = defaultdict(lambda: [NO_COST, NO_COST])
    for side, lines in enumerate((comparison.current_lines, comparison.proposed_lines)):
        for ln in lines:
            k = key(ln)
            fte[k][side] += ln.shape.budgeted_fte
            cost[k][side] += ln.cost
    return [
        ComparisonRow(k[0], k[1], k[2], fte[k][0], fte[k][1], cost[k][0], cost[k][1]) for k in sorted(fte)
    ]


# --- People at risk and redeployment ----------------------------------------------------------------


def at_risk_of(user: Any, *, structure: ProposedStructure) -> QuerySet[AtRisk]:
    """The people the structure puts at risk, at the employers on which the user may view change
    (another employer's staff are not shown, even to a partner in the programme)."""
    return (
        AtRisk.objects.for_partners(viewing_partners(user))
        .filter(structure=structure)
        .select_related("partner", "employment", "employment__person", "post", "pool")
        .order_by("partner__name", "employment__person__family_name", "employment__payroll_number")
    )


def at_risk_for(user: Any, *, at_risk_id: int) -> AtRisk:
    found = (
        AtRisk.objects.for_partners(partner_ids_with(user, "change.view"))
        .filter(pk=at_risk_id)
        .select_related("partner", "employment__person", "post", "post__scheme", "structure__programme")
        .first()
    )
    if found is None:
        raise Http404("No such person at risk.")
    return found


def redeployments_of(at_risk: AtRisk) -> QuerySet[Redeployment]:
    return at_risk.redeployments.select_related("vacancy", "host_partner")


REDEPLOYMENT_READ = "change: a redeployment its host or the employer may see, with the person and post"


def redeployment_for(user: Any, *, redeployment_id: int) -> Redeployment:
    """A redeployment of the employer's or in a post of the host's (``change.view`` at either);
    404 otherwise. The person and their at-risk row are the employer's, which row-level security
    hides from the host: once access is settled on the redeployment itself, they are read with it
    in a stated system context."""
    ids = partner_ids_with(user, "change.view")
    if not Redeployment.objects.for_partners(ids).filter(pk=redeployment_id).exists():
        raise Http404("No such redeployment.")
    with rls.system_context(REDEPLOYMENT_READ):
        return (
            Redeployment.objects.for_partners(ids)
            .select_related(
                "partner",
                "host_partner",
                "vacancy",
                "at_risk__employment__person",
                "at_risk__post",
                "at_risk__structure__programme",
            )
            .get(pk=redeployment_id)
        )


def hosted_trials(user: Any, *, structure: ProposedStructure) -> list[Redeployment]:
    """The structure's redeployments into posts of partners where the user views change (another
    employer's, or their own): what a host follows and records the outcome of. The query names
    the host partners, so the system context (to join the employer's at-risk rows, which
    row-level security hides from the host) shows nothing else."""
    hosts = partner_ids_with(user, "change.view")
    with rls.system_context(REDEPLOYMENT_READ):
        return list(
            Redeployment.objects.for_partners(hosts)
            .filter(at_risk__structure=structure, host_partner__in=hosts)
            .select_related("vacancy", "host_partner")
            .order_by("vacancy__code", "pk")
        )


@dataclass(frozen=True)
class Vacancy:
    post: Post
    vacant_fte: Decimal


def scale_ranks(scheme_ids: set[int]) -> dict[int, int]:
    """Each pay point's place on its scheme's scale (0 at the bottom)."""
    ranks: dict[int, int] = {}
    counters: dict[int, int] = defaultdict(int)
    for pk, scheme_id in (
        PayPoint.objects.filter(scheme_id__in=scheme_ids)
        .order_by("scheme_id", "sort")
        .values_list("pk", "scheme_id")
    ):
        ranks[pk] = counters[scheme_id]
        counters[scheme_id] += 1
    return ranks


def redeployment_partner_ids(at_risk: AtRisk) -> list[int]:
    """The employer, and the programme's partners that accept redeployment."""
    programme = at_risk.structure.programme
    agreeing = [row.partner_id for row in involved_of(programme) if row.accepts_redeployment]
    return sorted({at_risk.partner_id, *agreeing})


def redeployment_matches(user: Any, *, at_risk: AtRisk, on: date | None = None) -> list[Vacancy]:
    """Vacancies that suit a person at risk (change.restructure.is_match) at their employer and
    at the programme's partners that accept redeployment; not posts the structure deletes."""
    at_risk_for(user, at_risk_id=at_risk.pk)  # 404 unless the user may see this person
    on = on or timezone.localdate()
    partners = redeployment_partner_ids(at_risk)
    with rls.system_context(VACANCY_READ):
        going = set(
            StructureChange.objects.for_partner(at_risk.structure.partner_id)
            .filter(structure__programme=at_risk.structure.programme_id, kind=ChangeKind.DELETE)
            .values_list("post_id", flat=True)
        )
        posts = list(
            live_on(Post.objects.for_partners(partners), on)
            .exclude(pk__in=going | {at_risk.post_id})
            .filter(scheme_id=at_risk.post.scheme_id, funded=True)
            .select_related("partner", "scheme", "grade_max", "org_unit")
            .order_by("partner__name", "code")
        )
        filled = dict(
            PostHolding.objects.for_partners(partners)
            .filter(post__in=[p.pk for p in posts], start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .values("post_id")
            .annotate(total=Sum("fte"))
            .values_list("post_id", "total")
        )
        ranks = scale_ranks({at_risk.post.scheme_id})
    own = shape_of(at_risk.post)
    found = []
    for post in posts:
        vacant = post.budgeted_fte - (filled.get(post.pk) or ZERO)
        if vacant > 0 and is_match(own, shape_of(post), ranks):
            found.append(Vacancy(post, vacant))
    return found


def org_units_in(unit_ids: list[int], partner_ids: list[int]) -> list[int]:
    """The units and every unit beneath them."""
    units = dict(OrgUnit.objects.for_partners(partner_ids).values_list("pk", "parent_id"))
    wanted = set(unit_ids)
    grew = True
    while grew:
        below = {pk for pk, parent in units.items() if parent in wanted} - wanted
        grew = bool(below)
        wanted |= below
    return sorted(wanted)


def may(user: Any, permission: str, partner_ids: list[int]) -> list[int]:
    """Those of ``partner_ids`` on which ``user`` holds ``permission`` (for pages that offer an
    action only to those who may take it; the service decides)."""
    return [p for p in partner_ids if has_permission(user, permission, p)]


# --- Voluntary redundancy ---------------------------------------------------------------------------

VR_OWN_READ = "change: an employee reads the voluntary redundancy windows open to them and their quote"


def vr_eligible(window: VrWindow, employment: Employment, on: date) -> bool:
    """Whether the window includes the employment: a current employment of the window's partner,
    and, for a window on the programme's scope, one holding a post in that scope on ``on``."""
    if employment.partner_id != window.partner_id or employment.start_date > on:
        return False
    if employment.end_date is not None and employment.end_date < on:
        return False
    if window.eligibility == VrEligibility.PARTNER:
        return True
    with rls.system_context(VR_OWN_READ):
        in_scope = ScopePost.objects.for_partners(involved_partner_ids(window.programme)).filter(
            programme_id=window.programme_id
        )
        return (
            PostHolding.objects.for_partner(window.partner_id)
            .filter(employment=employment, start_date__lte=on, post_id__in=in_scope.values("post_id"))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .exists()
        )


def vr_windows_of(user: Any, *, programme: ChangeProgramme) -> QuerySet[VrWindow]:
    """The programme's windows at the partners on which the user may view change."""
    return (
        VrWindow.objects.for_partners(viewing_partners(user))
        .filter(programme=programme)
        .select_related("partner")
        .order_by("partner__name", "-opens")
    )


def vr_window_for(user: Any, *, window_id: int) -> VrWindow:
    found = (
        VrWindow.objects.for_partners(partner_ids_with(user, "change.view"))
        .filter(pk=window_id)
        .select_related("partner", "programme")
        .first()
    )
    if found is None:
        raise Http404("No such voluntary redundancy window.")
    return found


def vr_interests_of(user: Any, *, window: VrWindow) -> QuerySet[VrInterest]:
    """Every expression of interest in the window, for its partner's HR."""
    return (
        VrInterest.objects.for_partners(viewing_partners(user))
        .filter(window=window)
        .select_related("employment__person", "decided_by")
        .order_by("employment__person__family_name", "employment__payroll_number", "submitted_at")
    )


def _user_id(user: Any) -> int:
    return int(user.pk) if getattr(user, "is_authenticated", False) and user.pk else 0


def own_vr_interests(user: Any) -> QuerySet[VrInterest]:
    """The signed-in employee's own expressions of interest, newest first."""
    return (
        VrInterest.objects.unscoped(reason="an employee reads their own voluntary redundancy interests")
        .filter(employment__person__user_id=_user_id(user))
        .select_related("window", "window__partner", "employment")
        .order_by("-submitted_at", "-pk")
    )


def vr_interest_for(user: Any, *, interest_id: int) -> VrInterest:
    """The employee's own expression of interest, or one at a partner on which the user may
    view change; anything else is 404."""
    found = own_vr_interests(user).filter(pk=interest_id).first()
    if found is None:
        found = (
            VrInterest.objects.for_partners(partner_ids_with(user, "change.view"))
            .filter(pk=interest_id)
            .select_related("window", "window__partner", "employment")
            .first()
        )
    if found is None:
        raise Http404("No such expression of interest.")
    return found


@dataclass(frozen=True)
class OpenWindow:
    window: VrWindow
    employment: Employment


def open_vr_windows(user: Any, *, today: date | None = None) -> list[OpenWindow]:
    """The windows open today that include one of the signed-in employee's employments."""
    today = timezone.localdate() if today is None else today
    with rls.system_context(VR_OWN_READ):
        employments = list(
            Employment.objects.unscoped(reason="an employee's own employments")
            .filter(person__user_id=_user_id(user))
            .select_related("partner")
        )
        found: list[OpenWindow] = []
        for employment in employments:
            windows = VrWindow.objects.for_partner(employment.partner_id).filter(
                opens__lte=today, closes__gte=today
            )
            for window in windows.select_related("partner", "programme"):
                if vr_eligible(window, employment, today):
                    found.append(OpenWindow(window, employment))
    return found


def _terms_on(employment: Employment, on: date) -> EmploymentTerms:
    terms = (
        EmploymentTerms.objects.for_partner(employment.partner_id)
        .filter(employment=employment, effective_from__lte=on)
        .select_related("pay_point", "scheme")
        .order_by("-effective_from")
        .first()
    )
    if terms is None:
        raise ValidationError(f"The employment has no terms on {people_date(on)}.")
    return terms


def vr_weekly_pay(employment: Employment, on: date) -> Decimal:
    """The contractual week's pay on ``on``: annual salary x FTE / 52, to the nearest penny (as
    payroll reads a week's pay from the terms: payroll.statutory.contractual_weekly_pay)."""
    terms = _terms_on(employment, on)
    annual = pay_rate_on(terms.pay_point, on)
    return round_nearest_penny_half_up(contractual_weekly_pay(annual, terms.fte))


# A full-time week is Monday to Friday, as people.rules counts working days and leave is held in
# full-time-equivalent days (people.rules.prorate_leave): a definition, not a rate.
FULL_TIME_DAYS_A_WEEK = Decimal(5)
HUNDREDTH = Decimal("0.01")


def vr_holiday_untaken(employment: Employment, leaving: date) -> tuple[Decimal, str]:
    """Annual leave accrued and untaken on the leaving date, in days, with a note of how it was
    found. Working Time Regulations 1998 reg. 14(3)(a): (A x B) - C, A the year's entitlement, B
    the part of the leave year employed up to the leaving date, C the leave taken (recorded as
    approved or requested, starting on or before the leaving date). Days to the hundredth, half
    up (no rule sets one). Bank holidays are not counted (people.rules)."""
    balance = leave_balance(employment, on=leaving)
    year_start = balance.year_start
    year_end = anniversary(year_start, 1) - ONE_DAY
    first = max(year_start, employment.start_date)
    part = Decimal((leaving - first).days + 1) / Decimal((year_end - year_start).days + 1)
    taken = (
        (
            Absence.objects.for_partner(employment.partner_id)
            .filter(
                employment=employment,
                kind=AbsenceKind.ANNUAL_LEAVE,
                status__in=[AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED],
                start_date__gte=year_start,
                start_date__lte=leaving,
            )
            .aggregate(total=Sum("working_days"))["total"]
        )
        or ZERO
    )
    accrued = balance.entitlement * part
    days = (accrued - taken).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    how = (
        f"Holiday: {number_text(balance.entitlement)} days a leave year from {people_date(year_start)}, "
        f"{number_text(accrued.quantize(HUNDREDTH, rounding=ROUND_HALF_UP))} accrued by the leaving date, "
        f"{number_text(taken)} taken or booked (WTR 1998 reg. 14); bank holidays not included."
    )
    if days < 0:
        return ZERO, how + " More leave is taken than accrued: nothing is owed, and none is recovered here."
    return days, how


@dataclass(frozen=True)
class VrQuote:
    """The whole indicative quote for an expression of interest, with notes saying what it is
    built on and what it leaves out because the records do not hold it."""

    quote: RedundancyQuote
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**quote_as_dict(self.quote), "notes": list(self.notes)}


def _strain_inputs(
    interest: VrInterest, terms: EmploymentTerms, notes: list[str]
) -> tuple[bool, str, StrainFactors | None]:
    """Whether the quote can include pension strain, the member's sex and the fund's factors;
    a note for every reason it cannot."""
    if terms.pension_scheme == PensionScheme.NONE:
        notes.append("Not in a pension scheme: no pension strain.")
        return False, "", None
    scheme = PensionScheme(terms.pension_scheme).label
    person = interest.employment.person
    age = age_on(person.date_of_birth, interest.leaving_date)
    minimum = redundancy_rules().strain_minimum_age_on(interest.leaving_date)
    if age < minimum:
        notes.append(
            f"A member of the {scheme} aged {age} on the leaving date, under {minimum}: "
            "no immediate pension, so no pension strain."
        )
        return False, "", None
    missing: list[str] = []
    if person.gender not in SEXES:
        missing.append("the member's sex (the fund's factors are by sex)")
    if not interest.pension_fund or interest.annual_pension is None:
        missing.append("the fund's estimate of the pension that would come into payment")
    factors = None
    if interest.pension_fund:
        factors = strain_factors_on(
            partner=interest.partner, fund=interest.pension_fund, on=interest.leaving_date
        )
        if factors is None:
            missing.append(f"a {interest.pension_fund} strain factor table in force on the leaving date")
    if missing:
        notes.append(
            f"A member of the {scheme} aged {age}: pension strain is due but not included, because "
            f"joinedup does not hold {'; '.join(missing)}."
        )
        return False, "", None
    source = f" ({interest.pension_source})" if interest.pension_source else ""
    notes.append(f"Pension strain on the {interest.pension_fund}'s estimate{source}.")
    return True, person.gender, factors


def vr_quote_whole(interest: VrInterest, *, today: date) -> VrQuote:
    """The quote from the people records and what HR recorded on the interest. For services and
    the selectors below, which decide first who may see it."""
    window = interest.window
    notes: list[str] = []
    with rls.system_context(VR_OWN_READ):
        employment = interest.employment
        on = min(today, interest.leaving_date)
        terms = _terms_on(employment, on)
        weekly = round_nearest_penny_half_up(
            contractual_weekly_pay(pay_rate_on(terms.pay_point, on), terms.fte)
        )
        if interest.contractual_notice_weeks is None:
            notes.append(
                "Contractual notice is not recorded: notice pay is on statutory notice alone "
                "(ERA 1996 s.86); the contract may give more."
            )
        holiday_days, holiday_note = vr_holiday_untaken(employment, interest.leaving_date)
        notes.append(holiday_note)
        member, sex, factors = _strain_inputs(interest, terms, notes)
        request = QuoteRequest(
            date_of_birth=employment.person.date_of_birth,
            start=employment.continuous_service_date,
            leaving=interest.leaving_date,
            weekly_pay=weekly,
            contractual_notice_weeks=interest.contractual_notice_weeks or ZERO,
            holiday_days_untaken=holiday_days,
            daily_rate=weekly / (FULL_TIME_DAYS_A_WEEK * terms.fte),
            pension_member=member,
            sex=sex,
            annual_pension=(interest.annual_pension or ZERO) if member else ZERO,
        )
    scheme = scheme_named(window.scheme) if window.scheme else None
    try:
        quote = redundancy_quote(request, scheme=scheme, strain_factors=factors)
    except StrainFactorMissing as missing:
        notes[-1] = f"Pension strain is due but not included: {missing}."
        quote = redundancy_quote(replace(request, pension_member=False), scheme=scheme)
    return VrQuote(quote, tuple(notes))


def vr_full_quote_for(user: Any, *, interest: VrInterest, today: date | None = None) -> VrQuote:
    """The whole indicative quote for an expression of interest: statutory redundancy pay and the
    window's enhanced scheme, pay in lieu of notice, accrued holiday pay and, for a scheme member
    of the minimum pension age, the pension strain from the fund's factor table. The employee
    sees their own; HR of the employer (change.view) sees all of its partner's; anyone else 404."""
    mine = interest.employment.person.user_id == _user_id(user) and _user_id(user) != 0
    if not mine and not has_permission(user, "change.view", interest.partner_id):
        raise Http404("No such expression of interest.")
    return vr_quote_whole(interest, today=timezone.localdate() if today is None else today)


def vr_quote_for(user: Any, *, interest: VrInterest, today: date | None = None) -> RedundancyQuote:
    """:func:`vr_full_quote_for` without its notes."""
    return vr_full_quote_for(user, interest=interest, today=today).quote


def vr_delegations_of(user: Any, *, partner: Partner) -> QuerySet[VrDelegation]:
    """The partner's scheme of delegation for voluntary redundancy, for those who manage its
    change or its members."""
    if not (
        has_permission(user, "change.view", partner)
        or has_permission(user, "partnership.manage_members", partner)
    ):
        raise Http404("No such partner.")
    return (
        VrDelegation.objects.for_partner(partner)
        .select_related("user")
        .order_by(F("up_to").asc(nulls_last=True), "title")
    )


def vr_delegation_for(user: Any, *, delegation_id: int) -> VrDelegation:
    """One delegation, for those who manage change or the members of its partner; 404 to anyone
    else (another partner's included)."""
    partners = sorted(
        set(partner_ids_with(user, "change.view")) | set(partner_ids_with(user, "partnership.manage_members"))
    )
    found = (
        VrDelegation.objects.for_partners(partners).filter(pk=delegation_id).select_related("user").first()
    )
    if found is None:
        raise Http404("No such delegation.")
    return found


def vr_delegation_candidates(partner: Partner) -> QuerySet[Any]:
    """The users a delegation may name at ``partner``: those who manage workforce change there
    (the service's rule), by name."""
    roles = [role for role, granted in ROLE_PERMISSIONS.items() if "change.manage" in granted]
    return (
        get_user_model()
        .objects.filter(memberships__partner=partner, memberships__role__in=roles, is_active=True)
        .distinct()
        .order_by("username")
    )


def member_named(partner: Partner, *, username: str) -> Any:
    """A user holding a role on ``partner``, by username; a ValidationError otherwise (naming
    someone who is not a member is a mistake in the request, not a secret)."""
    found = (
        Membership.objects.filter(partner=partner, user__username=username.strip())
        .select_related("user")
        .first()
    )
    if found is None:
        raise ValidationError(
            {"username": f"No member of {partner.name} has the username {username.strip()}."}
        )
    return found.user


def strain_tables_of(user: Any, *, partner: Partner) -> QuerySet[StrainFactorTable]:
    """The partner's pension funds' strain factor tables, newest first within each fund, with
    their number of rows."""
    if not has_permission(user, "change.view", partner.pk):
        raise PermissionDenied("You cannot see this partner's workforce change.")
    return (
        StrainFactorTable.objects.for_partner(partner)
        .annotate(rows=Count("factors"))
        .select_related("uploaded_by")
        .order_by("fund", "-effective_from")
    )
