"""Questionnaires on an occupational-health case: a clinician sends one, the employee answers it.

The questionnaires are the rule file's (rules/questionnaires.toml, read by the pure ``scoring``):
PHQ-9, GAD-7 and the night-worker health assessment of the Working Time Regulations 1998 reg 7. A
clinician of the case's partner sends one to the employee the case is about; the employee answers
it once, from "My occupational health" or the API; the answers, the total and its band are
clinical content, sealed together as one token under occupational health's keys (``crypto``),
never in the audit trail (whose events say only which questionnaire row was sent or answered).

Reading the answers is for clinicians of the partner (``selectors._clinical_case``), one
``CaseAccessEvent`` (part ``questionnaires``) per read; the employee reads their own answers (not
the score: that is the clinician's to explain) without an access event, as with their own report.
``rotate_questionnaires`` re-encrypts them (``joinedup wellbeing rotate-keys``) and
``erase_case_questionnaires`` deletes a case's for the retention job.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import is_system
from joinedup.partnership.permissions import authorise
from joinedup.wellbeing import crypto, scoring
from joinedup.wellbeing.cases import is_subject, refuse_own_case
from joinedup.wellbeing.models import AccessPart, Case, CaseQuestionnaire, CaseStatus
from joinedup.wellbeing.notes import ROTATION_BATCH, Rotation, rotate_rows
from joinedup.wellbeing.selectors import _clinical_case, _log, my_cases


def definition(sent: CaseQuestionnaire) -> scoring.Questionnaire:
    """The questionnaire as it was when sent (its version), even after the rule file moves on."""
    return scoring.questionnaire_on(sent.key, sent.version)


@transaction.atomic
def questionnaire_send(*, actor: Any, case: Case, key: str) -> CaseQuestionnaire:
    """A clinician of the case's partner sends the employee a questionnaire of the rule file."""
    authorise(actor, "wellbeing.clinical", case.partner_id)
    if is_system(actor):
        raise ValidationError({"key": "A questionnaire is sent by a clinician."})
    refuse_own_case(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"key": "The case is closed: questionnaires are sent on an open case."})
    try:
        chosen = scoring.questionnaire_on(key, timezone.localdate())
    except KeyError:
        raise ValidationError({"key": f"Choose one of: {', '.join(scoring.questionnaire_keys())}."}) from None
    sent = CaseQuestionnaire.objects.create(
        case=case, partner_id=case.partner_id, key=chosen.key, version=chosen.effective_from, sent_by=actor
    )
    record_event(
        actor=actor,
        partner=case.partner_id,
        action="wellbeing.questionnaire_sent",
        target=case,
        after={"questionnaire": sent.pk},
    )
    return sent


@transaction.atomic
def questionnaire_answer(
    *, actor: Any, questionnaire: CaseQuestionnaire, answers: list[int]
) -> CaseQuestionnaire:
    """The employee's answers, once: scored by the rule file and stored encrypted with the score."""
    locked = (
        CaseQuestionnaire.objects.for_partner(questionnaire.partner_id)
        .select_for_update()
        .select_related("case")
        .get(pk=questionnaire.pk)
    )
    if is_system(actor) or not is_subject(actor, locked.case):
        raise PermissionDenied("A questionnaire is answered by the employee it was sent to.")
    if locked.answered_at is not None:
        raise ValidationError({"answers": "This questionnaire has been answered."})
    if locked.case.status == CaseStatus.CLOSED:
        raise ValidationError({"answers": "The case is closed."})
    asked = definition(locked)
    try:
        scored = scoring.score(asked, answers)
    except ValueError as exc:
        raise ValidationError({"answers": str(exc)}) from None
    payload = {
        "answers": list(answers),
        "total": scored.total,
        "band": scored.band,
        "alerts": list(scored.alerts),
    }
    locked.answers_ciphertext = crypto.encrypt(json.dumps(payload))
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answers_ciphertext", "answered_at"])
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="wellbeing.questionnaire_answered",
        target=locked.case,
        after={"questionnaire": locked.pk},
    )
    return locked


# --- reads --------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class QuestionnaireRead:
    """A sent questionnaire as read: the answers (option values, in question order), and for the
    clinician the total, band and alert questions. Its repr leaves the answers out."""

    id: int
    key: str
    title: str
    sent_by: str
    sent_at: datetime
    answered_at: datetime | None
    stem: str
    questions: tuple[str, ...]
    options: tuple[tuple[str, int], ...]
    answers: tuple[int, ...]
    answer_labels: tuple[str, ...]
    total: int | None = None
    band: str = ""
    alerts: tuple[int, ...] = ()

    @property
    def rows(self) -> list[tuple[int, str, str]]:
        """(number, question, the answer's label, or "" before it is answered), for pages."""
        labels = self.answer_labels or ("",) * len(self.questions)
        return [(n, text, labels[n - 1]) for n, text in enumerate(self.questions, start=1)]

    def __repr__(self) -> str:
        return f"QuestionnaireRead(id={self.id}, key={self.key!r}, answered={self.answered_at is not None})"


