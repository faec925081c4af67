"""Deleting occupational-health cases' content when their retention ends, and the legal holds that
stop it (issue 16). When a case's retention ends is ``retention.retention_ends`` under the
``occupational_health`` rule of rules/retention.toml (six years after the employment ends, or the
75th birthday if sooner; NHS Records Management Code of Practice 2021, Limitation Act 1980), taken
from the rule in force on the day the case closed.

- **Legal holds** (``place_legal_hold``, ``lift_legal_hold``): the partner's occupational-health
  administrators and its data-protection officer (``wellbeing.retention``). A hold in force stops
  the erasure; a lifted hold stays, with who lifted it, when and why. The audit events carry ids,
  the reference and dates: never the reason's words, nor anything clinical. They take plain
  arguments so the privacy app (issue 17) can place a person-wide hold by calling them per case.
- **Due** (``assess``, ``retention_overview``): a closed case not yet erased whose retention
  ended on or before the day; "held" when a hold is in force, "within the minimum" while its
  retention has not ended (or the person is still employed, which keeps it).
- **Erasure** (``erase_case_content``): each of ``CONTENT_ERASERS`` removes one kind of content
  and says how many it removed. Clinical notes are deleted (the rows, not blanked): a blank
  ciphertext would be a note that decrypts to nothing, which the key rotation and the clinician's
  read would have to learn to skip, and the note's author and time say nothing the access log and
  the erasure record do not. The referral's reason and questions, the outcome report's
  adjustments and the adjustment records' words are blanked: those rows are the skeleton (ids,
  partner, employment, dates, statuses) that the access log and the audit chain name. One
  ``CaseErasure`` row says when and under which rule; one audit event says the same with the
  counts and the rule's source. ``CaseAccessEvent`` rows stay: they hold no content.
- **The run** (``retention_run``): every due case of the actor's partners, one transaction per
  case, so a run stopped half way keeps what it erased and the next carries on; a second run the
  same day finds nothing due. ``joinedup wellbeing retention-run`` and the worker's daily job
  (settings.WORKER_PERIODIC) call it as the system.

Other parts of the case (attachments, questionnaire answers) add their eraser to
``CONTENT_ERASERS``; nothing else needs to change."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import actor_name, is_system, user_of
from joinedup.core.dates import people_date
from joinedup.partnership.cli import operator
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.wellbeing.attachments import erase_case_attachments
from joinedup.wellbeing.models import (
    AdjustmentRecord,
    Case,
    CaseErasure,
    CaseLegalHold,
    CaseStatus,
    ClinicalNote,
    OutcomeReport,
    Referral,
)
from joinedup.wellbeing.questionnaires import erase_case_questionnaires
from joinedup.wellbeing.retention import RetentionRule, retention_ends, rule_on

KIND = "occupational_health"
PERMISSION = "wellbeing.retention"
REFERENCE_LIMIT = 100
REASON_LIMIT = 2000

__all__ = [
    "CONTENT_ERASERS",
    "Assessment",
    "DueCase",
    "RunResult",
    "assess",
    "case_retention",
    "erase_case_content",
    "hold_for",
    "holds_for",
    "lift_legal_hold",
    "place_legal_hold",
    "retention_case",
    "retention_overview",
    "retention_run",
    "scheduled_run",
]


def _text(value: str, name: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({name: f"Enter {what}."})
    if len(text) > limit:
        raise ValidationError({name: f"Keep {what} to {limit} characters."})
    return text


# --- content erasers ----------------------------------------------------------------------------
# Each takes the locked case and returns how many things it removed. The run's audit event lists
# the counts under the eraser's name.


def _clinical_notes(case: Case) -> int:
    deleted, _ = ClinicalNote.objects.for_partner(case.partner_id).filter(case=case).delete()
    return deleted


def _referral_texts(case: Case) -> int:
    referral = Referral.objects.for_partner(case.partner_id).get(pk=case.referral_id)
    removed = int(bool(referral.reason)) + int(bool(referral.questions))
    Referral.objects.for_partner(case.partner_id).filter(pk=referral.pk).update(reason="", questions="")
    return removed


def _report_texts(case: Case) -> int:
    return (
        OutcomeReport.objects.for_partner(case.partner_id)
        .filter(case=case)
        .exclude(adjustments="")
        .update(adjustments="")
    )


def _adjustment_records(case: Case) -> int:
    return (
        AdjustmentRecord.objects.for_partner(case.partner_id)
        .filter(case=case)
        .exclude(what="")
        .update(what="")
    )


CONTENT_ERASERS: tuple[tuple[str, Callable[[Case], int]], ...] = (
    ("clinical_notes", _clinical_notes),
    ("referral_texts", _referral_texts),
    ("report_adjustments", _report_texts),
    ("adjustment_records", _adjustment_records),
    ("attachments", erase_case_attachments),
    ("questionnaires", erase_case_questionnaires),
)


# --- when a case is due -------------------------------------------------------------------------


@dataclass(frozen=True)
class DueCase:
    case: Case
    rule: RetentionRule
    retention_ends: date | None
    holds: tuple[str, ...] = ()  # the references of the holds in force


@dataclass
class Assessment:
    as_of: date
    due: list[DueCase] = field(default_factory=list)
    held: list[DueCase] = field(default_factory=list)
    within_minimum: int = 0


def _closed_on(case: Case) -> date:
    if case.closed_at is None:
        raise ValidationError({"case": f"Case {case.pk} is open: only a closed case's content is erased."})
    return timezone.localtime(case.closed_at).date()


def _judge(case: Case) -> tuple[RetentionRule, date | None]:
    closed_on = _closed_on(case)
    employment = case.employment
    ends = retention_ends(KIND, closed_on, employment.end_date, born_on=employment.person.date_of_birth)
    return rule_on(KIND, closed_on), ends


def _holds_in_force(partners: list[int], case_ids: list[int] | None = None) -> dict[int, list[str]]:
    found = CaseLegalHold.objects.for_partners(partners).filter(lifted_at__isnull=True)
    if case_ids is not None:
        found = found.filter(case_id__in=case_ids)
    held: dict[int, list[str]] = {}
    for case_id, reference in found.order_by("placed_at", "pk").values_list("case_id", "reference"):
        held.setdefault(case_id, []).append(reference)
    return held


def assess(partners: list[int], *, as_of: date) -> Assessment:
    """The partners' closed cases not yet erased, sorted into due, held and within the minimum."""
    result = Assessment(as_of=as_of)
    closed = (
        Case.objects.for_partners(partners)
        .filter(status=CaseStatus.CLOSED, closed_at__isnull=False, erasure__isnull=True)
        .select_related("employment__person")
        .order_by("partner_id", "pk")
    )
    held = _holds_in_force(partners)
    for case in closed:
        rule, ends = _judge(case)
        if ends is None or ends > as_of:
            result.within_minimum += 1
        elif case.pk in held:
            result.held.append(DueCase(case, rule, ends, tuple(held[case.pk])))
        else:
            result.due.append(DueCase(case, rule, ends))
    return result


