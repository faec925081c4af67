"""Reads of business cases. Each takes the user: a case is found only through a partner involved in
it on which the user may view business cases (``businesscase.view``), or, for a union
representative (``businesscase.view_published``), only when a version of it is published; else 404.

What each reader sees of a version:

- the case's owner (the shared-services body's staff): everything, every partner's share;
- a partner involved: the options' appraisals with the partnership's totals and its own share,
  its own baseline rows and those other partners have shared, and the partnership's totals by
  function (added up in a named system context: the totals, never the rows);
- a union representative: published versions only, the appraisals and the totals, no shares and
  no partner's baseline rows.

"Approved by the partnership" is a version on which every partner that must approve has, as its
latest decision on that version, approved (with or without conditions).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.http import Http404

from joinedup.businesscase import appraisal
from joinedup.businesscase.models import (
    APPROVING,
    AllocationKey,
    Baseline,
    BusinessCase,
    CasePartner,
    CaseVersion,
    Decision,
    Function,
    Option,
    OptionLine,
)
from joinedup.core import rls
from joinedup.core.money import PENNY, ZERO
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.permissions import partner_ids_with

VIEW = "businesscase.view"
PUBLISHED = "businesscase.view_published"
TOTALS_READ = "business case: the partnership's totals of every partner's baseline, by function"


# --- Which cases, and how much of them --------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """A user's reach into one case: ``partners`` are the involved partners on which they may view
    it in full; ``published_only`` when they may read only its published versions; ``owner`` when
    they view it as (one of) the partner(s) owning it."""

    case: BusinessCase
    partners: frozenset[int]
    published_only: bool
    owner: bool


def _published_exists() -> Exists:
    return Exists(
        CaseVersion.objects.unscoped(reason="subquery: does the case have a published version").filter(
            case=OuterRef("pk"), published=True
        )
    )


def cases_visible_to(user: Any) -> QuerySet[BusinessCase]:
    full, published = partner_ids_with(user, VIEW), partner_ids_with(user, PUBLISHED)
    if not full and not published:
        raise PermissionDenied("Your roles do not include business cases.")
    ids = set(BusinessCase.objects.for_partners(full).values_list("pk", flat=True)) if full else set()
    if published:
        ids |= set(
            BusinessCase.objects.for_partners(published)
            .filter(_published_exists())
            .values_list("pk", flat=True)
        )
    return (
        BusinessCase.objects.for_partners([*full, *published])
        .filter(pk__in=ids)
        .select_related("partner")
        .order_by("name")
    )


def case_for(user: Any, *, case_id: int) -> Access:
    full, published = partner_ids_with(user, VIEW), partner_ids_with(user, PUBLISHED)
    case = (
        BusinessCase.objects.for_partners([*full, *published])
        .filter(pk=case_id)
        .select_related("partner")
        .first()
    )
    if case is None:
        raise Http404("No such business case.")
    involved = set(involved_ids(case))
    seeing = frozenset(involved & set(full))
    if seeing:
        return Access(case=case, partners=seeing, published_only=False, owner=case.partner_id in seeing)
    if not (involved & set(published)) or not versions_of_case(case).filter(published=True).exists():
        raise Http404("No such business case.")
    return Access(case=case, partners=frozenset(), published_only=True, owner=False)


_INVOLVED = "_joinedup_involved"


def involved_of(case: BusinessCase) -> list[CasePartner]:
    """The partners involved, the owner first. Read once per case object: a page asks it of
    several selectors, and no service changes who is involved once the case exists."""
    cached: list[CasePartner] | None = getattr(case, _INVOLVED, None)
    if cached is None:
        rows = list(
            CasePartner.objects.for_partner(case.partner_id).filter(case=case).select_related("partner")
        )
        cached = sorted(rows, key=lambda r: (r.partner_id != case.partner_id, r.partner.name))
        setattr(case, _INVOLVED, cached)
    return list(cached)


def involved_ids(case: BusinessCase) -> list[int]:
    return [row.partner_id for row in involved_of(case)]


def versions_of_case(case: BusinessCase) -> QuerySet[CaseVersion]:
    return CaseVersion.objects.for_partner(case.partner_id).filter(case=case).order_by("number")


def versions_of(access: Access) -> list[CaseVersion]:
    versions = versions_of_case(access.case)
    if access.published_only:
        versions = versions.filter(published=True)
    return list(versions)


def version_for(access: Access, number: int | None = None) -> CaseVersion:
    """The version asked for, or the latest the user may read; 404 when there is none."""
    versions = versions_of(access)
    if number is None:
        if not versions:
            raise Http404("No version of this case can be shown.")
        return versions[-1]
    for version in versions:
        if version.number == number:
            return version
    raise Http404("No such version.")


# --- Decisions --------------------------------------------------------------------------------------


def decisions_of(case: BusinessCase) -> list[Decision]:
    """Every decision on every version, in order (decisions are the partnership's to read)."""
    return list(
        Decision.objects.for_partners(involved_ids(case))
        .filter(case=case)
        .select_related("partner", "version")
        .order_by("version__number", "decided_on", "pk")
    )


def standing_decisions(
    case: BusinessCase, every: list[Decision] | None = None
) -> dict[int, dict[int, Decision]]:
    """Version id -> partner id -> that partner's latest decision on that version (of ``every``
    decision, when the caller has read them already)."""
    out: dict[int, dict[int, Decision]] = defaultdict(dict)
    for decision in decisions_of(case) if every is None else every:
        out[decision.version_id][decision.partner_id] = decision
    return out


def required_ids(case: BusinessCase) -> list[int]:
    return [row.partner_id for row in involved_of(case) if row.must_approve]


def partnership_approval(
    case: BusinessCase,
    *,
    every: list[Decision] | None = None,
    versions: list[CaseVersion] | None = None,
) -> CaseVersion | None:
    """The latest version every partner that must approve has approved, or None (``every``
    decision and all the ``versions``, when the caller has read them already)."""
    required = required_ids(case)
    standing = standing_decisions(case, every)
    approved = None
    for version in versions_of_case(case) if versions is None else versions:
        decided = standing.get(version.pk, {})
        if required and all(p in decided and decided[p].outcome in APPROVING for p in required):
            approved = version
    return approved


@dataclass(frozen=True)
class VersionRow:
    version: CaseVersion
    decisions: list[Decision]  # every decision on it, in order
    standing: dict[int, Decision]
    approved_by_partnership: bool
    latest: bool


def version_rows(access: Access) -> list[VersionRow]:
    """Every version the reader may see, the latest first, with its decisions: four queries
    however many versions and decisions there are."""
    case = access.case
    every = decisions_of(case)
    standing = standing_decisions(case, every)
    all_versions = list(versions_of_case(case))
    approved = partnership_approval(case, every=every, versions=all_versions)
    versions = [v for v in all_versions if v.published or not access.published_only]
    last = all_versions[-1] if all_versions else None
    return [
        VersionRow(
            version=v,
            decisions=[d for d in every if d.version_id == v.pk],
            standing=standing.get(v.pk, {}),
            approved_by_partnership=approved is not None and approved.pk == v.pk,
            latest=last is not None and v.pk == last.pk,
        )
        for v in reversed(versions)
    ]


def deciding_partners(user: Any, access: Access) -> QuerySet[Partner]:
    """The involved partners for which the user may record a decision."""
    ids = set() if access.published_only else set(partner_ids_with(user, "businesscase.decide"))
    return Partner.objects.filter(pk__in=ids & set(involved_ids(access.case))).order_by("name")


def may_manage(user: Any, access: Access) -> bool:
    return access.case.partner_id in partner_ids_with(user, "businesscase.manage")


# --- The appraisal of each option ----------------------------------------------------------------------


@dataclass(frozen=True)
class OptionAppraisal:
    option: Option
    lines: list[OptionLine]
    result: appraisal.Appraisal
    cumulative_discounted: tuple[Decimal, ...]
    shares: tuple[appraisal.PartnerShare, ...]  # those the reader may see


def allocation_of(version: CaseVersion) -> dict[str, Decimal]:
    return {
        key.allocated.code: key.key
        for key in AllocationKey.objects.for_partner(version.partner_id)
        .filter(version=version)
        .select_related("allocated")
    }


def to_line(row: OptionLine) -> appraisal.Line:
    return appraisal.Line(
        name=row.name,
        kind=row.kind,
        amounts=tuple(Decimal(a) for a in row.amounts),
        optimism_bias=row.optimism_bias,
        delay_years=row.delay_years,
        one_off=row.one_off,
    )


def option_appraisals(access: Access, version: CaseVersion) -> list[OptionAppraisal]:
    case = access.case
    schedule = appraisal.green_book()
    allocation = allocation_of(version)
    codes = set(Partner.objects.filter(pk__in=access.partners).values_list("code", flat=True))
    out = []
    for option, lines in options_with_lines(case, version):
        result = appraisal.appraise(
            [to_line(line) for line in lines],
            years=version.horizon,
            schedule=schedule,
            allocation=allocation or None,
        )
        running, cumulative = ZERO, []
        for net, factor in zip(result.net, result.discount_factors, strict=True):
            running += net * factor
            cumulative.append(appraisal.to_penny(running))
        if access.owner:
            shares = result.shares
        elif access.published_only:
            shares = ()
        else:
            shares = tuple(s for s in result.shares if s.partner in codes)
        out.append(
            OptionAppraisal(
                option=option,
                lines=lines,
                result=result,
                cumulative_discounted=tuple(cumulative),
                shares=shares,
            )
        )
    return out


# --- Baselines ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionTotal:
    function: str
    label: str
    staff_cost: Decimal
    fte: Decimal
    non_staff_cost: Decimal

    @property
    def total_cost(self) -> Decimal:
        return self.staff_cost + self.non_staff_cost


@dataclass(frozen=True)
class BaselineView:
    rows: list[Baseline]  # the rows this reader may see in detail
    totals: list[FunctionTotal]  # the partnership's, by function, of every partner's rows
    total: FunctionTotal
    hidden_partners: list[str] = field(default_factory=list)  # involved, detail not shared


def baselines_of(access: Access, version: CaseVersion) -> BaselineView:
    case = access.case
    rows: list[Baseline] = []
    if not access.published_only:
        rows = list(
            Baseline.objects.for_partners(sorted(access.partners))
            .filter(version=version)
            .select_related("partner")
            .order_by("partner__name", "function")
        )
    labels = dict(Function.choices)
    with rls.system_context(TOTALS_READ):
        sums = list(
            Baseline.objects.unscoped(reason="the partnership's totals of a case the reader may see")
            .filter(case=case, version=version)
            .values("function")
            .annotate(staff=Sum("staff_cost"), fte=Sum("fte"), other=Sum("non_staff_cost"))
        )
        with_rows = set(
            Baseline.objects.unscoped(reason="which partners have baseline rows in the version")
            .filter(case=case, version=version)
            .values_list("partner__name", flat=True)
        )
    order = {value: index for index, value in enumerate(Function.values)}
    totals = sorted(
        (
            FunctionTotal(
                function=s["function"],
                label=labels.get(s["function"], s["function"]),
                staff_cost=(s["staff"] or ZERO).quantize(PENNY),
                fte=(s["fte"] or ZERO).quantize(PENNY),
                non_staff_cost=(s["other"] or ZERO).quantize(PENNY),
            )
            for s in sums
        ),
        key=lambda t: order.get(t.function, 99),
    )
    total = FunctionTotal(
        function="total",
        label="Total",
        staff_cost=sum((t.staff_cost for t in totals), ZERO),
        fte=sum((t.fte for t in totals), ZERO),
        non_staff_cost=sum((t.non_staff_cost for t in totals), ZERO),
    )
    seen = {row.partner.name for row in rows}
    hidden = [] if access.published_only else sorted(with_rows - seen)
    return BaselineView(rows=rows, totals=totals, total=total, hidden_partners=hidden)


# --- Editing ------------------------------------------------------------------------------------------
#
# The edit pages reach only the latest version's rows: an older version's figures are what a
# partner decided on, and stay as they were. An object of another version, or of another case,
# answers 404 as another partner's would.


def require_manage(user: Any, access: Access) -> None:
    """Editing the case's figures is for those who manage business cases at its owner."""
    if not may_manage(user, access):
        raise PermissionDenied("Only the case's owner manages its options, baseline and keys.")


def latest_of(case: BusinessCase) -> CaseVersion:
    version = versions_of_case(case).last()
    if version is None:  # a case is made with version 1: only a broken database lacks one
        raise Http404("No version of this case.")
    return version


@dataclass(frozen=True)
class Editing:
    """The version an edit lands on now, and the partners whose decisions on it mean the edit
    makes a new version (their decisions staying on this one)."""

    version: CaseVersion
    decided_by: list[str]

    @property
    def makes_new_version(self) -> bool:
        return bool(self.decided_by)


def editing(case: BusinessCase) -> Editing:
    version = latest_of(case)
    names = (
        Decision.objects.for_partners(involved_ids(case))
        .filter(version=version)
        .order_by("partner__name")
        .values_list("partner__name", flat=True)
        .distinct()
    )
    return Editing(version=version, decided_by=list(names))


def option_for_edit(access: Access, option_id: int) -> Option:
    case = access.case
    option = (
        Option.objects.for_partner(case.partner_id)
        .filter(case=case, version=latest_of(case), pk=option_id)
        .select_related("case", "version")
        .first()
    )
    if option is None:
        raise Http404("No such option in the latest version.")
    return option


def line_for_edit(access: Access, line_id: int) -> OptionLine:
    case = access.case
    line = (
        OptionLine.objects.for_partner(case.partner_id)
        .filter(case=case, option__version=latest_of(case), pk=line_id)
        .select_related("option", "option__case", "option__version")
        .first()
    )
    if line is None:
        raise Http404("No such line in the latest version.")
    return line


def baseline_for_edit(access: Access, baseline_id: int) -> Baseline:
    """A baseline row of the latest version, found through the reader's partners (so the owner's
    staff, who manage the case, find every partner's)."""
    case = access.case
    row = (
        Baseline.objects.for_partners(sorted(access.partners))
        .filter(case=case, version=latest_of(case), pk=baseline_id)
        .select_related("partner")
        .first()
    )
    if row is None:
        raise Http404("No such baseline row in the latest version.")
    return row


def options_with_lines(case: BusinessCase, version: CaseVersion) -> list[tuple[Option, list[OptionLine]]]:
    """A version's options, each with its lines, in two queries."""
    lines_by_option: dict[int, list[OptionLine]] = defaultdict(list)
    for line in (
        OptionLine.objects.for_partner(case.partner_id).filter(option__version=version).order_by("pk")
    ):
        lines_by_option[line.option_id].append(line)
    options = Option.objects.for_partner(case.partner_id).filter(version=version).order_by("pk")
    return [(option, lines_by_option[option.pk]) for option in options]


@dataclass(frozen=True)
class KeyRow:
    partner: Partner
    key: Decimal | None


def allocation_rows(case: BusinessCase, version: CaseVersion) -> list[KeyRow]:
    """Each involved partner with its key in the version (None when it has none)."""
    keys = {
        k.allocated_id: k.key
        for k in AllocationKey.objects.for_partner(case.partner_id).filter(version=version)
    }
    return [KeyRow(partner=row.partner, key=keys.get(row.partner_id)) for row in involved_of(case)]


@dataclass(frozen=True)
class Sharing:
    partner: Partner
    shared: bool


def sharing_of(user: Any, access: Access) -> list[Sharing]:
    """The involved partners whose baseline sharing the user decides (``businesscase.manage``
    on the partner itself), each with whether it shares its detail now."""
    if access.published_only:
        return []
    mine = set(partner_ids_with(user, "businesscase.manage")) & set(involved_ids(access.case))
    if not mine:
        return []
    shared = set(
        Baseline.objects.for_partners(sorted(mine))
        .filter(case=access.case, partner__in=mine, shared=True)
        .values_list("partner_id", flat=True)
    )
    return [
        Sharing(partner=row.partner, shared=row.partner_id in shared)
        for row in involved_of(access.case)
        if row.partner_id in mine
    ]


def owner_choices(user: Any) -> QuerySet[Partner]:
    """The shared-services bodies at which the user may start a business case."""
    return Partner.objects.filter(
        pk__in=partner_ids_with(user, "businesscase.manage"), kind=PartnerKind.SHARED_SERVICE, active=True
    ).order_by("name")


def decisions_visible(access: Access) -> list[Decision]:
    """Every decision on a version the reader may see, in order."""
    visible = {v.pk for v in versions_of(access)}
    return [d for d in decisions_of(access.case) if d.version_id in visible]
