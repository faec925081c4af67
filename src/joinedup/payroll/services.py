"""Pay-run lifecycle: draft → calculated → approved → paid (closed).

Each change is one function that checks the actor's permission on the employer, enforces the
lifecycle, and records an audit event. Calculation runs in batches, each its own transaction,
so a calculation killed half-way leaves a run that can simply be calculated again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.calendar import tax_year_label, tax_year_of
from joinedup.core.money import pence_to_pounds
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.payroll.engine import available_tax_years
from joinedup.payroll.models import FlagStatus, PayRun, RunKind, RunStatus, VarianceFlag
from joinedup.payroll.periods import pay_period
from joinedup.payroll.posting import payroll_posting_blockers, post_payroll_run
from joinedup.payroll.run_calculation import BATCH_SIZE as BATCH_SIZE
from joinedup.payroll.run_calculation import TOTAL_FIELDS as TOTAL_FIELDS
from joinedup.payroll.run_calculation import payrun_calculate as payrun_calculate
from joinedup.payroll.run_calculation import run_summary
from joinedup.payroll.run_calculation import run_totals as run_totals
from joinedup.payroll.tasks import calculate_pay_run
from joinedup.people.models import PayFrequency


@transaction.atomic
def payrun_create(
    *, actor: Any, partner: Partner, frequency: str, pay_date: date, kind: str = RunKind.REGULAR
) -> PayRun:
    authorise(actor, "payroll.calculate", partner)
    if frequency not in PayFrequency.values:
        raise ValidationError({"frequency": f"Choose one of: {', '.join(PayFrequency.values)}."})
    if kind not in RunKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(RunKind.values)}."})
    if tax_year_of(pay_date) not in available_tax_years():
        # Nothing could calculate the run; and a date in year 1 has no tax year start (year 0).
        raise ValidationError({"pay_date": f"There are no payroll rules for the tax year of {pay_date}."})
    period = pay_period(frequency, pay_date)
    if kind == RunKind.REGULAR:
        clash = PayRun.objects.for_partner(partner).filter(
            frequency=frequency, tax_year=period.tax_year, period=period.period, kind=RunKind.REGULAR
        )
        if clash.exists():
            raise ValidationError(
                {
                    "pay_date": f"{partner.name} already has a {frequency} run for "
                    f"{tax_year_label(period.tax_year)} period {period.period}; use a supplementary run."
                }
            )
    try:
        with transaction.atomic():
            run = PayRun.objects.create(
                partner=partner,
                frequency=frequency,
                tax_year=period.tax_year,
                period=period.period,
                pay_date=pay_date,
                period_start=period.start,
                period_end=period.end,
                kind=kind,
                created_by=actor,
            )
    except IntegrityError as exc:  # a concurrent request created the same run first
        raise ValidationError({"pay_date": "A run for this period was created just now."}) from exc
    record_event(actor=actor, partner=partner, action="payrun.created", target=run, after=run_summary(run))
    return run


def payrun_request_calculation(*, actor: Any, run: PayRun) -> PayRun:
    """Queue the calculation for a worker; the run's page shows its progress."""
    authorise(actor, "payroll.calculate", run.partner_id)
    if run.status not in (RunStatus.DRAFT, RunStatus.CALCULATED, RunStatus.CALCULATING):
        raise ValidationError({"status": f"A run that is {run.get_status_display().lower()} cannot change."})
    actor_id = getattr(actor, "pk", None)
    record_event(
        actor=actor,
        partner=run.partner_id,
        action="payrun.calculation_requested",
        target=run,
        after=run_summary(run),
    )
    transaction.on_commit(lambda: calculate_pay_run.enqueue(run.pk, actor_id))
    return run


@transaction.atomic
def payrun_approve(*, actor: Any, run: PayRun) -> PayRun:
    """A payroll approver of the employer who did not calculate the run approves it, once
    every flag has been accepted or fixed (four eyes)."""
    authorise(actor, "payroll.approve", run.partner_id)
    run = PayRun.objects.for_partner(run.partner_id).select_for_update().get(pk=run.pk)
    if run.status != RunStatus.CALCULATED:
        raise ValidationError({"status": f"Only a calculated run can be approved; this one is {run.status}."})
    if run.calculated_by_id is not None and run.calculated_by_id == getattr(actor, "pk", None):
        raise PermissionDenied("You calculated this run: another approver must approve it.")
    open_flags = (
        VarianceFlag.objects.for_partner(run.partner_id).filter(run=run, status=FlagStatus.OPEN).count()
    )
    if open_flags:
        raise ValidationError({"flags": f"{open_flags} flagged item(s) must be accepted or fixed first."})
    run.status = RunStatus.APPROVED
    run.approved_by = actor
    run.approved_at = timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    # Approval posts the payroll journal to each charged partner's ledger in the same
    # transaction. Staff are paid whether or not finance has opened the period: when a ledger
    # is not ready the run is approved, says why its journal waits, and a finance officer posts
    # it later (`joinedup payroll post-journal`); the idempotency key stops a second posting.
    blockers = payroll_posting_blockers(run)
    journals = [] if blockers else post_payroll_run(actor=actor, run=run)
    record_event(
        actor=actor,
        partner=run.partner_id,
        action="payrun.approved",
        target=run,
        after={
            **run_summary(run),
            "totals": run_totals(run),
            "journals": [j.pk for j in journals],
            "journal_waits_for": blockers,
        },
    )
    return run


@transaction.atomic
def payrun_mark_paid(*, actor: Any, run: PayRun) -> PayRun:
    """Close an approved run once its payments have gone: nothing in it can change after."""
    authorise(actor, "payroll.calculate", run.partner_id)
    run = PayRun.objects.for_partner(run.partner_id).select_for_update().get(pk=run.pk)
    if run.status != RunStatus.APPROVED:
        raise ValidationError(
            {"status": f"Only an approved run can be marked paid; this one is {run.status}."}
        )
    run.status = RunStatus.PAID
    run.paid_at = timezone.now()
    run.save(update_fields=["status", "paid_at"])
    record_event(
        actor=actor, partner=run.partner_id, action="payrun.paid", target=run, after=run_summary(run)
    )
    return run


@transaction.atomic
def flag_accept(*, actor: Any, flag: VarianceFlag, note: str) -> VarianceFlag:
    authorise(actor, "payroll.view", flag.partner_id)
    if not (
        _holds(actor, "payroll.calculate", flag.partner_id)
        or _holds(actor, "payroll.approve", flag.partner_id)
    ):
        raise PermissionDenied("Only payroll officers and approvers decide flags.")
    if flag.run.status not in (RunStatus.CALCULATED,):
        raise ValidationError({"status": "Flags are decided on a calculated run."})
    if not note.strip():
        raise ValidationError({"note": "Say why the flagged item is right."})
    if flag.status != FlagStatus.OPEN:
        raise ValidationError({"status": "This flag is already decided."})
    flag.status = FlagStatus.ACCEPTED
    flag.note = note.strip()
    flag.decided_by = actor
    flag.decided_at = timezone.now()
    flag.save(update_fields=["status", "note", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        partner=flag.partner_id,
        action="payrun.flag_accepted",
        target=flag.run,
        after={"employment": flag.employment_id, "kind": flag.kind, "note": flag.note},
    )
    return flag


def _holds(actor: Any, permission: str, partner_id: int) -> bool:
    return actor is None or has_permission(actor, permission, partner_id)


def as_pounds(pence: int) -> Decimal:
    return pence_to_pounds(pence)
