"""Occupational health over JSON (issue 16): referrals, cases, clinical notes, outcome reports,
who has read a case, health surveillance and the wellbeing programmes' usage.

Who sees what is the selectors' rule (wellbeing/selectors.py and its neighbours); this module
parses, calls and renders, and its schemas decide what words leave the building:

- **clinical text** (a note's words) is in one response only, ``GET …/cases/{id}/notes``, to a
  clinician of the case's partner; the selector writes one access event per read; so are the
  names of a case's attachments (``GET …/cases/{id}/attachments``) and each attached document
  (``GET …/attachments/{id}``), each read one access event;
- **the outcome report** (outcome, adjustments, dates) goes to the referrer once released, and to
  the employee it is about once issued; nobody else gets it here;
- **everything else** (case lists and details, referrals, access events, surveillance status)
  carries ids, names, statuses and dates, never a referral's reason or questions, a note or an
  adjustment. A manager's team surveillance has no outcome field at all.

Another partner's object, a colleague's case, or a referral you did not make answers 404; a role
that may not do a thing on its own partner answers 403 and nothing changes."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
import re
from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn, IdIn
from joinedup.core.suppression import MINIMUM
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.partnership.selectors import partner_for
from joinedup.people.models import Employment
from joinedup.wellbeing import (
    attachments,
    cases,
    notes,
    programme_selectors,
    questionnaires,
    reports,
    selectors,
    surveillance_selectors,
)
from joinedup.wellbeing.models import (
    AdjustmentRecord,
    Case,
    CaseAccessEvent,
    CaseStatus,
    OutcomeReport,
    Referral,
    UsageMeasure,
)
from joinedup.wellbeing.schedule import Status as SurveillanceStatus

router = Router(tags=["wellbeing"])
MONTH_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$"


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def _employee(employment: Employment) -> str:
    return str(employment.person.full_name)


# --- schemas ------------------------------------------------------------------------------------


class OhReferralOut(Schema):
    id: int
    partner: str
    employee: str
    payroll_number: str
    source: str
    status: str
    consent_given: bool
    consent_date: date | None
    see_report_first: bool
    created_at: datetime
    sent_at: datetime | None


class OhReferralIn(Schema):
    employment_id: IdIn
    reason: str = Field(min_length=1, max_length=10000)
    questions: str = Field("", max_length=10000)
    consent_date: DateIn | None = Field(None, description="The day the employee gave informed consent.")
    see_report_first: bool = Field(False, description="The employee sees the report before you do.")


class OhSelfReferralIn(Schema):
    reason: str = Field(min_length=1, max_length=10000)
    questions: str = Field("", max_length=10000)
    see_report_first: bool = False
    partner_id: IdIn | None = Field(None, description="Needed when you work for several partners.")


class OhEmptyIn(Schema):
    pass


class OhCaseOut(Schema):
    id: int
    partner: str
    employee: str
    payroll_number: str
    source: str
    status: str
    priority: str
    clinician: str
    opened_at: datetime
    triaged_at: datetime | None
    closed_at: datetime | None


class OhAppointmentOut(Schema):
    id: int
    starts_at: datetime
    mode: str
    status: str
    clinician: str


class OhReportProgressOut(Schema):
    status: str
    issued_at: datetime | None
    release_due: date | None
    released_at: datetime | None
    release_reason: str


class OhCaseDetailOut(OhCaseOut):
    appointments: list[OhAppointmentOut]
    report: OhReportProgressOut | None = Field(description="Where the outcome report is; never its words.")


class OhNoteOut(Schema):
    id: int
    author: str
    written_at: datetime
    text: str


class OhNoteAddedOut(Schema):
    id: int
    author: str
    written_at: datetime


class OhAttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


class OhAttachmentAddedOut(Schema):
    id: int
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


class OhQuestionnaireSendIn(Schema):
    key: str = Field(
        min_length=1,
        max_length=30,
        description="A key of rules/questionnaires.toml: phq9, gad7, night_worker.",
    )


class OhQuestionnaireSentOut(Schema):
    id: int
    key: str
    title: str
    sent_by: str
    sent_at: datetime


class OhMyQuestionnaireOut(Schema):
    id: int
    key: str
    title: str
    stem: str
    questions: list[str]
    options: list[str]
    option_values: list[int]
    sent_at: datetime
    answered_at: datetime | None
    answers: list[int]


class OhQuestionnaireOut(Schema):
    id: int
    key: str
    title: str
    sent_by: str
    sent_at: datetime
    answered_at: datetime | None
    questions: list[str]
    answers: list[int]
    answer_labels: list[str]
    total: int | None
    band: str
    alerts: list[int]


class OhAnswersIn(Schema):
    answers: list[int] = Field(max_length=50, description="One option value per question, in order.")


class OhNoteIn(Schema):
    text: str = Field(min_length=1, max_length=notes.NOTE_LIMIT)


class OhOutcomeOut(Schema):
    case_id: int
    outcome: str
    adjustments: str
    expected_return: date | None
    review_date: date | None
    status: str
    issued_at: datetime | None
    release_due: date | None
    released_at: datetime | None
    release_reason: str
    employee_response: str


class OhReferralOutcomeOut(Schema):
    referral_id: int
    released: bool = Field(description="False until the report is released to you; then `report` is set.")
    report: OhOutcomeOut | None


class OhMyReportOut(Schema):
    case_id: int
    report: OhOutcomeOut | None = Field(description="Null until the report is issued to you.")


class OhResponseIn(Schema):
    response: str = Field(max_length=12, description="agreed, correction or withheld.")


class OhAccessOut(Schema):
    at: datetime
    who: str
    part: str


class OhAccessEventOut(Schema):
    id: int
    case_id: int
    at: datetime
    who: str
    part: str


class OhAdjustmentOut(Schema):
    """A workplace adjustment as HR sees it: the adjustment's own words and dates, never the case."""

    id: int
    partner_id: int
    employment_id: int
    name: str
    payroll_number: str
    post: str
    team: str
    what: str
    starts_on: date
    review_on: date | None
    status: str


