"""Reads of referrals and cases, each taking the viewer, so no caller can forget who is looking;
the reads of clinical content also write the access event, so no page or route can forget that.

Who sees what, on the case's partner (the employment's):

- **a case** (``case_for``, its status, priority, clinician and appointments): occupational
  health's administrators and clinicians (``wellbeing.view_cases``), and the employee it is about;
  anyone else gets 404, so another partner's case, or a colleague's, does not show it exists;
- **its clinical content** (``case_notes``, ``clinician_report``): clinicians of the partner
  (``wellbeing.clinical``) only; an administrator or the employee, who see the case, are refused
  (PermissionDenied); each read writes one ``CaseAccessEvent``;
- **the outcome report** once released (``referral_outcome``): the referrer of that referral only
  (a manager, or the HR officer who made it), and the read is logged; the employee reads their own
  once it is issued (``my_report``);
- **who has read a case** (``my_case_access``): the employee, of their own case; the partner's
  data-protection officer (``wellbeing.access_log``), every case of the partner
  (``access_events_for``), without content;
- **adjustment records** (``adjustment_records_for``, the register ``adjustment_register``): the
  partner's HR officers (``wellbeing.adjustments``) and occupational health; a line manager, their
  team's (``team_adjustments``, ``wellbeing.adjustments_team``); the adjustment's own words, its
  dates and where its review stands, never the case's clinical content or its report;
- **sickness absence on the case** (``case_sickness_absence``): the case's partner's clinicians,
  read through people's own absence selector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from joinedup.core.actors import SystemActor, is_system, user_of
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission, member_partners, partner_ids_with
from joinedup.people.models import Absence, AbsenceKind
from joinedup.people.selectors import absences_for, team_of
from joinedup.wellbeing import crypto
from joinedup.wellbeing.cases import refuse_own_case
from joinedup.wellbeing.models import (
    AccessPart,
    AdjustmentRecord,
    Appointment,
    Case,
    CaseAccessEvent,
    ClinicalNote,
    OutcomeReport,
    Referral,
    ReferralStatus,
    ReportStatus,
)

_OWN = "an employee reads their own occupational-health records"


def _user_id(user: Any) -> int:
    return int(user.pk) if not is_system(user) and getattr(user, "is_authenticated", False) and user.pk else 0


def _related(found: QuerySet[Case]) -> QuerySet[Case]:
    return found.select_related("partner", "referral", "employment__person", "clinician")


# --- cases -------------------------------------------------------------------------------------


def visible_cases(user: Any) -> QuerySet[Case]:
    """Every case ``user`` may see (not its clinical content): occupational health's, of the
    partners they hold ``wellbeing.view_cases`` on, and the user's own."""
    if is_system(user):
        return _related(Case.objects.unscoped(reason="the system reads every case"))
    staff = partner_ids_with(user, "wellbeing.view_cases")
    own = Q(employment__person__user_id=_user_id(user))
    if not staff:
        return _related(Case.objects.unscoped(reason=_OWN).filter(own))
    # The partner filter is the scope: the staff's partners, plus the user's own cases wherever
    # they are employed (as ``my_cases``), even where they hold no role.
    reason = "occupational health reads its partners' cases, and everyone their own"
    return _related(Case.objects.unscoped(reason=reason).filter(Q(partner_id__in=staff) | own))


def case_for(user: Any, *, case_id: int) -> Case:
    """The case, if ``user`` may see it; 404 otherwise (another partner's, a colleague's, or one
    the user referred: a referrer reads the outcome, not the case)."""
    found = visible_cases(user).filter(pk=case_id).first()
    if found is None:
        raise Http404("No such case.")
    return found


def cases_for(
    user: Any, *, partner: Partner | None = None, clinician: Any = None, status: str = ""
) -> QuerySet[Case]:
    """Occupational health's list of cases, newest first: of every partner the user holds
    ``wellbeing.view_cases`` on (or of ``partner``), narrowed to a clinician or a status."""
    partners = partner_ids_with(user, "wellbeing.view_cases")
    if partner is not None:
        partners = [p for p in partners if p == partner.pk]
    found = Case.objects.for_partners(partners)
    if clinician is not None:
        found = found.filter(clinician=clinician)
    if status:
        found = found.filter(status=status)
    return _related(found).order_by("-opened_at", "-pk")


def my_cases(user: Any) -> QuerySet[Case]:
    """The cases about the signed-in user, whichever partner employs them, newest first."""
    return _related(
        Case.objects.unscoped(reason=_OWN).filter(employment__person__user_id=_user_id(user))
    ).order_by("-opened_at", "-pk")


def appointments_of(user: Any, *, case_id: int) -> QuerySet[Appointment]:
    case = case_for(user, case_id=case_id)
    return (
        Appointment.objects.for_partner(case.partner_id)
        .filter(case=case)
        .select_related("clinician")
        .order_by("starts_at", "pk")
    )


