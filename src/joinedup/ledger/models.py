"""The double-entry ledger of each partner.

Each partner keeps its own chart of accounts, cost centres (a tree, linked to the people
module's organisational units), financial years of twelve monthly periods from 1 April, and
journals. A journal's lines balance to the penny; once posted a journal never changes — a
correction is a reversing journal. Amounts are integer pence (``BigIntegerField``): lines are
written and summed in bulk, and pence cannot drift.

On PostgreSQL the database enforces what the application promises (migration
``0002_ledger_database_guards``): lines that do not balance are refused at commit, and posted
journals and lines cannot be updated or deleted."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.calendar import year_label
from joinedup.core.dates import people_date, people_month
from joinedup.core.tenancy import PartnerScopedManager, PartnerScopedQuerySet


class AccountType(models.TextChoices):
    EXPENSE = "expense", "Expense"
    INCOME = "income", "Income"
    ASSET = "asset", "Asset"
    LIABILITY = "liability", "Liability"


# Lines on these accounts say what was spent or earned, so they must say where (a cost centre).
REVENUE_TYPES = frozenset({AccountType.EXPENSE, AccountType.INCOME})


class Account(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=AccountType.choices)
    group = models.CharField(max_length=100, help_text="The heading it reports under, e.g. Employees.")
    inter_partner = models.BooleanField(
        default=False, help_text="Each line names the other partner, so balances can be settled."
    )
    active = models.BooleanField(default=True)

    objects = PartnerScopedManager["Account"]()

    class Meta:
        ordering = ["partner", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="ledger_account_unique_code"),
            models.CheckConstraint(
                condition=Q(type__in=AccountType.values), name="ledger_account_type_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CostCentre(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    org_unit = models.ForeignKey(
        "people.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("parent",)
    objects = PartnerScopedManager["CostCentre"]()

    class Meta:
        ordering = ["partner", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="ledger_cost_centre_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FinancialYear(models.Model):
    """A UK public body's financial year, 1 April to 31 March; ``start_year`` 2026 is 2026/27."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()

    objects = PartnerScopedManager["FinancialYear"]()

    class Meta:
        ordering = ["partner", "start_year"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "start_year"], name="ledger_year_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="ledger_year_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return year_label(self.start_year)


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Period(models.Model):
    """A month of a financial year: period 1 is April, period 12 is March."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="periods")
    number = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    partner_shared_with: ClassVar[tuple[str, ...]] = ("year",)
    objects = PartnerScopedManager["Period"]()

    class Meta:
        ordering = ["partner", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "year", "number"], name="ledger_period_unique_number"),
            models.UniqueConstraint(fields=["partner", "start_date"], name="ledger_period_unique_start"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=12), name="ledger_period_number"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="ledger_period_dates"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PeriodStatus.values), name="ledger_period_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.label} period {self.number} ({people_month(self.start_date)})"

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN


class JournalSource(models.TextChoices):
    MANUAL = "manual", "Manual journal"
    PAYROLL_RUN = "payroll_run", "Payroll run"
    RECHARGE_RUN = "recharge_run", "Recharge run"
    PURCHASE_INVOICE = "purchase_invoice", "Purchase invoice"
    REVERSAL = "reversal", "Reversal"


class PostedJournalError(RuntimeError):
    """Something tried to change or delete a posted journal or one of its lines."""


class _PostedQuerySet(PartnerScopedQuerySet[Any]):
    """Bulk ``update()``/``delete()`` skip ``Model.save``/``delete``, so they are refused here too."""

    def update(self, **kwargs: Any) -> int:
        raise PostedJournalError("Posted journals cannot change: post a reversing journal.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PostedJournalError("Posted journals cannot be deleted: post a reversing journal.")


class _Posted(models.Model):
    """Rows written once, with their journal, and never again."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PostedJournalError("Posted journals cannot change: post a reversing journal.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PostedJournalError("Posted journals cannot be deleted: post a reversing journal.")


class Journal(_Posted):
    """A posted journal. ``idempotency_key`` names what posted it (``payroll-run:42``), once
    per partner, so a source that posts again gets the journal it already posted."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="journals")
    date = models.DateField()
    source = models.CharField(max_length=20, choices=JournalSource.choices)
    source_ref = models.CharField(max_length=100, blank=True, help_text="The source's own reference.")
    idempotency_key = models.CharField(max_length=200)
    description = models.CharField(max_length=200)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("period",)
    objects = PartnerScopedManager["Journal"](_PostedQuerySet)

    class Meta:
        ordering = ["partner", "-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"], name="ledger_journal_unique_idempotency_key"
            ),
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="ledger_journal_key_given"),
            models.CheckConstraint(
                condition=Q(source__in=JournalSource.values), name="ledger_journal_source_known"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "period"], name="ledger_journal_partner_period"),
            models.Index(fields=["partner", "date"], name="ledger_journal_partner_date"),
        ]

    def __str__(self) -> str:
        return f"Journal {self.pk} {people_date(self.date)}: {self.description}"


class JournalLine(_Posted):
    """One debit or one credit. ``partner``, ``period`` and ``date`` repeat the journal's, so
    a trial balance sums lines without joining journals."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="lines")
    # Covered by the composite indexes below, which lead with partner.
    partner = models.ForeignKey(
        "partnership.Partner", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_index=False)
    date = models.DateField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines", db_index=False)
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    counterparty = models.ForeignKey(
        "partnership.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text="The other partner, on inter-partner accounts.",
    )
    debit = models.BigIntegerField(default=0, help_text="pence")
    credit = models.BigIntegerField(default=0, help_text="pence")
    description = models.CharField(max_length=200, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("journal", "period", "account", "cost_centre")
    objects = PartnerScopedManager["JournalLine"](_PostedQuerySet)

    class Meta:
        ordering = ["journal", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(debit__gte=0), name="ledger_line_debit_not_negative"),
            models.CheckConstraint(condition=Q(credit__gte=0), name="ledger_line_credit_not_negative"),
            models.CheckConstraint(
                condition=(Q(debit=0) & Q(credit__gt=0)) | (Q(credit=0) & Q(debit__gt=0)),
                name="ledger_line_debit_or_credit",
            ),
        ]
        indexes = [
            # A trial balance for a period reads only this index on PostgreSQL (INCLUDE).
            models.Index(
                fields=["partner", "period", "account"],
                include=["debit", "credit"],
                name="ledger_line_partner_period",
            ),
            models.Index(fields=["partner", "account", "date"], name="ledger_line_partner_account"),
            models.Index(
                fields=["partner", "date"],
                include=["account", "debit", "credit"],
                name="ledger_line_partner_date",
            ),
        ]

    def __str__(self) -> str:
        side = f"Dr {self.debit}" if self.debit else f"Cr {self.credit}"
        return f"{self.account_id} {side}"


class Budget(models.Model):
    """The budget for one account at one cost centre in one period, in pence, in the account's
    natural direction: spending for an expense account, receipts for an income account."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="budgets")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="budgets")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="budgets")
    amount = models.BigIntegerField(help_text="pence")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    partner_shared_with: ClassVar[tuple[str, ...]] = ("cost_centre", "account", "period")
    objects = PartnerScopedManager["Budget"]()

    class Meta:
        ordering = ["partner", "cost_centre", "account", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cost_centre", "account", "period"], name="ledger_budget_unique_line"
            ),
        ]
        indexes = [models.Index(fields=["partner", "period"], name="ledger_budget_partner_period")]

    def __str__(self) -> str:
        return f"Budget {self.cost_centre_id}/{self.account_id}/{self.period_id}: {self.amount}"
