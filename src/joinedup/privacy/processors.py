"""Processors and sub-processors of a partner's personal data (UK GDPR Article 28) and the
partner's approval of each, for named records of processing, from named countries.

A processor is registered once (it may serve several partners); what it does for one partner is
that partner's engagement: the records it processes, the transfer mechanism for a restricted
transfer, the review date. The partner's DPO approves it for some or all of those records and
for the countries its staff may reach the data from (the processor's own always). A
sub-processor is approved only once the partner has approved its parent (Article 28(2): no
sub-processor without the controller's prior authorisation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import SystemActor
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.privacy.models import (
    EngagementStatus,
    ProcessingRecord,
    Processor,
    ProcessorEngagement,
    ProcessorKind,
    ProcessorUser,
    RecordStatus,
    TransferMechanism,
)
from joinedup.privacy.records import PERMISSION
from joinedup.privacy.transfers import country_name, transfer_errors


@dataclass(frozen=True)
class ProcessorDetails:
    name: str
    kind: str
    country: str
    parent_id: int | None = None
    contact: str = ""


@transaction.atomic
def processor_register(*, actor: Any, partner: Partner, details: ProcessorDetails) -> Processor:
    """Register a processor, on the account of the partner whose DPO registers it (its audit
    chain records it). Processors are shared: a second partner engages the same one."""
    authorise(actor, PERMISSION, partner)
    errors: dict[str, str] = {}
    country = details.country.strip().upper()
    if country_name(country) is None:
        errors["country"] = f"{details.country!r} is not an ISO 3166-1 alpha-2 country code."
    if details.kind not in ProcessorKind.values:
        errors["kind"] = "Not a kind of processor."
    parent = None
    if details.kind == ProcessorKind.SUB_PROCESSOR:
        parent = Processor.objects.filter(pk=details.parent_id).first() if details.parent_id else None
        if parent is None:
            errors["parent_id"] = "A sub-processor names the processor that engaged it."
    elif details.parent_id is not None:
        errors["parent_id"] = "Only a sub-processor has a parent processor."
    name = details.name.strip()
    if not name:
        errors["name"] = "Required."
    elif Processor.objects.filter(name__iexact=name).exists():
        errors["name"] = "A processor of that name is registered already."
    if errors:
        raise ValidationError(errors)
    processor = Processor.objects.create(
        name=name, kind=details.kind, country=country, parent=parent, contact=details.contact.strip()
    )
    record_event(
        actor=actor,
        partner=partner,
        action="privacy.processor_registered",
        target=processor,
        after={"name": name, "kind": details.kind, "country": country, "parent": details.parent_id},
    )
    return processor


@dataclass(frozen=True)
class EngagementDetails:
    record_keys: tuple[str, ...]
    review_due: date
    transfer_mechanism: str = TransferMechanism.NONE
    transfer_risk_assessed_on: date | None = None


def _active_keys(partner: Partner) -> set[str]:
    return set(
        ProcessingRecord.objects.for_partner(partner)
        .filter(status=RecordStatus.ACTIVE)
        .values_list("key", flat=True)
    )


@transaction.atomic
def engagement_propose(
    *, actor: Any, partner: Partner, processor: Processor, details: EngagementDetails
) -> ProcessorEngagement:
    authorise(actor, PERMISSION, partner)
    errors = transfer_errors(
        country=processor.country,
        mechanism=details.transfer_mechanism,
        assessed_on=details.transfer_risk_assessed_on,
    )
    unknown = sorted(set(details.record_keys) - _active_keys(partner))
    if not details.record_keys:
        errors["record_keys"] = "Name the records of processing it processes."
    elif unknown:
        errors["record_keys"] = f"Not among the partner's active records of processing: {', '.join(unknown)}."
    if ProcessorEngagement.objects.for_partner(partner).filter(processor=processor).exists():
        errors["processor"] = "The partner has engaged this processor already."
    if errors:
        raise ValidationError(errors)
    engagement = ProcessorEngagement.objects.create(
        partner=partner,
        processor=processor,
        record_keys=sorted(set(details.record_keys)),
        transfer_mechanism=details.transfer_mechanism,
        transfer_risk_assessed_on=details.transfer_risk_assessed_on,
        review_due=details.review_due,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="privacy.processor_engaged",
        target=engagement,
        after={
            "processor": processor.name,
            "record_keys": engagement.record_keys,
            "transfer_mechanism": details.transfer_mechanism,
            "transfer_risk_assessed_on": details.transfer_risk_assessed_on,
            "review_due": details.review_due,
        },
    )
    return engagement


@transaction.atomic
def engagement_approve(
    *,
    actor: Any,
    engagement: ProcessorEngagement,
    record_keys: tuple[str, ...],
    countries: tuple[str, ...] = (),
) -> ProcessorEngagement:
    """The partner's DPO approves the processor for ``record_keys`` (some or all of what it was
    engaged for), reached from its own country and ``countries``."""
    authorise(actor, PERMISSION, engagement.partner)
    engagement = (
        ProcessorEngagement.objects.for_partner(engagement.partner_id)
        .select_for_update()
        .select_related("processor")
        .get(pk=engagement.pk)
    )
    errors: dict[str, str] = {}
    outside = sorted(set(record_keys) - set(engagement.record_keys))
    if not record_keys:
        errors["record_keys"] = "Name the records of processing it is approved for."
    elif outside:
        errors["record_keys"] = f"Not engaged for: {', '.join(outside)}."
    bad = sorted(c for c in countries if country_name(c) is None)
    if bad:
        errors["countries"] = f"Not ISO 3166-1 alpha-2 country codes: {', '.join(bad)}."
    parent = engagement.processor.parent
    if parent is not None and not (
        ProcessorEngagement.objects.for_partner(engagement.partner_id)
        .filter(processor=parent, status=EngagementStatus.APPROVED)
        .exists()
    ):
        errors["processor"] = f"Approve its processor, {parent.name}, first."
    if errors:
        raise ValidationError(errors)
    before = {
        "status": engagement.status,
        "approved_keys": engagement.approved_keys,
        "approved_countries": engagement.approved_countries,
    }
    engagement.status = EngagementStatus.APPROVED
    engagement.approved_keys = sorted(set(record_keys))
    engagement.approved_countries = sorted({engagement.processor.country, *(c.upper() for c in countries)})
    # A system actor (seeding, a command without --as) is named by the audit event, not here.
    engagement.approved_by = None if isinstance(actor, SystemActor) else actor
    engagement.approved_at = timezone.now()
    engagement.save()
    record_event(
        actor=actor,
        partner=engagement.partner_id,
        action="privacy.processor_approved",
        target=engagement,
        before=before,
        after={
            "status": engagement.status,
            "approved_keys": engagement.approved_keys,
            "approved_countries": engagement.approved_countries,
        },
    )
    return engagement


@transaction.atomic
def engagement_withdraw(*, actor: Any, engagement: ProcessorEngagement, reason: str) -> ProcessorEngagement:
    authorise(actor, PERMISSION, engagement.partner)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the approval is withdrawn."})
    engagement = (
        ProcessorEngagement.objects.for_partner(engagement.partner_id)
        .select_for_update()
        .get(pk=engagement.pk)
    )
    before = {"status": engagement.status, "approved_keys": engagement.approved_keys}
    engagement.status = EngagementStatus.WITHDRAWN
    engagement.approved_keys = []
    engagement.approved_countries = []
    engagement.save()
    record_event(
        actor=actor,
        partner=engagement.partner_id,
        action="privacy.processor_withdrawn",
        target=engagement,
        before=before,
        after={"status": engagement.status, "approved_keys": [], "reason": reason.strip()},
    )
    return engagement


def engagements_for(user: Any, *, partner: Partner) -> QuerySet[ProcessorEngagement]:
    authorise(user, PERMISSION, partner)
    return (
        ProcessorEngagement.objects.for_partner(partner)
        .select_related("processor", "processor__parent")
        .order_by("processor__name")
    )


def engagement_for(user: Any, *, partner: Partner, engagement_id: int) -> ProcessorEngagement:
    authorise(user, PERMISSION, partner)
    return get_object_or_404(
        ProcessorEngagement.objects.for_partner(partner).select_related("processor"), pk=engagement_id
    )


def review_overdue(engagement: ProcessorEngagement, *, today: date) -> bool:
    return engagement.status != EngagementStatus.WITHDRAWN and engagement.review_due < today


EXPORT_COLUMNS = (
    "Processor",
    "Kind",
    "Parent processor",
    "Country",
    "Country code",
    "Records of processing",
    "Approved for",
    "Approved countries",
    "Status",
    "Transfer mechanism",
    "Transfer risk assessment",
    "Review due",
    "Review overdue",
)


def export_rows(user: Any, *, partner: Partner, today: date) -> list[list[str]]:
    rows = []
    for e in engagements_for(user, partner=partner):
        p = e.processor
        rows.append(
            [
                p.name,
                p.get_kind_display(),
                p.parent.name if p.parent else "",
                country_name(p.country) or p.country,
                p.country,
                "; ".join(e.record_keys),
                "; ".join(e.approved_keys),
                "; ".join(e.approved_countries),
                e.get_status_display(),
                e.get_transfer_mechanism_display(),
                e.transfer_risk_assessed_on.isoformat() if e.transfer_risk_assessed_on else "",
                e.review_due.isoformat(),
                "yes" if review_overdue(e, today=today) else "no",
            ]
        )
    return rows


@transaction.atomic
def processor_user_link(
    *, actor: Any, partner: Partner, processor: Processor, user: Any, since: datetime | None = None
) -> ProcessorUser:
    """Record that ``user`` works for ``processor`` from ``since`` (now): from then on the roles
    they hold open each partner's data only as far as that partner approved the processor
    (privacy/processor_access.py). On the account of the partner whose DPO records it, as a
    processor's registration is. One processor at a time: end the current link first."""
    authorise(actor, PERMISSION, partner)
    if not ProcessorEngagement.objects.for_partner(partner).filter(processor=processor).exists():
        raise ValidationError({"processor": f"{partner.name} has not engaged {processor.name}."})
    if not Membership.objects.filter(user=user, partner=partner).exists():
        # A link narrows what the user reaches on every partner: it is recorded only for a user
        # of the DPO's own partner, never for another partner's staff.
        raise ValidationError({"user": f"{user.username} holds no role on {partner.name}."})
    since = since or timezone.now()
    current = (
        ProcessorUser.objects.select_for_update()
        .filter(user=user)
        .filter(Q(until__isnull=True) | Q(until__gt=since))
    )
    if current.exists():
        raise ValidationError({"user": "This user works for a processor already: end that first."})
    link = ProcessorUser.objects.create(user=user, processor=processor, since=since)
    record_event(
        actor=actor,
        partner=partner,
        action="privacy.processor_user_linked",
        target=link,
        after={"user": user.pk, "processor": processor.name, "since": since},
    )
    return link


