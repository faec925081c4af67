"""Shared-service cost pools and their monthly recharge to the partners.

The shared-services body (a partner of kind ``shared_service``) owns every row here as its
``partner``: its pools, the agreements under which partners take its services, the driver
readings it measures and its recharge runs. The partner charged is ``charged_partner``; it
sees the agreements, readings and recharge lines that name it (the scope filters below), so
both sides of a charge read the same rows."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.dates import people_month
from joinedup.core.tenancy import PartnerScopedManager, PartnerScopedQuerySet


class Service(models.TextChoices):
    HR = "hr", "HR"
    PAYROLL = "payroll", "Payroll"
    FINANCE = "finance", "Finance"
    PURCHASING = "purchasing", "Purchasing"
    ICT = "ict", "ICT"
    OCCUPATIONAL_HEALTH = "occupational_health", "Occupational health"


class Driver(models.TextChoices):
    HEADCOUNT = "headcount", "Headcount"
    FTE = "fte", "FTE"
    PAYSLIPS = "payslips", "Payslips processed"
    TICKETS = "tickets", "ICT tickets"
    INVOICES = "invoices", "Invoices processed"
    SPEND = "spend", "Spend (£)"
    FIXED_PERCENTAGE = "fixed_percentage", "Fixed percentage"


# Drivers that may be measured by readings imported or entered month by month: tickets for a
# partner whose ICT service is not live in joinedup's service desk, invoices and spend for one
# whose purchasing is not live in joinedup (``ServiceAgreement.live``; drivers.py).
READ_DRIVERS = (Driver.TICKETS, Driver.INVOICES, Driver.SPEND)
# The drivers purchasing counts itself once a partner is live on it.
PURCHASING_DRIVERS = (Driver.INVOICES, Driver.SPEND)
# The drivers the service desk counts itself once a partner's ICT service is live on it.
SERVICE_DESK_DRIVERS = (Driver.TICKETS,)


class DriverSource(models.TextChoices):
    """Where a recharge line's driver quantity came from, for the statement."""

    MEASURED = "measured", "joinedup's people and payroll records"
    PURCHASING = "purchasing", "joinedup purchasing"
    SERVICE_DESK = "servicedesk", "joinedup service desk"
    READINGS = "readings", "Driver readings"
    AGREED = "agreed", "Agreed percentage"


class _ChargedQuerySet(PartnerScopedQuerySet["models.Model"]):
    def scope_filter(self, partner_ids: list[int]) -> Q:
        # The shared-services body that owns the row and the partner it charges both see it.
        return Q(partner__in=partner_ids) | Q(charged_partner__in=partner_ids)


