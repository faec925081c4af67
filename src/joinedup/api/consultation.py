"""Collective consultation over JSON: a programme's consultations, each with its statutory
figures (the minimum period, the earliest dismissal date, the HR1 date and a draft HR1's
numbers), its log with the recognised unions (meetings, questions and answers, proposals and
counter-proposals, documents) as a timeline, and the unions a partner recognises and their reps.

Read by HR (change.consult) and union reps (change.union) of any partner involved in the
programme; to anyone else a consultation does not exist (404). Nothing here names a person at
risk: the figures are counts."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
import base64
import binascii
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from joinedup.api.schemas import DateIn, IdIn
from joinedup.change import consultation_selectors as cs
from joinedup.change import consultation_services as services
from joinedup.change.models import (
    Consultation,
    ConsultationDocument,
    ConsultationEntry,
    EntryKind,
    Side,
    Union,
)
from joinedup.core import attachments
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.partnership.selectors import partner_for

router = Router(tags=["change: consultation"])


# --- schemas ---------------------------------------------------------------------------------


class DutyOut(Schema):
    number_proposed: int
    at_risk_counted: int
    declared_number: int
    collective: bool
    period_days: int
    period_ends: date
    earliest_dismissal: date | None
    hr1_due: date | None
    hr1_late: bool
    summary: str
    source: str


class Hr1LineOut(Schema):
    description: str
    number: int


class Hr1Out(Schema):
    employer: str
    establishment: str
    total_employed_at_establishment: int
    total_proposed_redundant: int
    proposed_redundant_by_description: list[Hr1LineOut]
    reasons: str
    selection_method: str
    dismissal_method: str
    consultation_start: date
    proposed_first_dismissal: date | None
    proposed_last_dismissal: date | None
    unions_consulted: list[str]
    hr1_due: date | None
    hr1_sent_on: date | None


class ConsultationOut(Schema):
    id: int
    programme_id: int
    programme: str
    employer: str
    establishment: str
    start_date: date
    status: str
    complete: bool
    completed_on: date | None
    outcome: str


class ConsultationDetailOut(ConsultationOut):
    duty: DutyOut
    hr1: Hr1Out


class DocumentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class EntryOut(Schema):
    id: int
    kind: str
    side: str
    union: str
    occurred_on: date
    title: str
    body: str
    attendees: str
    reply_to: int | None
    author: str
    documents: list[DocumentOut]


class MomentOut(Schema):
    on: date
    kind: str
    label: str
    title: str
    side: str
    union: str
    entry: EntryOut | None


class ConsultationIn(Schema):
    partner_id: IdIn = Field(description="The employer consulting: a partner involved in the programme.")
    establishment: str = Field(
        "", max_length=100, description="A location its posts name; empty: the partner."
    )
    start_date: DateIn
    reasons: str = Field(min_length=1, max_length=5000)
    declared_number: int = Field(0, ge=0, le=1_000_000)
    selection_method: str = Field("", max_length=5000)
    dismissal_method: str = Field("", max_length=5000)
    proposed_first_dismissal: DateIn | None = None
    proposed_last_dismissal: DateIn | None = None


class CompleteIn(Schema):
    outcome: str = Field(min_length=1, max_length=10000)


class Hr1SentIn(Schema):
    sent_on: DateIn


class EntryIn(Schema):
    """An entry in the log. ``side`` defaults to management for HR and to the union for a rep."""

    kind: EntryKind
    side: Side | None = None
    occurred_on: DateIn
    title: str = Field(min_length=1, max_length=200)
    body: str = Field("", max_length=50000)
    attendees: str = Field("", max_length=5000)
    union: Union | None = None
    reply_to: IdIn | None = None


class DocumentIn(Schema):
    filename: str = Field(min_length=1, max_length=255)
    content_base64: str = Field(min_length=1, max_length=(attachments.MAX_BYTES * 4) // 3 + 8)


class UnionIn(Schema):
    union: Union
    recognised_from: DateIn | None = None


class UnionRepIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    union: Union


class UnionRepOut(Schema):
    username: str
    union: str


# --- rendering -------------------------------------------------------------------------------


def _consultation(c: Consultation, found: cs.Figures) -> dict[str, Any]:
    return {
        "id": c.pk,
        "programme_id": c.programme_id,
        "programme": c.programme.name,
        "employer": c.partner.code,
        "establishment": c.establishment,
        "start_date": c.start_date,
        "status": found.status(timezone.localdate()),
        "complete": c.complete,
        "completed_on": c.completed_on,
        "outcome": c.outcome,
    }


def _detail(c: Consultation) -> dict[str, Any]:
    found = cs.figures(c)
    duty = found.duty
    return {
        **_consultation(c, found),
        "duty": {
            "number_proposed": found.number,
            "at_risk_counted": found.at_risk_now,
            "declared_number": c.declared_number,
            "collective": duty.collective,
            "period_days": duty.period_days,
            "period_ends": duty.period_ends,
            "earliest_dismissal": duty.earliest_dismissal if duty.collective else None,
            "hr1_due": duty.hr1_due,
            "hr1_late": found.hr1_late,
            "summary": duty.summary,
            "source": duty.source,
        },
        "hr1": cs.hr1_draft(found),
    }


def _document(d: ConsultationDocument) -> dict[str, Any]:
    return {"id": d.pk, "filename": d.filename, "content_type": d.content_type, "size": d.size}


def _entry(e: ConsultationEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "side": e.side,
        "union": e.union,
        "occurred_on": e.occurred_on,
        "title": e.title,
        "body": e.body,
        "attendees": e.attendees,
        "reply_to": e.reply_to_id,
        "author": e.author.get_full_name() or e.author.get_username(),
        "documents": [_document(d) for d in e.documents.all()],
    }


# --- consultations ---------------------------------------------------------------------------


@router.get("/change/consultations", response=list[ConsultationOut])
def list_consultations(request: HttpRequest) -> Any:
    return [_consultation(c, cs.figures(c)) for c in cs.consultations_visible_to(request.user)]


@router.get("/change/programmes/{programme_id}/consultations", response=list[ConsultationOut])
def list_programme_consultations(request: HttpRequest, programme_id: int) -> Any:
    programme = cs.programme_for(request.user, programme_id=programme_id)
    return [_consultation(c, cs.figures(c)) for c in cs.consultations_of(request.user, programme=programme)]


@router.post("/change/programmes/{programme_id}/consultations", response={201: ConsultationDetailOut})
def open_consultation(request: HttpRequest, programme_id: int, body: ConsultationIn) -> Status[Any]:
    """Open collective consultation by an employer in the programme. The minimum period, the
    earliest dismissal date and the HR1 date follow from the number proposed (TULRCA 1992 s.188,
    s.193; change/rules/consultation.toml)."""
    programme = cs.programme_for(request.user, programme_id=programme_id)
    consultation = services.consultation_open(
        actor=request.user,
        programme=programme,
        partner=partner_for(request.user, partner_id=body.partner_id),
        establishment=body.establishment,
        start_date=body.start_date,
        reasons=body.reasons,
        declared_number=body.declared_number,
        selection_method=body.selection_method,
        dismissal_method=body.dismissal_method,
        proposed_first_dismissal=body.proposed_first_dismissal,
        proposed_last_dismissal=body.proposed_last_dismissal,
    )
    return Status(201, _detail(consultation))


@router.get("/change/consultations/{consultation_id}", response=ConsultationDetailOut)
def get_consultation(request: HttpRequest, consultation_id: int) -> Any:
    return _detail(cs.consultation_for(request.user, consultation_id=consultation_id))


@router.post("/change/consultations/{consultation_id}/hr1-sent", response=ConsultationDetailOut)
def record_hr1_sent(request: HttpRequest, consultation_id: int, body: Hr1SentIn) -> Any:
    consultation = cs.consultation_for(request.user, consultation_id=consultation_id)
    services.consultation_hr1_sent(actor=request.user, consultation=consultation, sent_on=body.sent_on)
    return _detail(consultation)


@router.post("/change/consultations/{consultation_id}/complete", response=ConsultationDetailOut)
def complete_consultation(request: HttpRequest, consultation_id: int, body: CompleteIn) -> Any:
    """Mark it complete with its outcome, today: refused (422) before the minimum period ends."""
    consultation = cs.consultation_for(request.user, consultation_id=consultation_id)
    services.consultation_complete(actor=request.user, consultation=consultation, outcome=body.outcome)
    return _detail(consultation)


# --- the log ---------------------------------------------------------------------------------


@router.get("/change/consultations/{consultation_id}/timeline", response=list[MomentOut])
def get_timeline(request: HttpRequest, consultation_id: int) -> Any:
    """Everything in date order: the consultation's own dates and each entry of the log."""
    consultation = cs.consultation_for(request.user, consultation_id=consultation_id)
    return [
        {
            "on": m.on,
            "kind": m.kind,
            "label": m.label,
            "title": m.title,
            "side": m.side,
            "union": m.union,
            "entry": _entry(m.entry) if m.entry else None,
        }
        for m in cs.timeline(consultation, cs.figures(consultation))
    ]


