"""Reads for the workforce-impact report (change/impact.py). Who reads it: at a partner involved
in the programme, those who view its workforce change (``change.view``: HR) and its union
representatives (``reports.view_aggregate``); a programme or a partner outside that answers
404. What leaves this module is tables of suppressed counts; the people, their records and their
equality answers are read in a named system context and never returned."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from joinedup.change import selectors
from joinedup.change.impact import ImpactReport, PersonFacts, PostFacts, people_tables, post_tables
from joinedup.change.models import AtRisk, AtRiskStatus, ChangeProgramme, VrInterest, VrStatus
from joinedup.core import rls
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.people.equality import age_band, age_band_labels, categories
from joinedup.people.models import (
    Employment,
    EmploymentTerms,
    PayPoint,
    PostHolding,
    ProtectedCharacteristics,
    TermsScheme,
)

READ_PERMISSIONS = ("change.view", "reports.view_aggregate")
COUNT_READ = "change: the workforce-impact report counts a partner's people in a programme (counts only)"
LEAVING = (AtRiskStatus.AT_RISK, AtRiskStatus.REDUNDANT)


def report_partners(user: Any) -> list[int]:
    return sorted({p for perm in READ_PERMISSIONS for p in partner_ids_with(user, perm)})


def programme_for(user: Any, *, programme_id: int) -> ChangeProgramme:
    found = (
        ChangeProgramme.objects.for_partners(report_partners(user))
        .filter(pk=programme_id)
        .select_related("partner")
        .first()
    )
    if found is None:
        raise Http404("No such programme.")
    return found


def partners_reportable(user: Any, programme: ChangeProgramme) -> list[Partner]:
    """The programme's partners whose report the user may read, the lead first."""
    readable = set(report_partners(user))
    return [row.partner for row in selectors.involved_of(programme) if row.partner_id in readable]


def impact_report_for(
    user: Any, *, programme_id: int, partner_code: str = "", on: date | None = None
) -> tuple[ImpactReport, list[Partner]]:
    """The report at one partner (``partner_code``, or the first the user may read) and the
    partners the user may choose between; 404 for a programme or partner outside their reach."""
    programme = programme_for(user, programme_id=programme_id)
    choices = partners_reportable(user, programme)
    chosen = next((p for p in choices if p.code == partner_code), None) if partner_code else choices[0]
    if chosen is None:
        raise Http404("No such partner in this programme.")
    return impact_report(programme, chosen, on=on or timezone.localdate()), choices