# --- referrals ---------------------------------------------------------------------------------


def referrals_for(
    user: Any, *, partner: Partner | None = None, status: str = ReferralStatus.SENT
) -> QuerySet[Referral]:
    """Occupational health's inbox: the referrals of a status (sent, by default), oldest first."""
    partners = partner_ids_with(user, "wellbeing.view_cases")
    if partner is not None:
        partners = [p for p in partners if p == partner.pk]
    found = Referral.objects.for_partners(partners).filter(status=status)
    return found.select_related("partner", "employment__person", "referred_by").order_by("created_at", "pk")


def my_referrals(user: Any) -> QuerySet[Referral]:
    """The referrals the user made (as a manager or HR officer, or of themselves), newest first."""
    partners = [p.pk for p in member_partners(user)] if not is_system(user) else []
    found = Referral.objects.for_partners(partners).filter(referred_by_id=_user_id(user))
    return found.select_related("partner", "employment__person").order_by("-created_at", "-pk")


def referral_for(user: Any, *, referral_id: int) -> Referral:
    """The referral, for its referrer, occupational health, or the employee it is about; 404 else."""
    partners = [p.pk for p in member_partners(user)] if not is_system(user) else []
    seen = Q(referred_by_id=_user_id(user)) | Q(partner_id__in=partner_ids_with(user, "wellbeing.view_cases"))
    found = Referral.objects.for_partners(partners).filter(seen).filter(pk=referral_id).first()
    if found is None:
        found = (
            Referral.objects.unscoped(reason=_OWN)
            .filter(pk=referral_id, employment__person__user_id=_user_id(user))
            .first()
        )
    if found is None:
        raise Http404("No such referral.")
    return found


# --- clinical content: every read logged --------------------------------------------------------


def _log(user: Any, case: Case, part: str) -> CaseAccessEvent:
    label = user.label if isinstance(user, SystemActor) else str(user.get_full_name() or user.username)
    return CaseAccessEvent.objects.create(
        case=case, partner_id=case.partner_id, actor=user_of(user), actor_label=label[:150], part=part
    )


def _clinical_case(user: Any, case_id: int) -> Case:
    case = case_for(user, case_id=case_id)
    authorise(user, "wellbeing.clinical", case.partner_id)
    refuse_own_case(user, case)
    return case


@dataclass(frozen=True, repr=False)
class NoteText:
    """A note as a clinician reads it. Its repr leaves the text out: error pages and logs print reprs."""

    id: int
    author: str
    written_at: datetime
    text: str

    def __repr__(self) -> str:
        return f"NoteText(id={self.id}, author={self.author!r}, written_at={self.written_at!r})"


def case_notes(user: Any, *, case_id: int) -> list[NoteText]:
    """The case's clinical notes, oldest first, for a clinician of its partner; one access event."""
    case = _clinical_case(user, case_id)
    notes = (
        ClinicalNote.objects.for_partner(case.partner_id)
        .filter(case=case)
        .select_related("author")
        .order_by("written_at", "pk")
    )
    read = [
        NoteText(
            id=note.pk,
            author=str(note.author.get_full_name() or note.author.username),
            written_at=note.written_at,
            text=crypto.decrypt(note.ciphertext),
        )
        for note in notes
    ]
    _log(user, case, AccessPart.NOTES)
    return read


def clinician_report(user: Any, *, case_id: int) -> OutcomeReport | None:
    """The outcome report as the clinicians work on it (the draft, or what was issued), for a
    clinician of the case's partner; one access event, even when there is none yet."""
    case = _clinical_case(user, case_id)
    report = OutcomeReport.objects.for_partner(case.partner_id).filter(case=case).first()
    _log(user, case, AccessPart.DRAFT_REPORT)
    return report


def referral_outcome(user: Any, *, referral_id: int) -> OutcomeReport | None:
    """The released outcome of a referral, for the one who made it (None until it is released);
    each read of a released report is logged, so the employee sees that their referrer read it."""
    partners = partner_ids_with(user, "wellbeing.refer") if not is_system(user) else []
    referral = (
        Referral.objects.for_partners(partners).filter(pk=referral_id, referred_by_id=_user_id(user)).first()
    )
    if referral is None:
        raise Http404("No such referral.")
    report = (
        OutcomeReport.objects.for_partner(referral.partner_id)
        .filter(case__referral=referral, status=ReportStatus.RELEASED)
        .select_related("case")
        .first()
    )
    if report is not None:
        _log(user, report.case, AccessPart.OUTCOME)
    return report


def my_report(user: Any, *, case_id: int) -> OutcomeReport | None:
    """The employee's own outcome report, once issued (not the clinician's draft)."""
    case = my_cases(user).filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    return (
        OutcomeReport.objects.for_partner(case.partner_id)
        .filter(case=case)
        .exclude(status=ReportStatus.DRAFT)
        .first()
    )


