"""Pay runs and their inputs. Money on payslips is integer pence (``BigIntegerField``):
payslips are written and summed in bulk, and pence cannot drift."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.core.calendar import tax_year_label
from joinedup.core.tenancy import PartnerScopedManager
from joinedup.payroll.pay_calendar import MOST_CUT_OFF_WORKING_DAYS
from joinedup.people.models import PayFrequency


class PayItemKind(models.TextChoices):
    ADDITION = "addition", "Addition"
    DEDUCTION = "deduction", "Deduction after tax"


class PayItemTreatment(models.TextChoices):
    """How an addition is taxed. Earnings (the default: overtime, allowances, pay in lieu of
    notice, holiday pay) are taxed and NI-able in full; a termination award (a redundancy
    payment) is free of tax up to the threshold and not NI-able (payroll/termination.py)."""

    EARNINGS = "earnings", "Earnings: taxed and NI-able"
    TERMINATION_AWARD = "termination_award", "Termination award: ITEPA 2003 s.401"


class PayItem(models.Model):
    """A recurring or one-off addition (overtime, an allowance, a bonus) or deduction after
    tax (car parking, union subscriptions, an attachment of earnings order) for an
    employment. One-off items have ``start_date`` = ``end_date`` inside the pay period."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="pay_items")
    kind = models.CharField(max_length=10, choices=PayItemKind.choices)
    code = models.SlugField(
        max_length=30, help_text="overtime, allowance, bonus, car_parking, union_subs, aeo…"
    )
    description = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    pensionable = models.BooleanField(default=False)
    treatment = models.CharField(
        max_length=20, choices=PayItemTreatment.choices, default=PayItemTreatment.EARNINGS
    )
    # Paid after the employment ended, part of the regular pattern of pay (overtime paid a month in
    # arrears): NI on the usual earnings period (SSCR 2001 reg. 3(5), NIM08400). Otherwise an
    # irregular payment (accrued holiday pay, a bonus): NI on a week (reg. 4(b)(ii)).
    regular = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("employment",)
    objects = PartnerScopedManager["PayItem"]()

    class Meta:
        ordering = ["employment", "start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pay_item_amount_positive"),
            models.CheckConstraint(
                condition=Q(treatment__in=PayItemTreatment.values), name="pay_item_treatment_known"
            ),
            models.CheckConstraint(
                condition=Q(treatment="earnings") | Q(kind="addition"), name="pay_item_award_is_addition"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="pay_item_dates",
            ),
        ]
        indexes = [models.Index(fields=["partner", "start_date"], name="pay_item_partner_start")]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} £{self.amount}"


class StarterYtd(models.Model):
    """Pay and tax to date from a new starter's P45, for their first cumulative payment."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    tax_year = models.PositiveSmallIntegerField()
    taxable_pay_to_date = models.BigIntegerField(help_text="pence")
    tax_paid_to_date = models.BigIntegerField(help_text="pence")

    objects = PartnerScopedManager["StarterYtd"]()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "employment", "tax_year"], name="starter_ytd_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"P45 figures for {self.employment_id} in {self.tax_year}"


class EmployerPensionRate(models.Model):
    """The employer's contribution rate for a pension scheme, set by the fund actuary per
    employer; dated, since rates change at valuations."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    pension_scheme = models.CharField(max_length=20)
    effective_from = models.DateField()
    rate_percent = models.DecimalField(max_digits=6, decimal_places=3)
    source = models.CharField(max_length=200)

    objects = PartnerScopedManager["EmployerPensionRate"]()

    class Meta:
        ordering = ["pension_scheme", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "pension_scheme", "effective_from"], name="employer_rate_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0) & Q(rate_percent__lt=100), name="employer_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pension_scheme} {self.rate_percent}% from {self.effective_from}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CALCULATING = "calculating", "Calculating"
    CALCULATED = "calculated", "Calculated"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid (closed)"


class RunKind(models.TextChoices):
    REGULAR = "regular", "Regular"
    SUPPLEMENTARY = "supplementary", "Supplementary"


