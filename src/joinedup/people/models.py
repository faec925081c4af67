"""People and establishment.

One ``Person`` per human across all partners; each partner's relationship with them is an
``Employment`` (a person employed by two partners has two). Terms that change over time live
in dated ``EmploymentTerms`` rows, so the record as it stood on any date can be read back.
National terms-and-conditions schemes and their pay scales are shared reference data; pay
awards are new dated ``PayRate`` rows, never edits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from joinedup.core.crypto import EncryptedCharField
from joinedup.core.tenancy import PartnerScopedManager, PartnerScopedQuerySet

# --- Terms-and-conditions schemes (national reference data, not partner-owned) -------------


class IncrementRule(models.TextChoices):
    APRIL_1 = "april_1", "Each 1 April"
    INCREMENTAL_DATE = "incremental_date", "On the employee's incremental date"
    COMPETENCE = "competence", "On assessed competence"


class Proration(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", "Calendar days"
    WORKING_DAYS = "working_days", "Working days"


class TermsScheme(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    standard_weekly_hours = models.DecimalField(max_digits=5, decimal_places=2)
    increment_rule = models.CharField(max_length=20, choices=IncrementRule.choices)
    proration = models.CharField(max_length=20, choices=Proration.choices)
    leave_rules = models.JSONField(default=list, help_text='[{"min_years": 0, "days": 25}, …]')
    bank_holidays_extra = models.BooleanField(default=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def leave_days(self, years_of_service: int) -> Decimal:
        days = Decimal(0)
        for rule in sorted(self.leave_rules, key=lambda r: r["min_years"]):
            if years_of_service >= rule["min_years"]:
                days = Decimal(str(rule["days"]))
        return days


class PayPoint(models.Model):
    """A point on a scheme's scale (``SCP12``, ``B5-1``, ``FF-COMPETENT``), stable across awards."""

    scheme = models.ForeignKey(TermsScheme, on_delete=models.PROTECT, related_name="points")
    code = models.CharField(max_length=30)
    label = models.CharField(max_length=100)
    sort = models.PositiveIntegerField()
    withdrawn_from = models.DateField(null=True, blank=True, help_text="Deleted from the scale on this date.")

    class Meta:
        ordering = ["scheme", "sort"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="pay_point_unique_code")]

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.code}"


