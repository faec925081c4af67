"""Each employee's latest payslip before a run: pay and tax to date for the calculation, net pay
and tax code for the checks before approval.

Reading every earlier payslip and keeping the last would read the whole year — seven million
rows in month 8 of a million-person payroll. Instead the earlier runs are taken newest first and
each is asked only for the employments not yet found: in a steady month the run before answers
for nearly everyone, and the older runs are asked about the few it did not pay (starters, people
back from unpaid leave), by their ids."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

from joinedup.payroll.models import PayRun, Payslip, RunStatus

# The checks before approval compare a payslip with the same employee's latest at the run's
# frequency in the 13 months before it.
CHECKS_LOOKBACK = timedelta(days=397)

# Beyond this many employments still to find, a run is read whole (or by the caller's id range)
# rather than asked for a list of ids.
_BY_ID = 2000


def earlier_runs(
    run: PayRun, *, tax_year: int | None = None, frequency: str | None = None, since: date | None = None
) -> list[int]:
    """Ids of the employer's approved or paid runs before ``run``'s pay date, newest first — a
    draft's figures are not yet pay."""
    runs = PayRun.objects.for_partner(run.partner_id).filter(
        status__in=[RunStatus.APPROVED, RunStatus.PAID], pay_date__lt=run.pay_date
    )
    if tax_year is not None:
        runs = runs.filter(tax_year=tax_year)
    if frequency is not None:
        runs = runs.filter(frequency=frequency)
    if since is not None:
        runs = runs.filter(pay_date__gte=since)
    return list(runs.order_by("-pay_date", "-pk").values_list("pk", flat=True))


def runs_the_checks_compare(run: PayRun) -> list[int]:
    """The runs whose payslips the checks before approval compare with, newest first."""
    return earlier_runs(run, frequency=run.frequency, since=run.pay_date - CHECKS_LOOKBACK)


def latest_figures(
    run: PayRun,
    run_ids: Sequence[int],
    wanted: Collection[int],
    columns: Sequence[str],
    *,
    between: dict[str, Any] | None = None,
) -> dict[int, tuple[Any, ...]]:
    """``columns`` of each wanted employment's payslip in the first of ``run_ids`` that paid it.
    ``between`` (employment id bounds) narrows a whole-run read to a batch."""
    found: dict[int, tuple[Any, ...]] = {}
    missing = set(wanted)
    for run_id in run_ids:
        if not missing:
            break
        slips = Payslip.objects.for_partner(run.partner_id).filter(run_id=run_id).order_by()
        if len(missing) <= _BY_ID:
            slips = slips.filter(employment_id__in=sorted(missing))
        elif between is not None:
            slips = slips.filter(**between)
        rows = slips.values_list("employment_id", *columns).iterator(chunk_size=5000)
        for employment_id, *figures in rows:
            if employment_id in missing:
                found[employment_id] = tuple(figures)
                missing.discard(employment_id)
    return found