class PayRun(models.Model):
    """One employer's payroll for one frequency and tax period."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=12, choices=PayFrequency.choices)
    tax_year = models.PositiveSmallIntegerField(help_text="First year: 2026 is 2026/27.")
    period = models.PositiveSmallIntegerField(help_text="Tax month or week.")
    pay_date = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    kind = models.CharField(max_length=15, choices=RunKind.choices, default=RunKind.REGULAR)
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    calculated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    calculated_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # The run's totals in pence, by ``figures.SUMMARY_FIGURES`` name, kept when it is approved:
    # its payslips cannot change after, and summing them on every view of the run's page was
    # most of its cost (40 ms at 55,000 payslips). ``run_calculation.run_totals`` reads them.
    approved_totals = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["PayRun"]()

    class Meta:
        ordering = ["-pay_date", "partner"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "frequency", "tax_year", "period"],
                condition=Q(kind="regular"),
                name="pay_run_one_regular_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period__gte=1) & Q(period__lte=56), name="pay_run_period_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.tax_year_label} period {self.period}"

    @property
    def tax_year_label(self) -> str:
        return tax_year_label(self.tax_year)


class Payslip(models.Model):
    """One employment's pay in one run: the standard figures in pence, one row. Lines beyond
    basic pay (additions, deductions after tax) are ``PayslipLine`` rows, only where they exist."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(PayRun, on_delete=models.CASCADE, related_name="payslips")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="payslips")
    tax_code = models.CharField(max_length=12)
    week1_month1 = models.BooleanField(default=False)
    ni_category = models.CharField(max_length=1)
    pension_scheme = models.CharField(max_length=20)
    basic_pay = models.BigIntegerField()
    additions = models.BigIntegerField(default=0)
    gross_pay = models.BigIntegerField()
    pensionable_pay = models.BigIntegerField()
    pension_employee = models.BigIntegerField()
    pension_employer = models.BigIntegerField()
    taxable_pay = models.BigIntegerField()
    taxable_pay_to_date = models.BigIntegerField()
    tax = models.BigIntegerField()
    tax_paid_to_date = models.BigIntegerField()
    ni_pay = models.BigIntegerField()
    ni_employee = models.BigIntegerField()
    ni_employer = models.BigIntegerField()
    # Employer's Class 1A on termination awards over the threshold (payroll/termination.py).
    ni_class1a = models.BigIntegerField(default=0)
    student_loan = models.BigIntegerField()
    postgraduate_loan = models.BigIntegerField()
    deductions_after_tax = models.BigIntegerField(default=0)
    net_pay = models.BigIntegerField()
    # A payment after the leaver's P45 was issued: 0T week 1/month 1, reported as such on the FPS.
    after_leaving = models.BooleanField(default=False)
    # The NI earnings period when it is not the run's frequency (a payment after leaving outside
    # the regular pattern: a week); blank for the run's own.
    ni_frequency = models.CharField(max_length=12, choices=PayFrequency.choices, blank=True, default="")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("run", "employment")
    objects = PartnerScopedManager["Payslip"]()

    class Meta:
        ordering = ["run", "employment"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "run", "employment"], name="payslip_one_per_run"),
        ]
        indexes = [models.Index(fields=["partner", "employment"], name="payslip_partner_employment")]

    def __str__(self) -> str:
        return f"payslip of {self.employment_id} in run {self.run_id}"


class PayslipLine(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    payslip = models.ForeignKey(Payslip, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=PayItemKind.choices)
    code = models.CharField(max_length=30)
    description = models.CharField(max_length=100)
    amount = models.BigIntegerField(help_text="pence")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("payslip",)
    objects = PartnerScopedManager["PayslipLine"]()

    class Meta:
        ordering = ["payslip", "kind", "code"]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}p"


class FlagKind(models.TextChoices):
    NET_CHANGE = "net_change", "Net pay changed by more than the threshold"
    NEGATIVE_NET = "negative_net", "Negative net pay"
    BELOW_MINIMUM_WAGE = "below_minimum_wage", "Below the National Minimum or Living Wage"
    NO_BANK_DETAILS = "no_bank_details", "No bank details"
    # Asked for but not yet verified by a second person: this run pays the account held.
    BANK_CHANGE_PENDING = "bank_change_pending", "Bank change pending: paid to the account held"
    TAX_CODE_CHANGED = "tax_code_changed", "Tax code changed"
    NO_PAY_RATE = "no_pay_rate", "No pay rate for the pay point"
    # Occupational sick and maternity pay are not modelled: a person confirms the contractual pay.
    STATUTORY_PAY = "statutory_pay", "Sickness or maternity: check occupational pay"
    NI_CATEGORY_AGE = "ni_category_age", "NI category the person's age rules out"
    NO_PAY_TO_DATE = "no_pay_to_date", "Cumulative tax code with no pay or tax to date"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"


