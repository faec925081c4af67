"""Purchasing's records, from the supplier register to the payment.

Two kinds of row. The partnership keeps one **register** that every partner's purchasing staff
read: suppliers (with their addresses, contacts and bank details) and procurement categories.
The contracts register sits between the two: a contract is guarded, seen by the partner that let
it (usually the shared-services body) and by each partner that may call off it, never by the
others (``ContractRowQuerySet``, and the same rule as row-level security). Everything a partner
buys is that partner's own, partner-owned and guarded (``PartnerScopedManager``, row-level
security by declaration): its status and notes on a supplier, its category-to-account mapping,
its scheme of delegation and settings, requisitions, orders, receipts, invoices and payment
runs.

Money is ``Decimal`` pounds to the penny (unit prices to a hundredth of a penny); quantities
have three decimal places. VAT rates are percentages (20.00, 5.00, 0.00). A line's net is its
quantity times its unit price rounded half up to the penny (``line_net``), its VAT the net times
the rate rounded the same way (``line_vat``), so a requisition, its order and the invoice that
matches them add up alike.

Bank details change only through a ``BankDetailChange`` that a second person — never the one who
entered it — verifies by calling back a number held before the change was asked for; only then
does it become the supplier's current ``SupplierBankDetails``, the one payments use.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from joinedup.core.crypto import EncryptedCharField
from joinedup.core.dates import people_date
from joinedup.core.money import round_nearest_penny_half_up
from joinedup.core.tenancy import PartnerScopedManager, PartnerScopedQuerySet

SUB_PENNY = Decimal("0.001")
HUNDRED = Decimal(100)


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's net amount: quantity times unit price, half a penny rounding up."""
    return round_nearest_penny_half_up(quantity * unit_price)