def impact_report(programme: ChangeProgramme, partner: Partner, *, on: date) -> ImpactReport:
    """The report as of ``on``. Not for views: they call :func:`impact_report_for`."""
    cats = categories()
    declined = cats.declined
    with rls.system_context(COUNT_READ):
        involved = selectors.involved_partner_ids(programme)
        structures = list(selectors.structures_of(programme).order_by("effective_date", "pk"))
        scope = list(programme.scope_posts.values_list("post_id", flat=True))
        holdings = (
            PostHolding.objects.for_partner(partner)
            .filter(post_id__in=scope, start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        )
        in_scope = set(holdings.values_list("employment_id", flat=True))
        leaving = set(
            AtRisk.objects.for_partner(partner)
            .filter(structure__programme=programme, status__in=LEAVING)
            .values_list("employment_id", flat=True)
        ) | set(
            VrInterest.objects.for_partner(partner)
            .filter(window__programme=programme, status=VrStatus.ACCEPTED)
            .values_list("employment_id", flat=True)
        )
        ids = in_scope | leaving
        employments = dict(
            Employment.objects.for_partner(partner)
            .filter(pk__in=ids)
            .values_list("pk", "person__date_of_birth")
        )
        persons = dict(
            Employment.objects.for_partner(partner).filter(pk__in=ids).values_list("pk", "person_id")
        )
        terms: dict[int, tuple[Any, ...]] = {}
        for employment_id, *row in (
            EmploymentTerms.objects.for_partner(partner)
            .filter(employment_id__in=ids, effective_from__lte=on)
            .order_by("employment_id", "effective_from", "pk")
            .values_list("employment_id", "fte", "scheme_id", "pay_point_id")
        ):
            terms[employment_id] = tuple(row)  # the latest on or before ``on`` wins
        answers = {
            person_id: (sex, ethnicity, disability)
            for person_id, sex, ethnicity, disability in ProtectedCharacteristics.objects.for_partner(partner)
            .filter(person_id__in=set(persons.values()))
            .values_list("person_id", "sex", "ethnicity", "disability")
        }
        scheme_codes = dict(TermsScheme.objects.values_list("pk", "code"))
        point_codes = dict(
            PayPoint.objects.filter(pk__in={t[2] for t in terms.values()}).values_list("pk", "code")
        )
        post_facts: list[PostFacts] = []
        structure = structures[-1] if structures else None
        if structure is not None:
            current, proposed = selectors.current_and_proposed(structure)
            codes = dict(Partner.objects.filter(pk__in=involved).values_list("pk", "code"))
            grades = dict(
                PayPoint.objects.filter(pk__in={s.grade_max_id for s in current + proposed}).values_list(
                    "pk", "code"
                )
            )
            for after, shapes in ((False, current), (True, proposed)):
                post_facts += [
                    PostFacts(
                        codes[s.partner_id],
                        grades[s.grade_max_id],
                        scheme_codes[s.scheme_id],
                        s.budgeted_fte,
                        after,
                    )
                    for s in shapes
                ]

    def label(table: dict[str, str], code: str) -> str:
        return table.get(code, NOT_RECORDED_LABEL) if code else NOT_RECORDED_LABEL

    people = []
    for employment_id in sorted(ids):
        born = employments.get(employment_id)
        held = terms.get(employment_id)
        if born is None:
            continue
        sex, ethnicity, disability = answers.get(persons[employment_id], ("", "", ""))
        if ethnicity == declined:
            group = cats.declined_label
        elif ethnicity:
            group = cats.ethnic_groups[cats.ethnic_group_of[ethnicity]]
        else:
            group = NOT_RECORDED_LABEL
        people.append(
            PersonFacts(
                grade=point_codes.get(held[2], NOT_RECORDED_LABEL) if held else NOT_RECORDED_LABEL,
                scheme=scheme_codes.get(held[1], NOT_RECORDED_LABEL) if held else NOT_RECORDED_LABEL,
                hours=("Full time" if held[0] >= 1 else "Part time") if held else NOT_RECORDED_LABEL,
                sex=label(cats.sex, sex),
                age_band=age_band(born, on),
                ethnic_group=group,
                disability=label(cats.disability, disability),
                leaving=employment_id in leaving,
            )
        )
    orders = {
        "sex": [*cats.sex.values(), NOT_RECORDED_LABEL],
        "age_band": age_band_labels(),
        "ethnic_group": [*cats.ethnic_groups.values(), cats.declined_label, NOT_RECORDED_LABEL],
        "disability": [*cats.disability.values(), NOT_RECORDED_LABEL],
        "hours": ["Full time", "Part time"],
    }
    report = ImpactReport(
        programme=programme.name,
        partner=partner.name,
        partner_code=partner.code,
        on=on,
        structure=structure.name if structure is not None else "",
        people=people_tables(people, orders=orders),
        posts=post_tables(post_facts, partner=partner.code),
    )
    report.notes = [
        f"People: {partner.name}'s employments in posts in the programme's scope on {people_date(on)}, "
        "and those at risk or leaving by voluntary redundancy in it. Leaving or at risk: people the "
        "programme's structures put at risk and not yet redeployed, slotted in or withdrawn, and "
        "accepted voluntary redundancies. Staying: the rest, the workforce after.",
        f"Counts from 1 to {report.minimum - 1} are hidden ([c]), and so are as many others as it "
        "takes for none to be worked out from the totals. Zeros are shown.",
        "Ethnic groups are the 5 high-level groups of the ONS Census 2021 classification; the "
        "age band is on the date of the report.",
        "Posts: the establishment in scope now and as the latest structure "
        f"({structure.name if structure else 'none yet'}) proposes it; not personal data, shown whole.",
    ]
    return report


NOT_RECORDED_LABEL = "Not recorded"
