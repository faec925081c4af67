"""Every change to collective consultation and its log. Each function is one transaction: it
checks the caller's permission on the consulting employer, validates, writes and records one
audit event on that employer's chain. Who does what:

- HR (``change.consult`` at the employer) recognises unions and appoints their reps, opens a
  consultation, records that form HR1 was sent, adds meetings with their minutes, answers,
  proposals and documents, and marks the consultation complete — never before the statutory
  minimum period has run (TULRCA 1992 s.188(1A)).
- A union rep (``change.union`` at the employer, and appointed for a union recognised there)
  adds their union's questions, counter-proposals and documents, and attaches documents to
  their union's entries.

A complete consultation's log is closed: nothing more is added to it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.change import consultation_selectors as cs
from joinedup.change import selectors
from joinedup.change.consultation_rules import duty_for
from joinedup.change.models import (
    ChangeProgramme,
    Consultation,
    ConsultationDocument,
    ConsultationEntry,
    EntryKind,
    ProgrammeStatus,
    RecognisedUnion,
    Side,
    Union,
    UnionRepresentative,
)
from joinedup.core import attachments
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.permissions import authorise, roles_on
from joinedup.people.services import Errors

MANAGEMENT_KINDS = {
    EntryKind.MEETING,
    EntryKind.QUESTION,
    EntryKind.ANSWER,
    EntryKind.PROPOSAL,
    EntryKind.DOCUMENT,
}
UNION_KINDS = {EntryKind.QUESTION, EntryKind.COUNTER_PROPOSAL, EntryKind.DOCUMENT}


def _day(d: date | None) -> str:
    return people_date(d)


# --- Unions -----------------------------------------------------------------------------------


@transaction.atomic
def union_recognise(
    *, actor: Any, partner: Partner, union: str, recognised_from: date | None = None
) -> RecognisedUnion:
    authorise(actor, "change.consult", partner)
    if union not in Union.values:
        raise ValidationError({"union": "Choose the union from the list."})
    existing = RecognisedUnion.objects.for_partner(partner).filter(union=union).first()
    if existing is not None:
        return existing
    row = RecognisedUnion.objects.create(partner=partner, union=union, recognised_from=recognised_from)
    record_event(
        actor=actor,
        partner=partner,
        action="change.union_recognised",
        target=row,
        after={"union": union, "recognised_from": recognised_from},
    )
    return row


@transaction.atomic
def union_rep_appoint(*, actor: Any, partner: Partner, user: Any, union: str) -> UnionRepresentative:
    """Record that ``user``, a union rep at ``partner``, speaks for ``union`` there."""
    authorise(actor, "change.consult", partner)
    errors = Errors()
    if Role.UNION_REP not in roles_on(user, partner):
        errors.add("user", f"{user.get_username()} does not hold the union rep role at {partner.name}.")
    if union not in cs.unions_recognised(partner.pk):
        errors.add("union", f"{partner.name} does not recognise that union.")
    errors.raise_if_any()
    row = UnionRepresentative.objects.for_partner(partner).filter(user=user).first()
    if row is not None and row.union == union:
        return row
    before = row.union if row else None
    if row is None:
        row = UnionRepresentative.objects.create(partner=partner, user=user, union=union)
    else:
        row.union = union
        row.save(update_fields=["union"])
    record_event(
        actor=actor,
        partner=partner,
        action="change.union_rep_appointed",
        target=row,
        before={"union": before} if before else None,
        after={"user": user.get_username(), "union": union},
    )
    return row


# --- The consultation -------------------------------------------------------------------------


@transaction.atomic
def consultation_open(
    *,
    actor: Any,
    programme: ChangeProgramme,
    partner: Partner,
    start_date: date,
    reasons: str,
    establishment: str = "",
    declared_number: int = 0,
    selection_method: str = "",
    dismissal_method: str = "",
    proposed_first_dismissal: date | None = None,
    proposed_last_dismissal: date | None = None,
) -> Consultation:
    """Collective consultation by ``partner`` (an employer in the programme) at an establishment
    (a location its posts name; "" for the whole partner)."""
    authorise(actor, "change.consult", partner)
    errors = Errors()
    if programme.status == ProgrammeStatus.CLOSED:
        raise ValidationError("The programme is closed.")
    if partner.pk not in selectors.involved_partner_ids(programme):
        errors.add("partner", f"{partner.name} is not involved in the programme.")
    establishment = establishment.strip()
    if (
        Consultation.objects.for_partner(partner)
        .filter(partner=partner, programme=programme, establishment=establishment)
        .exists()
    ):
        errors.add(
            "establishment", "A consultation for that establishment is already open in this programme."
        )
    if not reasons.strip():
        errors.add("reasons", "Give the reasons for the proposals (TULRCA 1992 s.188(4)(a)).")
    if declared_number < 0:
        errors.add("declared_number", "The number proposed cannot be negative.")
    if proposed_last_dismissal and not proposed_first_dismissal:
        errors.add("proposed_first_dismissal", "Give the first proposed dismissal date too.")
    elif (
        proposed_first_dismissal
        and proposed_last_dismissal
        and proposed_last_dismissal < proposed_first_dismissal
    ):
        errors.add("proposed_last_dismissal", "The last dismissal date must be on or after the first.")
    errors.raise_if_any()
    consultation = Consultation(
        partner=partner,
        programme=programme,
        establishment=establishment,
        start_date=start_date,
        declared_number=declared_number,
        reasons=reasons.strip(),
        selection_method=selection_method.strip(),
        dismissal_method=dismissal_method.strip(),
        proposed_first_dismissal=proposed_first_dismissal,
        proposed_last_dismissal=proposed_last_dismissal,
        opened_by=actor,
    )
    number = max(cs.counted_at_risk(consultation), declared_number)
    duty = duty_for(number, start_date)
    if duty.collective and proposed_first_dismissal and proposed_first_dismissal < duty.earliest_dismissal:
        raise ValidationError(
            {
                "proposed_first_dismissal": (
                    f"With {number} proposed redundant, the first dismissal cannot take effect before "
                    f"{_day(duty.earliest_dismissal)}: {duty.period_days} days after consultation "
                    "begins (TULRCA 1992 s.188(1A))."
                )
            }
        )
    consultation.save()
    record_event(
        actor=actor,
        partner=partner,
        action="change.consultation_opened",
        target=consultation,
        after={
            "programme": programme.name,
            "establishment": establishment,
            "start_date": start_date,
            "number_proposed": number,
            "period_days": duty.period_days,
            "earliest_dismissal": duty.earliest_dismissal if duty.collective else None,
            "hr1_due": duty.hr1_due,
        },
    )
    return consultation


@transaction.atomic
def consultation_hr1_sent(*, actor: Any, consultation: Consultation, sent_on: date) -> Consultation:
    authorise(actor, "change.consult", consultation.partner_id)
    if consultation.hr1_sent_on == sent_on:
        return consultation
    before = consultation.hr1_sent_on
    consultation.hr1_sent_on = sent_on
    consultation.save(update_fields=["hr1_sent_on"])
    record_event(
        actor=actor,
        partner=consultation.partner_id,
        action="change.consultation_hr1_sent",
        target=consultation,
        before={"hr1_sent_on": before},
        after={"hr1_sent_on": sent_on},
    )
    return consultation


@transaction.atomic
def consultation_complete(*, actor: Any, consultation: Consultation, outcome: str) -> Consultation:
    """Mark the consultation complete with its outcome, today; not before the statutory minimum
    period has run (TULRCA 1992 s.188(1A)), whatever has been agreed."""
    authorise(actor, "change.consult", consultation.partner_id)
    if consultation.completed_on is not None:
        raise ValidationError(f"The consultation was marked complete on {_day(consultation.completed_on)}.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Record the outcome of the consultation."})
    today = timezone.localdate()
    duty = cs.figures(consultation).duty
    if duty.collective and today <= duty.period_ends:
        raise ValidationError(
            f"The consultation cannot be marked complete before its minimum period ends: "
            f"{duty.period_days} days from {_day(consultation.start_date)} run to "
            f"{_day(duty.period_ends)} (TULRCA 1992 s.188(1A), {duty.number} proposed redundant)."
        )
    consultation.completed_on = today
    consultation.outcome = outcome.strip()
    consultation.save(update_fields=["completed_on", "outcome"])
    record_event(
        actor=actor,
        partner=consultation.partner_id,
        action="change.consultation_completed",
        target=consultation,
        after={"completed_on": today, "outcome": consultation.outcome, "period_days": duty.period_days},
    )
    return consultation


# --- The log ----------------------------------------------------------------------------------


def _speaker(actor: Any, consultation: Consultation, side: str) -> str:
    """Authorise ``actor`` for ``side`` of the consultation; answers the union they speak for."""
    if side == Side.MANAGEMENT:
        authorise(actor, "change.consult", consultation.partner_id)
        return ""
    if side != Side.UNION:
        raise ValidationError({"side": "Say whether the entry is management's or a union's."})
    authorise(actor, "change.union", consultation.partner_id)
    union = cs.union_of(actor, consultation.partner_id)
    if union is None or union not in cs.unions_recognised(consultation.partner_id):
        raise PermissionDenied(
            f"You are not recorded as the representative of a union {consultation.partner.name} recognises."
        )
    return union


@transaction.atomic
def entry_add(
    *,
    actor: Any,
    consultation: Consultation,
    side: str,
    kind: str,
    occurred_on: date,
    title: str,
    body: str = "",
    attendees: str = "",
    union: str = "",
    reply_to: ConsultationEntry | None = None,
) -> ConsultationEntry:
    """Add to the log. Management: meetings (attendees and minutes), questions raised (for a
    ``union``), answers (``reply_to`` the question), proposals and documents. A union rep, for
    their own union: questions, counter-proposals (``reply_to`` a proposal, if any) and documents."""
    speaks_for = _speaker(actor, consultation, side)
    if consultation.completed_on is not None:
        raise ValidationError("The consultation is complete: its log is closed.")
    allowed = MANAGEMENT_KINDS if side == Side.MANAGEMENT else UNION_KINDS
    errors = Errors()
    if kind not in allowed:
        who = "Management" if side == Side.MANAGEMENT else "A union"
        what = EntryKind(kind).label.lower() if kind in EntryKind.values else kind
        article = "an" if what[:1] in "aeiou" else "a"
        errors.add("kind", f"{who} cannot add {article} {what} to the log.")
    if not title.strip():
        errors.add("title", "Give the entry a title.")
    if side == Side.UNION:
        union = speaks_for
    elif union and union not in cs.unions_recognised(consultation.partner_id):
        errors.add("union", f"{consultation.partner.name} does not recognise that union.")
    if kind == EntryKind.QUESTION and side == Side.MANAGEMENT and not union:
        errors.add("union", "Say which union asked the question.")
    if kind == EntryKind.MEETING and not attendees.strip():
        errors.add("attendees", "List who attended the meeting.")
    wanted = {EntryKind.ANSWER: EntryKind.QUESTION, EntryKind.COUNTER_PROPOSAL: EntryKind.PROPOSAL}.get(
        EntryKind(kind) if kind in EntryKind.values else EntryKind.DOCUMENT
    )
    if reply_to is not None and (reply_to.consultation_id != consultation.pk or reply_to.kind != wanted):
        errors.add("reply_to", "That is not a question (or proposal) of this consultation.")
    if kind == EntryKind.ANSWER and reply_to is None:
        errors.add("reply_to", "Say which question this answers.")
    errors.raise_if_any()
    entry = ConsultationEntry.objects.create(
        partner_id=consultation.partner_id,
        programme_id=consultation.programme_id,
        consultation=consultation,
        kind=kind,
        side=side,
        union=union,
        occurred_on=occurred_on,
        title=title.strip(),
        body=body.strip(),
        attendees=attendees.strip(),
        reply_to=reply_to,
        author=actor,
    )
    record_event(
        actor=actor,
        partner=consultation.partner_id,
        action=f"change.consultation_{kind}_added",
        target=entry,
        after={
            "consultation": consultation.pk,
            "side": side,
            "union": union,
            "occurred_on": occurred_on,
            "title": entry.title,
            "reply_to": reply_to.pk if reply_to else None,
        },
    )
    return entry


@transaction.atomic
def document_attach(
    *, actor: Any, entry: ConsultationEntry, filename: str, content: bytes
) -> ConsultationDocument:
    """Attach a document to a log entry, by the side that wrote the entry (a union rep to their
    own union's entries). The bytes go to the attachment store (core.attachments)."""
    consultation = entry.consultation
    speaks_for = _speaker(actor, consultation, entry.side)
    if entry.side == Side.UNION and speaks_for != entry.union:
        raise PermissionDenied("You may attach documents to your own union's entries only.")
    if consultation.completed_on is not None:
        raise ValidationError("The consultation is complete: its log is closed.")
    checked = attachments.check(filename, content)
    attachments.store(content)
    document = ConsultationDocument.objects.create(
        partner_id=entry.partner_id,
        programme_id=entry.programme_id,
        entry=entry,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    record_event(
        actor=actor,
        partner=entry.partner_id,
        action="change.consultation_document_attached",
        target=document,
        after={
            "entry": entry.pk,
            "filename": checked.filename,
            "size": checked.size,
            "sha256": checked.sha256,
        },
    )
    return document
