"""The partnership's business case: who is in it, its versions, each partner's decision on a
version, and each version's frozen figures (baselines, options and their lines, allocation keys).

Scope rules (written as Django ``Q`` for the guarded manager and as SQL for row-level security,
with the SQL functions declared here as ``rls_functions`` and installed by core/rls.py):

- **The case's own rows** (the case, its versions, options, lines, allocation keys, and the
  involvement rows) belong to the partner that owns the case (the shared-services body) and are
  seen by every partner involved in it: the figures of a joint case are read by all its partners.
  A decision belongs to the partner that made it and is seen by every partner involved too.
- **A baseline row** belongs to the partner whose spending it describes. It is seen by that
  partner, by the case's owner (who builds the case from it), and by the other partners involved
  only when the partner has shared it (``shared``). Partnership totals are computed by the
  selectors in a named system context; the detail stays behind this rule.

Versions: a version's figures are frozen once any partner has recorded a decision on it. The
services then copy the figures into a new version before any edit (``version_for_edit``), so a
decision always stays on the version it was made on.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from joinedup.core.tenancy import PartnerScopedManager, PartnerScopedQuerySet

# True when one of ``partners`` is involved in the case. It reads the involvement rows in a system
# context of its own (the SET clause), as change's programme rule does, so that the involvement
# table's own policy (which calls this function) is not entered again.
CASE_INVOLVES = """
CREATE OR REPLACE FUNCTION joinedup_businesscase_involves(businesscase bigint, partners bigint[])
RETURNS boolean LANGUAGE sql STABLE
SET joinedup.system = 'business case policy: is one of the partners involved in the case'
AS $$
    SELECT EXISTS (SELECT 1 FROM businesscase_casepartner cp
                   WHERE cp.case_id = businesscase AND cp.partner_id = ANY (partners))
$$
"""
CASE_OWNED_BY = """
CREATE OR REPLACE FUNCTION joinedup_businesscase_owned_by(businesscase bigint, partners bigint[])
RETURNS boolean LANGUAGE sql STABLE
SET joinedup.system = 'business case policy: does one of the partners own the case'
AS $$
    SELECT EXISTS (SELECT 1 FROM businesscase_businesscase c
                   WHERE c.id = businesscase AND c.partner_id = ANY (partners))
$$
"""


class CaseRowQuerySet(PartnerScopedQuerySet[Any]):
    """Rows of a case: seen by the partner that owns them and by every partner involved in the
    case. ``case_path`` leads from the row to the case's id."""

    case_path: ClassVar[str] = "case"
    rls_functions: ClassVar[tuple[str, ...]] = (CASE_INVOLVES,)

    def scope_filter(self, partner_ids: list[int]) -> Q:
        involved = CasePartner.objects.unscoped(reason="subquery inside a business case scope").filter(
            case=OuterRef(self.case_path), partner__in=partner_ids
        )
        return Q(partner__in=partner_ids) | Q(Exists(involved))

    def rls_condition(self, partners: str) -> str:
        return f"partner_id = ANY ({partners}) OR joinedup_businesscase_involves(case_id, {partners})"


class CaseQuerySet(CaseRowQuerySet):
    case_path = "pk"

    def rls_condition(self, partners: str) -> str:
        return f"partner_id = ANY ({partners}) OR joinedup_businesscase_involves(id, {partners})"


class BaselineQuerySet(PartnerScopedQuerySet["Baseline"]):
    """A partner's baseline: its own, the case owner's, and the other partners' of the case when
    shared."""

    rls_functions: ClassVar[tuple[str, ...]] = (CASE_INVOLVES, CASE_OWNED_BY)

    def scope_filter(self, partner_ids: list[int]) -> Q:
        owned = BusinessCase.objects.unscoped(reason="subquery inside a baseline scope").filter(
            pk=OuterRef("case"), partner__in=partner_ids
        )
        involved = CasePartner.objects.unscoped(reason="subquery inside a baseline scope").filter(
            case=OuterRef("case"), partner__in=partner_ids
        )
        return Q(partner__in=partner_ids) | Q(Exists(owned)) | (Q(shared=True) & Q(Exists(involved)))

    def rls_condition(self, partners: str) -> str:
        return (
            f"partner_id = ANY ({partners}) OR joinedup_businesscase_owned_by(case_id, {partners})"
            f" OR (shared AND joinedup_businesscase_involves(case_id, {partners}))"
        )


# --- Vocabulary ---------------------------------------------------------------------------------


