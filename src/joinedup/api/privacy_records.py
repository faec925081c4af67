"""Records of processing and processors over JSON, for a partner's DPO (``privacy.records``).

Everything is read through a partner: ``/privacy/partners/{partner_id}/…``. A partner the caller
is not a member of, or a record or engagement of another partner, answers 404; a member without
``privacy.records`` gets 403. A processor's users are those of the engaged processor who hold a
role on the partner: another partner's staff are not listed, linked or ended through it."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from joinedup.partnership.selectors import partner_for
from joinedup.privacy import processors, records
from joinedup.privacy.models import ProcessingRecord, Processor, ProcessorEngagement, ProcessorUser
from joinedup.privacy.transfers import country_name

router = Router(tags=["privacy"])


class PrivacyRecordOut(Schema):
    id: int
    key: str
    record_type: str
    purpose: str
    data_categories: list[str]
    data_subjects: list[str]
    special_categories: list[str]
    lawful_basis: str
    article_9_condition: str
    schedule_1_condition: str
    recipients: list[str]
    retention: str
    security_measures: list[str]
    status: str
    edited: bool
    declaration_changed: bool
    updated_at: datetime


class PrivacyRecordEditIn(Schema):
    """The fields to change; lists are given as lists and kept one item a line."""

    record_type: str | None = None
    purpose: str | None = None
    data_categories: list[str] | None = None
    data_subjects: list[str] | None = None
    special_categories: list[str] | None = None
    lawful_basis: str | None = None
    article_9_condition: str | None = None
    schedule_1_condition: str | None = None
    recipients: list[str] | None = None
    retention: str | None = None
    security_measures: list[str] | None = None


class PrivacyRegeneratedOut(Schema):
    added: list[str]
    refreshed: list[str]
    changed_under_edit: list[str]
    withdrawn: list[str]


class PrivacyEmptyIn(Schema):
    pass


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _record(r: ProcessingRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "key": r.key,
        "record_type": r.record_type,
        "purpose": r.purpose,
        "data_categories": _lines(r.data_categories),
        "data_subjects": _lines(r.data_subjects),
        "special_categories": _lines(r.special_categories),
        "lawful_basis": r.lawful_basis,
        "article_9_condition": r.article_9_condition,
        "schedule_1_condition": r.schedule_1_condition,
        "recipients": _lines(r.recipients),
        "retention": r.retention,
        "security_measures": _lines(r.security_measures),
        "status": r.status,
        "edited": r.edited,
        "declaration_changed": r.declaration_changed,
        "updated_at": r.updated_at,
    }


@router.get("/privacy/partners/{partner_id}/records", response=list[PrivacyRecordOut])
def list_records(request: HttpRequest, partner_id: int) -> list[dict[str, Any]]:
    """The partner's records of processing (UK GDPR Article 30(1)), active first."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [_record(r) for r in records.records_for(request.user, partner=partner)]


@router.post("/privacy/partners/{partner_id}/records/generate", response=PrivacyRegeneratedOut)
def generate_records(request: HttpRequest, partner_id: int, body: PrivacyEmptyIn) -> dict[str, Any]:
    """(Re)generate the records from the declarations of the apps the partner uses: new ones
    added, unedited ones refreshed, edited ones flagged when their declaration changed (never
    overwritten), ones no longer used flagged withdrawn."""
    partner = partner_for(request.user, partner_id=partner_id)
    result = records.records_generate(actor=request.user, partner=partner)
    return {
        "added": list(result.added),
        "refreshed": list(result.refreshed),
        "changed_under_edit": list(result.changed_under_edit),
        "withdrawn": list(result.withdrawn),
    }


@router.get("/privacy/partners/{partner_id}/records/{record_id}", response=PrivacyRecordOut)
def get_record(request: HttpRequest, partner_id: int, record_id: int) -> dict[str, Any]:
    partner = partner_for(request.user, partner_id=partner_id)
    return _record(records.record_for(request.user, partner=partner, record_id=record_id))