@transaction.atomic
def processor_user_end(
    *, actor: Any, partner: Partner, link: ProcessorUser, until: datetime | None = None
) -> ProcessorUser:
    authorise(actor, PERMISSION, partner)
    link = ProcessorUser.objects.select_for_update().select_related("user", "processor").get(pk=link.pk)
    if not _of_partner(partner, link):
        raise ValidationError({"link": "This link is not one of the partner's processor users."})
    # Ending a link opens the user's roles on every partner they hold one on, unchecked by the
    # approvals: that is for a DPO of each of those partners, not of one.
    others = set(Membership.objects.filter(user=link.user_id).values_list("partner_id", flat=True))
    others -= set(partner_ids_with(actor, PERMISSION))
    if others:
        raise ValidationError(
            {
                "link": f"{link.user.username} also holds roles on {len(others)} partner"
                f"{'s' if len(others) > 1 else ''} you are not the data-protection officer of: "
                "ending the link would open their data too, so it is for a DPO of every partner "
                "the user works on."
            }
        )
    until = until or timezone.now()
    if link.until is not None and link.until <= until:
        raise ValidationError({"until": "This link has ended already."})
    before = {"until": link.until}
    link.until = until
    link.save(update_fields=["until"])
    record_event(
        actor=actor,
        partner=partner,
        action="privacy.processor_user_ended",
        target=link,
        before=before,
        after={"until": until},
    )
    return link