class PayRate(models.Model):
    """The annual full-time salary of a point from a date: a pay award adds rows."""

    point = models.ForeignKey(PayPoint, on_delete=models.PROTECT, related_name="rates")
    effective_from = models.DateField()
    annual = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.TextField()
    unconfirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["point", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["point", "effective_from"], name="pay_rate_unique_date"),
            models.CheckConstraint(condition=Q(annual__gt=0), name="pay_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.point} £{self.annual} from {self.effective_from}"


# --- People -----------------------------------------------------------------------------------


class PersonQuerySet(PartnerScopedQuerySet["Person"]):
    def scope_filter(self, partner_ids: list[int]) -> Q:
        # A partner sees a person only through an employment with it or a secondment to it.
        employed = Employment.objects.unscoped(reason="subquery inside a person scope").filter(
            person=OuterRef("pk"), partner__in=partner_ids
        )
        hosted = Secondment.objects.unscoped(reason="subquery inside a person scope").filter(
            employment__person=OuterRef("pk"), host_partner__in=partner_ids
        )
        return Q(Exists(employed)) | Q(Exists(hosted))

    def rls_condition(self, partners: str) -> str:
        # The same rule for row-level security (core/rls.py).
        return f"joinedup_person_visible(id, {partners})"


class Person(models.Model):
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    ni_number = models.CharField("National Insurance number", max_length=9, unique=True)
    # As HMRC records it: the RTI submission requires it.
    gender = models.CharField(max_length=1, choices=[("F", "Female"), ("M", "Male")], blank=True)
    search_name = models.CharField(max_length=201, db_index=True, editable=False)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    bank_sort_code = EncryptedCharField(blank=True)
    bank_account_number = EncryptedCharField(blank=True)
    bank_account_name = models.CharField(max_length=100, blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["Person"](PersonQuerySet)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"], name="person_name")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = self.make_search_name(self.given_name, self.family_name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @staticmethod
    def make_search_name(given_name: str, family_name: str) -> str:
        return f"{family_name} {given_name}".casefold()

    @property
    def masked_account(self) -> str:
        return f"****{self.bank_account_number[-4:]}" if self.bank_account_number else ""

    @property
    def masked_sort_code(self) -> str:
        return f"{self.bank_sort_code[:2]}-**-**" if self.bank_sort_code else ""


# --- Establishment ----------------------------------------------------------------------------


class OrgUnit(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    partner_shared_with: ClassVar[tuple[str, ...]] = ("parent",)
    objects = PartnerScopedManager["OrgUnit"]()

    class Meta:
        ordering = ["partner", "name"]
        constraints = [models.UniqueConstraint(fields=["partner", "code"], name="org_unit_unique_code")]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="posts")
    scheme = models.ForeignKey(TermsScheme, on_delete=models.PROTECT, related_name="+")
    grade_min = models.ForeignKey(PayPoint, on_delete=models.PROTECT, related_name="+")
    grade_max = models.ForeignKey(PayPoint, on_delete=models.PROTECT, related_name="+")
    budgeted_fte = models.DecimalField(max_digits=7, decimal_places=4)
    cost_centre = models.CharField(max_length=30)
    funded = models.BooleanField(default=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # Where the post is worked from, as the partner names its sites; and its line in the
    # structure. A restructure changes both (workforce change matches people to vacancies by
    # location), and a shared post may report to a post of another partner.
    location = models.CharField(max_length=100, blank=True)
    reports_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="direct_reports"
    )

    partner_shared_with: ClassVar[tuple[str, ...]] = ("org_unit",)
    objects = PartnerScopedManager["Post"]()

    class Meta:
        ordering = ["partner", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="post_unique_code"),
            models.CheckConstraint(condition=Q(budgeted_fte__gte=0), name="post_fte_not_negative"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="post_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# --- Employment -------------------------------------------------------------------------------


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed term"
    CASUAL = "casual", "Casual"


class TaxBasis(models.TextChoices):
    CUMULATIVE = "cumulative", "Cumulative"
    WEEK1_MONTH1 = "week1_month1", "Week 1 / Month 1"


class PensionScheme(models.TextChoices):
    NONE = "none", "Not in a pension scheme"
    LGPS_MAIN = "lgps_main", "LGPS main section"
    LGPS_5050 = "lgps_5050", "LGPS 50/50 section"
    POLICE_2015 = "police_2015", "Police Pension Scheme 2015"
    FIREFIGHTERS_2015 = "firefighters_2015", "Firefighters' Pension Scheme 2015"
    NHS_2015 = "nhs_2015", "NHS Pension Scheme"


class PayFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    FOUR_WEEKLY = "four_weekly", "Four-weekly"


class Employment(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employments")
    payroll_number = models.CharField(max_length=20)
    start_date = models.DateField()
    continuous_service_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    pay_frequency = models.CharField(
        max_length=12, choices=PayFrequency.choices, default=PayFrequency.MONTHLY
    )
    # What the person is called and where they work, as HR records it; a post, when they hold
    # one, is the establishment's view and may differ (acting up, a unit reorganised).
    job_title = models.CharField(max_length=200, blank=True)
    org_unit = models.ForeignKey(
        "OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="employments"
    )
    transferred_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transferred_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["Employment"]()

    class Meta:
        ordering = ["partner", "payroll_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "payroll_number"], name="employment_unique_payroll_number"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="employment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(continuous_service_date__lte=models.F("start_date")),
                name="employment_service_not_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "person"], name="employment_partner_person"),
            # Leavers by date (the payroll officer's "P45s to issue", starters and leavers this
            # month): a range of end dates, not every employment of the partner.
            models.Index(fields=["partner", "end_date"], name="employment_partner_end"),
        ]

    def __str__(self) -> str:
        return f"{self.payroll_number} ({self.partner_id})"

    def is_active_on(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)


class StarterDeclaration(models.TextChoices):
    A = "A", "A: first job since 6 April, no benefits"
    B = "B", "B: only job now"
    C = "C", "C: another job or pension"


class EmploymentTerms(models.Model):
    """The terms of an employment from ``effective_from`` until the next row's date."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey(Employment, on_delete=models.PROTECT, related_name="terms")
    effective_from = models.DateField()
    contract_type = models.CharField(max_length=12, choices=ContractType.choices)
    fte = models.DecimalField("FTE", max_digits=5, decimal_places=4)
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=2)
    scheme = models.ForeignKey(TermsScheme, on_delete=models.PROTECT, related_name="+")
    pay_point = models.ForeignKey(PayPoint, on_delete=models.PROTECT, related_name="+")
    line_manager = models.ForeignKey(
        Employment, on_delete=models.PROTECT, null=True, blank=True, related_name="managed_terms"
    )
    tax_code = models.CharField(max_length=10)
    tax_basis = models.CharField(max_length=12, choices=TaxBasis.choices, default=TaxBasis.CUMULATIVE)
    ni_category = models.CharField(max_length=1, default="A")
    student_loan_plans = models.CharField(max_length=20, blank=True, help_text="e.g. 2;PG")
    pension_scheme = models.CharField(max_length=20, choices=PensionScheme.choices)
    starter_declaration = models.CharField(max_length=1, choices=StarterDeclaration.choices, blank=True)
    protected = models.BooleanField(default=False, help_text="Terms protected by a TUPE transfer.")
    reason = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("employment",)
    objects = PartnerScopedManager["EmploymentTerms"]()

    class Meta:
        ordering = ["employment", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "employment", "effective_from"], name="terms_one_version_per_date"
            ),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="terms_fte_in_range"),
            models.CheckConstraint(condition=Q(weekly_hours__gt=0), name="terms_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"terms of {self.employment_id} from {self.effective_from}"


class PostHolding(models.Model):
    """An employment filling (part of) a post over a period."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="holdings")
    employment = models.ForeignKey(Employment, on_delete=models.PROTECT, related_name="post_holdings")
    fte = models.DecimalField("FTE", max_digits=5, decimal_places=4)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("post", "employment")
    objects = PartnerScopedManager["PostHolding"]()

    class Meta:
        ordering = ["post", "start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="holding_fte_in_range"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="holding_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["partner", "post", "start_date"], name="holding_partner_post")]

    def __str__(self) -> str:
        return f"{self.employment_id} in {self.post_id}"


class ChargeStatus(models.TextChoices):
    """Where a charge to another partner stands: each partner decides for itself whether it
    bears part of another's employee's cost, and nothing is charged to it until it agrees."""

    PENDING = "pending", "Waiting for the charged partner"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CostSplit(models.Model):
    """How an employment's cost is shared between partners over a date range (a chief
    executive shared by two councils). Shares sum to 100%. The split takes effect (in payroll
    journals and recharges) only once every other partner charged has approved its share:
    ``status`` is approved then, rejected when any refuses, and pending until then."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey(Employment, on_delete=models.PROTECT, related_name="cost_splits")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.PENDING)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("employment",)
    objects = PartnerScopedManager["CostSplit"]()

    class Meta:
        ordering = ["employment", "effective_from"]
        constraints = [
            # A rejected split is history; a new request may start on the same date.
            models.UniqueConstraint(
                fields=["partner", "employment", "effective_from"],
                condition=~Q(status="rejected"),
                name="cost_split_one_per_date",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="cost_split_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"split of {self.employment_id} from {self.effective_from}"


class CostSplitShareQuerySet(PartnerScopedQuerySet["CostSplitShare"]):
    def scope_filter(self, partner_ids: list[int]) -> Q:
        # The employer (``partner``) and the partner charged both see a share: the charged
        # partner has to, to decide on it.
        return Q(partner__in=partner_ids) | Q(charged_partner__in=partner_ids)


class CostSplitShare(models.Model):
    """One partner's share of a split. The employer's own share is approved as it is made;
    another partner's waits for that partner's HR or finance officer."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    split = models.ForeignKey(CostSplit, on_delete=models.CASCADE, related_name="shares")
    charged_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(max_digits=6, decimal_places=3)
    status = models.CharField(max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("split",)
    objects = PartnerScopedManager["CostSplitShare"](CostSplitShareQuerySet)

    class Meta:
        ordering = ["split", "charged_partner"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "split", "charged_partner"], name="cost_share_unique_partner"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="cost_share_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% to {self.charged_partner_id}"


class SecondmentQuerySet(PartnerScopedQuerySet["Secondment"]):
    def scope_filter(self, partner_ids: list[int]) -> Q:
        # Both the home partner (employer) and the host see a secondment.
        return Q(partner__in=partner_ids) | Q(host_partner__in=partner_ids)


class Secondment(models.Model):
    """The person stays employed and paid by the home partner (``partner``) while working
    for the host; the host is recharged ``recharge_percent`` of the cost once it has approved
    the secondment (``status``); until then the home partner bears the whole cost."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey(Employment, on_delete=models.PROTECT, related_name="secondments")
    host_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    role_title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    recharge_percent = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal(100))
    status = models.CharField(max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("employment",)
    objects = PartnerScopedManager["Secondment"](SecondmentQuerySet)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(partner=models.F("host_partner")), name="secondment_to_another"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="secondment_dates"
            ),
            models.CheckConstraint(
                condition=Q(recharge_percent__gte=0) & Q(recharge_percent__lte=100),
                name="secondment_recharge",
            ),
        ]

    def __str__(self) -> str:
        return f"secondment of {self.employment_id} to {self.host_partner_id}"


class TupeTransferQuerySet(PartnerScopedQuerySet["TupeTransfer"]):
    def scope_filter(self, partner_ids: list[int]) -> Q:
        return Q(partner__in=partner_ids) | Q(to_partner__in=partner_ids)


class TupeTransfer(models.Model):
    """A transfer of employments from ``partner`` (the transferor) to ``to_partner`` under
    TUPE: continuous service, pay, scheme and pension carry over, and the terms are flagged
    as protected."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    to_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    transfer_date = models.DateField()
    reference = models.CharField(max_length=100)
    measures = models.TextField(blank=True, help_text="The measures envisaged, as consulted on.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["TupeTransfer"](TupeTransferQuerySet)

    class Meta:
        ordering = ["-transfer_date"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "reference"], name="tupe_unique_reference"),
            models.CheckConstraint(condition=~Q(partner=models.F("to_partner")), name="tupe_to_another"),
        ]

    def __str__(self) -> str:
        return self.reference


class TupeTransferItem(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    transfer = models.ForeignKey(TupeTransfer, on_delete=models.PROTECT, related_name="items")
    old_employment = models.OneToOneField(Employment, on_delete=models.PROTECT, related_name="+")
    new_employment = models.OneToOneField(Employment, on_delete=models.PROTECT, related_name="+")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("transfer",)
    objects = PartnerScopedManager["TupeTransferItem"]()

    def __str__(self) -> str:
        return f"{self.old_employment_id} → {self.new_employment_id}"


# --- Absence ---------------------------------------------------------------------------------


class AbsenceKind(models.TextChoices):
    ANNUAL_LEAVE = "annual_leave", "Annual leave"
    SICKNESS = "sickness", "Sickness"
    MATERNITY = "maternity", "Maternity leave"
    PATERNITY = "paternity", "Paternity leave"
    ADOPTION = "adoption", "Adoption leave"
    SHARED_PARENTAL = "shared_parental", "Shared parental leave"
    COMPASSIONATE = "compassionate", "Compassionate leave"
    UNPAID = "unpaid", "Unpaid leave"
    OTHER = "other", "Other leave"


class AbsenceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    RECORDED = "recorded", "Recorded"  # sickness and other absences recorded, not requested


class Absence(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey(Employment, on_delete=models.PROTECT, related_name="absences")
    kind = models.CharField(max_length=20, choices=AbsenceKind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    working_days = models.DecimalField(max_digits=6, decimal_places=2)
    status = models.CharField(max_length=12, choices=AbsenceStatus.choices)
    notes = models.TextField(blank=True)
    fit_note_from = models.DateField(null=True, blank=True)
    fit_note_to = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("employment",)
    objects = PartnerScopedManager["Absence"]()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="absence_dates"),
            models.CheckConstraint(condition=Q(working_days__gte=0), name="absence_days_not_negative"),
        ]
        indexes = [models.Index(fields=["partner", "employment", "start_date"], name="absence_partner_emp")]

    def __str__(self) -> str:
        return f"{self.kind} {self.start_date} to {self.end_date}"


# --- Bank detail changes ------------------------------------------------------------------------


class BankChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second person to verify"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class BankDetailsChange(models.Model):
    """A change of a person's bank account, asked for by one person and put into effect only
    when a second person (an HR or payroll officer of ``partner``, neither the requester nor the
    person paid) verifies it: redirecting pay is a known payroll fraud. Until then payroll pays
    the old account. The new details are encrypted like the person's own."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bank_changes")
    bank_sort_code = EncryptedCharField()
    bank_account_number = EncryptedCharField()
    bank_account_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=10, choices=BankChangeStatus.choices, default=BankChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    objects = PartnerScopedManager["BankDetailsChange"]()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # The service allows one waiting change per person across all their employers; the
            # database can hold that only per partner (partner leads every unique key).
            models.UniqueConstraint(
                fields=["partner", "person"],
                condition=Q(status="pending"),
                name="bank_change_one_pending_per_person",
            ),
        ]
        indexes = [models.Index(fields=["partner", "status"], name="bank_change_partner_status")]

    def __str__(self) -> str:
        return f"bank change of {self.person_id} ({self.status})"

    @property
    def masked_account(self) -> str:
        return f"****{self.bank_account_number[-4:]}" if self.bank_account_number else ""

    @property
    def masked_sort_code(self) -> str:
        return f"{self.bank_sort_code[:2]}-**-**" if self.bank_sort_code else ""


# --- Protected characteristics (special-category data) -------------------------------------


class _ProtectedQuerySet(PartnerScopedQuerySet["ProtectedCharacteristics"]):
    def scope_filter(self, partner_ids: list[int]) -> Q:
        # Seen by a partner through an employment of the person with it, as the person is; the
        # selectors (people/equality.py) further narrow it to HR and the DPO.
        employed = Employment.objects.unscoped(reason="subquery inside a protected characteristics scope")
        return Q(Exists(employed.filter(person=OuterRef("person"), partner__in=partner_ids)))

    def rls_condition(self, partners: str) -> str:
        return f"joinedup_person_visible(person_id, {partners})"


class ProtectedCharacteristics(models.Model):
    """A person's answers to equality monitoring (Equality Act 2010 s.4 protected
    characteristics; ethnicity and health are special-category data, UK GDPR art. 9): optional,
    each blank until given, "prefer_not_to_say" when the person declines. Kept apart from
    ``Person`` so that nothing that reads a person reads these: only the selectors and the
    service of people/equality.py do, for HR and the DPO (``people.view_special_category``).
    ``sex`` is the person's answer for monitoring, not HMRC's ``Person.gender``. The age band
    is derived from the date of birth, never stored."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="+")
    sex = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    disability = models.CharField(max_length=20, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    objects = PartnerScopedManager["ProtectedCharacteristics"](_ProtectedQuerySet)

    class Meta:
        verbose_name_plural = "protected characteristics"

    def __str__(self) -> str:
        return f"protected characteristics of {self.person_id}"
