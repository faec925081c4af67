"""Measuring the allocation drivers for a month, from the data joinedup holds.

Headcount and FTE come from people: employments live on the month's last day, a shared post
(an employment with a cost split that day) counting to each charged partner in proportion to
its share. Payslips are those of approved (or paid) pay runs paid in the month, counted to the
employer.

A service's own drivers come from its module for a partner **live** on it that month — its
service agreement for that service in force on the month's last day says so (``live``): an
explicit decision, since a partner part-way through moving its work into joinedup would
otherwise be charged for half a month's count. Readings of those drivers are then ignored for
it; a partner not live is measured by :class:`~joinedup.recharges.models.DriverReading` as
before. ``sources`` says which for each partner, and the statement shows it.

- **Invoices and spend** (purchasing agreement live): *invoices* is the invoices and credit
  notes the partner received in the month (``received_date``), cancelled ones left out, and
  *spend* the pounds its paid payment runs paid in the month (payment date; net of credit notes).
- **Tickets** ("ICT tickets"; ICT agreement live): the partner's tickets of the ICT service
  raised in the month, the month's bounds taken in Europe/London (a ticket raised at 00:30 BST
  on 1 April is April's, though it is 23:30 UTC on 31 March). It is the ICT agreement's flag
  that governs, not that of whichever agreement is shared by tickets: the driver counts ICT
  tickets, so it is the partner's ICT desk work that must be done in joinedup for the count to
  be whole, and one partner has one figure per driver a month whichever pools use it. Every
  ticket raised counts once, in the month it was raised, whatever became of it: a reopened
  ticket is the same ticket (reopening raises nothing), a ticket resolved as raised in error
  was still work, and the desk has no cancelled status.

Every function reads across the partnership on purpose: a driver is a comparison between
partners, made by the shared-services body for its recharge; the figures leave only as counts."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum

from joinedup.partnership.models import Partner
from joinedup.payroll.models import Payslip
from joinedup.payroll.models import RunStatus as PayRunStatus
from joinedup.people.models import ChargeStatus, CostSplit, Employment, EmploymentTerms
from joinedup.purchasing.models import Invoice, InvoiceStatus, Payment, PaymentRunStatus
from joinedup.recharges.models import (
    PURCHASING_DRIVERS,
    READ_DRIVERS,
    SERVICE_DESK_DRIVERS,
    Driver,
    DriverReading,
    DriverSource,
    Service,
    ServiceAgreement,
)
from joinedup.servicedesk.models import Service as DeskService
from joinedup.servicedesk.models import Ticket

Quantities = dict[str, dict[str, Decimal]]  # driver → partner code → quantity
Sources = dict[str, dict[str, str]]  # driver → partner code → DriverSource
PENNY = Decimal("0.01")

HUNDRED = Decimal(100)
PAID_RUNS = (PayRunStatus.APPROVED, PayRunStatus.PAID)
LONDON = ZoneInfo("Europe/London")


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def local_month_bounds(month: date) -> tuple[datetime, datetime]:
    """The instants the month starts and the next one starts, at local (Europe/London) midnight."""
    following = month_end(month).toordinal() + 1
    return (
        datetime.combine(month.replace(day=1), time(0), tzinfo=LONDON),
        datetime.combine(date.fromordinal(following), time(0), tzinfo=LONDON),
    )


def live_on_purchasing(provider: Partner, month: date) -> set[int]:
    """The partners whose purchasing agreement with ``provider`` in force on the month's last day
    says purchasing is live in joinedup."""
    return live_on(provider, month, Service.PURCHASING)


def live_on_service_desk(provider: Partner, month: date) -> set[int]:
    """The partners whose ICT agreement with ``provider`` in force on the month's last day says
    their ICT tickets are raised in joinedup's service desk."""
    return live_on(provider, month, Service.ICT)


def live_on(provider: Partner, month: date, service: str) -> set[int]:
    """The partners whose ``service`` agreement with ``provider`` in force on the month's last
    day says the service is live in joinedup."""
    last = month_end(month)
    latest: dict[int, ServiceAgreement] = {}
    for agreement in (
        ServiceAgreement.objects.for_partner(provider)
        .filter(partner=provider, service=service, effective_from__lte=last)
        .order_by("effective_from", "id")
    ):
        latest[agreement.charged_partner_id] = agreement
    return {
        partner_id
        for partner_id, agreement in latest.items()
        if agreement.live and (agreement.effective_to is None or agreement.effective_to >= last)
    }


def sources(*, provider: Partner, month: date, partners: list[Partner]) -> Sources:
    """Where each driver's quantity of each of ``partners`` comes from in ``month``."""
    live = live_on_purchasing(provider, month)
    on_desk = live_on_service_desk(provider, month)
    out: Sources = {}
    for driver in Driver.values:
        if driver == Driver.FIXED_PERCENTAGE:
            source = {p.code: DriverSource.AGREED.value for p in partners}
        elif driver in PURCHASING_DRIVERS:
            source = {
                p.code: (DriverSource.PURCHASING if p.pk in live else DriverSource.READINGS).value
                for p in partners
            }
        elif driver in SERVICE_DESK_DRIVERS:
            source = {
                p.code: (DriverSource.SERVICE_DESK if p.pk in on_desk else DriverSource.READINGS).value
                for p in partners
            }
        elif driver in READ_DRIVERS:
            source = {p.code: DriverSource.READINGS.value for p in partners}
        else:
            source = {p.code: DriverSource.MEASURED.value for p in partners}
        out[driver] = source
    return out


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

    on_purchasing = live_on_purchasing(provider, month)
    on_desk = live_on_service_desk(provider, month)
    for driver, partner_id, quantity in (
        DriverReading.objects.for_partner(provider)
        .filter(partner=provider, month=month, driver__in=READ_DRIVERS)
        .values_list("driver", "charged_partner_id", "quantity")
    ):
        if driver in PURCHASING_DRIVERS and partner_id in on_purchasing:
            continue  # purchasing counts it below
        if driver in SERVICE_DESK_DRIVERS and partner_id in on_desk:
            continue  # the service desk counts it below
        out[driver][codes[partner_id]] += quantity
    if on_desk:
        start, end = local_month_bounds(month)
        for partner_id, count in (
            Ticket.objects.for_partners(sorted(on_desk))
            .filter(service=DeskService.ICT, raised_at__gte=start, raised_at__lt=end)
            .values_list("partner_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            out[Driver.TICKETS][codes[partner_id]] += Decimal(count)
    if on_purchasing:
        for partner_id, count in (
            Invoice.objects.for_partners(sorted(on_purchasing))
            .filter(received_date__gte=month, received_date__lte=last)
            .exclude(status=InvoiceStatus.CANCELLED)
            .values_list("partner_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            out[Driver.INVOICES][codes[partner_id]] += Decimal(count)
        for partner_id, paid in (
            Payment.objects.for_partners(sorted(on_purchasing))
            .filter(
                run__status=PaymentRunStatus.PAID, run__payment_date__gte=month, run__payment_date__lte=last
            )
            .values_list("partner_id")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            # SQLite sums decimals as binary floats: back to the penny the payments hold.
            out[Driver.SPEND][codes[partner_id]] += Decimal(paid).quantize(PENNY)
    return {driver: {c: q for c, q in found.items() if c in wanted} for driver, found in out.items()}
