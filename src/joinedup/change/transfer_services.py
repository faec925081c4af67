"""Every change to a programme's transfer and secondment plans (change.models.TransferPlan).

Who decides what, as for the rest of the programme (change/services.py):

- the plan itself (its kind, receiving body, date, measures, status) is the lead partner's:
  ``change.manage`` there; the receiving body and every employer on it are involved partners;
- a person joins or leaves the staff list by their employer's decision (``change.manage`` at
  the employer);
- carrying the plan out is recorded by the people module's own services (``tupe_transfer``,
  ``secondment_create``), which check the caller may change people at each partner;
- exporting the employee liability information is a read of personal data, recorded on the
  chain of each employer whose staff it carries.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.change import selectors
from joinedup.change.models import (
    ChangeProgramme,
    TransferKind,
    TransferPlan,
    TransferPlanMember,
    TransferPlanStatus,
)
from joinedup.change.services import _open
from joinedup.change.transfer_rules import first_transfer_date
from joinedup.change.transfer_selectors import scope_employments
from joinedup.core import rls
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.people.models import Employment
from joinedup.people.services import Errors, secondment_create, tupe_transfer

ONE_DAY = timedelta(days=1)
HUNDRED = Decimal(100)


def _check_transfer_date(errors: Errors, transfer_date: date) -> None:
    first = first_transfer_date()
    if transfer_date < first:
        errors.add(
            "transfer_date",
            f"The transfer date must be on or after {people_date(first)}, when TUPE 2006 came into force.",
        )


def _editable(plan: TransferPlan) -> None:
    if plan.status in (TransferPlanStatus.COMPLETED, TransferPlanStatus.WITHDRAWN):
        raise ValidationError(f"The plan is {plan.get_status_display().lower()}: it cannot change.")


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    programme: ChangeProgramme,
    name: str,
    kind: str,
    receiving_partner: Partner,
    transfer_date: date,
    secondment_end: date | None = None,
    recharge_percent: Decimal = HUNDRED,
    measures: str = "",
) -> TransferPlan:
    """A transfer (TUPE) or secondment of programme staff to ``receiving_partner``, an involved
    partner, on ``transfer_date``. The staff list starts empty (``plan_add_scope`` fills it)."""
    authorise(actor, "change.manage", programme.partner_id)
    _open(programme)
    errors = Errors()
    if not name.strip():
        errors.add("name", "Enter the plan's name.")
    elif programme.transfer_plans.filter(name=name.strip()).exists():
        errors.add("name", f"The programme already has a plan called {name.strip()}.")
    if kind not in TransferKind.values:
        errors.add("kind", "Choose a TUPE transfer or a secondment.")
    _check_transfer_date(errors, transfer_date)
    if receiving_partner.pk not in selectors.involved_partner_ids(programme):
        errors.add("receiving_partner", "The receiving body must be a partner involved in the programme.")
    if kind == TransferKind.SECONDMENT:
        if secondment_end is None:
            errors.add("secondment_end", "Enter the date the secondment ends.")
        elif secondment_end < transfer_date:
            errors.add("secondment_end", "The secondment must end on or after the day it starts.")
    elif secondment_end is not None:
        errors.add("secondment_end", "Only a secondment has an end date: a transfer is for good.")
    if not (0 <= recharge_percent <= HUNDRED):
        errors.add("recharge_percent", "The recharge is a percentage from 0 to 100.")
    errors.raise_if_any()
    plan = TransferPlan.objects.create(
        partner_id=programme.partner_id,
        programme=programme,
        name=name.strip(),
        kind=kind,
        receiving_partner=receiving_partner,
        transfer_date=transfer_date,
        secondment_end=secondment_end,
        recharge_percent=recharge_percent,
        measures=measures.strip(),
        created_by=actor,
    )
    record_event(
        actor=actor,
        partner=programme.partner_id,
        action="change.transfer_plan_created",
        target=plan,
        after={
            "name": plan.name,
            "kind": kind,
            "receiving_partner": receiving_partner.code,
            "transfer_date": transfer_date,
            "secondment_end": secondment_end,
            "recharge_percent": recharge_percent,
        },
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    plan: TransferPlan,
    transfer_date: date | None = None,
    measures: str | None = None,
    status: str | None = None,
    eli_given_on: date | None = None,
) -> TransferPlan:
    """Change the plan's date, measures or status, or record the day the employee liability
    information was given. A completed or withdrawn plan changes no more."""
    authorise(actor, "change.manage", plan.partner_id)
    _editable(plan)
    errors = Errors()
    before = {
        "transfer_date": plan.transfer_date,
        "measures": plan.measures,
        "status": plan.status,
        "eli_given_on": plan.eli_given_on,
    }
    if status is not None and status not in TransferPlanStatus.values:
        errors.add("status", "Choose a status the plan can have.")
    new_date = transfer_date or plan.transfer_date
    _check_transfer_date(errors, new_date)
    if plan.secondment_end is not None and plan.secondment_end < new_date:
        errors.add("transfer_date", "The secondment would end before it starts.")
    if eli_given_on is not None and eli_given_on > new_date:
        errors.add("eli_given_on", "The information must be given before the transfer, not after it.")
    errors.raise_if_any()
    plan.transfer_date = new_date
    if measures is not None:
        plan.measures = measures.strip()
    if status is not None:
        plan.status = status
    if eli_given_on is not None:
        plan.eli_given_on = eli_given_on
    plan.save(update_fields=["transfer_date", "measures", "status", "eli_given_on"])
    after = {
        "transfer_date": plan.transfer_date,
        "measures": plan.measures,
        "status": plan.status,
        "eli_given_on": plan.eli_given_on,
    }
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        record_event(
            actor=actor,
            partner=plan.partner_id,
            action="change.transfer_plan_updated",
            target=plan,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return plan


def _check_member(plan: TransferPlan, employment: Employment, errors: Errors) -> None:
    label = f"Employment {employment.payroll_number}"
    if employment.partner_id == plan.receiving_partner_id:
        errors.add("employment", f"{label} is already with the receiving body.")
    elif employment.partner_id not in selectors.involved_partner_ids(plan.programme):
        errors.add("employment", f"{label} is with a partner not involved in the programme.")
    elif not employment.is_active_on(plan.transfer_date - ONE_DAY):
        errors.add("employment", f"{label} is not active the day before the transfer.")


def _member(plan: TransferPlan, employment: Employment) -> TransferPlanMember:
    return TransferPlanMember(
        partner_id=employment.partner_id,
        plan=plan,
        employment=employment,
        receiving_partner_id=plan.receiving_partner_id,
    )


@transaction.atomic
def plan_add_member(*, actor: Any, plan: TransferPlan, employment: Employment) -> TransferPlanMember:
    """Put one person on the staff list: their employer decides (change.manage there)."""
    authorise(actor, "change.manage", employment.partner_id)
    _editable(plan)
    errors = Errors()
    _check_member(plan, employment, errors)
    if (
        TransferPlanMember.objects.for_partner(employment.partner_id)
        .filter(plan=plan, employment=employment)
        .exists()
    ):
        errors.add("employment", f"Employment {employment.payroll_number} is on the plan already.")
    errors.raise_if_any()
    member = _member(plan, employment)
    member.save()
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="change.transfer_member_added",
        target=plan,
        after={"plan": plan.name, "employment": employment.payroll_number},
    )
    return member


@transaction.atomic
def plan_add_scope(*, actor: Any, plan: TransferPlan) -> list[TransferPlanMember]:
    """Put on the staff list everyone holding a post in the programme's scope the day before the
    transfer, at the employers on which the caller manages change (other employers add their own).
    People on the list already are kept; nobody is added twice."""
    _editable(plan)
    employers = [
        pid
        for pid in selectors.involved_partner_ids(plan.programme)
        if pid != plan.receiving_partner_id and has_permission(actor, "change.manage", pid)
    ]
    if not employers:
        raise PermissionDenied("You manage workforce change at none of the plan's employers.")
    employments = scope_employments(plan, employers)
    added = [_member(plan, e) for e in employments]
    TransferPlanMember.objects.bulk_create(added)
    by_partner: dict[int, list[str]] = {}
    for e in employments:
        by_partner.setdefault(e.partner_id, []).append(e.payroll_number)
    for partner_id, numbers in sorted(by_partner.items()):
        record_event(
            actor=actor,
            partner=partner_id,
            action="change.transfer_members_added",
            target=plan,
            after={"plan": plan.name, "employments": numbers},
        )
    return added


@transaction.atomic
def plan_remove_member(*, actor: Any, member: TransferPlanMember) -> None:
    """Take a person off the staff list: their employer decides."""
    authorise(actor, "change.manage", member.partner_id)
    plan = member.plan
    _editable(plan)
    number = member.employment.payroll_number
    TransferPlanMember.objects.for_partner(member.partner_id).filter(pk=member.pk).delete()
    record_event(
        actor=actor,
        partner=member.partner_id,
        action="change.transfer_member_removed",
        object_type="change.transferplan",
        object_id=plan.pk,
        after={"plan": plan.name, "employment": number},
    )


@transaction.atomic
def eli_export_record(*, actor: Any, plan: TransferPlan, people: dict[int, int], fmt: str) -> None:
    """Record that the employee liability information of the plan's staff was exported (one event
    on each employer's chain, ``people``: employer id -> how many of its staff): it is personal
    data leaving the system."""
    for partner_id, count in sorted(people.items()):
        record_event(
            actor=actor,
            partner=partner_id,
            action="change.eli_exported",
            target=plan,
            after={"plan": plan.name, "format": fmt, "people": count},
        )


@transaction.atomic
def plan_carry_out(*, actor: Any, plan: TransferPlan) -> list[str]:
    """Record the plan in the people module, through its own services: a TUPE plan is one
    ``tupe_transfer`` per employer (employments end the day before, new ones start at the receiving
    body with the same continuous service and protected terms); a secondment plan is a
    ``secondment_create`` per person with the plan's recharge. The caller changes people at every
    employer and at the receiving body (those services decide); nothing is recorded unless all of
    it is. The plan is then completed. Answers the references or payroll numbers recorded."""
    authorise(actor, "change.manage", plan.partner_id)
    _editable(plan)
    with rls.system_context(selectors.SCOPE_READ):
        members = list(
            TransferPlanMember.objects.for_partners(selectors.involved_partner_ids(plan.programme))
            .filter(plan=plan)
            .select_related("partner", "employment")
            .order_by("partner_id", "employment__payroll_number")
        )
    if not members:
        raise ValidationError("The staff list is empty: there is no one to transfer.")
    receiving = plan.receiving_partner
    done: list[str] = []
    if plan.kind == TransferKind.TUPE:
        by_employer: dict[int, list[TransferPlanMember]] = {}
        for member in members:
            by_employer.setdefault(member.partner_id, []).append(member)
        for group in by_employer.values():
            employer = group[0].partner
            reference = f"{plan.name[:80]} ({employer.code})"
            tupe_transfer(
                actor=actor,
                from_partner=employer,
                to_partner=receiving,
                transfer_date=plan.transfer_date,
                reference=reference,
                employments=[m.employment for m in group],
                measures=plan.measures,
            )
            done.append(reference)
    elif plan.secondment_end is None:
        raise ValidationError("Enter the date the secondment ends first.")
    else:
        for member in members:
            secondment_create(
                actor=actor,
                employment=member.employment,
                host_partner=receiving,
                role_title=member.employment.job_title or plan.name,
                start_date=plan.transfer_date,
                end_date=plan.secondment_end,
                recharge_percent=plan.recharge_percent,
            )
            done.append(member.employment.payroll_number)
    plan.status = TransferPlanStatus.COMPLETED
    plan.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=plan.partner_id,
        action="change.transfer_plan_carried_out",
        target=plan,
        after={"plan": plan.name, "kind": plan.kind, "recorded": done},
    )
    return done
