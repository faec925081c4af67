"""One employment's cost or work shared with other partners: cost splits (shared posts) and
secondments. Both feed the payroll journal and recharges; each partner concerned hears of it
in its own audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.models import CostSplit, CostSplitShare, Employment, Secondment
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
    overlapping = CostSplit.objects.for_partner(employment.partner_id).filter(employment=employment)
    overlapping = overlapping.exclude(effective_to__lt=effective_from)
    if effective_to is not None:
        overlapping = overlapping.exclude(effective_from__gt=effective_to)
    if overlapping.exists():
        errors.add("effective_from", "Another cost split covers part of these dates; end it first.")
    if not reason.strip():
        errors.add("reason", "Say why the cost is shared.")
    errors.raise_if_any()
    split = CostSplit.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        effective_from=effective_from,
        effective_to=effective_to,
        reason=reason.strip(),
    )
    CostSplitShare.objects.bulk_create(
        [
            CostSplitShare(partner_id=employment.partner_id, split=split, charged_partner=p, percent=pc)
            for p, pc in shares
        ]
    )
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="cost_split.set",
        target=employment,
        after={
            "effective_from": effective_from,
            "effective_to": effective_to,
            "reason": split.reason,
            "shares": {p.code: pc for p, pc in shares},
        },
    )
    return split


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
    )
    details = {
        "employment": employment.payroll_number,
        "host": host_partner.code,
        "role_title": role_title,
        "start_date": start_date,
        "end_date": end_date,
        "recharge_percent": recharge_percent,
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