class OhTeamStatusOut(Schema):
    enrolment_id: int
    partner_id: int
    employment_id: int
    name: str
    payroll_number: str
    programme: str
    kind: str
    status: str
    next_due_on: date
    last_done_on: date | None


class OhSurveillanceRowOut(OhTeamStatusOut):
    last_outcome: str


class OhUsageCellOut(Schema):
    value: int | None = Field(description="Null when the cell is hidden (never its number).")
    hidden: bool


class OhUsageRowOut(Schema):
    label: str
    cells: list[OhUsageCellOut]
    total: OhUsageCellOut


class OhUsageReportOut(Schema):
    partner_id: int
    first_month: str
    last_month: str
    measure: str
    minimum: int = Field(
        description="The smallest count shown; smaller ones, and cells that would give them away, are hidden."
    )
    columns: list[str]
    rows: list[OhUsageRowOut]
    totals: OhUsageRowOut


# --- rendering ----------------------------------------------------------------------------------


def _referral(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "partner": referral.partner.code,
        "employee": _employee(referral.employment),
        "payroll_number": referral.employment.payroll_number,
        "source": referral.source,
        "status": referral.status,
        "consent_given": referral.consent_given,
        "consent_date": referral.consent_date,
        "see_report_first": referral.see_report_first,
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
    }


def _case(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "partner": case.partner.code,
        "employee": _employee(case.employment),
        "payroll_number": case.employment.payroll_number,
        "source": case.referral.source,
        "status": case.status,
        "priority": case.priority,
        "clinician": _name(case.clinician),
        "opened_at": case.opened_at,
        "triaged_at": case.triaged_at,
        "closed_at": case.closed_at,
    }


def _outcome(report: OutcomeReport) -> dict[str, Any]:
    return {
        "case_id": report.case_id,
        "outcome": report.outcome,
        "adjustments": report.adjustments,
        "expected_return": report.expected_return,
        "review_date": report.review_date,
        "status": report.status,
        "issued_at": report.issued_at,
        "release_due": report.release_due,
        "released_at": report.released_at,
        "release_reason": report.release_reason,
        "employee_response": report.employee_response,
    }


