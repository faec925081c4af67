"""Subject-access requests: the writes (log, identity, extension, export, release, refusal,
withdrawal) and the download of a released export.

Each is one transaction with one audit event that holds ids, statuses and dates only — never a
name, a reason's words or a byte of the export. Each is authorised by ``privacy.sar`` on the
request's partner (the data-protection officer). After each, ``due_on`` is what
``sar_deadline.due_date`` says for the request's dates.

The export is **stored encrypted**, not regenerated on download: the DPO reviews and releases
one document, and the requester must receive exactly that one (a regenerated export could differ
from what was reviewed — a payslip approved since, a ticket reply added, a third party's name in
new free text nobody redacted); regenerating would also read the clinical notes again and write
access events in the requester's download. It is encrypted with the platform key
(``core/crypto.py``, AES-GCM) because it holds bank details and clinical text, kept with its
SHA-256 so a download can be checked against what was reviewed, and deleted at expiry or when the
request is refused or withdrawn.

Statuses::

    received ──request identity──▶ awaiting identity ──verify──▶ in progress
    received / in progress ──assemble──▶ ready for review ──release──▶ released
    ready for review ──assemble again──▶ ready for review   (a re-read before release)
    any open ──refuse──▶ refused;  any open ──withdraw──▶ withdrawn
"""

from __future__ import annotations

import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import crypto, rls
from joinedup.core.actors import SystemActor, is_system, user_of
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.people.models import Person
from joinedup.privacy import sar_deadline, sar_export
from joinedup.privacy.models import SarStatus, SubjectAccessRequest

PERMISSION = "privacy.sar"
REASON_LIMIT = 500
ASSEMBLABLE = (SarStatus.RECEIVED, SarStatus.IN_PROGRESS, SarStatus.READY_FOR_REVIEW)
OPEN = (SarStatus.RECEIVED, SarStatus.AWAITING_IDENTITY, SarStatus.IN_PROGRESS, SarStatus.READY_FOR_REVIEW)


def _deadline(sar: SubjectAccessRequest) -> date | None:
    return sar_deadline.due_date(
        received_on=sar.received_on,
        identity_requested_on=sar.identity_requested_on,
        identity_verified_on=sar.identity_verified_on,
        extended=sar.extended_on is not None,
    ).due_on


def _locked(sar: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.for_partner(sar.partner_id).select_for_update().get(pk=sar.pk)


def _require(sar: SubjectAccessRequest, statuses: tuple[str, ...], doing: str) -> None:
    if sar.status not in statuses:
        raise ValidationError(
            {"status": f"This request is {SarStatus(sar.status).label.lower()}: it cannot be {doing} now."}
        )


def _not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "This date is in the future."})


def _reason(text: str, field: str, what: str) -> str:
    body = text.strip()
    if not body:
        raise ValidationError({field: f"Give the reason {what}."})
    if len(body) > REASON_LIMIT:
        raise ValidationError({field: f"Keep the reason to {REASON_LIMIT} characters."})
    return body


def _event(actor: Any, sar: SubjectAccessRequest, action: str, **after: Any) -> None:
    record_event(
        actor=actor,
        partner=sar.partner_id,
        action=f"privacy.sar_{action}",
        target=sar,
        after={"person": sar.person_id, "status": sar.status, "due_on": sar.due_on, **after},
    )


@transaction.atomic
def sar_log(*, actor: Any, partner: Partner, person_id: int, received_on: date) -> SubjectAccessRequest:
    """Log a request received by ``partner`` from one of its people (or people it hosts)."""
    authorise(actor, PERMISSION, partner)
    person = Person.objects.for_partner(partner).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": "No such person works, or worked, for this partner."})
    _not_future(received_on, "received_on")
    sar = SubjectAccessRequest(
        partner=partner, person=person, received_on=received_on, logged_by=user_of(actor)
    )
    sar.due_on = _deadline(sar)
    sar.save()
    _event(actor, sar, "logged", received_on=received_on)
    return sar


@transaction.atomic
def sar_request_identity(
    *, actor: Any, sar: SubjectAccessRequest, requested_on: date
) -> SubjectAccessRequest:
    """The DPO asked the requester to confirm who they are: the clock stops until they do."""
    authorise(actor, PERMISSION, sar.partner_id)
    sar = _locked(sar)
    _require(sar, (SarStatus.RECEIVED,), "sent for identity")
    _not_future(requested_on, "identity_requested_on")
    if requested_on < sar.received_on:
        raise ValidationError(
            {"identity_requested_on": "Identity is asked for on or after the request's receipt."}
        )
    sar.identity_requested_on = requested_on
    sar.status = SarStatus.AWAITING_IDENTITY
    sar.due_on = _deadline(sar)
    sar.save(update_fields=["identity_requested_on", "status", "due_on"])
    _event(actor, sar, "identity_requested", identity_requested_on=requested_on)
    return sar