@dataclass(frozen=True)
class ReportProgress:
    """Where a case's outcome report is, without a word of it: for pages that run the case."""

    status: str
    issued_at: datetime | None
    release_due: date | None
    released_at: datetime | None
    release_reason: str


def report_progress(user: Any, *, case_id: int) -> ReportProgress | None:
    """The report's status and dates (None before one is written), for whoever sees the case
    (occupational health's administrators and clinicians, the employee); no access event, as it
    holds no content."""
    case = case_for(user, case_id=case_id)
    found = (
        OutcomeReport.objects.for_partner(case.partner_id)
        .filter(case=case)
        .values("status", "issued_at", "release_due", "released_at", "release_reason")
        .first()
    )
    return ReportProgress(**found) if found is not None else None


# --- who has read a case -----------------------------------------------------------------------


def my_case_access(user: Any, *, case_id: int) -> QuerySet[CaseAccessEvent]:
    """Who has read the signed-in user's own case, and which part, newest first."""
    case = my_cases(user).filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    found = CaseAccessEvent.objects.for_partner(case.partner_id).filter(case=case).select_related("actor")
    return found.order_by("-at", "-pk")


def reader_roles(events: Iterable[CaseAccessEvent]) -> list[tuple[CaseAccessEvent, str]]:
    """Each event with ``reader_role``, each reader's roles looked up once."""
    seen: dict[tuple[int | None, int, str], str] = {}
    found = []
    for event in events:
        key = (event.actor_id, event.partner_id, event.part)
        if key not in seen:
            seen[key] = reader_role(event)
        found.append((event, seen[key]))
    return found


def reader_role(event: CaseAccessEvent) -> str:
    """The capacity in which the reader read the part, for the employee's "who has read my case".
    Only the referrer reads a released outcome (``referral_outcome``); clinical content is read by
    a clinician of the partner (``_clinical_case``) or by its data-protection officer answering the
    employee's own subject-access request (``case_notes_for_subject_access``), told apart by the
    roles the reader holds there now (the event records the read, not the role)."""
    if event.actor_id is None:
        return "joinedup itself (a system task)"
    if event.part == AccessPart.OUTCOME:
        return "The person who referred you"
    if has_permission(event.actor, "wellbeing.clinical", event.partner_id):
        return "Occupational health clinician"
    if has_permission(event.actor, "privacy.sar", event.partner_id):
        return "Data-protection officer, answering your subject-access request"
    return "No longer holds that role"


def access_events_for(
    user: Any, *, partner: Partner | int, case_id: int | None = None
) -> QuerySet[CaseAccessEvent]:
    """Every read of the partner's cases' clinical content, newest first, for its data-protection
    officer: who, when, which case, which part; never content."""
    authorise(user, "wellbeing.access_log", partner)
    found = CaseAccessEvent.objects.for_partner(partner)
    if case_id is not None:
        found = found.filter(case_id=case_id)
    return found.order_by("-at", "-pk")


# --- what HR and the clinician see beside the case ----------------------------------------------


ADJUSTMENTS = "wellbeing.adjustments"
ADJUSTMENTS_TEAM = "wellbeing.adjustments_team"
_SOONEST_REVIEW = F("review_on").asc(nulls_last=True)
REVIEW_DUE_DAYS = 30  # a review "due" falls within the next 30 days: time to arrange it


class AdjustmentStatus(StrEnum):
    UPCOMING = "upcoming"
    IN_PLACE = "in_place"
    REVIEW_DUE = "review_due"
    REVIEW_OVERDUE = "review_overdue"


ADJUSTMENT_STATUS_LABELS = {
    AdjustmentStatus.UPCOMING: "Not started yet",
    AdjustmentStatus.IN_PLACE: "In place",
    AdjustmentStatus.REVIEW_DUE: "Review due",
    AdjustmentStatus.REVIEW_OVERDUE: "Review overdue",
}


def adjustment_status(starts_on: date, review_on: date | None, *, as_of: date) -> AdjustmentStatus:
    """Where an adjustment stands on ``as_of``: not started, in place, its review due within
    ``REVIEW_DUE_DAYS`` days, or its review day passed."""
    if starts_on > as_of:
        return AdjustmentStatus.UPCOMING
    if review_on is not None and review_on < as_of:
        return AdjustmentStatus.REVIEW_OVERDUE
    if review_on is not None and review_on <= as_of + timedelta(days=REVIEW_DUE_DAYS):
        return AdjustmentStatus.REVIEW_DUE
    return AdjustmentStatus.IN_PLACE


