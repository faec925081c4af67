"""Workforce change: programmes, their proposed structures and the people they put at risk.

Two kinds of row, with two scope rules:

- **The programme's own rows** (the programme, the partners involved, milestones, the units
  and posts in scope, proposed structures and their changes, selection pools) belong to the
  lead partner (``partner``) and are seen by every partner involved in the programme: one
  ``ProgrammePartner`` row per involved partner, the lead included. Posts are not personal
  data, and a joint restructure is read by all its partners or it is not joint.
  (``ProgrammePartner`` itself belongs to the partner it involves.)
- **Rows about a person** (``AtRisk``, ``Redeployment``) belong to the employer and are seen by
  it alone, and a redeployment also by the partner whose vacancy it is (as a secondment is
  seen by its host). An involved partner's HR reads the structure, never another employer's
  staff.

The scope rules are written twice, as Django ``Q`` (``scope_filter``, the guarded manager) and
as SQL (``rls_condition``, row-level security), and the SQL functions they call are declared
here (``rls_functions``) and installed with the policies (core/rls.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from joinedup.core.dates import people_date
from joinedup.core.tenancy import PartnerScopedManager, PartnerScopedQuerySet

# --- Scope rules ------------------------------------------------------------------------------

# True when one of ``partners`` is involved in the programme. It reads the involvement rows in
# a system context of its own (the SET clause), as people's joinedup_person_visible does, so
# that the involvement table's own policy (which calls this function) is not entered again.
PROGRAMME_INVOLVES = """
CREATE OR REPLACE FUNCTION joinedup_change_programme_involves(programme bigint, partners bigint[])
RETURNS boolean LANGUAGE sql STABLE
SET joinedup.system = 'change policy: is one of the partners involved in the programme'
AS $$
    SELECT EXISTS (SELECT 1 FROM change_programmepartner pp
                   WHERE pp.programme_id = programme AND pp.partner_id = ANY (partners))
$$
"""
STRUCTURE_INVOLVES = """
CREATE OR REPLACE FUNCTION joinedup_change_structure_involves(structure bigint, partners bigint[])
RETURNS boolean LANGUAGE sql STABLE
SET joinedup.system = 'change policy: is one of the partners involved in the structure''s programme'
AS $$
    SELECT EXISTS (SELECT 1 FROM change_proposedstructure s
                   JOIN change_programmepartner pp ON pp.programme_id = s.programme_id
                   WHERE s.id = structure AND pp.partner_id = ANY (partners))
$$
"""


class ProgrammeRowQuerySet(PartnerScopedQuerySet[Any]):
    """Rows of a programme: seen by the partner that owns them and by every partner involved in
    the programme. ``programme_path`` leads from the row to the programme's id."""

    programme_path: ClassVar[str] = "programme"
    rls_functions: ClassVar[tuple[str, ...]] = (PROGRAMME_INVOLVES,)

    def scope_filter(self, partner_ids: list[int]) -> Q:
        involved = ProgrammePartner.objects.unscoped(reason="subquery inside a programme scope").filter(
            programme=OuterRef(self.programme_path), partner__in=partner_ids
        )
        return Q(partner__in=partner_ids) | Q(Exists(involved))

    def rls_condition(self, partners: str) -> str:
        return (
            f"partner_id = ANY ({partners}) OR joinedup_change_programme_involves(programme_id, {partners})"
        )


class ProgrammeQuerySet(ProgrammeRowQuerySet):
    programme_path = "pk"

    def rls_condition(self, partners: str) -> str:
        return f"partner_id = ANY ({partners}) OR joinedup_change_programme_involves(id, {partners})"


class StructureRowQuerySet(ProgrammeRowQuerySet):
    programme_path = "structure__programme"
    rls_functions = (STRUCTURE_INVOLVES,)

    def rls_condition(self, partners: str) -> str:
        return (
            f"partner_id = ANY ({partners}) OR joinedup_change_structure_involves(structure_id, {partners})"
        )


class _RedeploymentQuerySet(PartnerScopedQuerySet["Redeployment"]):
    def scope_filter(self, partner_ids: list[int]) -> Q:
        # The employer and the partner whose vacancy it is both see a redeployment: the host
        # has to, to agree to it and to record the trial.
        return Q(partner__in=partner_ids) | Q(host_partner__in=partner_ids)