class VarianceFlag(models.Model):
    """Something about a payslip a person must look at before the run is approved. A flag
    is accepted with a note, or fixed — and a fixed flag does not come back when the run is
    recalculated."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(PayRun, on_delete=models.CASCADE, related_name="flags")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=25, choices=FlagKind.choices)
    detail = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    note = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("run",)
    objects = PartnerScopedManager["VarianceFlag"]()

    class Meta:
        ordering = ["run", "kind", "employment"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "run", "employment", "kind"], name="flag_one_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


class PayrollSettings(models.Model):
    """Per-partner payroll settings."""

    partner = models.OneToOneField("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    variance_threshold_percent = models.DecimalField(max_digits=5, decimal_places=2, default=10)
    bank_sort_code = models.CharField(max_length=6, blank=True, help_text="The account wages are paid from.")
    bank_account_number = models.CharField(max_length=8, blank=True)
    bank_account_name = models.CharField(max_length=100, blank=True)
    bacs_user_number = models.CharField("BACS service user number", max_length=6, blank=True)

    objects = PartnerScopedManager["PayrollSettings"]()

    def __str__(self) -> str:
        return f"payroll settings of {self.partner_id}"


class P45Issue(models.Model):
    """A leaver's P45, issued once per employment and tax year. It holds the payslip whose
    to-date figures it shows, so issuing it again re-renders exactly the same form."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    tax_year = models.PositiveSmallIntegerField()
    payslip = models.ForeignKey(Payslip, on_delete=models.PROTECT, related_name="+")
    leaving_date = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["P45Issue"]()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "employment", "tax_year"], name="p45_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"P45 of {self.employment_id} for {self.tax_year}"


class TakeOnBalance(models.Model):
    """An employment's figures for a tax year to date from the payroll joinedup replaced, when it
    went live part-way through the year: the calculation takes them as pay and tax to date until
    the employment's first payslip here, and every year-to-date output adds them. Pence."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    tax_year = models.PositiveSmallIntegerField(help_text="First year: 2026 is 2026/27.")
    taxable_pay = models.BigIntegerField()
    tax = models.BigIntegerField(help_text="Negative when the old payroll refunded more than it took.")
    student_loan = models.BigIntegerField(default=0)
    postgraduate_loan = models.BigIntegerField(default=0)
    pension_employee = models.BigIntegerField(default=0, help_text="Under a net pay arrangement.")
    ssp = models.BigIntegerField(default=0)
    smp = models.BigIntegerField(default=0)
    source_file = models.CharField(max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["TakeOnBalance"]()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "employment", "tax_year"], name="take_on_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(taxable_pay__gte=0)
                & Q(student_loan__gte=0)
                & Q(postgraduate_loan__gte=0)
                & Q(pension_employee__gte=0)
                & Q(ssp__gte=0)
                & Q(smp__gte=0),
                name="take_on_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"take-on figures for {self.employment_id} in {self.tax_year}"


class TakeOnNi(models.Model):
    """Class 1 NI to date under one category letter, by band, as the FPS reports it. Pence."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    balance = models.ForeignKey(TakeOnBalance, on_delete=models.CASCADE, related_name="ni")
    letter = models.CharField(max_length=1)
    ni_pay = models.BigIntegerField()
    earnings_at_lel = models.BigIntegerField()
    earnings_lel_to_pt = models.BigIntegerField()
    earnings_pt_to_uel = models.BigIntegerField()
    ni_employee = models.BigIntegerField()
    ni_employer = models.BigIntegerField()

    objects = PartnerScopedManager["TakeOnNi"]()

    class Meta:
        ordering = ["balance", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "balance", "letter"], name="take_on_ni_one_per_letter"
            ),
        ]

    def __str__(self) -> str:
        return f"NI {self.letter} of {self.balance_id}"


class PayNation(models.TextChoices):
    """Whose bank holidays move a pay date (gov.uk publishes one list for England and Wales)."""

    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class PayCalendar(models.Model):
    """An employer's rule for the pay dates of one pay frequency, and the cut-off for changes:
    ``payroll.pay_calendar`` turns it into each period's pay date and cut-off. Monthly pay names
    a day of the month; weekly, fortnightly and four-weekly pay one pay date of the cycle."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=12, choices=PayFrequency.choices)
    nation = models.CharField(max_length=20, choices=PayNation.choices)
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    anchor_date = models.DateField(null=True, blank=True)
    cut_off_working_days = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerScopedManager["PayCalendar"]()

    class Meta:
        ordering = ["partner", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "frequency"], name="pay_calendar_one_per_frequency"),
            models.CheckConstraint(
                condition=(Q(frequency="monthly") & Q(day_of_month__gte=1) & Q(day_of_month__lte=31))
                | (~Q(frequency="monthly") & Q(anchor_date__isnull=False)),
                name="pay_calendar_rule_given",
            ),
            models.CheckConstraint(condition=Q(nation__in=PayNation.values), name="pay_calendar_nation"),
            models.CheckConstraint(
                condition=Q(cut_off_working_days__lte=MOST_CUT_OFF_WORKING_DAYS),
                name="pay_calendar_cut_off_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} pay calendar of {self.partner_id}"
