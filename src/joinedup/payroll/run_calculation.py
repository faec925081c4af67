"""Calculating a pay run: every payslip from HR data as at the pay date, in batches.

Kept apart from :mod:`joinedup.payroll.services` so that the background task that calculates
(:mod:`joinedup.payroll.tasks`) and the service that queues it import it without importing
each other."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import user_of
from joinedup.core.bulk import fewer_collections
from joinedup.core.failpoints import failpoint
from joinedup.partnership.permissions import authorise
from joinedup.payroll import calculation, variance
from joinedup.payroll.figures import SUMMARY_FIGURES
from joinedup.payroll.models import FlagStatus, PayRun, Payslip, RunStatus, VarianceFlag
from joinedup.payroll.writer import BatchWriter

BATCH_SIZE = 5000
TOTAL_FIELDS = SUMMARY_FIGURES


def run_summary(run: PayRun) -> dict[str, Any]:
    return {
        "frequency": run.frequency,
        "tax_year": run.tax_year,
        "period": run.period,
        "pay_date": run.pay_date,
        "kind": run.kind,
        "status": run.status,
    }


def payrun_calculate(
    *,
    actor: Any,
    run: PayRun,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> PayRun:
    """Calculate (or recalculate) every payslip of a run from HR data as at its pay date."""
    authorise(actor, "payroll.calculate", run.partner_id)
    with transaction.atomic():
        run = PayRun.objects.for_partner(run.partner_id).select_for_update().get(pk=run.pk)
        if run.status not in (RunStatus.DRAFT, RunStatus.CALCULATED, RunStatus.CALCULATING):
            raise ValidationError(
                {"status": f"A run that is {run.get_status_display().lower()} cannot change."}
            )
        employments = calculation.employments_in_run(run)
        run.status = RunStatus.CALCULATING
        run.calculated_by = user_of(actor)
        run.progress_done = 0
        run.progress_total = len(employments)
        run.save(update_fields=["status", "calculated_by", "progress_done", "progress_total"])
        VarianceFlag.objects.for_partner(run.partner_id).filter(run=run, status=FlagStatus.OPEN).delete()
        # Payslips of employments no longer in the run (a leaver back-dated since) go now.
        in_run = {e.pk for e in employments}
        slips = Payslip.objects.for_partner(run.partner_id).filter(run=run)
        gone = [e for e in slips.values_list("employment_id", flat=True).iterator() if e not in in_run]
        for start in range(0, len(gone), batch_size):
            slips.filter(employment_id__in=gone[start : start + batch_size]).delete()
    failpoint("payrun.calculation_started")
    problems: dict[int, list[tuple[str, str]]] = {}
    hours: dict[int, Decimal] = {}
    without_figures_to_date: set[int] = set()
    # What the checks before approval read of each payslip, kept from the calculation rather
    # than read back: the run's payslips are exactly the batches written.
    figures: list[tuple[int, int, int, str, str, bool]] = []
    # Each batch is written in its own transaction and then counted in the run's progress; on
    # PostgreSQL the writing overlaps the next batch's calculation (see payroll.writer).
    reads = calculation.RunReads(run)
    with fewer_collections(), BatchWriter(run, progress=progress) as writer:
        for start in range(0, len(employments), batch_size):
            chunk = employments[start : start + batch_size]
            inputs = calculation.gather(run, chunk, reads)
            problems.update(calculation.problems_by_employment(inputs))
            hours.update((r.employment_id, r.weekly_hours) for r in inputs)
            without_figures_to_date.update(r.employment_id for r in inputs if not r.figures_to_date)
            calculated = calculation.calculate_batch(run, inputs)
            columns = calculated.columns
            if columns:
                figures.extend(
                    zip(
                        columns["employment_id"],
                        columns["net_pay"],
                        columns["gross_pay"],
                        columns["tax_code"],
                        columns["ni_category"],
                        columns["week1_month1"],
                        strict=True,
                    )
                )
            writer.submit(calculated, [e.pk for e in chunk])
    run.progress_done = run.progress_total
    with transaction.atomic():
        flags = variance.raise_flags(
            run, problems, hours, without_figures_to_date, figures, reads.last_payslips
        )
        run.status = RunStatus.CALCULATED
        run.calculated_at = timezone.now()
        run.save(update_fields=["status", "calculated_at"])
        record_event(
            actor=actor,
            partner=run.partner_id,
            action="payrun.calculated",
            target=run,
            after={
                **run_summary(run),
                "payslips": run.progress_total,
                "flags": flags,
                "totals": run_totals(run),
            },
        )
        failpoint("payrun.run_recorded")
    return run


def run_totals(run: PayRun) -> dict[str, int]:
    """The sums of the run's payslips, by ``TOTAL_FIELDS`` name in that order: those kept at
    approval (``PayRun.approved_totals``) once the run is approved or paid and nothing in it can
    change, otherwise summed now (and for a run approved before they were kept, or before a
    figure was added to ``TOTAL_FIELDS``)."""
    kept = run.approved_totals
    if (
        run.status in (RunStatus.APPROVED, RunStatus.PAID)
        and isinstance(kept, dict)
        and all(name in kept for name in TOTAL_FIELDS)
    ):
        return {name: int(kept[name]) for name in TOTAL_FIELDS}
    return summed_run_totals(run)


def summed_run_totals(run: PayRun) -> dict[str, int]:
    """The sums of the run's payslips as they stand, read from every one of them."""
    sums = (
        Payslip.objects.for_partner(run.partner_id)
        .filter(run=run)
        .aggregate(**{name: Sum(name) for name in TOTAL_FIELDS})
    )
    return {name: int(sums[name] or 0) for name in TOTAL_FIELDS}