class Function(models.TextChoices):
    """The back-office functions a baseline is counted in: the five the partnerships shared
    first, and the later candidates."""

    HR = "hr", "HR"
    PAYROLL = "payroll", "Payroll"
    FINANCE = "finance", "Finance"
    PURCHASING = "purchasing", "Purchasing"
    ICT = "ict", "ICT"
    OCCUPATIONAL_HEALTH = "occupational_health", "Occupational health"
    TRAINING = "training", "Training"
    TRANSPORT = "transport", "Transport"
    ESTATES = "estates", "Estates"
    LEGAL = "legal", "Legal"
    COMMUNICATIONS = "communications", "Communications"


class OptionKind(models.TextChoices):
    STATUS_QUO = "status_quo", "Status quo"
    SHARED_SERVICE = "shared_service", "Shared service"
    OUTSOURCING = "outsourcing", "Outsourcing"
    OTHER = "other", "Other"


class LineKind(models.TextChoices):
    COST = "cost", "Cost"
    SAVING = "saving", "Saving"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    DEFERRED = "deferred", "Deferred for more information"
    REJECTED = "rejected", "Rejected"


# An approval with conditions is an approval: the conditions are the partner's to follow up.
APPROVING = frozenset({Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS})


class DecisionBody(models.TextChoices):
    CABINET = "cabinet", "Cabinet"
    POLICE_AND_CRIME_COMMISSIONER = "pcc", "Police and crime commissioner"
    POLICE_AUTHORITY = "police_authority", "Police authority"
    FIRE_AUTHORITY = "fire_authority", "Fire authority"
    TRUST_BOARD = "trust_board", "Trust board"
    OTHER = "other", "Other"


# --- The case -----------------------------------------------------------------------------------


class BusinessCase(models.Model):
    """A business case of the partnership, owned by the shared-services body (``partner``)."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The appraisal's horizon in years, year 0 included.
    years = models.PositiveSmallIntegerField(default=10)
    # The first day of the month the approved case went live: benefits realisation counts from
    # this month (year 1 of the appraisal), and the baseline drawn from the ledger is the twelve
    # months before it.
    live_from = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["BusinessCase"](CaseQuerySet)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="businesscase_unique_name"),
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=100), name="businesscase_years_1_to_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CasePartner(models.Model):
    """A partner involved in a case (the owner has one too); ``must_approve``: the case is the
    partnership's only when this partner has approved it."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="involved")
    must_approve = models.BooleanField(default=True)

    objects = PartnerScopedManager["CasePartner"](CaseRowQuerySet)

    class Meta:
        ordering = ["case", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "case"], name="businesscase_partner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} in {self.case_id}"


class CaseVersion(models.Model):
    """One version of the case's figures. ``published``: union representatives may read it."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published = models.BooleanField(default=False)
    # The version's horizon in years, year 0 included; empty: the case's (``years``). Set on every
    # version when the horizon first changes, so a decided version keeps the horizon it was
    # decided on.
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    # Why the version was made: "first draft", "changed after the police's decision on version 1".
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("case",)
    objects = PartnerScopedManager["CaseVersion"](CaseRowQuerySet)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "case", "number"], name="businesscase_version_once"),
        ]

    def __str__(self) -> str:
        return f"version {self.number}"

    @property
    def horizon(self) -> int:
        return self.years if self.years is not None else self.case.years


class Baseline(models.Model):
    """What a partner spends on one function now, in a version of the case: the figures the
    options are measured against."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(CaseVersion, on_delete=models.CASCADE, related_name="baselines")
    function = models.CharField(max_length=24, choices=Function.choices)
    staff_cost = models.DecimalField(max_digits=14, decimal_places=2)
    fte = models.DecimalField(max_digits=9, decimal_places=2)
    non_staff_cost = models.DecimalField(max_digits=14, decimal_places=2)
    payslips = models.PositiveIntegerField(default=0)
    invoices = models.PositiveIntegerField(default=0)
    tickets = models.PositiveIntegerField(default=0)
    # The partner lets the other partners of the case read this row's detail.
    shared = models.BooleanField(default=False)
    source = models.CharField(max_length=200, blank=True)
    # A row drawn from joinedup's own ledger and people data (businesscase/drawing.py): the
    # twelve months it sums, first and last day, and the query in words, as the page shows it.
    # Empty on a row entered or imported by hand.
    drawn_start = models.DateField(null=True, blank=True)
    drawn_end = models.DateField(null=True, blank=True)
    drawn_query = models.TextField(blank=True)

    objects = PartnerScopedManager["Baseline"](BaselineQuerySet)

    class Meta:
        ordering = ["version", "partner__name", "function"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "version", "function"], name="businesscase_baseline_once"
            ),
            models.CheckConstraint(
                condition=Q(staff_cost__gte=0) & Q(non_staff_cost__gte=0) & Q(fte__gte=0),
                name="businesscase_baseline_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(function__in=Function.values), name="businesscase_baseline_function_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.function} of {self.partner_id}"

    @property
    def total_cost(self) -> Any:
        return self.staff_cost + self.non_staff_cost

    @property
    def drawn(self) -> bool:
        return self.drawn_start is not None