def _read(sent: CaseQuestionnaire, *, with_score: bool) -> QuestionnaireRead:
    asked = definition(sent)
    held: dict[str, Any] = (
        json.loads(crypto.decrypt(sent.answers_ciphertext)) if sent.answers_ciphertext else {}
    )
    answers = tuple(int(a) for a in held.get("answers", ()))
    return QuestionnaireRead(
        id=sent.pk,
        key=sent.key,
        title=asked.title,
        sent_by=str(sent.sent_by.get_full_name() or sent.sent_by.username),
        sent_at=sent.sent_at,
        answered_at=sent.answered_at,
        stem=asked.stem,
        questions=asked.questions,
        options=asked.options,
        answers=answers,
        answer_labels=tuple(asked.option_label(a) for a in answers),
        total=held.get("total") if with_score else None,
        band=str(held.get("band", "")) if with_score else "",
        alerts=tuple(held.get("alerts", ())) if with_score else (),
    )


def _of_case(case: Case) -> QuerySet[CaseQuestionnaire]:
    return (
        CaseQuestionnaire.objects.for_partner(case.partner_id)
        .filter(case=case)
        .select_related("sent_by")
        .order_by("sent_at", "pk")
    )


def case_questionnaires(user: Any, *, case_id: int) -> list[QuestionnaireRead]:
    """The questionnaires sent on the case, with answers, totals, bands and alerts, for a
    clinician of its partner; one access event."""
    case = _clinical_case(user, case_id)
    read = [_read(q, with_score=True) for q in _of_case(case)]
    _log(user, case, AccessPart.QUESTIONNAIRES)
    return read


def questionnaires_for_subject_access(user: Any, *, partner_id: int, case_id: int) -> list[QuestionnaireRead]:
    """A case's questionnaires with answers and scores, for the partner's data-protection officer
    answering the employee's own subject-access request (the score is the subject's data too);
    authorised by ``privacy.sar``, one access event when there is any, like the attachments'."""
    authorise(user, "privacy.sar", partner_id)
    case = Case.objects.for_partner(partner_id).filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    read = [_read(q, with_score=True) for q in _of_case(case)]
    if read:
        _log(user, case, AccessPart.QUESTIONNAIRES)
    return read


def my_questionnaires(user: Any, *, case_id: int) -> list[QuestionnaireRead]:
    """The questionnaires sent to the signed-in employee on their own case, with their answers."""
    case = my_cases(user).filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    return [_read(q, with_score=False) for q in _of_case(case)]


def my_questionnaire(user: Any, *, questionnaire_id: int) -> CaseQuestionnaire:
    """A questionnaire sent to the signed-in employee; 404 for anyone else's."""
    found = (
        CaseQuestionnaire.objects.unscoped(reason="an employee reads their own occupational-health records")
        .filter(pk=questionnaire_id, case__in=my_cases(user).values("pk"))
        .select_related("case", "sent_by")
        .first()
    )
    if found is None:
        raise Http404("No such questionnaire.")
    return found


# --- operators and retention -------------------------------------------------------------------


def rotate_questionnaires(
    *, actor: Any, batch_size: int = ROTATION_BATCH, progress: Callable[[Rotation], None] | None = None
) -> Rotation:
    """Re-encrypt every answered questionnaire not yet under the current key, batch by committed
    batch, as ``notes.rotate_notes`` does; idempotent; an operator's job."""
    if not is_system(actor):
        raise PermissionDenied("Re-encrypting the questionnaires is an operator's job: run it as the system.")
    reason = "re-encrypt every occupational-health questionnaire's answers under the current key"
    return rotate_rows(
        actor=actor,
        rows=CaseQuestionnaire.objects.unscoped(reason=reason).exclude(answers_ciphertext=""),
        fields=("answers_ciphertext",),
        stale=lambda sent: not crypto.is_current(sent.answers_ciphertext),
        reason=reason,
        action="wellbeing.questionnaires_rotated",
        batch_size=batch_size,
        progress=progress,
    )


def erase_case_questionnaires(case: Case) -> int:
    """Delete every questionnaire of ``case`` (answers and scores with the rows) and say how
    many, for the retention job's erasure; like ``erase_case_attachments`` it checks no permission
    and records no event: its caller does both for the case."""
    deleted, _ = CaseQuestionnaire.objects.for_partner(case.partner_id).filter(case=case).delete()
    return int(deleted)