@router.post("/change/consultations/{consultation_id}/entries", response={201: EntryOut})
def add_entry(request: HttpRequest, consultation_id: int, body: EntryIn) -> Status[Any]:
    consultation = cs.consultation_for(request.user, consultation_id=consultation_id)
    side = body.side or (
        Side.MANAGEMENT
        if has_permission(request.user, "change.consult", consultation.partner_id)
        else Side.UNION
    )
    reply_to = None
    if body.reply_to is not None:
        reply_to = cs.entry_for(request.user, entry_id=body.reply_to)
    entry = services.entry_add(
        actor=request.user,
        consultation=consultation,
        side=side,
        kind=body.kind,
        occurred_on=body.occurred_on,
        title=body.title,
        body=body.body,
        attendees=body.attendees,
        union=body.union or "",
        reply_to=reply_to,
    )
    return Status(201, _entry(entry))


@router.post("/change/consultation-entries/{entry_id}/documents", response={201: DocumentOut})
def attach_document(request: HttpRequest, entry_id: int, body: DocumentIn) -> Status[Any]:
    """Attach a document (PDF, Word, Excel, OpenDocument, text, CSV, PNG or JPEG), sent as base64.
    The request must fit the server's 2.5 MB request limit (a document of about 1.9 MB); the
    consultation page takes documents up to 10 MB."""
    entry = cs.entry_for(request.user, entry_id=entry_id)
    try:
        content = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"content_base64": "Send the file's bytes as base64."}) from exc
    document = services.document_attach(
        actor=request.user, entry=entry, filename=body.filename, content=content
    )
    return Status(201, _document(document))