@router.patch("/privacy/partners/{partner_id}/records/{record_id}", response=PrivacyRecordOut)
def edit_record(
    request: HttpRequest, partner_id: int, record_id: int, body: PrivacyRecordEditIn
) -> dict[str, Any]:
    """The DPO's edit: only the fields given change, and the record is never overwritten by a
    regeneration afterwards. Audited with the values before and after."""
    partner = partner_for(request.user, partner_id=partner_id)
    record = records.record_for(request.user, partner=partner, record_id=record_id)
    changes = {
        name: "\n".join(v.strip() for v in value if v.strip()) if isinstance(value, list) else value
        for name, value in body.dict(exclude_none=True).items()
    }
    return _record(records.record_edit(actor=request.user, record=record, changes=changes))


# --- processors ---------------------------------------------------------------------------------


class PrivacyProcessorIn(Schema):
    name: str
    kind: str
    country: str
    parent_id: int | None = None
    contact: str = ""


class PrivacyProcessorOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    country_name: str
    parent_id: int | None


class PrivacyEngagementIn(Schema):
    processor_id: int
    record_keys: list[str]
    review_due: date
    transfer_mechanism: str = "none"
    transfer_risk_assessed_on: date | None = None


class PrivacyApprovalIn(Schema):
    record_keys: list[str]
    countries: list[str] = []


class PrivacyEngagementOut(Schema):
    id: int
    processor: PrivacyProcessorOut
    record_keys: list[str]
    approved_keys: list[str]
    approved_countries: list[str]
    status: str
    transfer_mechanism: str
    transfer_risk_assessed_on: date | None
    review_due: date
    review_overdue: bool


def _processor(p: Processor) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "country": p.country,
        "country_name": country_name(p.country) or p.country,
        "parent_id": p.parent_id,
    }


def _engagement(e: ProcessorEngagement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "processor": _processor(e.processor),
        "record_keys": e.record_keys,
        "approved_keys": e.approved_keys,
        "approved_countries": e.approved_countries,
        "status": e.status,
        "transfer_mechanism": e.transfer_mechanism,
        "transfer_risk_assessed_on": e.transfer_risk_assessed_on,
        "review_due": e.review_due,
        "review_overdue": processors.review_overdue(e, today=timezone.localdate()),
    }


@router.get("/privacy/partners/{partner_id}/processors", response=list[PrivacyEngagementOut])
def list_engagements(request: HttpRequest, partner_id: int) -> list[dict[str, Any]]:
    """The processors and sub-processors engaged for the partner: what they process, where, on
    what transfer mechanism, whether approved, and whether their review is overdue."""
    partner = partner_for(request.user, partner_id=partner_id)
    return [_engagement(e) for e in processors.engagements_for(request.user, partner=partner)]


@router.post("/privacy/partners/{partner_id}/processors", response={201: PrivacyProcessorOut})
def register_processor(
    request: HttpRequest, partner_id: int, body: PrivacyProcessorIn
) -> Status[dict[str, Any]]:
    """Register a processor (or, with ``parent_id``, a sub-processor) in an ISO 3166-1 alpha-2
    ``country``; the partner's audit chain records who registered it."""
    partner = partner_for(request.user, partner_id=partner_id)
    processor = processors.processor_register(
        actor=request.user,
        partner=partner,
        details=processors.ProcessorDetails(
            name=body.name,
            kind=body.kind,
            country=body.country,
            parent_id=body.parent_id,
            contact=body.contact,
        ),
    )
    return Status(201, _processor(processor))


@router.post("/privacy/partners/{partner_id}/engagements", response={201: PrivacyEngagementOut})
def engage_processor(
    request: HttpRequest, partner_id: int, body: PrivacyEngagementIn
) -> Status[dict[str, Any]]:
    """Propose a processor for the partner's records; a restricted transfer names its mechanism."""
    partner = partner_for(request.user, partner_id=partner_id)
    processor = Processor.objects.filter(pk=body.processor_id).first()
    if processor is None:
        raise ValidationError({"processor_id": "No such processor."})
    engagement = processors.engagement_propose(
        actor=request.user,
        partner=partner,
        processor=processor,
        details=processors.EngagementDetails(
            record_keys=tuple(body.record_keys),
            review_due=body.review_due,
            transfer_mechanism=body.transfer_mechanism,
            transfer_risk_assessed_on=body.transfer_risk_assessed_on,
        ),
    )
    return Status(201, _engagement(engagement))


