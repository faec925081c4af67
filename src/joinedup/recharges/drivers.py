"""Measuring the allocation drivers for a month, from the data joinedup holds.

Headcount and FTE come from people: employments live on the month's last day, a shared post
(an employment with a cost split that day) counting to each charged partner in proportion to
its share. Payslips are those of approved (or paid) pay runs paid in the month, counted to the
employer. Tickets, invoices and spend come from :class:`~joinedup.recharges.models.DriverReading`
until the service desk and purchasing modules measure them.

Every function reads across the partnership on purpose: a driver is a comparison between
partners, made by the shared-services body for its recharge; the figures leave only as counts."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from joinedup.partnership.models import Partner
from joinedup.payroll.models import Payslip
from joinedup.payroll.models import RunStatus as PayRunStatus
from joinedup.people.models import ChargeStatus, CostSplit, Employment, EmploymentTerms
from joinedup.recharges.models import READ_DRIVERS, Driver, DriverReading

Quantities = dict[str, dict[str, Decimal]]  # driver → partner code → quantity

HUNDRED = Decimal(100)
PAID_RUNS = (PayRunStatus.APPROVED, PayRunStatus.PAID)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def measure(*, provider: Partner, month: date, partners: list[Partner]) -> Quantities:
    """Every driver's quantity for each of ``partners`` in ``month`` (its first day)."""
    codes = {p.pk: p.code for p in Partner.objects.all()}
    wanted = {p.code for p in partners}
    out: Quantities = {d: defaultdict(Decimal) for d in Driver.values if d != Driver.FIXED_PERCENTAGE}
    last = month_end(month)
    everyone = list(codes)

    live = list(
        Employment.objects.for_partners(everyone)
        .filter(start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=last))
        .values_list("pk", "partner_id")
    )
    ftes: dict[int, Decimal] = {}
    for employment_id, fte in (
        EmploymentTerms.objects.for_partners(everyone)
        .filter(effective_from__lte=last, employment_id__in=[e for e, _ in live])
        .order_by("employment_id", "effective_from", "id")
        .values_list("employment_id", "fte")
    ):
        ftes[employment_id] = fte  # the latest row in force wins
    splits: dict[int, list[tuple[int, Decimal]]] = {}
    for split in (
        CostSplit.objects.for_partners(everyone)
        # A split another partner has not approved does not count it (each partner decides).
        .filter(status=ChargeStatus.APPROVED, effective_from__lte=last)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=last))
        .prefetch_related("shares")
    ):
        splits[split.employment_id] = [(s.charged_partner_id, s.percent) for s in split.shares.all()]
    for employment_id, employer_id in live:
        fte = ftes.get(employment_id, Decimal(0))
        for partner_id, percent in splits.get(employment_id, [(employer_id, HUNDRED)]):
            code = codes[partner_id]
            out[Driver.HEADCOUNT][code] += percent / HUNDRED
            out[Driver.FTE][code] += fte * percent / HUNDRED

    for employer_id, count in (
        Payslip.objects.for_partners(everyone)
        .filter(run__status__in=PAID_RUNS, run__pay_date__gte=month, run__pay_date__lte=last)
        .values_list("partner_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[Driver.PAYSLIPS][codes[employer_id]] += Decimal(count)

    for driver, partner_id, quantity in (
        DriverReading.objects.for_partner(provider)
        .filter(partner=provider, month=month, driver__in=READ_DRIVERS)
        .values_list("driver", "charged_partner_id", "quantity")
    ):
        out[driver][codes[partner_id]] += quantity
    return {driver: {c: q for c, q in found.items() if c in wanted} for driver, found in out.items()}