def _status_filter(status: str, as_of: date) -> Q:
    """``adjustment_status`` as a filter, so a register pages in the database."""
    started = Q(starts_on__lte=as_of)
    due_by = as_of + timedelta(days=REVIEW_DUE_DAYS)
    return {
        AdjustmentStatus.UPCOMING: Q(starts_on__gt=as_of),
        AdjustmentStatus.REVIEW_OVERDUE: started & Q(review_on__lt=as_of),
        AdjustmentStatus.REVIEW_DUE: started & Q(review_on__gte=as_of, review_on__lte=due_by),
        AdjustmentStatus.IN_PLACE: started & (Q(review_on__isnull=True) | Q(review_on__gt=due_by)),
    }[AdjustmentStatus(status)]


def adjustment_records_for(user: Any, *, partner: Partner | int) -> QuerySet[AdjustmentRecord]:
    """The partner's adjustment records (what, from, review), for its HR officers and occupational
    health, soonest review first; no clinical content is on them."""
    if not (
        has_permission(user, ADJUSTMENTS, partner) or has_permission(user, "wellbeing.view_cases", partner)
    ):
        raise PermissionDenied("Adjustment records are for HR and occupational health.")
    found = AdjustmentRecord.objects.for_partner(partner).select_related(
        "employment__person", "employment__org_unit"
    )
    return found.order_by(_SOONEST_REVIEW, "pk")


def _narrowed(
    found: QuerySet[AdjustmentRecord], *, as_of: date, status: str, search: str
) -> QuerySet[AdjustmentRecord]:
    if status:
        found = found.filter(_status_filter(status, as_of))
    words = search.strip()
    if words:
        found = found.filter(
            Q(employment__payroll_number__iexact=words)
            | Q(employment__person__search_name__contains=words.casefold())
            | Q(employment__person__given_name__icontains=words)
            | Q(employment__person__family_name__icontains=words)
        )
    return found


def adjustment_register(
    user: Any, *, partner: Partner | int, as_of: date, status: str = "", search: str = ""
) -> QuerySet[AdjustmentRecord]:
    """HR's register of the partner's workplace adjustments, soonest review first (those with no
    review last), narrowed to a status on ``as_of`` (``AdjustmentStatus``) and to a name or
    payroll number. 403 for anyone but its HR officers and occupational health."""
    found = adjustment_records_for(user, partner=partner)
    return _narrowed(found, as_of=as_of, status=status, search=search)


def team_adjustments(
    user: Any, *, as_of: date, status: str = "", search: str = ""
) -> QuerySet[AdjustmentRecord]:
    """The adjustments of the manager's team on ``as_of`` (people.selectors.team_of), at partners
    where they hold ``wellbeing.adjustments_team``; 403 for anyone else."""
    managed = partner_ids_with(user, ADJUSTMENTS_TEAM)
    if not managed:
        raise PermissionDenied("Your team's adjustments are for its line managers.")
    team = [e for e in team_of(user, on=as_of) if e.partner_id in managed]
    found = (
        AdjustmentRecord.objects.for_partners(sorted({e.partner_id for e in team}))
        .filter(employment_id__in=[e.pk for e in team])
        .select_related("employment__person", "employment__org_unit")
        .order_by(_SOONEST_REVIEW, "pk")
    )
    return _narrowed(found, as_of=as_of, status=status, search=search)


def case_sickness_absence(user: Any, *, case_id: int) -> QuerySet[Absence]:
    """The employee's sickness absence at the case's partner, newest first, for its clinicians.
    Read through people's own absence selector, as the system: a clinician holds no
    ``people.view``, and this is the one part of the people record a case opens to them."""
    case = _clinical_case(user, case_id)
    reader = SystemActor(
        reason=f"an occupational-health clinician reads the sickness absence on case {case.pk}"
    )
    found = absences_for(reader, partner=case.partner)
    return found.filter(employment_id=case.employment_id, kind=AbsenceKind.SICKNESS).order_by(
        "-start_date", "-pk"
    )


def case_notes_for_subject_access(user: Any, *, partner: Partner | int, case_id: int) -> list[NoteText]:
    """A case's clinical notes, oldest first, for the partner's data-protection officer answering
    the employee's own subject-access request (privacy/sar_export.py): UK GDPR Article 15 gives the
    subject their own health data, so this is the one export that holds clinical text. Authorised
    by ``privacy.sar`` (the DPO holds no ``wellbeing.clinical``), and logged like every other read
    of clinical content: one access event. Another partner's case answers 404."""
    authorise(user, "privacy.sar", partner)
    partner_id = partner if isinstance(partner, int) else partner.pk
    case = Case.objects.for_partner(partner_id).filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    notes = ClinicalNote.objects.for_partner(partner_id).filter(case=case).order_by("written_at", "pk")
    read = [
        NoteText(id=note.pk, author="", written_at=note.written_at, text=crypto.decrypt(note.ciphertext))
        for note in notes
    ]
    _log(user, case, AccessPart.NOTES)
    return read