class CostPool(models.Model):
    """The costs of one service of the shared-services body: the actuals on its cost centres
    (all revenue accounts, or only ``account_codes`` when given) in a month."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=30, choices=Service.choices)
    name = models.CharField(max_length=200)
    # Codes, not foreign keys: a chart's codes are never reused for another meaning (see the
    # chart template), and a pool names several of each.
    cost_centre_codes = models.JSONField(default=list)
    account_codes = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["CostPool"]()

    class Meta:
        ordering = ["partner", "service"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "service"], name="recharge_pool_one_per_service"),
            models.CheckConstraint(
                condition=Q(service__in=Service.values), name="recharge_pool_service_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceAgreement(models.Model):
    """A partner takes ``service`` from the shared-services body from ``effective_from`` (to
    ``effective_to`` when it stops), its share of the pool measured by ``driver``. A change is a
    new row from its date; the row in force on a month's last day governs that month."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    charged_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=30, choices=Service.choices)
    driver = models.CharField(max_length=20, choices=Driver.choices)
    percentage = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    # The partner runs this service in joinedup from ``effective_from``: for purchasing, its
    # invoices and spend drivers are counted from purchasing's own records, for ICT its tickets
    # from the service desk's, not from readings.
    live = models.BooleanField(
        "Live in joinedup",
        default=False,
        help_text="The partner's work for this service is done in joinedup, which measures its drivers.",
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PartnerScopedManager["ServiceAgreement"](_ChargedQuerySet)

    class Meta:
        ordering = ["partner", "charged_partner", "service", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "charged_partner", "service", "effective_from"],
                name="recharge_agreement_one_per_date",
            ),
            models.CheckConstraint(
                condition=Q(driver__in=Driver.values), name="recharge_agreement_driver_known"
            ),
            models.CheckConstraint(
                condition=(Q(driver=Driver.FIXED_PERCENTAGE) & Q(percentage__gt=0) & Q(percentage__lte=100))
                | (~Q(driver=Driver.FIXED_PERCENTAGE) & Q(percentage__isnull=True)),
                name="recharge_agreement_percentage_with_fixed",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="recharge_agreement_dates",
            ),
            models.CheckConstraint(
                condition=~Q(partner=models.F("charged_partner")), name="recharge_agreement_to_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} for {self.charged_partner_id} by {self.driver} from {self.effective_from}"


class DriverReading(models.Model):
    """A measured quantity of a driver for one partner in one month (``month`` is its first
    day), for drivers no module of joinedup measures yet."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    charged_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    driver = models.CharField(max_length=20, choices=Driver.choices)
    month = models.DateField()
    quantity = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PartnerScopedManager["DriverReading"](_ChargedQuerySet)

    class Meta:
        ordering = ["partner", "month", "driver", "charged_partner"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "charged_partner", "driver", "month"],
                name="recharge_reading_one_per_month",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="recharge_reading_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="recharge_reading_month_start"),
        ]

    def __str__(self) -> str:
        return f"{self.driver} {self.quantity} for {self.charged_partner_id} in {self.month:%Y-%m}"


class RunStatus(models.TextChoices):
    POSTED = "posted", "Posted"


class RechargeRun(models.Model):
    """The recharge of one month: computed and posted in one transaction, once (the month is
    unique per shared-services body, and each journal carries an idempotency key)."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.POSTED)
    total = models.BigIntegerField(default=0, help_text="pence recharged, secondments included")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["RechargeRun"]()

    class Meta:
        ordering = ["partner", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "month"], name="recharge_run_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="recharge_run_month_start"),
        ]

    def __str__(self) -> str:
        return f"Recharge {people_month(self.month)}"


class LineKind(models.TextChoices):
    POOL = "pool", "Shared service"
    SECONDMENT = "secondment", "Secondment"


class RechargeLine(models.Model):
    """One partner's charge in a run: its share of a pool, or a seconded employee's cost.

    ``partner`` is the partner that charges (the shared-services body for a pool; the home
    employer for a secondment), ``charged_partner`` the one that pays."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(RechargeRun, on_delete=models.PROTECT, related_name="lines")
    month = models.DateField()
    charged_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=LineKind.choices, default=LineKind.POOL)
    pool = models.ForeignKey(CostPool, on_delete=models.PROTECT, null=True, blank=True, related_name="lines")
    secondment = models.ForeignKey(
        "people.Secondment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.CharField(max_length=30, blank=True)
    description = models.CharField(max_length=200)
    driver = models.CharField(max_length=20, choices=Driver.choices, blank=True)
    driver_source = models.CharField(max_length=12, choices=DriverSource.choices, blank=True)
    # Shown to six places; the allocation used the exact measure.
    quantity = models.DecimalField(max_digits=20, decimal_places=6)
    rate = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    pool_amount = models.BigIntegerField(default=0, help_text="pence: the whole pool shared")
    amount = models.BigIntegerField(help_text="pence")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("pool",)
    objects = PartnerScopedManager["RechargeLine"](_ChargedQuerySet)

    class Meta:
        ordering = ["run", "charged_partner", "kind", "service", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=LineKind.POOL) & Q(pool__isnull=False))
                | (Q(kind=LineKind.SECONDMENT) & Q(secondment__isnull=False)),
                name="recharge_line_names_its_source",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "month"], name="recharge_line_partner_month"),
            models.Index(fields=["charged_partner", "month"], name="recharge_line_charged_month"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}p to {self.charged_partner_id}"