# --- reads for the pages and the API ------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    partner: Partner
    as_of: date
    due: list[DueCase]
    held: list[DueCase]
    within_minimum: int
    holds: list[CaseLegalHold]


def holds_for(user: Any, *, partner: Partner | int, in_force_only: bool = False) -> QuerySet[CaseLegalHold]:
    """The partner's legal holds on cases, newest first."""
    authorise(user, PERMISSION, partner)
    found = CaseLegalHold.objects.for_partner(partner).select_related("case__employment__person")
    if in_force_only:
        found = found.filter(lifted_at__isnull=True)
    return found.order_by("-placed_at", "-pk")


def retention_overview(user: Any, *, partner: Partner, as_of: date) -> Overview:
    """What is due for deletion on ``as_of``, what a hold keeps, and every hold (in force and
    lifted): ids, names and dates, no clinical text."""
    authorise(user, PERMISSION, partner)
    found = assess([partner.pk], as_of=as_of)
    holds = list(holds_for(user, partner=partner))
    # In force first (no lifted_at), then the lifted ones, latest lifted first.
    holds.sort(key=lambda h: (h.lifted_at is not None, -(h.lifted_at or h.placed_at).timestamp()))
    return Overview(partner, as_of, found.due, found.held, found.within_minimum, holds)


@dataclass(frozen=True)
class CaseRetention:
    erasure: CaseErasure | None
    holds: tuple[str, ...]  # the references of the holds in force


