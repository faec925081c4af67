"""One employment's cost or work shared with other partners: cost splits (shared posts) and
secondments. Both feed the payroll journal and recharges; each partner concerned hears of it
in its own audit trail.

Each partner decides for itself: a share or a recharge that charges a partner other than the
employer is a request until that partner's HR or finance officer approves it. Until then the
employer bears the whole cost (a pending split or secondment is simply not in force), and a
rejected one never takes effect. The request and the decision are recorded on both partners'
audit chains."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import user_of
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.models import ChargeStatus, CostSplit, CostSplitShare, Employment, Secondment
from joinedup.people.services.errors import Errors

HUNDRED = Decimal(100)


@transaction.atomic
def cost_split_set(
    *,
    actor: Any,
    employment: Employment,
    effective_from: date,
    effective_to: date | None,
    shares: list[tuple[Partner, Decimal]],
    reason: str,
) -> CostSplit:
    """Share an employment's cost between partners from ``effective_from`` (to
    ``effective_to``, or open-ended). The shares must add up to exactly 100%."""
    authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if effective_to is not None and effective_to < effective_from:
        errors.add("effective_to", "The split ends before it starts.")
    total = sum((percent for _, percent in shares), Decimal(0))
    if total != HUNDRED:
        errors.add("shares", f"The shares add up to {total}%, not 100%.")
    seen: set[int] = set()
    for partner, percent in shares:
        if percent <= 0:
            errors.add("shares", f"{partner.name}'s share must be more than 0%.")
        if partner.pk in seen:
            errors.add("shares", f"{partner.name} appears twice.")
        seen.add(partner.pk)
        if not partner.active:
            errors.add("shares", f"{partner.name} is not an active partner.")
    overlapping = (
        CostSplit.objects.for_partner(employment.partner_id)
        .filter(employment=employment)
        .exclude(status=ChargeStatus.REJECTED)
    )
    overlapping = overlapping.exclude(effective_to__lt=effective_from)
    if effective_to is not None:
        overlapping = overlapping.exclude(effective_from__gt=effective_to)
    if overlapping.exists():
        errors.add("effective_from", "Another cost split covers part of these dates; end it first.")
    if not reason.strip():
        errors.add("reason", "Say why the cost is shared.")
    errors.raise_if_any()
    others = [p for p, _ in shares if p.pk != employment.partner_id]
    split = CostSplit.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        effective_from=effective_from,
        effective_to=effective_to,
        reason=reason.strip(),
        status=ChargeStatus.PENDING if others else ChargeStatus.APPROVED,
    )
    CostSplitShare.objects.bulk_create(
        [
            CostSplitShare(
                partner_id=employment.partner_id,
                split=split,
                charged_partner=p,
                percent=pc,
                # The employer's own share needs no one's consent but its own, given here.
                status=ChargeStatus.APPROVED if p.pk == employment.partner_id else ChargeStatus.PENDING,
            )
            for p, pc in shares
        ]
    )
    details = {
        "employment": employment.payroll_number,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "reason": split.reason,
        "shares": {p.code: pc for p, pc in shares},
        "status": split.status,
    }
    record_event(
        actor=actor, partner=employment.partner_id, action="cost_split.set", target=employment, after=details
    )
    for partner in others:
        record_event(
            actor=actor, partner=partner, action="cost_split.charge_requested", target=split, after=details
        )
    return split


@transaction.atomic
@rls.system_context("people: the charged partner decides on a charge for another partner's employee")
def cost_share_decide(*, actor: Any, share: CostSplitShare, approve: bool, note: str = "") -> CostSplitShare:
    """The charged partner's answer to a share of another partner's employee's cost. The split
    takes effect when every partner charged has approved; one refusal rejects it."""
    authorise(actor, "people.approve_charges", share.charged_partner_id)
    share = CostSplitShare.objects.for_partner(share.charged_partner_id).select_for_update().get(pk=share.pk)
    if share.status != ChargeStatus.PENDING:
        raise ValidationError({"status": f"This share was already {share.get_status_display().lower()}."})
    split = (
        CostSplit.objects.for_partner(share.partner_id).select_related("employment").get(pk=share.split_id)
    )
    if split.status != ChargeStatus.PENDING:
        raise ValidationError({"status": f"This split was already {split.get_status_display().lower()}."})
    share.status = ChargeStatus.APPROVED if approve else ChargeStatus.REJECTED
    share.decided_by = user_of(actor)
    share.decided_at = timezone.now()
    share.save(update_fields=["status", "decided_by", "decided_at"])
    if not approve:
        split.status = ChargeStatus.REJECTED
    elif not split.shares.for_partner(split.partner_id).exclude(status=ChargeStatus.APPROVED).exists():
        split.status = ChargeStatus.APPROVED
    split.save(update_fields=["status"])
    details = {
        "employment": split.employment.payroll_number,
        "charged_partner": share.charged_partner.code,
        "percent": share.percent,
        "effective_from": split.effective_from,
        "decision": share.status,
        "split_status": split.status,
        "note": note.strip(),
    }
    action = "cost_split.charge_approved" if approve else "cost_split.charge_rejected"
    for partner in (share.charged_partner_id, share.partner_id):
        record_event(actor=actor, partner=partner, action=action, target=split, after=details)
    return share


@transaction.atomic
def secondment_create(
    *,
    actor: Any,
    employment: Employment,
    host_partner: Partner,
    role_title: str,
    start_date: date,
    end_date: date,
    recharge_percent: Decimal = HUNDRED,
) -> Secondment:
    authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if host_partner.pk == employment.partner_id:
        errors.add("host_partner", "A secondment is to another partner.")
    if not host_partner.active:
        errors.add("host_partner", f"{host_partner.name} is not an active partner.")
    if end_date < start_date:
        errors.add("end_date", "The secondment ends before it starts.")
    if not employment.is_active_on(start_date):
        errors.add("start_date", "The employment is not active on that date.")
    if not (0 <= recharge_percent <= HUNDRED):
        errors.add("recharge_percent", "The recharge is a percentage from 0 to 100.")
    clash = Secondment.objects.for_partner(employment.partner_id).filter(
        employment=employment, start_date__lte=end_date, end_date__gte=start_date
    )
    if clash.exists():
        errors.add("start_date", "The employee is already seconded for part of these dates.")
    errors.raise_if_any()
    secondment = Secondment.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        host_partner=host_partner,
        role_title=role_title.strip(),
        start_date=start_date,
        end_date=end_date,
        recharge_percent=recharge_percent,
        # Nothing to charge, nothing to consent to.
        status=ChargeStatus.PENDING if recharge_percent > 0 else ChargeStatus.APPROVED,
    )
    details = {
        "employment": employment.payroll_number,
        "host": host_partner.code,
        "role_title": role_title,
        "start_date": start_date,
        "end_date": end_date,
        "recharge_percent": recharge_percent,
        "status": secondment.status,
    }
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="secondment.created",
        target=secondment,
        after=details,
    )
    record_event(
        actor=actor, partner=host_partner, action="secondment.hosted", target=secondment, after=details
    )
    return secondment


@transaction.atomic
@rls.system_context("people: the charged partner decides on a charge for another partner's employee")
def secondment_decide(*, actor: Any, secondment: Secondment, approve: bool, note: str = "") -> Secondment:
    """The host's answer to a secondment that recharges it. Until it approves, the home
    partner bears the whole cost; after a refusal the recharge never runs."""
    authorise(actor, "people.approve_charges", secondment.host_partner_id)
    secondment = (
        Secondment.objects.for_partner(secondment.host_partner_id)
        .select_for_update()
        .select_related("employment", "host_partner")
        .get(pk=secondment.pk)
    )
    if secondment.status != ChargeStatus.PENDING:
        raise ValidationError(
            {"status": f"This secondment was already {secondment.get_status_display().lower()}."}
        )
    secondment.status = ChargeStatus.APPROVED if approve else ChargeStatus.REJECTED
    secondment.decided_by = user_of(actor)
    secondment.decided_at = timezone.now()
    secondment.save(update_fields=["status", "decided_by", "decided_at"])
    details = {
        "employment": secondment.employment.payroll_number,
        "host": secondment.host_partner.code,
        "recharge_percent": secondment.recharge_percent,
        "start_date": secondment.start_date,
        "decision": secondment.status,
        "note": note.strip(),
    }
    action = "secondment.recharge_approved" if approve else "secondment.recharge_rejected"
    for partner in (secondment.host_partner_id, secondment.partner_id):
        record_event(actor=actor, partner=partner, action=action, target=secondment, after=details)
    return secondment