class _Rendered:
    """A queryset the paginator slices, each row rendered only when its page is read."""

    def __init__(self, rows: Any, render: Any) -> None:
        self.rows, self.render = rows, render

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [self.render(row) for row in self.rows[window]]


def _month(text: str, field: str, default: date) -> date:
    if not text:
        return default
    if not re.fullmatch(MONTH_PATTERN, text):
        raise ValidationError({field: "Give the month as YYYY-MM, e.g. 2026-11."})
    return date(int(text[:4]), int(text[5:]), 1)


def _surveillance_status(status: str) -> str:
    if status and status not in {s.value for s in SurveillanceStatus}:
        choices = ", ".join(s.value for s in SurveillanceStatus)
        raise ValidationError({"status": f"Choose a status: {choices}."})
    return status


# --- referrals ----------------------------------------------------------------------------------


@router.post("/wellbeing/referrals", response={201: OhReferralOut})
def create_referral(request: HttpRequest, body: OhReferralIn) -> Status[dict[str, Any]]:
    """A draft referral of a member of your team (managers) or of anyone the partner employs (HR
    officers), with the employee's informed consent and its date when they have given it. Send it
    with ``…/send``."""
    employment = (
        Employment.objects.for_partners(partner_ids_with(request.user, "wellbeing.refer"))
        .select_related("person", "partner")
        .filter(pk=body.employment_id)
        .first()
    )
    if employment is None:
        raise ValidationError({"employment_id": "No such employment."})
    referral = cases.referral_create(
        actor=request.user,
        employment=employment,
        reason=body.reason,
        questions=body.questions,
        consent_date=body.consent_date,
        see_report_first=body.see_report_first,
    )
    return Status(201, _referral(referral))


@router.post("/wellbeing/referrals/{referral_id}/send", response=OhReferralOut)
def send_referral(request: HttpRequest, referral_id: int, body: OhEmptyIn) -> dict[str, Any]:
    """Send your draft referral to occupational health; refused (422) without the consent."""
    referral = selectors.referral_for(request.user, referral_id=referral_id)
    return _referral(cases.referral_send(actor=request.user, referral=referral))


@router.post("/wellbeing/self-referrals", response={201: OhReferralOut})
def self_refer(request: HttpRequest, body: OhSelfReferralIn) -> Status[dict[str, Any]]:
    """Refer yourself: the referral is your consent, dated today, and is sent at once."""
    partner = partner_for(request.user, partner_id=body.partner_id) if body.partner_id else None
    referral = cases.self_refer(
        actor=request.user,
        reason=body.reason,
        questions=body.questions,
        see_report_first=body.see_report_first,
        partner=partner,
    )
    return Status(201, _referral(referral))


@router.get("/wellbeing/referrals/mine", response=list[OhReferralOut])
@paginate(Pages, page_size=50)
def my_referrals(request: HttpRequest) -> Any:
    """The referrals you made (of your team, as HR, or of yourself), newest first."""
    return _Rendered(selectors.my_referrals(request.user), _referral)