class Option(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(CaseVersion, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(max_length=16, choices=OptionKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The workforce-change programme whose costing gives this option's redundancy and pension
    # strain lines (businesscase/drawing.py), and the financial year (by its first calendar
    # year) that is the case's year 0 for them.
    programme = models.ForeignKey(
        "change.ChangeProgramme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    programme_year0 = models.PositiveSmallIntegerField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("version", "case")
    objects = PartnerScopedManager["Option"](CaseRowQuerySet)

    class Meta:
        ordering = ["version", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "version", "name"], name="businesscase_option_once"),
            models.CheckConstraint(
                condition=Q(kind__in=OptionKind.values), name="businesscase_option_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OptionLine(models.Model):
    """A cost or a saving of an option: pounds by year from year 0 (``amounts``, a list of
    strings of pounds and pence), with its optimism bias and delay (see appraisal.Line)."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=LineKind.choices)
    amounts = models.JSONField(default=list)
    optimism_bias = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    delay_years = models.PositiveSmallIntegerField(default=0)
    one_off = models.BooleanField(default=False)
    risk = models.TextField(blank=True)
    # A line drawn from a workforce-change programme's costing: the programme, which of its
    # figures ("WCC:redundancy": a partner's code and a kind of one-off cost), the date it was
    # last drawn and where from in words. Its amounts follow the programme (a refresh), not a
    # hand edit.
    drawn_from = models.ForeignKey(
        "change.ChangeProgramme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drawn_key = models.CharField(max_length=40, blank=True)
    drawn_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("option", "case")
    objects = PartnerScopedManager["OptionLine"](CaseRowQuerySet)

    class Meta:
        ordering = ["option", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LineKind.values), name="businesscase_line_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(optimism_bias__gte=0), name="businesscase_line_bias_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AllocationKey(models.Model):
    """How much of a version's costs and savings a partner bears: its key among the others'
    (any quantities: shares of budget, head counts), split by largest remainder."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(CaseVersion, on_delete=models.CASCADE, related_name="allocation")
    allocated = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    key = models.DecimalField(max_digits=14, decimal_places=4)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("version", "case")
    objects = PartnerScopedManager["AllocationKey"](CaseRowQuerySet)

    class Meta:
        ordering = ["version", "allocated__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "version", "allocated"], name="businesscase_allocation_once"
            ),
            models.CheckConstraint(condition=Q(key__gt=0), name="businesscase_allocation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.allocated_id}: {self.key}"


class Decision(models.Model):
    """A partner's decision on one version of the case (``partner``: the partner deciding). A
    partner may decide on a version more than once (deferred, then approved); its latest decision
    on a version is the one that stands."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(CaseVersion, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    decided_on = models.DateField()
    body = models.CharField(max_length=20, choices=DecisionBody.choices)
    minutes_url = models.URLField(max_length=500, blank=True)
    conditions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["Decision"](CaseRowQuerySet)

    class Meta:
        ordering = ["version", "decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="businesscase_outcome_known"
            ),
            models.CheckConstraint(condition=Q(body__in=DecisionBody.values), name="businesscase_body_known"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.outcome}"


# --- Benefits realisation -------------------------------------------------------------------------


class CostCentreFunction(models.Model):
    """Which function of the business cases one of a partner's ledger cost centres counts in, for
    benefits realisation: its spending (expense accounts) and the FTE of the posts that carry its
    code are that function's. A cost centre counts in one function at most; unmapped cost centres
    count in none."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    cost_centre = models.ForeignKey("ledger.CostCentre", on_delete=models.PROTECT, related_name="+")
    function = models.CharField(max_length=24, choices=Function.choices)
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mapped_at = models.DateTimeField(auto_now=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("cost_centre",)
    objects = PartnerScopedManager["CostCentreFunction"]()

    class Meta:
        ordering = ["partner", "function", "cost_centre__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cost_centre"], name="businesscase_cost_centre_mapped_once"
            ),
            models.CheckConstraint(
                condition=Q(function__in=Function.values), name="businesscase_mapping_function_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cost_centre_id} in {self.function}"