def case_retention(case: Case) -> CaseRetention:
    """Whether a case the caller already sees (``selectors.case_for``) is under legal hold, or had
    its content erased: references and dates only, for its page."""
    erasure = CaseErasure.objects.for_partner(case.partner_id).filter(case=case).first()
    holds = _holds_in_force([case.partner_id], [case.pk]).get(case.pk, [])
    return CaseRetention(erasure, tuple(holds))


def retention_case(user: Any, *, case_id: int) -> Case:
    """A case whose holds ``user`` may manage (``wellbeing.retention`` on its partner); 404 else."""
    found = (
        Case.objects.for_partners(partner_ids_with(user, PERMISSION))
        .filter(pk=case_id)
        .select_related("employment__person")
        .first()
    )
    if found is None:
        raise Http404("No such case.")
    return found


def hold_for(user: Any, *, hold_id: int) -> CaseLegalHold:
    """A legal hold ``user`` may lift; 404 for another partner's, or without the permission."""
    found = (
        CaseLegalHold.objects.for_partners(partner_ids_with(user, PERMISSION))
        .select_related("case__employment__person")
        .filter(pk=hold_id)
        .first()
    )
    if found is None:
        raise Http404("No such legal hold.")
    return found


# --- legal holds --------------------------------------------------------------------------------


def _locked_case(case: Case) -> Case:
    return Case.objects.for_partner(case.partner_id).select_for_update().get(pk=case.pk)


@transaction.atomic
def place_legal_hold(*, actor: Any, case: Case, reason: str, reference: str) -> CaseLegalHold:
    """Stop ``case``'s content being erased until the hold is lifted. ``reference`` names the
    matter (a claim number, a tribunal case, a request); ``reason`` stays on the hold, out of the
    audit trail."""
    authorise(actor, PERMISSION, case.partner_id)
    reference = _text(reference, "reference", "the hold's reference", REFERENCE_LIMIT)
    reason = _text(reason, "reason", "why the case is held", REASON_LIMIT)
    locked = _locked_case(case)
    erased = CaseErasure.objects.for_partner(locked.partner_id).filter(case=locked).first()
    if erased is not None:
        raise ValidationError(
            {
                "case": f"Case {locked.pk}'s content was erased on {people_date(erased.erased_at)}: "
                "there is nothing to hold."
            }
        )
    in_force = CaseLegalHold.objects.for_partner(locked.partner_id).filter(
        case=locked, reference=reference, lifted_at__isnull=True
    )
    if in_force.exists():
        raise ValidationError({"reference": f"Case {locked.pk} is already held under {reference}."})
    hold = CaseLegalHold.objects.create(
        case=locked,
        partner_id=locked.partner_id,
        reference=reference,
        reason=reason,
        placed_by=user_of(actor),
        placed_by_label=actor_name(actor),
    )
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="wellbeing.legal_hold_placed",
        target=hold,
        after={"case": locked.pk, "reference": reference, "placed_at": hold.placed_at.isoformat()},
    )
    return hold


@transaction.atomic
def lift_legal_hold(*, actor: Any, hold: CaseLegalHold, reason: str) -> CaseLegalHold:
    """Lift a hold in force, keeping it with who lifted it, when and why. The case becomes due
    again if its retention has ended (and no other hold is in force)."""
    authorise(actor, PERMISSION, hold.partner_id)
    reason = _text(reason, "reason", "why the hold is lifted", REASON_LIMIT)
    locked = CaseLegalHold.objects.for_partner(hold.partner_id).select_for_update().get(pk=hold.pk)
    if locked.lifted_at is not None:
        raise ValidationError(
            {"hold": f"The hold {locked.reference} was lifted on {people_date(locked.lifted_at)} already."}
        )
    locked.lifted_at = timezone.now()
    locked.lifted_by = user_of(actor)
    locked.lifted_by_label = actor_name(actor)
    locked.lift_reason = reason
    locked.save(update_fields=["lifted_at", "lifted_by", "lifted_by_label", "lift_reason"])
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="wellbeing.legal_hold_lifted",
        target=locked,
        after={
            "case": locked.case_id,
            "reference": locked.reference,
            "placed_at": locked.placed_at.isoformat(),
            "lifted_at": locked.lifted_at.isoformat(),
        },
    )
    return locked


# --- erasure ------------------------------------------------------------------------------------


