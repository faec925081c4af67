"""Reads of collective consultation. A consultation is found through any partner involved in
its programme on which the user may consult (``change.consult``: HR) or speaks for a union
(``change.union``: union reps), else 404.

Everything here is numbers, never a person: the figures count the people at risk at the
establishment and the staff employed there, which are the employer's rows, so they are counted
in a named system context (the union rep of another partner in the programme could not read
them under row-level security, and must not: only the counts leave this module)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.change.consultation_rules import Duty, duty_for, most_within_window, rules_on
from joinedup.change.models import (
    AtRisk,
    AtRiskStatus,
    ChangeProgramme,
    Consultation,
    ConsultationDocument,
    ConsultationEntry,
    EntryKind,
    RecognisedUnion,
    Side,
    Union,
    UnionRepresentative,
)
from joinedup.core import rls
from joinedup.core.dates import people_date
from joinedup.partnership.permissions import partner_ids_with
from joinedup.people.models import Employment, PostHolding

COUNT_READ = "change: the numbers at risk and employed at a consultation's establishment (counts only)"
UNIONS_READ = "change: the unions an employer in a programme recognises"
READ_PERMISSIONS = ("change.consult", "change.union")


def reading_partners(user: Any) -> list[int]:
    return sorted({p for perm in READ_PERMISSIONS for p in partner_ids_with(user, perm)})


def _readable(user: Any) -> list[int]:
    partners = reading_partners(user)
    if not partners:
        raise PermissionDenied("Your roles do not include consultation with the unions.")
    return partners


def programme_for(user: Any, *, programme_id: int) -> ChangeProgramme:
    """A programme, for its consultations: found through a partner involved in it on which the
    user consults or represents a union."""
    found = (
        ChangeProgramme.objects.for_partners(reading_partners(user))
        .filter(pk=programme_id)
        .select_related("partner")
        .first()
    )
    if found is None:
        raise Http404("No such programme.")
    return found


def consultations_visible_to(user: Any) -> QuerySet[Consultation]:
    return (
        Consultation.objects.for_partners(_readable(user))
        .select_related("partner", "programme")
        .order_by("-start_date", "programme__name", "partner__name")
    )


def consultations_of(user: Any, *, programme: ChangeProgramme) -> QuerySet[Consultation]:
    return consultations_visible_to(user).filter(programme=programme)


def consultation_for(user: Any, *, consultation_id: int) -> Consultation:
    found = (
        Consultation.objects.for_partners(reading_partners(user))
        .filter(pk=consultation_id)
        .select_related("partner", "programme", "programme__partner")
        .first()
    )
    if found is None:
        raise Http404("No such consultation.")
    return found


def entry_for(user: Any, *, entry_id: int) -> ConsultationEntry:
    found = (
        ConsultationEntry.objects.for_partners(reading_partners(user))
        .filter(pk=entry_id)
        .select_related("consultation", "consultation__partner", "consultation__programme")
        .first()
    )
    if found is None:
        raise Http404("No such entry.")
    return found


def document_for(user: Any, *, document_id: int) -> ConsultationDocument:
    found = (
        ConsultationDocument.objects.for_partners(reading_partners(user))
        .filter(pk=document_id)
        .select_related("entry")
        .first()
    )
    if found is None:
        raise Http404("No such document.")
    return found


def unions_recognised(partner_id: int) -> list[str]:
    """The unions the partner recognises: public facts, read by every partner in a programme
    with it (so in a system context: another partner's rows are hidden by row-level security)."""
    with rls.system_context(UNIONS_READ):
        return list(
            RecognisedUnion.objects.for_partner(partner_id).order_by("union").values_list("union", flat=True)
        )


def union_of(user: Any, partner_id: int) -> str | None:
    """The union ``user`` represents at the partner (None: they represent none there)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        UnionRepresentative.objects.for_partner(partner_id)
        .filter(user_id=user.pk)
        .values_list("union", flat=True)
        .first()
    )


# --- The figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hr1Line:
    """One line of the draft HR1's numbers proposed redundant: a description of the employees
    (the post's title; the HR1 asks for the occupational group, which HR assigns from it)."""

    description: str
    number: int


@dataclass
class Figures:
    """A consultation's numbers: who is counted, the duty they bring, and the draft HR1."""

    consultation: Consultation
    at_risk_now: int  # non-withdrawn people at risk at the establishment, in the busiest 90 days
    number: int  # the number proposed: the largest of the above, the count at the start, the declared
    duty: Duty
    employed: int  # at the establishment on the start date
    lines: list[Hr1Line] = field(default_factory=list)
    not_yet_identified: int = 0
    unions: list[str] = field(default_factory=list)

    @property
    def establishment(self) -> str:
        c = self.consultation
        return f"{c.partner.name}, {c.establishment}" if c.establishment else c.partner.name

    @property
    def hr1_late(self) -> bool:
        sent, due = self.consultation.hr1_sent_on, self.duty.hr1_due
        return sent is not None and due is not None and sent > due

    def status(self, today: date) -> str:
        c = self.consultation
        if c.completed_on:
            return f"Complete on {people_date(c.completed_on)}"
        if today < c.start_date:
            return f"Begins on {people_date(c.start_date)}"
        if self.duty.collective and today <= self.duty.period_ends:
            left = (self.duty.period_ends - today).days + 1
            return (
                f"In progress: day {(today - c.start_date).days + 1} of {self.duty.period_days}, {left} to go"
            )
        return "In progress: the minimum period has run"


def _at_risk(consultation: Consultation) -> QuerySet[AtRisk]:
    rows = (
        AtRisk.objects.for_partner(consultation.partner_id)
        .filter(structure__programme=consultation.programme_id)
        .exclude(status=AtRiskStatus.WITHDRAWN)
    )
    if consultation.establishment:
        rows = rows.filter(post__location=consultation.establishment)
    return rows


def counted_at_risk(consultation: Consultation) -> int:
    """The most people at risk at the establishment whose structures take effect within one
    90-day period (s.188(1): "at one establishment within a period of 90 days or less")."""
    window = rules_on(consultation.start_date).window_days
    with rls.system_context(COUNT_READ):
        by_date = Counter(_at_risk(consultation).values_list("structure__effective_date", flat=True))
    return most_within_window(by_date.items(), window)


def employed_at(consultation: Consultation) -> int:
    on = consultation.start_date
    live = Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))
    with rls.system_context(COUNT_READ):
        if not consultation.establishment:
            return Employment.objects.for_partner(consultation.partner_id).filter(live).count()
        return (
            PostHolding.objects.for_partner(consultation.partner_id)
            .filter(live, post__location=consultation.establishment)
            .filter(Q(employment__end_date__isnull=True) | Q(employment__end_date__gte=on))
            .values("employment_id")
            .distinct()
            .count()
        )