@router.get("/wellbeing/referrals/{referral_id}/outcome", response=OhReferralOutcomeOut)
def referral_outcome(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    """The outcome of a referral you made, once it is released to you (each read is logged, so
    the employee sees it); ``released`` is false before. Anyone but the referrer: 404."""
    report = selectors.referral_outcome(request.user, referral_id=referral_id)
    return {
        "referral_id": referral_id,
        "released": report is not None,
        "report": _outcome(report) if report is not None else None,
    }


# --- cases, for occupational health ------------------------------------------------------------


@router.get("/wellbeing/partners/{partner_id}/cases", response=list[OhCaseOut])
@paginate(Pages, page_size=50)
def partner_cases(
    request: HttpRequest, partner_id: int, status: str = "", clinician_id: int | None = None
) -> Any:
    """The partner's cases, newest first, for occupational health (``wellbeing.view_cases``);
    ``status`` and ``clinician_id`` narrow them. No clinical content."""
    partner = partner_for(request.user, partner_id=partner_id)
    authorise(request.user, "wellbeing.view_cases", partner)
    if status and status not in CaseStatus.values:
        raise ValidationError({"status": f"Choose a status: {', '.join(CaseStatus.values)}."})
    found = selectors.cases_for(request.user, partner=partner, status=status)
    if clinician_id is not None:
        found = found.filter(clinician_id=clinician_id)
    return _Rendered(found, _case)


def _detail(user: Any, case: Case) -> dict[str, Any]:
    progress = selectors.report_progress(user, case_id=case.pk)
    return {
        **_case(case),
        "appointments": [
            {
                "id": a.pk,
                "starts_at": a.starts_at,
                "mode": a.mode,
                "status": a.status,
                "clinician": _name(a.clinician),
            }
            for a in selectors.appointments_of(user, case_id=case.pk)
        ],
        "report": progress.__dict__ if progress is not None else None,
    }


@router.get("/wellbeing/cases/{oh_case_id}", response=OhCaseDetailOut)
def get_case(request: HttpRequest, oh_case_id: int) -> dict[str, Any]:
    """One case, for occupational health of its partner or the employee it is about: status,
    priority, clinician, appointments and where its report is; no clinical content."""
    return _detail(request.user, selectors.case_for(request.user, case_id=oh_case_id))


@router.get("/wellbeing/cases/{oh_case_id}/notes", response=list[OhNoteOut])
def case_notes(request: HttpRequest, oh_case_id: int) -> list[dict[str, Any]]:
    """The case's clinical notes, oldest first: clinicians of its partner only (others who see the
    case: 403). Each read writes one access event the employee and the DPO see."""
    return [
        {"id": n.id, "author": n.author, "written_at": n.written_at, "text": n.text}
        for n in selectors.case_notes(request.user, case_id=oh_case_id)
    ]


@router.post("/wellbeing/cases/{oh_case_id}/notes", response={201: OhNoteAddedOut})
def add_note(request: HttpRequest, oh_case_id: int, body: OhNoteIn) -> Status[dict[str, Any]]:
    """A clinician's note, stored encrypted; the answer does not repeat its words."""
    case = selectors.case_for(request.user, case_id=oh_case_id)
    note = notes.note_add(actor=request.user, case=case, text=body.text)
    return Status(201, {"id": note.pk, "author": _name(request.user), "written_at": note.written_at})


@router.get("/wellbeing/cases/{oh_case_id}/attachments", response=list[OhAttachmentOut])
def case_attachments(request: HttpRequest, oh_case_id: int) -> list[dict[str, Any]]:
    """The documents attached to the case, oldest first, with their names (clinical too):
    clinicians of its partner only (others who see the case: 403); one access event per read."""
    return [
        {
            "id": a.id,
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "uploaded_by": a.uploaded_by,
            "uploaded_at": a.uploaded_at,
        }
        for a in attachments.case_attachments(request.user, case_id=oh_case_id)
    ]


@router.post("/wellbeing/cases/{oh_case_id}/attachments", response={201: OhAttachmentAddedOut})
def add_attachment(
    request: HttpRequest, oh_case_id: int, file: Annotated[UploadedFile | None, File()] = None
) -> Status[dict[str, Any]]:
    """A clinician attaches a document to an open case of their partner, as multipart/form-data
    with the file in ``file``: a PDF, PNG or JPEG by its contents (not its name), up to the size
    limit (422 otherwise, with nothing stored). Stored encrypted; the answer repeats no name."""
    case = attachments.clinical_case(request.user, case_id=oh_case_id)
    filename, content = attachments.read_upload(file)
    added = attachments.attachment_add(actor=request.user, case=case, filename=filename, content=content)
    return Status(
        201,
        {
            "id": added.pk,
            "content_type": added.content_type,
            "size": added.size,
            "uploaded_by": _name(request.user),
            "uploaded_at": added.uploaded_at,
        },
    )


@router.get("/wellbeing/cases/{oh_case_id}/attachments/{oh_attachment_id}", response={200: None})
def download_attachment(request: HttpRequest, oh_case_id: int, oh_attachment_id: int) -> HttpResponse:
    """One attached document, as a download in the type its contents were recognised as, for a
    clinician of the case's partner; one access event per download. Never cached (no-store)."""
    document = attachments.attachment_download(
        request.user, case_id=oh_case_id, attachment_id=oh_attachment_id
    )
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _sent(sent: Any) -> dict[str, Any]:
    return {
        "id": sent.pk,
        "key": sent.key,
        "title": questionnaires.definition(sent).title,
        "sent_by": _name(sent.sent_by),
        "sent_at": sent.sent_at,
    }


@router.post("/wellbeing/cases/{oh_case_id}/questionnaires", response={201: OhQuestionnaireSentOut})
def send_questionnaire(
    request: HttpRequest, oh_case_id: int, body: OhQuestionnaireSendIn
) -> Status[dict[str, Any]]:
    """A clinician of the case's partner sends the employee a questionnaire (PHQ-9, GAD-7, the
    night-worker health assessment); the employee answers it from their own case."""
    case = selectors.case_for(request.user, case_id=oh_case_id)
    return Status(201, _sent(questionnaires.questionnaire_send(actor=request.user, case=case, key=body.key)))


@router.get("/wellbeing/cases/{oh_case_id}/questionnaires", response=list[OhQuestionnaireOut])
def case_questionnaires(request: HttpRequest, oh_case_id: int) -> list[dict[str, Any]]:
    """The questionnaires sent on the case with the answers, totals, bands and alert questions:
    clinicians of its partner only (others who see the case: 403); one access event per read."""
    return [
        {
            "id": q.id,
            "key": q.key,
            "title": q.title,
            "sent_by": q.sent_by,
            "sent_at": q.sent_at,
            "answered_at": q.answered_at,
            "questions": list(q.questions),
            "answers": list(q.answers),
            "answer_labels": list(q.answer_labels),
            "total": q.total,
            "band": q.band,
            "alerts": list(q.alerts),
        }
        for q in questionnaires.case_questionnaires(request.user, case_id=oh_case_id)
    ]


def _mine(q: questionnaires.QuestionnaireRead) -> dict[str, Any]:
    return {
        "id": q.id,
        "key": q.key,
        "title": q.title,
        "stem": q.stem,
        "questions": list(q.questions),
        "options": [label for label, _ in q.options],
        "option_values": [value for _, value in q.options],
        "sent_at": q.sent_at,
        "answered_at": q.answered_at,
        "answers": list(q.answers),
    }


@router.get("/wellbeing/my-cases/{oh_case_id}/questionnaires", response=list[OhMyQuestionnaireOut])
def my_questionnaires(request: HttpRequest, oh_case_id: int) -> list[dict[str, Any]]:
    """The questionnaires sent to the signed-in employee on their own case, with their questions,
    the options and the employee's own answers (empty until answered)."""
    return [_mine(q) for q in questionnaires.my_questionnaires(request.user, case_id=oh_case_id)]


@router.post("/wellbeing/my-questionnaires/{oh_questionnaire_id}/answers", response=OhMyQuestionnaireOut)
def answer_questionnaire(request: HttpRequest, oh_questionnaire_id: int, body: OhAnswersIn) -> dict[str, Any]:
    """The employee answers a questionnaire sent to them, once: one option value per question,
    in order (422 otherwise). Stored encrypted with its score, which the clinician reads."""
    sent = questionnaires.my_questionnaire(request.user, questionnaire_id=oh_questionnaire_id)
    answered = questionnaires.questionnaire_answer(
        actor=request.user, questionnaire=sent, answers=body.answers
    )
    [read] = [
        q
        for q in questionnaires.my_questionnaires(request.user, case_id=answered.case_id)
        if q.id == answered.pk
    ]
    return _mine(read)


# --- the employee's own -------------------------------------------------------------------------


@router.get("/wellbeing/my-cases", response=list[OhCaseOut])
def my_cases(request: HttpRequest) -> list[dict[str, Any]]:
    """The cases about you, whichever partner employs you, newest first."""
    return [_case(c) for c in selectors.my_cases(request.user)]


def _own(user: Any, case_id: int) -> Case:
    found = selectors.my_cases(user).filter(pk=case_id).first()
    if found is None:
        raise Http404("No such case.")
    return found


@router.get("/wellbeing/my-cases/{oh_case_id}", response=OhCaseDetailOut)
def my_case(request: HttpRequest, oh_case_id: int) -> dict[str, Any]:
    """One of your own cases."""
    return _detail(request.user, _own(request.user, oh_case_id))


@router.get("/wellbeing/my-cases/{oh_case_id}/report", response=OhMyReportOut)
def my_report(request: HttpRequest, oh_case_id: int) -> dict[str, Any]:
    """Your outcome report, once the clinician has issued it (``report`` is null before)."""
    report = selectors.my_report(request.user, case_id=oh_case_id)
    return {"case_id": oh_case_id, "report": _outcome(report) if report is not None else None}


@router.post("/wellbeing/my-cases/{oh_case_id}/report/response", response=OhMyReportOut)
def respond_to_report(request: HttpRequest, oh_case_id: int, body: OhResponseIn) -> dict[str, Any]:
    """Your answer to a report you asked to see first: ``agreed`` (it goes to your referrer now),
    ``correction`` (back to the clinician) or ``withheld`` (never released)."""
    report = selectors.my_report(request.user, case_id=oh_case_id)
    if report is None:
        raise ValidationError({"response": "This report is not waiting for your answer."})
    report = reports.report_respond(actor=request.user, report=report, response=body.response)
    return {"case_id": oh_case_id, "report": _outcome(report)}


@router.get("/wellbeing/my-cases/{oh_case_id}/access", response=list[OhAccessOut])
def who_read_my_case(request: HttpRequest, oh_case_id: int) -> list[dict[str, Any]]:
    """Who has read your case's clinical content or its outcome, and which part, newest first."""
    return [
        {"at": e.at, "who": e.actor_label, "part": e.part}
        for e in selectors.my_case_access(request.user, case_id=oh_case_id)
    ]


# --- the data-protection officer ---------------------------------------------------------------


def _access_event(event: CaseAccessEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "case_id": event.case_id,
        "at": event.at,
        "who": event.actor_label,
        "part": event.part,
    }


@router.get("/wellbeing/partners/{partner_id}/access-events", response=list[OhAccessEventOut])
@paginate(Pages, page_size=100)
def access_events(request: HttpRequest, partner_id: int, oh_case_id: int | None = None) -> Any:
    """Every read of the partner's cases' clinical content, newest first, for its data-protection
    officer (``wellbeing.access_log``): who, when, which case, which part; never content."""
    partner = partner_for(request.user, partner_id=partner_id)
    return _Rendered(
        selectors.access_events_for(request.user, partner=partner, case_id=oh_case_id), _access_event
    )


# --- HR's register of workplace adjustments ------------------------------------------------------


def _adjustment(record: AdjustmentRecord, as_of: date) -> dict[str, Any]:
    employment = record.employment
    return {
        "id": record.pk,
        "partner_id": record.partner_id,
        "employment_id": record.employment_id,
        "name": _employee(employment),
        "payroll_number": employment.payroll_number,
        "post": employment.job_title,
        "team": employment.org_unit.name if employment.org_unit else "",
        "what": record.what,
        "starts_on": record.starts_on,
        "review_on": record.review_on,
        "status": selectors.adjustment_status(record.starts_on, record.review_on, as_of=as_of).value,
    }


@router.get("/wellbeing/partners/{partner_id}/adjustments", response=list[OhAdjustmentOut])
@paginate(Pages, page_size=100)
def adjustments(request: HttpRequest, partner_id: int, status: str = "", q: str = "") -> Any:
    """The partner's register of workplace adjustments, soonest review first, for its HR officers
    (``wellbeing.adjustments``) and occupational health: the adjustment's words, start, review and
    ``status`` today (upcoming, in_place, review_due, review_overdue), which also narrows the list,
    as ``q`` does to a name or payroll number. No clinical content."""
    partner = partner_for(request.user, partner_id=partner_id)
    if status and status not in {s.value for s in selectors.AdjustmentStatus}:
        choices = ", ".join(s.value for s in selectors.AdjustmentStatus)
        raise ValidationError({"status": f"Choose a status: {choices}."})
    as_of = timezone.localdate()
    found = selectors.adjustment_register(
        request.user, partner=partner, as_of=as_of, status=status, search=q[:100]
    )
    return _Rendered(found, lambda record: _adjustment(record, as_of))


# --- health surveillance -----------------------------------------------------------------------


def _team_row(row: surveillance_selectors.TeamStatus) -> dict[str, Any]:
    return {
        "enrolment_id": row.enrolment_id,
        "partner_id": row.partner_id,
        "employment_id": row.employment_id,
        "name": row.name,
        "payroll_number": row.payroll_number,
        "programme": row.programme,
        "kind": row.kind,
        "status": row.status.value,
        "next_due_on": row.next_due_on,
        "last_done_on": row.last_done_on,
    }


@router.get("/wellbeing/partners/{partner_id}/surveillance", response=list[OhSurveillanceRowOut])
def surveillance(
    request: HttpRequest,
    partner_id: int,
    as_of: DateIn | None = None,
    status: str = "",
    surveillance_programme_id: int | None = None,
) -> list[dict[str, Any]]:
    """Everyone enrolled in the partner's surveillance programmes on ``as_of`` (today by default),
    soonest due first, with the last check's outcome category: occupational health only."""
    partner = partner_for(request.user, partner_id=partner_id)
    rows = surveillance_selectors.surveillance_list(
        request.user,
        partner=partner,
        as_of=as_of or timezone.localdate(),
        status=_surveillance_status(status),
        programme_id=surveillance_programme_id,
    )
    return [{**_team_row(r), "last_outcome": r.last_outcome} for r in rows]


@router.get("/wellbeing/surveillance/team", response=list[OhTeamStatusOut])
def team_surveillance(
    request: HttpRequest, as_of: DateIn | None = None, status: str = ""
) -> list[dict[str, Any]]:
    """Your team's surveillance on ``as_of``: due, overdue, done or upcoming, and the dates; never
    a result. Managers (``wellbeing.surveillance_team``); 403 for anyone else."""
    if not partner_ids_with(request.user, surveillance_selectors.TEAM):
        raise PermissionDenied("The team's surveillance status is for its line managers.")
    rows = surveillance_selectors.team_surveillance(
        request.user, as_of=as_of or timezone.localdate(), status=_surveillance_status(status)
    )
    return [_team_row(r) for r in rows]


# --- wellbeing programmes -----------------------------------------------------------------------


@router.get("/wellbeing/partners/{partner_id}/programme-usage", response=OhUsageReportOut)
def programme_usage(
    request: HttpRequest,
    partner_id: int,
    first_month: str = "",
    last_month: str = "",
    measure: str = UsageMeasure.REFERRALS,
) -> dict[str, Any]:
    """The partner's programme usage over whole months (``YYYY-MM``; the last twelve by default),
    a row per reason, a column per programme, with totals, every cell under the minimum hidden
    with those that would give it away: a hidden cell is ``{"value": null, "hidden": true}``."""
    partner = partner_for(request.user, partner_id=partner_id)
    this_month = timezone.localdate().replace(day=1)
    last = _month(last_month, "last_month", this_month)
    year_before = (
        date(last.year - 1, last.month, 1) if last.month == 12 else date(last.year - 1, last.month + 1, 1)
    )
    first = _month(first_month, "first_month", year_before)
    if measure not in UsageMeasure.values:
        raise ValidationError({"measure": f"Choose a measure: {', '.join(UsageMeasure.values)}."})
    if last < first:
        raise ValidationError({"last_month": "The period ends before it starts."})
    report = programme_selectors.usage_report(
        request.user, partner=partner, first_month=first, last_month=last, measure=measure
    )
    table = report.table
    width = len(table.columns)

    def cell(r: int, c: int) -> dict[str, Any]:
        shown = table.shown(r, c)
        return {"value": shown, "hidden": shown is None}

    def row(r: int, label: str) -> dict[str, Any]:
        return {"label": label, "cells": [cell(r, c) for c in range(width)], "total": cell(r, width)}

    return {
        "partner_id": partner.pk,
        "first_month": f"{first:%Y-%m}",
        "last_month": f"{last:%Y-%m}",
        "measure": measure,
        "minimum": MINIMUM,
        "columns": list(table.columns),
        "rows": [row(r, label) for r, label in enumerate(table.rows)],
        "totals": row(len(table.rows), "Total"),
    }
