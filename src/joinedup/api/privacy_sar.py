"""Subject-access requests over JSON (issue 17): the partner's log, each request's actions, and the
download of a released export.

Everything here is the data-protection officer's (``privacy.sar``). A request of a partner you
are not a member of answers 404; on your own partner without the permission, 403 and nothing
changes. The log and a request carry ids, statuses and dates (and the person's name, which the DPO
knows); the export itself leaves only through ``GET …/export`` once released, as JSON with
``Cache-Control: no-store``, and answers 410 once expired (when it is deleted). Schemas are
prefixed ``Sar`` so they clobber no other app's in the OpenAPI document."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn, IdIn
from joinedup.partnership.selectors import partner_for
from joinedup.privacy import sar as services
from joinedup.privacy.models import SarStatus, SubjectAccessRequest
from joinedup.privacy.sar_selectors import SarFilters, sar_for, sar_log_for

router = Router(tags=["privacy"])


class SarOut(Schema):
    id: int
    partner: str
    person_id: int
    person: str
    status: str
    received_on: date
    identity_requested_on: date | None
    identity_verified_on: date | None
    extended_on: date | None
    due_on: date | None
    overdue: bool
    assembled_at: datetime | None
    released_at: datetime | None
    expires_at: datetime | None
    closed_on: date | None


class SarLogIn(Schema):
    person_id: IdIn
    received_on: DateIn


class SarIdentityRequestIn(Schema):
    requested_on: DateIn


class SarIdentityVerifiedIn(Schema):
    verified_on: DateIn


class SarExtensionIn(Schema):
    extended_on: DateIn
    reason: str = Field(min_length=1, max_length=services.REASON_LIMIT)


class SarRefusalIn(Schema):
    refused_on: DateIn
    reason: str = Field(min_length=1, max_length=services.REASON_LIMIT)


class SarWithdrawalIn(Schema):
    withdrawn_on: DateIn


class SarEmptyIn(Schema):
    pass


class SarGoneOut(Schema):
    detail: str


def _out(sar: SubjectAccessRequest) -> dict[str, Any]:
    return {
        "id": sar.pk,
        "partner": sar.partner.code,
        "person_id": sar.person_id,
        "person": sar.person.full_name,
        "status": sar.status,
        "received_on": sar.received_on,
        "identity_requested_on": sar.identity_requested_on,
        "identity_verified_on": sar.identity_verified_on,
        "extended_on": sar.extended_on,
        "due_on": sar.due_on,
        "overdue": sar.is_overdue(timezone.localdate()),
        "assembled_at": sar.assembled_at,
        "released_at": sar.released_at,
        "expires_at": sar.expires_at,
        "closed_on": sar.closed_on,
    }


class _Rendered:
    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [_out(row) for row in self.rows[window]]


@router.get("/privacy/partners/{partner_id}/subject-access-requests", response=list[SarOut])
@paginate(Pages, page_size=50)
def sar_log(
    request: HttpRequest, partner_id: int, status: str = "", open: bool = False, overdue: bool = False
) -> Any:
    """The partner's subject-access requests, soonest due first; ``status``, ``open`` and
    ``overdue`` narrow them."""
    partner = partner_for(request.user, partner_id=partner_id)
    if status and status not in SarStatus.values:
        raise ValidationError({"status": f"Choose a status: {', '.join(SarStatus.values)}."})
    filters = SarFilters(status=status, open_only=open, overdue_only=overdue)
    found = sar_log_for(request.user, partner=partner, filters=filters, today=timezone.localdate())
    return _Rendered(found.select_related("partner"))


@router.post("/privacy/partners/{partner_id}/subject-access-requests", response={201: SarOut})
def sar_create(request: HttpRequest, partner_id: int, body: SarLogIn) -> Status[dict[str, Any]]:
    """Log a request received from a person the partner employs or employed; its due date is
    one month from receipt (UK GDPR Article 12(3), as the ICO counts it)."""
    partner = partner_for(request.user, partner_id=partner_id)
    made = services.sar_log(
        actor=request.user, partner=partner, person_id=body.person_id, received_on=body.received_on
    )
    return Status(201, _out(made))


@router.get("/privacy/subject-access-requests/{sar_id}", response=SarOut)
def sar_get(request: HttpRequest, sar_id: int) -> dict[str, Any]:
    """One request, with its dates and due date."""
    return _out(sar_for(request.user, sar_id=sar_id))


@router.post("/privacy/subject-access-requests/{sar_id}/identity-request", response=SarOut)
def sar_identity_request(request: HttpRequest, sar_id: int, body: SarIdentityRequestIn) -> dict[str, Any]:
    """You asked the requester to confirm their identity: the clock stops until they do."""
    sar = sar_for(request.user, sar_id=sar_id)
    return _out(services.sar_request_identity(actor=request.user, sar=sar, requested_on=body.requested_on))


@router.post("/privacy/subject-access-requests/{sar_id}/identity-verified", response=SarOut)
def sar_identity_verified(request: HttpRequest, sar_id: int, body: SarIdentityVerifiedIn) -> dict[str, Any]:
    """The identity was received and confirmed: the month starts that day."""
    sar = sar_for(request.user, sar_id=sar_id)
    return _out(services.sar_verify_identity(actor=request.user, sar=sar, verified_on=body.verified_on))


@router.post("/privacy/subject-access-requests/{sar_id}/extension", response=SarOut)
def sar_extension(request: HttpRequest, sar_id: int, body: SarExtensionIn) -> dict[str, Any]:
    """Extend a complex request by two further months, decided within the first month."""
    sar = sar_for(request.user, sar_id=sar_id)
    return _out(
        services.sar_extend(actor=request.user, sar=sar, extended_on=body.extended_on, reason=body.reason)
    )


@router.post("/privacy/subject-access-requests/{sar_id}/assemble", response=SarOut)
def sar_assemble(request: HttpRequest, sar_id: int, body: SarEmptyIn) -> dict[str, Any]:
    """Gather the export of everything the partner holds about the person, for your review."""
    sar = sar_for(request.user, sar_id=sar_id)
    return _out(services.sar_assemble(actor=request.user, sar=sar))


@router.post("/privacy/subject-access-requests/{sar_id}/release", response=SarOut)
def sar_release(request: HttpRequest, sar_id: int, body: SarEmptyIn) -> dict[str, Any]:
    """Release the reviewed export: downloadable until ``expires_at``."""
    sar = sar_for(request.user, sar_id=sar_id)
    return _out(services.sar_release(actor=request.user, sar=sar))


@router.post("/privacy/subject-access-requests/{sar_id}/refusal", response=SarOut)
def sar_refusal(request: HttpRequest, sar_id: int, body: SarRefusalIn) -> dict[str, Any]:
    """Refuse a manifestly unfounded or excessive request, with the reason."""
    sar = sar_for(request.user, sar_id=sar_id)
    return _out(
        services.sar_refuse(actor=request.user, sar=sar, refused_on=body.refused_on, reason=body.reason)
    )


@router.post("/privacy/subject-access-requests/{sar_id}/withdrawal", response=SarOut)
def sar_withdrawal(request: HttpRequest, sar_id: int, body: SarWithdrawalIn) -> dict[str, Any]:
    """The requester withdrew the request."""
    sar = sar_for(request.user, sar_id=sar_id)
    return _out(services.sar_withdraw(actor=request.user, sar=sar, withdrawn_on=body.withdrawn_on))


@router.get("/privacy/subject-access-requests/{sar_id}/export", response={200: None, 410: SarGoneOut})
def sar_export_download(request: HttpRequest, sar_id: int) -> HttpResponse | Status[dict[str, str]]:
    """The released export as JSON, exactly as reviewed (never cached); 410 once it has expired,
    when it is deleted."""
    sar = sar_for(request.user, sar_id=sar_id)
    download = services.sar_download(actor=request.user, sar=sar)
    if download.gone:
        return Status(410, {"detail": "This export has expired and has been deleted."})
    response = HttpResponse(download.content, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