def line_vat(net: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT on a line's net at ``vat_rate`` per cent, half a penny rounding up."""
    return round_nearest_penny_half_up(net * vat_rate / HUNDRED)


def _money(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=14, decimal_places=2, **kwargs)  # type: ignore[arg-type]


def _quantity(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=12, decimal_places=3, **kwargs)  # type: ignore[arg-type]


def _unit_price(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=14, decimal_places=4, **kwargs)  # type: ignore[arg-type]


def _vat_rate(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=5, decimal_places=2, **kwargs)  # type: ignore[arg-type]


# --- The supplier register (the partnership's) ---------------------------------------------------


class SupplierKind(models.TextChoices):
    """What sort of body the supplier is. A sole trader trades under a person's own name, which
    is personal data: the spend-over-£500 export withholds it (recharges/transparency.py)."""

    COMPANY = "company", "Company or limited liability partnership"
    PARTNERSHIP = "partnership", "Partnership"
    SOLE_TRADER = "sole_trader", "Sole trader"
    PUBLIC_BODY = "public_body", "Public body"
    CHARITY = "charity", "Charity or voluntary organisation"


class Supplier(models.Model):
    """A supplier, once for the whole partnership; each partner's status and notes are its own
    (``SupplierPartner``)."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=SupplierKind.choices, default=SupplierKind.COMPANY)
    companies_house_number = models.CharField(max_length=8, blank=True)
    vat_number = models.CharField("VAT registration number", max_length=14, blank=True)
    email = models.EmailField(blank=True, help_text="Where remittance advice goes.")
    website = models.URLField(blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["companies_house_number"],
                condition=~Q(companies_house_number=""),
                name="purchasing_supplier_unique_company",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SupplierKind.values), name="purchasing_supplier_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["name"], name="purchasing_supplier_name")]

    def __str__(self) -> str:
        return self.name


class AddressKind(models.TextChoices):
    TRADING = "trading", "Trading address"
    REGISTERED = "registered", "Registered office"
    REMITTANCE = "remittance", "Remittance address"


class SupplierAddress(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=12, choices=AddressKind.choices, default=AddressKind.TRADING)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8)

    class Meta:
        ordering = ["supplier", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "kind"], name="purchasing_address_one_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=AddressKind.values), name="purchasing_address_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line1}, {self.town} {self.postcode}"


class SupplierContact(models.Model):
    """Someone at the supplier. A bank-detail change is verified by calling back a contact's
    number held before the change was asked for (``phone_since``), never one the change gave."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    phone_since = models.DateTimeField(default=timezone.now, help_text="When this number was recorded.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["supplier", "name", "id"]

    def __str__(self) -> str:
        return self.name


class SupplierStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    ON_HOLD = "on_hold", "On hold"
    BLOCKED = "blocked", "Blocked"


class SupplierPartner(models.Model):
    """A partner's standing with a supplier: whether it may order from it (approved), must not
    for now (on hold: orders and payments wait) or may not at all (blocked), its payment terms,
    and notes that only that partner reads."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="partner_statuses")
    status = models.CharField(max_length=10, choices=SupplierStatus.choices, default=SupplierStatus.APPROVED)
    reference = models.CharField(max_length=30, blank=True, help_text="The partner's own supplier code.")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    notes = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["SupplierPartner"]()

    class Meta:
        ordering = ["partner", "supplier"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "supplier"], name="purchasing_supplier_partner_once"),
            models.CheckConstraint(
                condition=Q(status__in=SupplierStatus.values), name="purchasing_supplier_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} at {self.partner_id}: {self.status}"


class BankChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second person to verify"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class VerificationMethod(models.TextChoices):
    CALL_BACK = "call_back", "Call-back to a number already held"


class BankDetailChange(models.Model):
    """New bank details for a supplier, as entered by one person from the supplier's letter or
    message (``notified_by``), and either verified or rejected by a second. Verification records
    who, when and how: the contact called back and the number dialled, which must be one held
    before the change was entered (a fraudster's letter brings its own number).

    ``entered_for``: the partner the person entering it was acting for, whose audit chain holds
    the change; the details themselves are the supplier's, for every partner."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="bank_changes")
    entered_for = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    sort_code = EncryptedCharField()
    account_number = EncryptedCharField()
    account_name = models.CharField(max_length=100)
    building_society_reference = models.CharField(max_length=18, blank=True)
    notified_by = models.CharField(
        max_length=200, help_text="How the supplier told us, e.g. letter of 2 May."
    )
    status = models.CharField(
        max_length=10, choices=BankChangeStatus.choices, default=BankChangeStatus.PENDING
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_for = models.ForeignKey(
        "partnership.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=12, choices=VerificationMethod.choices, blank=True)
    called_contact = models.ForeignKey(
        SupplierContact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    called_number = models.CharField(max_length=30, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"], condition=Q(status="pending"), name="purchasing_bank_change_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BankChangeStatus.values), name="purchasing_bank_change_status_known"
            ),
            # The second person is a second person, whatever the application does.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("entered_by")),
                name="purchasing_bank_change_second_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | (~Q(method="") & ~Q(called_number="")),
                name="purchasing_bank_change_verified_how",
            ),
        ]

    def __str__(self) -> str:
        return f"bank change of supplier {self.supplier_id} ({self.status})"

    @property
    def masked_account(self) -> str:
        return f"****{self.account_number[-4:]}" if self.account_number else ""

    @property
    def masked_sort_code(self) -> str:
        return f"{self.sort_code[:2]}-**-**" if self.sort_code else ""


class SupplierBankDetails(models.Model):
    """Verified bank details of a supplier: each verified change makes one, current until the
    next. Payments are made only to current details (``current_until`` empty)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="bank_details")
    change = models.OneToOneField(BankDetailChange, on_delete=models.PROTECT, related_name="details")
    sort_code = EncryptedCharField()
    account_number = EncryptedCharField()
    account_name = models.CharField(max_length=100)
    building_society_reference = models.CharField(max_length=18, blank=True)
    current_from = models.DateTimeField(default=timezone.now)
    current_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["supplier", "-current_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(current_until__isnull=True),
                name="purchasing_bank_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"bank details of supplier {self.supplier_id} from {people_date(self.current_from)}"

    @property
    def masked_account(self) -> str:
        return f"****{self.account_number[-4:]}" if self.account_number else ""

    @property
    def masked_sort_code(self) -> str:
        return f"{self.sort_code[:2]}-**-**" if self.sort_code else ""


# --- Categories (the partnership's) and their accounts (each partner's) -------------------------


class Category(models.Model):
    """A procurement category, ProClass-style: top levels (``parent`` empty) and their
    subcategories, two levels in all."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CategoryAccount(models.Model):
    """The partner's ledger account for a category: what a line in that category charges unless
    the requisitioner chooses another expense account."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="accounts")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("account",)
    objects = PartnerScopedManager["CategoryAccount"]()

    class Meta:
        ordering = ["partner", "category"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "category"], name="purchasing_category_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} → {self.account_id} at {self.partner_id}"


# --- Each partner's settings and scheme of delegation --------------------------------------------


class BudgetCheck(models.TextChoices):
    WARN = "warn", "Warn, and let the requisition go for approval"
    BLOCK = "block", "Block a requisition that would overspend"


class PurchasingSettings(models.Model):
    """A partner's purchasing settings: what an overspend does to a requisition, its order and
    requisition numbering, the tolerances of three-way match and the account its suppliers are
    paid from."""

    partner = models.OneToOneField("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    budget_check = models.CharField(max_length=5, choices=BudgetCheck.choices, default=BudgetCheck.WARN)
    po_prefix = models.CharField(max_length=10, help_text="e.g. WCC-PO-")
    next_po_number = models.PositiveIntegerField(default=1)
    next_requisition_number = models.PositiveIntegerField(default=1)
    # Three-way match (matching.py): an invoice line over its order or receipt matches when the
    # variance is within both the percentage and the amount.
    price_tolerance_percent = _vat_rate(default=Decimal("0.00"))
    price_tolerance_amount = _money(default=Decimal("0.00"))
    quantity_tolerance_percent = _vat_rate(default=Decimal("0.00"))
    quantity_tolerance_amount = _quantity(default=Decimal("0.000"))
    bank_sort_code = models.CharField(
        max_length=6, blank=True, help_text="The account suppliers are paid from."
    )
    bank_account_number = models.CharField(max_length=8, blank=True)
    bank_account_name = models.CharField(max_length=100, blank=True)
    bacs_user_number = models.CharField("BACS service user number", max_length=6, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["PurchasingSettings"]()

    class Meta:
        verbose_name_plural = "purchasing settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_check__in=BudgetCheck.values),
                name="purchasing_settings_budget_check_known",
            ),
            models.CheckConstraint(condition=Q(next_po_number__gte=1), name="purchasing_settings_po_number"),
        ]

    def __str__(self) -> str:
        return f"purchasing settings of {self.partner_id}"


class DelegationLimit(models.Model):
    """One line of a partner's scheme of delegation for purchasing: who may approve a
    requisition, up to what net value. A line names a role (everyone holding that role on the
    partner) or a person; a person named in the scheme is held to their own line, whatever
    their roles. ``up_to`` empty: no limit. Approval escalates with value: a requisition goes
    to someone whose limit covers it, and never to the person who raised it."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=100, help_text="e.g. Budget holder, Director of Finance")
    up_to = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=200, help_text="The scheme of delegation's paragraph.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["DelegationLimit"]()

    class Meta:
        ordering = ["partner", "up_to", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="") & Q(user__isnull=False)) | (~Q(role="") & Q(user__isnull=True)),
                name="purchasing_delegation_role_or_person",
            ),
            models.CheckConstraint(
                condition=Q(up_to__isnull=True) | Q(up_to__gte=0), name="purchasing_delegation_limit"
            ),
            models.UniqueConstraint(
                fields=["partner", "role"], condition=~Q(role=""), name="purchasing_delegation_role_once"
            ),
            models.UniqueConstraint(
                fields=["partner", "user"],
                condition=Q(user__isnull=False),
                name="purchasing_delegation_person_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} up to {self.up_to if self.up_to is not None else 'any value'}"


# --- Requisitions ---------------------------------------------------------------------------------


class RequisitionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ORDERED = "ordered", "Ordered"


class Requisition(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    contract = models.ForeignKey(
        "purchasing.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    needed_by = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=RequisitionStatus.choices, default=RequisitionStatus.DRAFT
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The budget check when it was submitted: what it found, for the approver to read.
    budget_warning = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    objects = PartnerScopedManager["Requisition"]()

    class Meta:
        ordering = ["partner", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "number"], name="purchasing_requisition_number"),
            models.CheckConstraint(
                condition=Q(status__in=RequisitionStatus.values), name="purchasing_requisition_status_known"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="purchasing_requisition_not_own",
            ),
        ]
        indexes = [models.Index(fields=["partner", "status"], name="purchasing_req_partner_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class RequisitionLine(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = _quantity()
    unit_price = _unit_price()
    vat_rate = _vat_rate()
    net = _money()
    vat = _money()
    cost_centre = models.ForeignKey("ledger.CostCentre", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("requisition", "cost_centre", "account")
    objects = PartnerScopedManager["RequisitionLine"]()

    class Meta:
        ordering = ["requisition", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "requisition", "line_number"], name="purchasing_requisition_line_number"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchasing_requisition_line_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="purchasing_requisition_line_price"),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=100),
                name="purchasing_requisition_line_vat_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requisition_id}/{self.line_number} {self.description}"


# --- Purchase orders and receipts -------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    PART_RECEIVED = "part_received", "Partly received"
    RECEIVED = "received", "Received"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class PurchaseOrder(models.Model):
    """An order to a supplier, numbered in the partner's own series (``PurchasingSettings``)."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=30)
    requisition = models.OneToOneField(
        Requisition, on_delete=models.PROTECT, null=True, blank=True, related_name="order"
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        "purchasing.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=14, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    order_date = models.DateField()
    delivery_address = models.TextField(blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("requisition",)
    objects = PartnerScopedManager["PurchaseOrder"]()

    class Meta:
        ordering = ["partner", "-order_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "number"], name="purchasing_order_number"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="purchasing_order_status_known"
            ),
        ]
        indexes = [models.Index(fields=["partner", "supplier"], name="purchasing_order_supplier")]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    requisition_line = models.OneToOneField(
        RequisitionLine, on_delete=models.PROTECT, null=True, blank=True, related_name="order_line"
    )
    description = models.CharField(max_length=300)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = _quantity()
    unit_price = _unit_price()
    vat_rate = _vat_rate()
    net = _money()
    vat = _money()
    cost_centre = models.ForeignKey("ledger.CostCentre", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("order", "requisition_line", "cost_centre", "account")
    objects = PartnerScopedManager["PurchaseOrderLine"]()

    class Meta:
        ordering = ["order", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "order", "line_number"], name="purchasing_order_line_number"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchasing_order_line_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="purchasing_order_line_price"),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=100), name="purchasing_order_line_vat_rate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_number} {self.description}"


class ReceiptKind(models.TextChoices):
    RECEIPT = "receipt", "Goods or services received"
    RETURN = "return", "Returned to the supplier"


class Receipt(models.Model):
    """Goods or services received against an order (perhaps only some of it), or goods sent
    back. Quantities on its lines are positive; a return takes them off what was received."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(max_length=8, choices=ReceiptKind.choices, default=ReceiptKind.RECEIPT)
    received_on = models.DateField()
    reference = models.CharField(max_length=60, blank=True, help_text="Delivery note or returns number.")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("order",)
    objects = PartnerScopedManager["Receipt"]()

    class Meta:
        ordering = ["partner", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReceiptKind.values), name="purchasing_receipt_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} against {self.order_id} on {self.received_on}"


class ReceiptLine(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipt_lines")
    quantity = _quantity()

    partner_shared_with: ClassVar[tuple[str, ...]] = ("receipt", "order_line")
    objects = PartnerScopedManager["ReceiptLine"]()

    class Meta:
        ordering = ["receipt", "order_line"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "receipt", "order_line"], name="purchasing_receipt_line_once"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchasing_receipt_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.order_line_id}"


# --- Invoices -----------------------------------------------------------------------------------------


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class InvoiceStatus(models.TextChoices):
    RECEIVED = "received", "Received, not yet matched"
    EXCEPTION = "exception", "In the exceptions queue"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    APPROVED = "approved", "Approved for payment"
    IN_PAYMENT = "in_payment", "In a payment run"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


class Invoice(models.Model):
    """A supplier's invoice or credit note to a partner. Amounts are positive on both; a credit
    note (``kind``) takes them off, and may name the invoice it credits. ``order`` empty: a
    non-PO invoice, approved under the scheme of delegation. ``exceptions`` lists why it did
    not match or looks like a duplicate, for the exceptions queue. ``payment``: the one payment
    that paid it."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    number = models.CharField(max_length=60, help_text="The supplier's invoice number.")
    # The number with case, spaces and punctuation taken out and leading zeros dropped, for
    # finding near-identical numbers (INV-0012 and inv 12).
    number_key = models.CharField(max_length=60, db_index=True)
    invoice_date = models.DateField()
    received_date = models.DateField()
    due_date = models.DateField()
    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    credits = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    # The contract a non-PO invoice was bought under; an order's invoice counts against its
    # order's contract without this.
    contract = models.ForeignKey(
        "purchasing.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    net = _money()
    vat = _money()
    gross = _money()
    status = models.CharField(max_length=18, choices=InvoiceStatus.choices, default=InvoiceStatus.RECEIVED)
    exceptions = models.JSONField(default=list, blank=True)
    payment = models.ForeignKey(
        "purchasing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("order", "credits", "payment")
    objects = PartnerScopedManager["Invoice"]()

    class Meta:
        ordering = ["partner", "-invoice_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=InvoiceKind.values), name="purchasing_invoice_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InvoiceStatus.values), name="purchasing_invoice_status_known"
            ),
            # Within a tenth of a penny, not equal: SQLite keeps decimals as binary floats, where
            # 163.28 + 32.66 is not 195.94. Amounts have two places, so this is exact in effect.
            models.CheckConstraint(
                condition=Q(gross__gte=F("net") + F("vat") - SUB_PENNY)
                & Q(gross__lte=F("net") + F("vat") + SUB_PENNY),
                name="purchasing_invoice_gross_sums",
            ),
            models.CheckConstraint(
                condition=Q(net__gte=0) & Q(vat__gte=0), name="purchasing_invoice_positive"
            ),
            models.CheckConstraint(
                condition=Q(credits__isnull=True) | Q(kind="credit_note"),
                name="purchasing_invoice_credits_by_note",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "due_date"], name="purchasing_invoice_due"),
            models.Index(fields=["partner", "supplier", "number_key"], name="purchasing_invoice_number"),
            models.Index(fields=["partner", "invoice_date"], name="purchasing_invoice_date"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.kind})"


class InvoiceLine(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    order_line = models.ForeignKey(
        PurchaseOrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    description = models.CharField(max_length=300)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = _quantity()
    unit_price = _unit_price()
    vat_rate = _vat_rate()
    net = _money()
    vat = _money()
    vat_recoverable = models.BooleanField(default=True)
    cost_centre = models.ForeignKey("ledger.CostCentre", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("invoice", "order_line", "cost_centre", "account")
    objects = PartnerScopedManager["InvoiceLine"]()

    class Meta:
        ordering = ["invoice", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "invoice", "line_number"], name="purchasing_invoice_line_number"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchasing_invoice_line_quantity"),
            models.CheckConstraint(
                condition=Q(net__gte=0) & Q(vat__gte=0), name="purchasing_invoice_line_positive"
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=100), name="purchasing_invoice_line_vat_rate"
            ),
        ]
        indexes = [models.Index(fields=["partner", "category"], name="purchasing_invoice_line_cat")]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.line_number} {self.description}"


# --- Payment runs ---------------------------------------------------------------------------------------


class PaymentRunStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid and posted"
    CANCELLED = "cancelled", "Cancelled"


class PaymentRun(models.Model):
    """A partner's payment run: the approved invoices due by ``due_by``, paid on
    ``payment_date`` from the partner's account by one BACS file."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=30)
    due_by = models.DateField()
    payment_date = models.DateField()
    status = models.CharField(max_length=10, choices=PaymentRunStatus.choices, default=PaymentRunStatus.DRAFT)
    total = _money(default=Decimal("0.00"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    journal = models.ForeignKey(
        "ledger.Journal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Suppliers with invoices due that the run did not pay, and why (no verified bank details, on
    # hold, credit notes exceeding invoices): [{"supplier", "name", "reason", "invoices"}].
    held_back = models.JSONField(default=list, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("journal",)
    objects = PartnerScopedManager["PaymentRun"]()

    class Meta:
        ordering = ["partner", "-payment_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "reference"], name="purchasing_payment_run_reference"),
            models.CheckConstraint(
                condition=Q(status__in=PaymentRunStatus.values), name="purchasing_payment_run_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Payment(models.Model):
    """One supplier's payment in a run: the sum of its invoices less its credit notes, to the
    supplier's verified bank details current when the run was made."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="payments")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    bank_details = models.ForeignKey(SupplierBankDetails, on_delete=models.PROTECT, related_name="+")
    amount = _money()
    reference = models.CharField(max_length=18, help_text="The payment reference the supplier sees.")

    partner_shared_with: ClassVar[tuple[str, ...]] = ("run",)
    objects = PartnerScopedManager["Payment"]()

    class Meta:
        ordering = ["run", "supplier"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "run", "supplier"], name="purchasing_payment_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="purchasing_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} to {self.supplier_id}"


# --- The contracts register ----------------------------------------------------------------------------

# Seen by a partner that holds the contract or may call off it. It reads the register in a system
# context of its own (the SET clause), as business case's involvement rule does, so the call-off
# table's own policy (which calls this function) is not entered again; it answers yes or no only.
CONTRACT_VISIBLE = """
CREATE OR REPLACE FUNCTION joinedup_purchasing_contract_visible(contract bigint, partners bigint[])
RETURNS boolean LANGUAGE sql STABLE
SET joinedup.system = 'contracts policy: does one of the partners hold or call off the contract'
AS $$
    SELECT EXISTS (SELECT 1 FROM purchasing_contract c
                   WHERE c.id = contract AND c.partner_id = ANY (partners))
        OR EXISTS (SELECT 1 FROM purchasing_contractcalloff o
                   WHERE o.contract_id = contract AND o.partner_id = ANY (partners))
$$
"""


class ContractRowQuerySet(PartnerScopedQuerySet[Any]):
    """A contract and its rows (extension options, call-off partners, alerts sent): seen by the
    partner that holds the contract (``partner``: usually the shared-services body, whose
    purchasing officers therefore see every contract it let) and by each partner that may call
    off it. ``contract_path`` leads from the row to the contract's id."""

    contract_path: ClassVar[str] = "contract"
    rls_functions: ClassVar[tuple[str, ...]] = (CONTRACT_VISIBLE,)

    def scope_filter(self, partner_ids: list[int]) -> Q:
        held = Contract.objects.unscoped(reason="subquery inside a contract scope").filter(
            pk=OuterRef(self.contract_path), partner__in=partner_ids
        )
        calls_off = ContractCallOff.objects.unscoped(reason="subquery inside a contract scope").filter(
            contract=OuterRef(self.contract_path), partner__in=partner_ids
        )
        return Q(partner__in=partner_ids) | Q(Exists(held)) | Q(Exists(calls_off))

    def rls_condition(self, partners: str) -> str:
        column = "id" if self.contract_path == "pk" else f"{self.contract_path}_id"
        return f"partner_id = ANY ({partners}) OR joinedup_purchasing_contract_visible({column}, {partners})"


class ContractQuerySet(ContractRowQuerySet):
    contract_path = "pk"

    def scope_filter(self, partner_ids: list[int]) -> Q:
        calls_off = ContractCallOff.objects.unscoped(reason="subquery inside a contract scope").filter(
            contract=OuterRef("pk"), partner__in=partner_ids
        )
        return Q(partner__in=partner_ids) | Q(Exists(calls_off))


class ContractStatus(models.TextChoices):
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"


class Contract(models.Model):
    """A contract in the partnership's register: let by ``partner`` (the contracting authority,
    usually the shared-services body) with a supplier of the register, for a category, and
    called off by the partners listed in ``call_offs``.

    ``end_date`` is the current end: the original end (``original_end_date``) moved on by each
    extension option taken. Renewal alerts count back from it, so taking an extension moves
    them; the options not yet taken are the decision the alert asks the owner to make."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="contracts")
    cpv_code = models.CharField("CPV code", max_length=12, blank=True)
    value = _money(help_text="Total value over the contract's life, excluding VAT.")
    start_date = models.DateField()
    original_end_date = models.DateField()
    end_date = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=ContractStatus.choices, default=ContractStatus.LIVE)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["Contract"](ContractQuerySet)

    class Meta:
        ordering = ["end_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "reference"], name="purchasing_contract_reference"),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="purchasing_contract_status_known"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="purchasing_contract_value"),
            models.CheckConstraint(
                condition=Q(original_end_date__gte=F("start_date")) & Q(end_date__gte=F("original_end_date")),
                name="purchasing_contract_dates",
            ),
            models.CheckConstraint(
                condition=Q(status="live", ended_on__isnull=True) | Q(status="ended", ended_on__isnull=False),
                name="purchasing_contract_ended_on",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "end_date"], name="purchasing_contract_due"),
            models.Index(fields=["category", "status"], name="purchasing_contract_category"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ContractExtension(models.Model):
    """An option to extend a contract by ``months``, taken or not. Options are taken in order."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions")
    sequence = models.PositiveSmallIntegerField()
    months = models.PositiveSmallIntegerField()
    taken = models.BooleanField(default=False)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("contract",)
    objects = PartnerScopedManager["ContractExtension"](ContractRowQuerySet)

    class Meta:
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "contract", "sequence"], name="purchasing_contract_extension_once"
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=120), name="purchasing_contract_extension_months"
            ),
        ]

    def __str__(self) -> str:
        return f"option {self.sequence} of {self.contract_id}: {self.months} months"


class ContractCallOff(models.Model):
    """A partner that may call off (buy under) a contract. ``partner`` is the partner calling
    off, which sees the contract through this row."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="call_offs")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["ContractCallOff"](ContractRowQuerySet)

    class Meta:
        ordering = ["contract", "partner"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "contract"], name="purchasing_contract_call_off_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} calls off {self.contract_id}"


class ContractAlert(models.Model):
    """A renewal alert sent: ``threshold_months`` before the contract's ``end_date`` as it was
    then. Taking an extension moves the end, and the new end's alerts are new rows."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="alerts")
    threshold_months = models.PositiveSmallIntegerField()
    end_date = models.DateField()
    sent_to = models.EmailField(blank=True)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    partner_shared_with: ClassVar[tuple[str, ...]] = ("contract",)
    objects = PartnerScopedManager["ContractAlert"](ContractRowQuerySet)

    class Meta:
        ordering = ["contract", "-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "contract", "threshold_months", "end_date"],
                name="purchasing_contract_alert_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.threshold_months}-month alert of {self.contract_id} for {self.end_date}"


# --- Spend analysis ----------------------------------------------------------------------------------


class SpendMonth(models.Model):
    """Paid spend of a partner in a month (of the invoice's date) by category and supplier: the
    net of its paid invoice lines less its paid credit notes' (pence), their quantity
    (thousandths of a unit) and how many lines. Derived from the invoices, never entered: a
    payment run adds its invoices when it is marked paid (``spend_rollup.add_paid_run``, in the
    same transaction), and ``spend_rollup.rebuild`` recomputes a partner's rows from the
    invoices, so the spend analysis reads thousands of rows, not millions of lines.

    ``month`` is year x 12 + month - 1 (``spend.month_key``); ``category`` empty: uncategorised.
    ``on_contract``: the lines were bought under a contract (their invoice, or the invoice's
    order, is linked to one; ``spend_rollup.on_contract``), which the off-contract figure needs.
    Linking or unlinking a paid invoice or its order moves its lines between the two
    (``spend_rollup.move_invoices``)."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    month = models.IntegerField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    on_contract = models.BooleanField(default=False)
    net = models.BigIntegerField(help_text="Pence.")
    quantity = models.BigIntegerField(help_text="Thousandths of a unit.")
    lines = models.IntegerField()

    objects = PartnerScopedManager["SpendMonth"]()

    class Meta:
        # By the columns, not the related rows: ordering by ``category`` would join categories
        # (an outer join, which FOR UPDATE refuses) on every read.
        ordering = ["partner_id", "month", "category_id", "supplier_id", "on_contract"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "month", "category", "supplier", "on_contract"],
                condition=Q(category__isnull=False),
                name="purchasing_spend_month_once",
            ),
            models.UniqueConstraint(
                fields=["partner", "month", "supplier", "on_contract"],
                condition=Q(category__isnull=True),
                name="purchasing_spend_month_once_uncategorised",
            ),
        ]

    def __str__(self) -> str:
        contract = " on contract" if self.on_contract else ""
        return f"{self.partner_id} {self.month} {self.category_id} {self.supplier_id}{contract}: {self.net}p"
