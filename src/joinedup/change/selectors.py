"""Reads of workforce change. Each takes the user: a programme and its structure are found only
through a partner involved in it on which the user may view change (``change.view``), else 404;
people at risk only through their employer.

A programme's partners read each other's posts in its scope (the structure is joint), which the
database's row-level security would hide: those reads run in a named system context, after the
checks here have decided the user may see the programme.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet, Sum
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
    StructureChange,
)
from joinedup.change.oncosts import NO_COST, PENSION_SCHEME_OF_TERMS, Cost, post_cost
from joinedup.change.restructure import PostShape, changed_shape, is_match, new_shape, shape_of
from joinedup.core import rls
from joinedup.core.calendar import tax_year_label, tax_year_of
from joinedup.core.money import ZERO
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission, partner_ids_with
from joinedup.payroll.engine.ruleset import RulesError, load_rules
from joinedup.payroll.models import EmployerPensionRate
from joinedup.people.models import OrgUnit, PayPoint, Post, PostHolding, TermsScheme
from joinedup.people.rules import pay_rate_on

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
            f"No payroll rules for the tax year of {on:%d %B %Y} yet: the posts cannot be costed then."
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
            notes.add(f"{partner.name} has no employer rate for {pension} on {on:%d %B %Y}: none is counted.")
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


def redeployment_for(user: Any, *, redeployment_id: int) -> Redeployment:
    found = (
        Redeployment.objects.for_partners(partner_ids_with(user, "change.view"))
        .filter(pk=redeployment_id)
        .select_related("at_risk", "at_risk__employment__person", "vacancy", "host_partner")
        .first()
    )
    if found is None:
        raise Http404("No such redeployment.")
    return found


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