def _check_day(today: date) -> None:
    if today > timezone.localdate():
        raise ValidationError(
            {"today": f"{people_date(today)} is in the future: content is erased on or after its day."}
        )


@transaction.atomic
def erase_case_content(*, actor: Any, case: Case, today: date) -> CaseErasure:
    """Remove ``case``'s content (each of ``CONTENT_ERASERS``) when its retention ended on or
    before ``today`` and no hold is in force; keep its skeleton and record the erasure."""
    authorise(actor, PERMISSION, case.partner_id)
    _check_day(today)
    locked = _locked_case(case)
    done = CaseErasure.objects.for_partner(locked.partner_id).filter(case=locked).first()
    if done is not None:
        raise ValidationError(
            {"case": f"Case {locked.pk}'s content was erased on {people_date(done.erased_at)}."}
        )
    if locked.status != CaseStatus.CLOSED or locked.closed_at is None:
        raise ValidationError({"case": f"Case {locked.pk} is open: only a closed case's content is erased."})
    judged = (
        Case.objects.for_partner(locked.partner_id).select_related("employment__person").get(pk=locked.pk)
    )
    rule, ends = _judge(judged)
    if ends is None:
        raise ValidationError(
            {"case": f"Case {locked.pk} is kept while the employment lasts ({rule.title})."}
        )
    if ends > today:
        raise ValidationError({"case": f"Case {locked.pk} is kept until {people_date(ends)} ({rule.title})."})
    held = _holds_in_force([locked.partner_id], [locked.pk]).get(locked.pk)
    if held:
        raise ValidationError({"case": f"Case {locked.pk} is under legal hold {', '.join(held)}."})
    removed = {name: eraser(locked) for name, eraser in CONTENT_ERASERS}
    erasure = CaseErasure.objects.create(
        case=locked,
        partner_id=locked.partner_id,
        erased_by=user_of(actor),
        erased_by_label=actor_name(actor),
        rule=rule.key,
        rule_effective_from=rule.effective_from,
        retention_ended_on=ends,
        removed=removed,
    )
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="wellbeing.case_content_erased",
        target=locked,
        after={
            "as_of": today.isoformat(),
            "rule": rule.key,
            "rule_effective_from": rule.effective_from.isoformat(),
            "source": rule.source,
            "closed_on": _closed_on(locked).isoformat(),
            "retention_ended_on": ends.isoformat(),
            "removed": removed,
        },
    )
    return erasure


# --- the run ------------------------------------------------------------------------------------


@dataclass
class RunResult:
    as_of: date
    dry_run: bool
    due: int = 0
    erased: int = 0
    held: int = 0
    skipped_within_minimum: int = 0
    erased_cases: list[int] = field(default_factory=list)
    due_cases: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "due": self.due,
            "erased": self.erased,
            "held": self.held,
            "skipped_within_minimum": self.skipped_within_minimum,
            "due_cases": self.due_cases,
            "erased_cases": self.erased_cases,
        }


def retention_run(*, actor: Any, today: date, dry_run: bool = False) -> RunResult:
    """Erase every due case of the partners the actor holds ``wellbeing.retention`` on (every
    partner for the system), one transaction per case. ``dry_run`` erases nothing and says what
    would go. Idempotent: an erased case is never due again."""
    partners = partner_ids_with(actor, PERMISSION)
    if not partners:
        raise PermissionDenied("The retention run is for occupational health's administrators and DPOs.")
    _check_day(today)
    scope = rls.session_context("wellbeing retention run") if is_system(actor) else nullcontext()
    with scope:
        found = assess(partners, as_of=today)
        result = RunResult(
            as_of=today,
            dry_run=dry_run,
            due=len(found.due),
            held=len(found.held),
            skipped_within_minimum=found.within_minimum,
            due_cases=[d.case.pk for d in found.due],
        )
        if dry_run:
            return result
        for due in found.due:
            try:
                erase_case_content(actor=actor, case=due.case, today=today)
            except ValidationError:
                # A hold placed, or the case erased by another run, since the list was read:
                # the service said no under the case's lock, and nothing of it changed.
                continue
            result.erased += 1
            result.erased_cases.append(due.case.pk)
    return result


def scheduled_run() -> RunResult:
    """The run ``joinedup worker`` makes once a day (settings.WORKER_PERIODIC)."""
    return retention_run(actor=operator("worker: wellbeing retention-run"), today=timezone.localdate())