def figures(consultation: Consultation) -> Figures:
    counted = counted_at_risk(consultation)
    number = max(counted, consultation.declared_number)
    with rls.system_context(COUNT_READ):
        titles = Counter(_at_risk(consultation).values_list("post__title", flat=True))
    lines = [Hr1Line(title, n) for title, n in sorted(titles.items())]
    identified = sum(titles.values())
    return Figures(
        consultation=consultation,
        at_risk_now=counted,
        number=number,
        duty=duty_for(number, consultation.start_date),
        employed=employed_at(consultation),
        lines=lines,
        not_yet_identified=max(number - identified, 0),
        unions=unions_recognised(consultation.partner_id),
    )


def hr1_draft(found: Figures) -> dict[str, Any]:
    """The draft HR1's figures (form HR1, "Advance notification of redundancies"), as plain
    values for a page or the API."""
    c = found.consultation
    return {
        "employer": c.partner.name,
        "establishment": found.establishment,
        "total_employed_at_establishment": found.employed,
        "total_proposed_redundant": found.number,
        "proposed_redundant_by_description": [
            {"description": line.description, "number": line.number} for line in found.lines
        ]
        + (
            [{"description": "Not yet identified", "number": found.not_yet_identified}]
            if found.not_yet_identified
            else []
        ),
        "reasons": c.reasons,
        "selection_method": c.selection_method,
        "dismissal_method": c.dismissal_method,
        "consultation_start": c.start_date,
        "proposed_first_dismissal": c.proposed_first_dismissal,
        "proposed_last_dismissal": c.proposed_last_dismissal,
        "unions_consulted": [Union(u).label for u in found.unions],
        "hr1_due": found.duty.hr1_due,
        "hr1_sent_on": c.hr1_sent_on,
    }


# --- The log and its timeline -----------------------------------------------------------------


def entries_of(consultation: Consultation) -> list[ConsultationEntry]:
    return list(
        ConsultationEntry.objects.for_partner(consultation.partner_id)
        .filter(consultation=consultation)
        .select_related("author", "reply_to")
        .prefetch_related("documents")
        .order_by("occurred_on", "created_at", "id")
    )


@dataclass(frozen=True)
class Moment:
    """One thing on the timeline: a log entry, or one of the consultation's own dates."""

    on: date
    kind: str  # an EntryKind value, or "milestone"
    label: str
    title: str
    side: str = ""
    union: str = ""
    entry: ConsultationEntry | None = None


def timeline(consultation: Consultation, found: Figures) -> list[Moment]:
    """Everything in date order: the start, the HR1 date, each entry, the end of the minimum
    period, and the completion."""
    moments = [Moment(consultation.start_date, "milestone", "Consultation", "Collective consultation begins")]
    if found.duty.hr1_due:
        moments.append(
            Moment(
                found.duty.hr1_due,
                "milestone",
                "HR1",
                "Last day for form HR1 to reach the Secretary of State",
            )
        )
    if consultation.hr1_sent_on:
        moments.append(Moment(consultation.hr1_sent_on, "milestone", "HR1", "Form HR1 sent"))
    labels = dict(EntryKind.choices)
    unions = dict(Union.choices)
    for entry in entries_of(consultation):
        who = unions.get(entry.union, "") if entry.side == Side.UNION else "Management"
        moments.append(
            Moment(entry.occurred_on, entry.kind, labels[entry.kind], entry.title, entry.side, who, entry)
        )
    if found.duty.collective:
        moments.append(
            Moment(
                found.duty.period_ends,
                "milestone",
                "Minimum period",
                f"The {found.duty.period_days}-day minimum period ends",
            )
        )
    if consultation.completed_on:
        moments.append(Moment(consultation.completed_on, "outcome", "Outcome", "Consultation complete"))
    order = {"milestone": 0}
    return sorted(moments, key=lambda m: (m.on, order.get(m.kind, 1)))


def establishments(programme: ChangeProgramme, partner_ids: list[int]) -> list[tuple[int, str, int]]:
    """(partner, location, people at risk) for the programme's people at risk at ``partner_ids``,
    to choose an establishment from."""
    with rls.system_context(COUNT_READ):
        rows = Counter(
            AtRisk.objects.for_partners(partner_ids)
            .filter(structure__programme=programme)
            .exclude(status=AtRiskStatus.WITHDRAWN)
            .values_list("partner_id", "post__location")
        )
    return sorted((p, loc, n) for (p, loc), n in rows.items())