def _of_partner(partner: Partner, link: ProcessorUser) -> bool:
    engaged = ProcessorEngagement.objects.for_partner(partner).filter(processor_id=link.processor_id)
    return engaged.exists() and Membership.objects.filter(user=link.user_id, partner=partner).exists()


def processor_users_for(
    user: Any, *, partner: Partner, engagement: ProcessorEngagement
) -> QuerySet[ProcessorUser]:
    """The engaged processor's users who hold a role on the partner, current first: the
    processor's staff on other partners are not this partner's to see."""
    authorise(user, PERMISSION, partner)
    members = Membership.objects.filter(partner=partner).values("user_id")
    return (
        ProcessorUser.objects.filter(processor_id=engagement.processor_id, user_id__in=members)
        .select_related("user")
        .order_by(F("until").desc(nulls_first=True), "user__username", "-since")
    )


def processor_user_for(
    user: Any, *, partner: Partner, engagement: ProcessorEngagement, link_id: int
) -> ProcessorUser:
    found = processor_users_for(user, partner=partner, engagement=engagement).filter(pk=link_id).first()
    if found is None:
        raise Http404("No such processor user.")
    return found


def linkable_user(actor: Any, *, partner: Partner, username: str) -> Any:
    """The user of ``username`` holding a role on the partner; otherwise a form error (never
    whether such a user exists elsewhere)."""
    authorise(actor, PERMISSION, partner)
    name = username.strip()
    found = (
        Membership.objects.filter(partner=partner, user__username__iexact=name).select_related("user").first()
        if name
        else None
    )
    if found is None:
        raise ValidationError({"username": f"Nobody of that username holds a role on {partner.name}."})
    return found.user
