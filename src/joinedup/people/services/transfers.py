"""TUPE transfers: employments move to a new employer in one operation, carrying continuous
service and terms, which become protected."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.models import Employment, EmploymentTerms, PostHolding, TupeTransfer, TupeTransferItem
from joinedup.people.services.employments import Terms, _new_terms_row, terms_on
from joinedup.people.services.errors import Errors

ONE_DAY = timedelta(days=1)


@dataclass
class TransferResult:
    transfer: TupeTransfer
    new_employments: list[Employment] = field(default_factory=list)


@transaction.atomic
def tupe_transfer(
    *,
    actor: Any,
    from_partner: Partner,
    to_partner: Partner,
    transfer_date: date,
    reference: str,
    employments: list[Employment],
    measures: str = "",
) -> TransferResult:
    """Move employments to a new employer in one operation. Each person's continuous
    service, pay point, scheme, hours, pension and tax details carry over, and the new
    terms are flagged as protected. Payroll numbers are kept (they must be free at the new
    employer). Nothing changes unless every employment can move."""
    authorise(actor, "people.change", from_partner)
    authorise(actor, "people.change", to_partner)
    errors = Errors()
    if from_partner.pk == to_partner.pk:
        errors.add("to_partner", "The transferee must be another employer.")
    if not employments:
        errors.add("employments", "Choose the employments that transfer.")
    if not reference.strip():
        errors.add("reference", "Give the transfer a reference.")
    elif (
        TupeTransfer.objects.for_partner(from_partner)
        .filter(partner=from_partner, reference=reference.strip())
        .exists()
    ):
        errors.add("reference", f"{from_partner.name} already has a transfer {reference.strip()}.")
    day_before = transfer_date - ONE_DAY
    taken = set(
        Employment.objects.for_partner(to_partner)
        .filter(payroll_number__in=[e.payroll_number for e in employments])
        .values_list("payroll_number", flat=True)
    )
    carried: list[tuple[Employment, EmploymentTerms]] = []
    for employment in employments:
        label = f"employment {employment.payroll_number}"
        if employment.partner_id != from_partner.pk:
            errors.add("employments", f"{label} is not employed by {from_partner.name}.")
            continue
        if not employment.is_active_on(day_before) or employment.end_date is not None:
            errors.add("employments", f"{label} is not active the day before the transfer.")
            continue
        if employment.payroll_number in taken:
            errors.add("employments", f"{label}: {to_partner.name} already uses that payroll number.")
            continue
        current = terms_on(employment, day_before)
        if current is None:
            errors.add("employments", f"{label} has no terms in force the day before the transfer.")
            continue
        carried.append((employment, current))
    errors.raise_if_any()

    transfer = TupeTransfer.objects.create(
        partner=from_partner,
        to_partner=to_partner,
        transfer_date=transfer_date,
        reference=reference.strip(),
        measures=measures.strip(),
    )
    result = TransferResult(transfer)
    for old, current in carried:
        old.end_date = day_before
        old.end_reason = f"TUPE transfer to {to_partner.name} ({transfer.reference})"
        old.save(update_fields=["end_date", "end_reason"])
        PostHolding.objects.for_partner(from_partner).filter(employment=old, end_date__isnull=True).update(
            end_date=day_before
        )
        new = Employment.objects.create(
            partner=to_partner,
            person_id=old.person_id,
            payroll_number=old.payroll_number,
            start_date=transfer_date,
            continuous_service_date=old.continuous_service_date,
            pay_frequency=old.pay_frequency,
            transferred_from=old,
        )
        protected = replace(Terms.of(current), protected=True, line_manager=None)
        _new_terms_row(new, protected, transfer_date, f"TUPE transfer {transfer.reference}").save()
        TupeTransferItem.objects.create(
            partner=from_partner, transfer=transfer, old_employment=old, new_employment=new
        )
        result.new_employments.append(new)
    moved = [old.payroll_number for old, _ in carried]
    summary = {
        "reference": transfer.reference,
        "from": from_partner.code,
        "to": to_partner.code,
        "transfer_date": transfer_date,
        "employments": moved,
    }
    record_event(
        actor=actor, partner=from_partner, action="tupe.transferred_out", target=transfer, after=summary
    )
    record_event(
        actor=actor, partner=to_partner, action="tupe.transferred_in", target=transfer, after=summary
    )
    return result