# --- The programme ----------------------------------------------------------------------------


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "In consultation"
    APPROVED = "approved", "Approved"
    IMPLEMENTING = "implementing", "Implementing"
    CLOSED = "closed", "Closed"


class ChangeProgramme(models.Model):
    """A workforce-change programme ("One HR and payroll service for Wessex"), led by one
    partner (``partner``) and involving others."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["ChangeProgramme"](ProgrammeQuerySet)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="change_programme_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="change_programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProgrammeStatus.values), name="change_programme_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammePartner(models.Model):
    """A partner involved in a programme (the lead has one too). ``accepts_redeployment``: the
    partner agrees to offer its vacancies to staff the programme puts at risk at other partners;
    each partner decides that for itself."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.CASCADE, related_name="involved")
    accepts_redeployment = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["ProgrammePartner"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["programme", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "programme"], name="change_programme_partner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} in {self.programme_id}"


class Milestone(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("programme",)
    objects = PartnerScopedManager["Milestone"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["programme", "due", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme", "name"], name="change_milestone_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def done(self) -> bool:
        return self.done_on is not None


class ScopeUnit(models.Model):
    """An organisational unit in a programme's scope (its posts are added as ``ScopePost``)."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.CASCADE, related_name="scope_units")
    org_unit = models.ForeignKey("people.OrgUnit", on_delete=models.PROTECT, related_name="+")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("programme",)
    objects = PartnerScopedManager["ScopeUnit"](ProgrammeRowQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme", "org_unit"], name="change_scope_unit_once"
            ),
        ]

    def __str__(self) -> str:
        return f"unit {self.org_unit_id} in {self.programme_id}"


class ScopePost(models.Model):
    """A post of the establishment (of any involved partner) in a programme's scope."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.CASCADE, related_name="scope_posts")
    post = models.ForeignKey("people.Post", on_delete=models.PROTECT, related_name="+")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("programme",)
    objects = PartnerScopedManager["ScopePost"](ProgrammeRowQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "programme", "post"], name="change_scope_post_once"),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} in {self.programme_id}"


# --- The proposed structure -------------------------------------------------------------------


class ProposedStructure(models.Model):
    """A dated set of changes to the establishment. Applied once, on or after
    ``effective_date``; ``applied_at`` says it has been."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.CASCADE, related_name="structures")
    name = models.CharField(max_length=200)
    effective_date = models.DateField()
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("programme",)
    objects = PartnerScopedManager["ProposedStructure"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["programme", "effective_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme", "name"], name="change_structure_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChangeKind(models.TextChoices):
    CREATE = "create", "New post"
    DELETE = "delete", "Post deleted"
    CHANGE = "change", "Post changed"


class SelectionPool(models.Model):
    """Staff at risk who compete for (or are ring-fenced to) the same new posts."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    structure = models.ForeignKey(ProposedStructure, on_delete=models.CASCADE, related_name="pools")
    name = models.CharField(max_length=200)
    criteria = models.TextField(blank=True, help_text="The selection criteria, as consulted on.")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("structure",)
    objects = PartnerScopedManager["SelectionPool"](StructureRowQuerySet)

    class Meta:
        ordering = ["structure", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "structure", "name"], name="change_pool_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class StructureChange(models.Model):
    """One change to one post. ``post`` is the existing post (delete, change) and, once a new
    post is applied, the post created. For a change, a proposed field left empty means "as now";
    for a new post every field but ``reports_to`` and ``location`` is required. A new post may
    report to another post this structure creates (``reports_to_new``). A new post may be
    ring-fenced to a selection ``pool``."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    structure = models.ForeignKey(ProposedStructure, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=6, choices=ChangeKind.choices)
    # The partner whose establishment changes: the post's, or the new post's.
    target_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey("people.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    code = models.CharField(max_length=30, blank=True)
    title = models.CharField(max_length=200, blank=True)
    org_unit = models.ForeignKey(
        "people.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheme = models.ForeignKey(
        "people.TermsScheme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grade_min = models.ForeignKey(
        "people.PayPoint", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grade_max = models.ForeignKey(
        "people.PayPoint", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    budgeted_fte = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    cost_centre = models.CharField(max_length=30, blank=True)
    # None is "as now"; "" is "no location" (a post worked from anywhere).
    location = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    reports_to = models.ForeignKey(
        "people.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reports_to_new = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pool = models.ForeignKey(
        SelectionPool, on_delete=models.SET_NULL, null=True, blank=True, related_name="ring_fenced"
    )
    note = models.CharField(max_length=300, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("structure",)
    objects = PartnerScopedManager["StructureChange"](StructureRowQuerySet)

    class Meta:
        ordering = ["structure", "target_partner", "kind", "code", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ChangeKind.values), name="change_kind_known"),
            models.CheckConstraint(
                condition=Q(kind="create") | Q(post__isnull=False), name="change_names_its_post"
            ),
            models.CheckConstraint(
                condition=Q(budgeted_fte__isnull=True) | Q(budgeted_fte__gte=0),
                name="change_fte_not_negative",
            ),
            # One change per existing post in a structure; one new post per code and partner.
            models.UniqueConstraint(
                fields=["partner", "structure", "post"],
                condition=~Q(kind="create"),
                name="change_one_per_post",
            ),
            models.UniqueConstraint(
                fields=["partner", "structure", "target_partner", "code"],
                condition=Q(kind="create"),
                name="change_new_post_code_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code or self.post_id}"


# --- People at risk ---------------------------------------------------------------------------


class AtRiskReason(models.TextChoices):
    DELETED = "deleted", "Post deleted"
    GRADE_DOWN = "grade_down", "Grade reduced"
    FTE_DOWN = "fte_down", "Hours reduced"
    SCHEME = "scheme", "Terms scheme changed"
    LOCATION = "location", "Location changed"


class AtRiskStatus(models.TextChoices):
    AT_RISK = "at_risk", "At risk"
    SLOTTED = "slotted", "Appointed to a new post"
    REDEPLOYED = "redeployed", "Redeployed"
    REDUNDANT = "redundant", "Made redundant"
    WITHDRAWN = "withdrawn", "No longer at risk"


class AtRisk(models.Model):
    """An employment put at risk by a proposed structure: its post is deleted or changed
    materially (``reasons``: grade down, FTE down, scheme or location changed). Owned by the
    employer, and seen by it alone."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    structure = models.ForeignKey(ProposedStructure, on_delete=models.PROTECT, related_name="+")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey("people.Post", on_delete=models.PROTECT, related_name="+")
    change = models.ForeignKey(StructureChange, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(default=list, help_text='AtRiskReason values, e.g. ["grade_down"].')
    fte = models.DecimalField("FTE held", max_digits=5, decimal_places=4)
    pool = models.ForeignKey(
        SelectionPool, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    status = models.CharField(max_length=10, choices=AtRiskStatus.choices, default=AtRiskStatus.AT_RISK)
    identified_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("employment",)
    objects = PartnerScopedManager["AtRisk"]()

    class Meta:
        ordering = ["structure", "partner", "employment"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "structure", "employment"], name="change_at_risk_once"
            ),
            models.CheckConstraint(condition=Q(status__in=AtRiskStatus.values), name="change_at_risk_status"),
        ]

    def __str__(self) -> str:
        return f"{self.employment_id} at risk in {self.structure_id}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(AtRiskReason.choices)
        return [labels.get(reason, reason) for reason in self.reasons]


class RedeploymentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    TRIAL = "trial", "In a trial period"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    UNSUCCESSFUL = "unsuccessful", "Trial unsuccessful"


class TrialOutcome(models.TextChoices):
    PENDING = "", "Not yet known"
    SUCCESSFUL = "successful", "Successful"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class Redeployment(models.Model):
    """A vacancy offered to a person at risk, at their employer (``partner``) or at another
    partner that accepts redeployment (``host_partner``), with the trial period in it."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    at_risk = models.ForeignKey(AtRisk, on_delete=models.PROTECT, related_name="redeployments")
    vacancy = models.ForeignKey("people.Post", on_delete=models.PROTECT, related_name="+")
    host_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=RedeploymentStatus.choices, default=RedeploymentStatus.PROPOSED
    )
    trial_start = models.DateField(null=True, blank=True)
    trial_end = models.DateField(null=True, blank=True)
    trial_outcome = models.CharField(max_length=12, choices=TrialOutcome.choices, blank=True, default="")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("at_risk",)
    objects = PartnerScopedManager["Redeployment"](_RedeploymentQuerySet)

    class Meta:
        ordering = ["at_risk", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "at_risk", "vacancy"], name="change_redeployment_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RedeploymentStatus.values), name="change_redeployment_status"
            ),
            models.CheckConstraint(
                condition=Q(trial_end__isnull=True)
                | Q(trial_start__isnull=False, trial_end__gte=models.F("trial_start")),
                name="change_trial_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at_risk_id} to {self.vacancy_id}"


# --- Pension strain factor tables (redundancy costing; change/strain.py) -----------------------


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


# --- Voluntary redundancy ---------------------------------------------------------------------


class VrEligibility(models.TextChoices):
    PARTNER = "partner", "Everyone employed by the partner"
    SCOPE = "scope", "People in posts in the programme's scope"


class VrWindow(models.Model):
    """A window in which a partner's staff may express interest in voluntary redundancy, as
    part of a programme. The partner's own (its staff, its enhanced scheme), seen by it alone:
    a window is an employer's offer to its own people."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.PROTECT, related_name="+")
    opens = models.DateField()
    closes = models.DateField()
    eligibility = models.CharField(max_length=10, choices=VrEligibility.choices)
    scheme = models.CharField(
        max_length=100, blank=True, help_text="The enhanced scheme's key (rules/enhanced_schemes.toml)."
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["VrWindow"]()

    class Meta:
        ordering = ["-opens", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gte=models.F("opens")), name="change_vr_window_dates"),
            models.CheckConstraint(
                condition=Q(eligibility__in=VrEligibility.values), name="change_vr_window_eligibility"
            ),
        ]

    def __str__(self) -> str:
        return f"Voluntary redundancy {people_date(self.opens)} to {people_date(self.closes)}"


class VrStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


VR_LIVE = (VrStatus.SUBMITTED, VrStatus.ACCEPTED, VrStatus.DEFERRED)
VR_UNDECIDED = (VrStatus.SUBMITTED, VrStatus.DEFERRED)


class VrInterest(models.Model):
    """An employee's expression of interest in voluntary redundancy in a window, and the
    employer's decision on it. Owned by the employer, seen by it and by the employee."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(VrWindow, on_delete=models.PROTECT, related_name="interests")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    leaving_date = models.DateField(help_text="The leaving date the employee would like.")
    status = models.CharField(max_length=10, choices=VrStatus.choices, default=VrStatus.SUBMITTED)
    reason = models.CharField(max_length=500, blank=True, help_text="Why it was decided as it was.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # What the quote needs that the people records do not hold, as HR records it from the
    # contract and the pension fund's estimate; empty is "not recorded", and the quote says so.
    contractual_notice_weeks = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    pension_fund = models.CharField(max_length=100, blank=True, help_text="e.g. Wessex Pension Fund")
    annual_pension = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The pension a year the fund estimates would come into payment on the leaving date.",
    )
    pension_source = models.CharField(max_length=200, blank=True, help_text="The fund's estimate it is from.")
    # The quote the decision was made on (quote_as_dict and its notes): letters and final pay
    # use these figures, not a quote worked out again later on pay that has moved since.
    decided_quote = models.JSONField(null=True, blank=True)
    leaving_confirmed_at = models.DateTimeField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("window", "employment")
    objects = PartnerScopedManager["VrInterest"]()

    class Meta:
        ordering = ["window", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "employment"],
                condition=Q(status__in=[s.value for s in VR_LIVE]),
                name="change_vr_interest_one_live",
            ),
            models.CheckConstraint(condition=Q(status__in=VrStatus.values), name="change_vr_interest_status"),
            models.CheckConstraint(
                condition=Q(contractual_notice_weeks__isnull=True) | Q(contractual_notice_weeks__gte=0),
                name="change_vr_interest_notice_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(annual_pension__isnull=True) | Q(annual_pension__gte=0),
                name="change_vr_interest_pension_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employment_id} interested in {self.window_id}"


class VrDelegation(models.Model):
    """The partner's scheme of delegation for voluntary redundancy: who may accept an exit, up to
    what cost to the employer (redundancy pay, notice, holiday pay and pension strain together).
    ``up_to`` empty: no limit (the officer, or the committee acting through them, with the
    partner's highest authority). An exit above every limit cannot be accepted in joinedup until
    the partner records who may."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=100, help_text="e.g. Head of HR, Chief Executive")
    up_to = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=200, help_text="The scheme of delegation's paragraph.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    objects = PartnerScopedManager["VrDelegation"]()

    class Meta:
        ordering = ["partner", "up_to", "title"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "user"], name="change_vr_delegation_once"),
            models.CheckConstraint(
                condition=Q(up_to__isnull=True) | Q(up_to__gte=0), name="change_vr_delegation_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} up to {self.up_to if self.up_to is not None else 'any cost'}"


# Collective consultation and its log (issue 12, "Consultation") live in their own module,
# imported here so that Django registers its models in this app.


# --- Collective consultation (change/consultation_*.py) -------------------------------------
# Collective consultation on a programme's proposals, and its log with the recognised unions.
#
# A ``Consultation`` is an employer's (``partner``: the partner whose staff the proposals would
# dismiss) at one establishment, within a programme; the programme's partners all read it, as
# they read the programme (``ProgrammeRowQuerySet``). Its log (``ConsultationEntry``: meetings,
# questions and answers, proposals and counter-proposals, documents, the outcome) and the
# documents attached (``ConsultationDocument``, their bytes kept outside the database by
# core.attachments) carry the programme too, so the same rule, and the same row-level security,
# covers them. Nothing here names a person at risk: the log is read by union representatives,
# who see numbers, never an individual's data.
#
# ``RecognisedUnion``: the unions a partner recognises (the consultation is with each of them).
# ``UnionRepresentative``: which union a user holding the union_rep role at a partner speaks for
# there; a rep writes the union side of that partner's consultations only as that union.
#
# Imported by change/models.py, so Django registers these in the change app.


class Union(models.TextChoices):
    UNISON = "UNISON", "UNISON"
    GMB = "GMB", "GMB"
    UNITE = "UNITE", "Unite the Union"
    POLICE_FEDERATION = "POLFED", "Police Federation of England and Wales"
    FBU = "FBU", "Fire Brigades Union"


class RecognisedUnion(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    union = models.CharField(max_length=10, choices=Union.choices)
    recognised_from = models.DateField(null=True, blank=True)

    objects = PartnerScopedManager["RecognisedUnion"]()

    class Meta:
        ordering = ["partner", "union"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "union"], name="change_union_recognised_once"),
            models.CheckConstraint(condition=Q(union__in=Union.values), name="change_union_known"),
        ]

    def __str__(self) -> str:
        return self.get_union_display()


class UnionRepresentative(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    union = models.CharField(max_length=10, choices=Union.choices)
    appointed_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["UnionRepresentative"]()

    class Meta:
        ordering = ["partner", "union"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "user"], name="change_union_rep_once"),
            models.CheckConstraint(condition=Q(union__in=Union.values), name="change_union_rep_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.union}"


class Consultation(models.Model):
    """Collective consultation by one employer (``partner``) at one establishment (``establishment``:
    the location its posts name, or "" for the whole partner) on a programme's proposals.

    ``declared_number``: how many the employer proposes to dismiss there, when it proposes more
    than the people already recorded at risk (proposals come before people are selected); the
    duty is figured on the larger of the two (consultation_selectors.figures)."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.PROTECT, related_name="consultations")
    establishment = models.CharField(max_length=100, blank=True)
    start_date = models.DateField()
    declared_number = models.PositiveIntegerField(default=0)
    reasons = models.TextField(help_text="The reasons for the proposals (s.188(4)(a)).")
    selection_method = models.TextField(
        blank=True, help_text="The proposed method of selection (s.188(4)(d))."
    )
    dismissal_method = models.TextField(
        blank=True, help_text="How the dismissals will be carried out, and over what period (s.188(4)(e))."
    )
    proposed_first_dismissal = models.DateField(null=True, blank=True)
    proposed_last_dismissal = models.DateField(null=True, blank=True)
    hr1_sent_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerScopedManager["Consultation"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["programme", "partner", "establishment"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme", "establishment"], name="change_consultation_once"
            ),
            models.CheckConstraint(
                condition=Q(proposed_last_dismissal__isnull=True)
                | Q(proposed_first_dismissal__isnull=False)
                & Q(proposed_last_dismissal__gte=models.F("proposed_first_dismissal")),
                name="change_consultation_dismissal_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"consultation {self.pk} in {self.programme_id}"

    @property
    def complete(self) -> bool:
        return self.completed_on is not None


class EntryKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    QUESTION = "question", "Question"
    ANSWER = "answer", "Answer"
    PROPOSAL = "proposal", "Proposal"
    COUNTER_PROPOSAL = "counter", "Counter-proposal"
    DOCUMENT = "document", "Document"
    OUTCOME = "outcome", "Outcome"


class Side(models.TextChoices):
    MANAGEMENT = "management", "Management"
    UNION = "union", "Union"


class ConsultationEntry(models.Model):
    """One item in the log. ``union``: the union it is from or for ("" for every union);
    ``reply_to``: the question an answer answers, the proposal a counter-proposal counters."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    side = models.CharField(max_length=10, choices=Side.choices)
    union = models.CharField(max_length=10, choices=Union.choices, blank=True)
    occurred_on = models.DateField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    attendees = models.TextField(blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("consultation",)
    objects = PartnerScopedManager["ConsultationEntry"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["consultation", "occurred_on", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="change_entry_kind_known"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="change_entry_side_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.title}"


class ConsultationDocument(models.Model):
    """A document attached to a log entry. The bytes are in the attachment store under
    ``sha256`` (core.attachments); ``filename`` is the uploader's name for it, cleaned."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(ConsultationEntry, on_delete=models.PROTECT, related_name="documents")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("entry",)
    objects = PartnerScopedManager["ConsultationDocument"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["entry", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


# --- TUPE transfer and secondment plans (change/transfer_*.py) ---------------------------------
# A plan to move a programme's staff to a receiving body, by a TUPE transfer or a secondment. The
# plan is the programme's (``partner``: the lead; every involved partner reads it); each person on
# it (``TransferPlanMember``) is their employer's row, seen by the employer and by the receiving
# partner (who is given the employee liability information), never by the other employers.


class TransferKind(models.TextChoices):
    TUPE = "tupe", "TUPE transfer to a new employer"
    SECONDMENT = "secondment", "Secondment"


class TransferPlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTING = "consulting", "Informing and consulting"
    READY = "ready", "Ready to transfer"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class TransferPlan(models.Model):
    """A transfer or secondment of staff in a programme to ``receiving_partner`` on
    ``transfer_date``. ``measures``: the measures the receiving body envisages (TUPE reg. 13(2)(d)),
    for the measures letter; ``eli_given_on``: when the employee liability information was given
    (reg. 11); ``recharge_percent`` and ``secondment_end``: a secondment's terms."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(ChangeProgramme, on_delete=models.PROTECT, related_name="transfer_plans")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=TransferKind.choices)
    receiving_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    transfer_date = models.DateField()
    secondment_end = models.DateField(null=True, blank=True)
    recharge_percent = models.DecimalField(max_digits=6, decimal_places=3, default=100)
    status = models.CharField(
        max_length=10, choices=TransferPlanStatus.choices, default=TransferPlanStatus.DRAFT
    )
    measures = models.TextField(blank=True)
    eli_given_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("programme",)
    objects = PartnerScopedManager["TransferPlan"](ProgrammeRowQuerySet)

    class Meta:
        ordering = ["programme", "transfer_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme", "name"], name="change_transfer_plan_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TransferKind.values), name="change_transfer_plan_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TransferPlanStatus.values), name="change_transfer_plan_status_known"
            ),
            models.CheckConstraint(
                condition=Q(recharge_percent__gte=0) & Q(recharge_percent__lte=100),
                name="change_transfer_plan_recharge",
            ),
            models.CheckConstraint(
                condition=Q(secondment_end__isnull=True) | Q(secondment_end__gte=models.F("transfer_date")),
                name="change_transfer_plan_secondment_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class _TransferMemberQuerySet(PartnerScopedQuerySet["TransferPlanMember"]):
    def scope_filter(self, partner_ids: list[int]) -> Q:
        # The employer and the receiving body, who is given the employee liability information.
        return Q(partner__in=partner_ids) | Q(receiving_partner__in=partner_ids)


class TransferPlanMember(models.Model):
    """A person on a plan's staff list: their employment at ``partner``. ``receiving_partner`` is
    the plan's, held here so that the row's own columns say who may see it."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(TransferPlan, on_delete=models.PROTECT, related_name="members")
    employment = models.ForeignKey("people.Employment", on_delete=models.PROTECT, related_name="+")
    receiving_partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("employment",)
    objects = PartnerScopedManager["TransferPlanMember"](_TransferMemberQuerySet)

    class Meta:
        ordering = ["plan", "partner", "employment"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "plan", "employment"], name="change_transfer_member_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employment_id} on plan {self.plan_id}"