@transaction.atomic
def sar_verify_identity(*, actor: Any, sar: SubjectAccessRequest, verified_on: date) -> SubjectAccessRequest:
    """The requester's identity arrived and was confirmed on ``verified_on``: the month starts."""
    authorise(actor, PERMISSION, sar.partner_id)
    sar = _locked(sar)
    _require(sar, (SarStatus.AWAITING_IDENTITY,), "verified")
    _not_future(verified_on, "identity_verified_on")
    assert sar.identity_requested_on is not None  # noqa: S101 — the constraint and the status say so
    if verified_on < sar.identity_requested_on:
        raise ValidationError({"identity_verified_on": "Identity is received on or after it was asked for."})
    sar.identity_verified_on = verified_on
    sar.status = SarStatus.IN_PROGRESS
    sar.due_on = _deadline(sar)
    sar.save(update_fields=["identity_verified_on", "status", "due_on"])
    _event(actor, sar, "identity_verified", identity_verified_on=verified_on)
    return sar


@transaction.atomic
def sar_extend(
    *, actor: Any, sar: SubjectAccessRequest, extended_on: date, reason: str
) -> SubjectAccessRequest:
    """A complex request: two further months (Article 12(3)), decided and told to the requester
    within the first month, with the reason (kept on the request, not in the audit trail)."""
    authorise(actor, PERMISSION, sar.partner_id)
    sar = _locked(sar)
    _require(sar, (SarStatus.RECEIVED, SarStatus.IN_PROGRESS, SarStatus.READY_FOR_REVIEW), "extended")
    if sar.extended_on is not None:
        raise ValidationError({"extended_on": "This request has been extended already."})
    _not_future(extended_on, "extended_on")
    if sar.due_on is not None and extended_on > sar.due_on:
        raise ValidationError(
            {"extended_on": f"The extension is decided within the first month, by {people_date(sar.due_on)}."}
        )
    if extended_on < sar.received_on:
        raise ValidationError({"extended_on": "The extension is decided on or after the request's receipt."})
    sar.extension_reason = _reason(reason, "extension_reason", "the request is complex")
    sar.extended_on = extended_on
    sar.due_on = _deadline(sar)
    sar.save(update_fields=["extended_on", "extension_reason", "due_on"])
    _event(actor, sar, "extended", extended_on=extended_on)
    return sar