@router.get("/change/consultation-documents/{document_id}")
def download_document(request: HttpRequest, document_id: int) -> HttpResponse:
    document = cs.document_for(request.user, document_id=document_id)
    response = HttpResponse(attachments.read(document.sha256), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- unions ----------------------------------------------------------------------------------


@router.get("/change/partners/{partner_id}/unions", response=list[str])
def list_unions(request: HttpRequest, partner_id: int) -> Any:
    partner = partner_for(request.user, partner_id=partner_id)
    return cs.unions_recognised(partner.pk)


@router.post("/change/partners/{partner_id}/unions", response={201: list[str]})
def recognise_union(request: HttpRequest, partner_id: int, body: UnionIn) -> Status[Any]:
    partner = partner_for(request.user, partner_id=partner_id)
    services.union_recognise(
        actor=request.user, partner=partner, union=body.union, recognised_from=body.recognised_from
    )
    return Status(201, cs.unions_recognised(partner.pk))


@router.post("/change/partners/{partner_id}/union-reps", response={201: UnionRepOut})
def appoint_union_rep(request: HttpRequest, partner_id: int, body: UnionRepIn) -> Status[Any]:
    partner = partner_for(request.user, partner_id=partner_id)
    authorise(request.user, "change.consult", partner)  # before the name is looked up
    user = get_user_model().objects.filter(username=body.username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": f"No active user {body.username}."})
    row = services.union_rep_appoint(actor=request.user, partner=partner, user=user, union=body.union)
    return Status(201, {"username": user.get_username(), "union": row.union})
