"""Workforce change: the data (filled in by the change programme work)."""

# --- Pension strain factor tables (redundancy costing; change/strain.py) -----------------------
# Kept at the end of the file on purpose: the programme models above are written in parallel.

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.core.tenancy import PartnerScopedManager


class StrainFactorTable(models.Model):
    """A pension fund's strain factors as its actuary gave them to one employer (partner), in
    force from ``effective_from`` until the fund's next table. Replaced whole by a new upload
    of the same date, never edited row by row."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    fund = models.CharField(max_length=100, help_text="e.g. Wessex Pension Fund")
    effective_from = models.DateField()
    by_month = models.BooleanField(help_text="Factors by age in years and months, not whole years.")
    source = models.CharField(max_length=300, help_text="The actuary's document the factors come from.")
    filename = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    objects = PartnerScopedManager["StrainFactorTable"]()

    class Meta:
        ordering = ["partner", "fund", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "fund", "effective_from"], name="strain_table_one_per_fund_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} strain factors from {self.effective_from}"


class StrainFactor(models.Model):
    """One factor: the cost per £1 a year of pension paid early, for a sex and an age."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    table = models.ForeignKey(StrainFactorTable, on_delete=models.CASCADE, related_name="factors")
    sex = models.CharField(max_length=1, choices=[("F", "Female"), ("M", "Male")])
    age_years = models.PositiveSmallIntegerField()
    age_months = models.PositiveSmallIntegerField(default=0)
    factor = models.DecimalField(max_digits=10, decimal_places=6)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("table",)
    objects = PartnerScopedManager["StrainFactor"]()

    class Meta:
        ordering = ["table", "sex", "age_years", "age_months"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "table", "sex", "age_years", "age_months"],
                name="strain_factor_one_per_age",
            ),
            models.CheckConstraint(condition=Q(age_months__lte=11), name="strain_factor_months_in_year"),
            models.CheckConstraint(condition=Q(factor__gte=0), name="strain_factor_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sex} {self.age_years}y{self.age_months}m: {self.factor}"