def _pack(export: dict[str, Any]) -> tuple[str, str]:
    text = json.dumps(export, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return crypto.encrypt(text), hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def sar_assemble(*, actor: Any, sar: SubjectAccessRequest) -> SubjectAccessRequest:
    """Gather the export (sar_export.assemble) and store it encrypted for the DPO's review."""
    authorise(actor, PERMISSION, sar.partner_id)
    sar = _locked(sar)
    _require(sar, ASSEMBLABLE, "assembled")
    export = sar_export.assemble(actor=actor, partner=sar.partner, person=sar.person)
    export["request"] = {"id": sar.pk, "received_on": sar.received_on, "due_on": sar.due_on}
    sar.export_ciphertext, sar.export_sha256 = _pack(export)
    sar.assembled_at = timezone.now()
    sar.status = SarStatus.READY_FOR_REVIEW
    sar.save(update_fields=["export_ciphertext", "export_sha256", "assembled_at", "status"])
    _event(actor, sar, "assembled", counts=export["counts"])
    return sar


def export_of(actor: Any, sar: SubjectAccessRequest) -> dict[str, Any]:
    """The stored export as the DPO reviews it (ready for review, or released and not expired)."""
    authorise(actor, PERMISSION, sar.partner_id)
    if not sar.export_ciphertext:
        raise ValidationError({"export": "This request has no export to read."})
    result: dict[str, Any] = json.loads(crypto.decrypt(sar.export_ciphertext))
    return result


@transaction.atomic
def sar_release(*, actor: Any, sar: SubjectAccessRequest) -> SubjectAccessRequest:
    """The DPO reviewed the export and releases it: downloadable for ``SAR_EXPORT_DAYS``."""
    authorise(actor, PERMISSION, sar.partner_id)
    sar = _locked(sar)
    _require(sar, (SarStatus.READY_FOR_REVIEW,), "released")
    now = timezone.now()
    sar.status = SarStatus.RELEASED
    sar.released_at = now
    sar.released_by = user_of(actor)
    sar.expires_at = now + timedelta(days=settings.SAR_EXPORT_DAYS)
    sar.closed_on = timezone.localdate()
    sar.save(update_fields=["status", "released_at", "released_by", "expires_at", "closed_on"])
    _event(actor, sar, "released", released_at=now, expires_at=sar.expires_at)
    return sar


def _drop_export(sar: SubjectAccessRequest) -> bool:
    had = bool(sar.export_ciphertext)
    sar.export_ciphertext = ""
    if had:
        sar.export_deleted_at = timezone.now()
    return had


@transaction.atomic
def sar_refuse(
    *, actor: Any, sar: SubjectAccessRequest, refused_on: date, reason: str
) -> SubjectAccessRequest:
    """Refuse a manifestly unfounded or excessive request (Article 12(5)), with the reason."""
    authorise(actor, PERMISSION, sar.partner_id)
    sar = _locked(sar)
    _require(sar, OPEN, "refused")
    _not_future(refused_on, "closed_on")
    sar.refusal_reason = _reason(reason, "refusal_reason", "for refusing")
    sar.status = SarStatus.REFUSED
    sar.closed_on = refused_on
    dropped = _drop_export(sar)
    sar.save()
    _event(actor, sar, "refused", closed_on=refused_on, export_deleted=dropped)
    return sar


@transaction.atomic
def sar_withdraw(*, actor: Any, sar: SubjectAccessRequest, withdrawn_on: date) -> SubjectAccessRequest:
    """The requester withdrew the request."""
    authorise(actor, PERMISSION, sar.partner_id)
    sar = _locked(sar)
    _require(sar, OPEN, "withdrawn")
    _not_future(withdrawn_on, "closed_on")
    sar.status = SarStatus.WITHDRAWN
    sar.closed_on = withdrawn_on
    dropped = _drop_export(sar)
    sar.save()
    _event(actor, sar, "withdrawn", closed_on=withdrawn_on, export_deleted=dropped)
    return sar


@dataclass(frozen=True)
class Download:
    """A released export's bytes, or ``gone`` once it has expired (the view answers 410)."""

    content: bytes
    sha256: str
    gone: bool = False


@transaction.atomic
def sar_download(*, actor: Any, sar: SubjectAccessRequest) -> Download:
    """The released export, exactly as reviewed; after ``expires_at`` it is deleted instead (in
    this transaction, audited) and the answer is ``gone``."""
    authorise(actor, PERMISSION, sar.partner_id)
    sar = _locked(sar)
    _require(sar, (SarStatus.RELEASED,), "downloaded")
    assert sar.expires_at is not None  # noqa: S101 — a released request has its expiry (constraint)
    if timezone.now() >= sar.expires_at or not sar.export_ciphertext:
        if _drop_export(sar):
            sar.save(update_fields=["export_ciphertext", "export_deleted_at"])
            _event(actor, sar, "export_expired", expires_at=sar.expires_at)
        return Download(content=b"", sha256="", gone=True)
    content = crypto.decrypt(sar.export_ciphertext).encode()
    _event(actor, sar, "export_downloaded")
    return Download(content=content, sha256=sar.export_sha256)


@transaction.atomic
def export_person(*, actor: Any, partner: Partner, person_id: int) -> dict[str, Any]:
    """The export of one person for one partner, straight to the caller (``joinedup privacy sar``,
    an operator's command): the same content as a request's, audited as written."""
    authorise(actor, PERMISSION, partner)
    person = Person.objects.for_partner(partner).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": f"No person {person_id} works, or worked, for {partner.code}."})
    export = sar_export.assemble(actor=actor, partner=partner, person=person)
    record_event(
        actor=actor,
        partner=partner,
        action="privacy.sar_exported",
        target=person,
        after={"person": person.pk, "counts": export["counts"]},
    )
    return export


def expire_exports(*, actor: Any) -> int:
    """Delete every released export past its expiry, on the partners where the actor holds
    ``privacy.sar`` (every partner for the system, as the worker runs it hourly): an export nobody
    downloads is deleted all the same. One transaction, one audit event per request. Idempotent."""
    partners = partner_ids_with(actor, PERMISSION)
    expired = 0
    with (
        transaction.atomic(),
        rls.system_context("delete expired subject-access exports") if is_system(actor) else nullcontext(),
    ):
        due = (
            SubjectAccessRequest.objects.for_partners(partners)
            .select_for_update()
            .filter(status=SarStatus.RELEASED, expires_at__lte=timezone.now())
            .exclude(export_ciphertext="")
            .order_by("partner_id", "pk")
        )
        for sar in due:
            _drop_export(sar)
            sar.save(update_fields=["export_ciphertext", "export_deleted_at"])
            _event(actor, sar, "export_expired", expires_at=sar.expires_at)
            expired += 1
    return expired


def scheduled_expiry() -> int:
    """The worker's periodic job (settings.WORKER_PERIODIC)."""
    return expire_exports(actor=SystemActor(reason="delete expired subject-access exports"))