@router.post(
    "/privacy/partners/{partner_id}/engagements/{engagement_id}/approval", response=PrivacyEngagementOut
)
def approve_engagement(
    request: HttpRequest, partner_id: int, engagement_id: int, body: PrivacyApprovalIn
) -> dict[str, Any]:
    """The DPO's approval of the processor for ``record_keys``, reached from its own country and
    ``countries``. Audited."""
    partner = partner_for(request.user, partner_id=partner_id)
    engagement = processors.engagement_for(request.user, partner=partner, engagement_id=engagement_id)
    return _engagement(
        processors.engagement_approve(
            actor=request.user,
            engagement=engagement,
            record_keys=tuple(body.record_keys),
            countries=tuple(body.countries),
        )
    )


# --- a processor's users ------------------------------------------------------------------------


class PrivacyProcessorUserOut(Schema):
    id: int
    user_id: int
    username: str
    processor_id: int
    since: datetime
    until: datetime | None
    current: bool


class PrivacyProcessorUserIn(Schema):
    username: str = Field(min_length=1, max_length=150)


def _processor_user(link: ProcessorUser) -> dict[str, Any]:
    return {
        "id": link.pk,
        "user_id": link.user_id,
        "username": link.user.username,
        "processor_id": link.processor_id,
        "since": link.since,
        "until": link.until,
        "current": link.until is None or link.until > timezone.now(),
    }


@router.get(
    "/privacy/partners/{partner_id}/engagements/{engagement_id}/users", response=list[PrivacyProcessorUserOut]
)
def list_processor_users(request: HttpRequest, partner_id: int, engagement_id: int) -> list[dict[str, Any]]:
    """The users with a role on the partner who work for the engaged processor, current first:
    their roles open the partner's data only as far as the engagement is approved."""
    partner = partner_for(request.user, partner_id=partner_id)
    engagement = processors.engagement_for(request.user, partner=partner, engagement_id=engagement_id)
    found = processors.processor_users_for(request.user, partner=partner, engagement=engagement)
    return [_processor_user(link) for link in found]


@router.post(
    "/privacy/partners/{partner_id}/engagements/{engagement_id}/users",
    response={201: PrivacyProcessorUserOut},
)
def link_processor_user(
    request: HttpRequest, partner_id: int, engagement_id: int, body: PrivacyProcessorUserIn
) -> Status[dict[str, Any]]:
    """Record that a user with a role on the partner works for the processor, from now. One
    processor at a time. Audited."""
    partner = partner_for(request.user, partner_id=partner_id)
    engagement = processors.engagement_for(request.user, partner=partner, engagement_id=engagement_id)
    user = processors.linkable_user(request.user, partner=partner, username=body.username)
    link = processors.processor_user_link(
        actor=request.user, partner=partner, processor=engagement.processor, user=user
    )
    return Status(201, _processor_user(link))


@router.post(
    "/privacy/partners/{partner_id}/engagements/{engagement_id}/users/{processor_user_id}/end",
    response=PrivacyProcessorUserOut,
)
def end_processor_user(
    request: HttpRequest, partner_id: int, engagement_id: int, processor_user_id: int, body: PrivacyEmptyIn
) -> dict[str, Any]:
    """End the link from now: the user's roles are no longer narrowed by the processor's approvals.
    Refused while the user holds roles on a partner whose DPO the caller is not. Audited."""
    partner = partner_for(request.user, partner_id=partner_id)
    engagement = processors.engagement_for(request.user, partner=partner, engagement_id=engagement_id)
    link = processors.processor_user_for(
        request.user, partner=partner, engagement=engagement, link_id=processor_user_id
    )
    return _processor_user(processors.processor_user_end(actor=request.user, partner=partner, link=link))
