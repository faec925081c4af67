"""Writes to the supplier register and to each partner's purchasing set-up: suppliers, their
contacts and addresses, each partner's standing with a supplier, bank-detail changes and their
verification, categories and their ledger accounts, the scheme of delegation and the settings.

The register is the partnership's: a purchasing officer acts on it for one of their partners
(``partner``), whose permission is checked and whose audit chain records the change. A change of
bank details is entered by one person and verified by another — never the one who entered it,
and never the system — who records the contact they called back and the number they dialled,
one held before the change was entered. Only then do the details become current; payments use
current details only. Requisitions, orders and receipts are in ``order_services``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import validators
from joinedup.core.actors import is_system, user_of
from joinedup.ledger.models import Account, AccountType
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.permissions import authorise
from joinedup.people.services.errors import Errors
from joinedup.purchasing.models import (
    AddressKind,
    BankChangeStatus,
    BankDetailChange,
    BudgetCheck,
    Category,
    CategoryAccount,
    DelegationLimit,
    PurchasingSettings,
    Supplier,
    SupplierAddress,
    SupplierBankDetails,
    SupplierContact,
    SupplierKind,
    SupplierPartner,
    SupplierStatus,
    VerificationMethod,
)

_COMPANY = re.compile(
    r"^(?:[0-9]{8}|(?:SC|NI|OC|SO|NC|R0|IP|SP|RC|SL|GE|FC|LP|NF|SI|NP|RS|NO|SE|SA|SZ|ES|IC|SF|NR|NL|FE|GS|GN|IS|OE|NZ|NV|NA|PC|CE|CS)[0-9]{6})$"
)
_VAT = re.compile(r"^GB(?:[0-9]{9}|[0-9]{12}|GD[0-4][0-9]{2}|HA[5-9][0-9]{2})$")
_SPACES = re.compile(r"[\s-]+")


def check_company_number(value: str) -> str:
    """Eight characters as Companies House issues them: eight digits (a short one padded with
    zeros), or a two-letter prefix (SC Scotland, NI Northern Ireland, OC LLPs…) and six digits."""
    text = _SPACES.sub("", value).upper()
    if text.isdigit() and 1 <= len(text) < 8:
        text = text.zfill(8)
    if not _COMPANY.fullmatch(text):
        raise ValueError("Enter the company number as Companies House gives it, like 01234567 or SC123456")
    return text


def check_vat_number(value: str) -> str:
    """A UK VAT registration number: GB and 9 digits (12 for a branch), or a government
    department's GD or health authority's HA number."""
    text = _SPACES.sub("", value).upper()
    if text.isdigit():
        text = f"GB{text}"
    if not _VAT.fullmatch(text):
        raise ValueError("Enter the VAT number as GB followed by 9 digits, like GB123456789")
    return text


def _digits(phone: str) -> str:
    return re.sub(r"[^0-9]", "", phone)


def _bank_summary(sort_code: str, account: str, name: str) -> dict[str, str]:
    """Bank details as the audit trail keeps them: enough to recognise, not to use."""
    return {
        "sort_code": f"{sort_code[:2]}-**-**" if sort_code else "",
        "bank_account": f"****{account[-4:]}" if account else "",
        "account_name": name,
    }


def _text(errors: Errors, field: str, value: str, *, limit: int, required: str = "") -> str:
    text = value.strip()
    if required and not text:
        errors.add(field, required)
    if len(text) > limit:
        errors.add(field, f"Keep it to {limit} characters or fewer.")
    return text


# --- suppliers -------------------------------------------------------------------------------------


@transaction.atomic
def supplier_create(
    *,
    actor: Any,
    partner: Partner,
    name: str,
    kind: str = SupplierKind.COMPANY,
    companies_house_number: str = "",
    vat_number: str = "",
    email: str = "",
    address_line1: str = "",
    address_line2: str = "",
    town: str = "",
    postcode: str = "",
) -> Supplier:
    """Add a supplier to the partnership's register, approved for ``partner`` (which the officer
    is buying for); other partners approve it for themselves."""
    authorise(actor, "purchasing.manage_suppliers", partner)
    errors = Errors()
    name = _text(errors, "name", name, limit=200, required="Enter the supplier's name.")
    if kind not in SupplierKind.values:
        errors.add("kind", f"Choose one of: {', '.join(SupplierKind.values)}.")
    company = (
        errors.check("companies_house_number", check_company_number, companies_house_number)
        if companies_house_number.strip()
        else ""
    )
    vat = errors.check("vat_number", check_vat_number, vat_number) if vat_number.strip() else ""
    email = _text(errors, "email", email, limit=254)
    if email and "@" not in email:
        errors.add("email", "Enter an email address like accounts@example.co.uk.")
    line1 = _text(errors, "address_line1", address_line1, limit=200)
    town = _text(errors, "town", town, limit=100)
    code = errors.check("postcode", validators.postcode, postcode.strip()) if postcode.strip() else ""
    if line1 and not (town and code):
        errors.add("town", "Enter the town and postcode of the address.")
    errors.raise_if_any()
    if company and Supplier.objects.filter(companies_house_number=company).exists():
        raise ValidationError(
            {"companies_house_number": "A supplier with this company number is already registered."}
        )
    supplier = Supplier.objects.create(
        name=name,
        kind=kind,
        companies_house_number=company,
        vat_number=vat,
        email=email,
        created_by=user_of(actor),
    )
    if line1:
        SupplierAddress.objects.create(
            supplier=supplier,
            kind=AddressKind.TRADING,
            line1=line1,
            line2=address_line2.strip()[:200],
            town=town,
            postcode=code,
        )
    SupplierPartner.objects.create(partner=partner, supplier=supplier, changed_by=user_of(actor))
    record_event(
        actor=actor,
        partner=partner,
        action="supplier.created",
        target=supplier,
        after={
            "name": name,
            "kind": kind,
            "companies_house_number": company,
            "vat_number": vat,
            "status": SupplierStatus.APPROVED,
        },
    )
    return supplier


@transaction.atomic
def supplier_contact_add(
    *,
    actor: Any,
    partner: Partner,
    supplier: Supplier,
    name: str,
    role: str = "",
    email: str = "",
    phone: str = "",
) -> SupplierContact:
    """A contact at the supplier. Their number, recorded now, is one a later bank-detail change
    may be verified by calling back."""
    authorise(actor, "purchasing.manage_suppliers", partner)
    errors = Errors()
    name = _text(errors, "name", name, limit=200, required="Enter the contact's name.")
    phone = _text(errors, "phone", phone, limit=30)
    if phone and len(_digits(phone)) < 10:
        errors.add("phone", "Enter a telephone number of at least 10 digits.")
    errors.raise_if_any()
    now = timezone.now()
    contact = SupplierContact.objects.create(
        supplier=supplier,
        name=name,
        role=role.strip()[:100],
        email=email.strip()[:254],
        phone=phone,
        phone_since=now,
        created_at=now,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="supplier.contact_added",
        target=supplier,
        after={"contact": contact.pk, "name": name, "phone": phone},
    )
    return contact


@transaction.atomic
def supplier_status_set(
    *,
    actor: Any,
    partner: Partner,
    supplier: Supplier,
    status: str,
    notes: str | None = None,
    payment_terms_days: int | None = None,
    reference: str | None = None,
) -> SupplierPartner:
    """``partner``'s standing with a supplier (approved, on hold, blocked), its payment terms,
    its own code for it and its private notes."""
    authorise(actor, "purchasing.manage_suppliers", partner)
    if status not in SupplierStatus.values:
        raise ValidationError({"status": f"Choose one of: {', '.join(SupplierStatus.values)}."})
    if payment_terms_days is not None and not 0 <= payment_terms_days <= 365:
        raise ValidationError({"payment_terms_days": "Payment terms are 0 to 365 days."})
    row = SupplierPartner.objects.for_partner(partner).select_for_update().filter(supplier=supplier).first()
    before: dict[str, Any] = {}
    if row is None:
        row = SupplierPartner(partner=partner, supplier=supplier)
    else:
        before = {"status": row.status, "payment_terms_days": row.payment_terms_days, "notes_changed": False}
    row.status = status
    if payment_terms_days is not None:
        row.payment_terms_days = payment_terms_days
    if reference is not None:
        row.reference = reference.strip()[:30]
    notes_changed = notes is not None and notes.strip() != row.notes
    if notes is not None:
        row.notes = notes.strip()
    row.changed_by = user_of(actor)
    row.changed_at = timezone.now()
    row.save()
    record_event(
        actor=actor,
        partner=partner,
        action="supplier.status_set",
        target=supplier,
        before=before,
        # The notes are the partner's own and may be long: the trail says they changed.
        after={
            "status": status,
            "payment_terms_days": row.payment_terms_days,
            "notes_changed": notes_changed,
        },
    )
    return row


# --- bank details ---------------------------------------------------------------------------------------


def current_bank_details(supplier: Supplier) -> SupplierBankDetails | None:
    """The verified details payments go to, or None (nothing verified: the supplier cannot be paid)."""
    return SupplierBankDetails.objects.filter(supplier=supplier, current_until__isnull=True).first()


@transaction.atomic
def bank_change_enter(
    *,
    actor: Any,
    partner: Partner,
    supplier: Supplier,
    sort_code: str,
    account_number: str,
    account_name: str,
    notified_by: str,
    building_society_reference: str = "",
) -> BankDetailChange:
    """Enter new bank details as the supplier sent them. Nothing changes until a second person
    verifies them: payments keep going to the details held (or wait, if none are)."""
    if is_system(actor):
        raise PermissionDenied(
            "Bank details are entered by a person, so that a second person can check them."
        )
    authorise(actor, "purchasing.manage_suppliers", partner)
    errors = Errors()
    sort = errors.check("sort_code", validators.sort_code, sort_code.strip())
    account = errors.check("account_number", validators.account_number, account_number.strip())
    name = _text(errors, "account_name", account_name, limit=100, required="Enter the name on the account.")
    how = _text(
        errors,
        "notified_by",
        notified_by,
        limit=200,
        required="Say how the supplier told you (letter of 2 May, say).",
    )
    roll = _text(errors, "building_society_reference", building_society_reference, limit=18)
    errors.raise_if_any()
    held = current_bank_details(supplier)
    if held is not None and (held.sort_code, held.account_number) == (sort, account):
        raise ValidationError({"account_number": "These are the bank details already held."})
    if BankDetailChange.objects.filter(supplier=supplier, status=BankChangeStatus.PENDING).exists():
        raise ValidationError(
            {
                "account_number": "A change of bank details is already waiting to be verified; it must "
                "be verified or rejected first."
            }
        )
    change = BankDetailChange.objects.create(
        supplier=supplier,
        entered_for=partner,
        sort_code=sort,
        account_number=account,
        account_name=name,
        building_society_reference=roll,
        notified_by=how,
        entered_by=actor,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="supplier.bank_change_entered",
        target=supplier,
        before=_bank_summary(held.sort_code, held.account_number, held.account_name) if held else {},
        after={**_bank_summary(sort, account, name), "change": change.pk, "notified_by": how},
    )
    return change


def _decidable(actor: Any, partner: Partner, change: BankDetailChange) -> None:
    if is_system(actor):
        raise PermissionDenied("A person must verify bank details: the system cannot be the second person.")
    if change.entered_by_id == actor.pk:
        raise PermissionDenied("A second person must verify this change, not the person who entered it.")
    authorise(actor, "purchasing.verify_bank_details", partner)
    if change.status != BankChangeStatus.PENDING:
        raise ValidationError({"status": f"This change is already {change.get_status_display().lower()}."})


@transaction.atomic
def bank_change_verify(
    *, actor: Any, partner: Partner, change: BankDetailChange, contact: SupplierContact, called_number: str
) -> SupplierBankDetails:
    """A second person confirms the change by calling back ``contact`` on ``called_number``,
    a number held for them before the change was entered (not one the change's letter gave).
    The new details become current; the old ones stop being paid to."""
    change = BankDetailChange.objects.select_for_update().get(pk=change.pk)
    _decidable(actor, partner, change)
    errors = Errors()
    if contact.supplier_id != change.supplier_id:
        errors.add("contact", "Call back a contact of this supplier.")
    elif not contact.phone:
        errors.add("contact", "This contact has no telephone number held.")
    elif contact.phone_since >= change.entered_at:
        errors.add(
            "contact",
            "This number was recorded after the change was entered: call back a number held before it.",
        )
    if not called_number.strip():
        errors.add("called_number", "Enter the number you called.")
    elif contact.phone and _digits(called_number) != _digits(contact.phone):
        errors.add("called_number", "That is not the number held for this contact: call the number held.")
    errors.raise_if_any()
    now = timezone.now()
    held = current_bank_details(change.supplier)
    if held is not None:
        held.current_until = now
        held.save(update_fields=["current_until"])
    details = SupplierBankDetails.objects.create(
        supplier=change.supplier,
        change=change,
        sort_code=change.sort_code,
        account_number=change.account_number,
        account_name=change.account_name,
        building_society_reference=change.building_society_reference,
        current_from=now,
    )
    change.status = BankChangeStatus.VERIFIED
    change.decided_by = actor
    change.decided_for = partner
    change.decided_at = now
    change.method = VerificationMethod.CALL_BACK
    change.called_contact = contact
    change.called_number = contact.phone
    change.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_for",
            "decided_at",
            "method",
            "called_contact",
            "called_number",
        ]
    )
    record_event(
        actor=actor,
        partner=partner,
        action="supplier.bank_change_verified",
        target=change.supplier,
        before=_bank_summary(held.sort_code, held.account_number, held.account_name) if held else {},
        after={
            **_bank_summary(details.sort_code, details.account_number, details.account_name),
            "change": change.pk,
            "entered_by": change.entered_by.get_username(),
            "method": VerificationMethod.CALL_BACK,
            "called": contact.name,
            "called_number": contact.phone,
        },
    )
    return details


@transaction.atomic
def bank_change_reject(
    *, actor: Any, partner: Partner, change: BankDetailChange, note: str
) -> BankDetailChange:
    """The second person turns the change down (the supplier, called back, knew nothing of it,
    say); the details held stay as they are."""
    change = BankDetailChange.objects.select_for_update().get(pk=change.pk)
    _decidable(actor, partner, change)
    if not note.strip():
        raise ValidationError({"note": "Say why the change is rejected."})
    change.status = BankChangeStatus.REJECTED
    change.decided_by = actor
    change.decided_for = partner
    change.decided_at = timezone.now()
    change.note = note.strip()[:300]
    change.save(update_fields=["status", "decided_by", "decided_for", "decided_at", "note"])
    record_event(
        actor=actor,
        partner=partner,
        action="supplier.bank_change_rejected",
        target=change.supplier,
        before={"status": BankChangeStatus.PENDING, "change": change.pk},
        after={"status": change.status, "note": change.note},
    )
    return change


# --- categories and accounts ----------------------------------------------------------------------------


@transaction.atomic
def category_add(
    *, actor: Any, partner: Partner, code: str, name: str, parent: Category | None = None
) -> Category:
    """A category of the partnership's classification: a top level, or a subcategory of one
    (two levels, as ProClass has). Added by someone who sets up purchasing for ``partner``."""
    authorise(actor, "purchasing.setup", partner)
    errors = Errors()
    code = _text(errors, "code", code, limit=12, required="Enter the category's code.").upper()
    name = _text(errors, "name", name, limit=200, required="Enter the category's name.")
    if parent is not None and parent.parent_id is not None:
        errors.add("parent", "A subcategory goes under a top-level category: there are two levels.")
    errors.raise_if_any()
    if Category.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Category {code} already exists."})
    category = Category.objects.create(code=code, name=name, parent=parent)
    record_event(
        actor=actor,
        partner=partner,
        action="purchasing.category_added",
        target=category,
        after={"code": code, "name": name, "parent": parent.code if parent else ""},
    )
    return category


@transaction.atomic
def category_account_set(
    *, actor: Any, partner: Partner, category: Category, account: Account
) -> CategoryAccount:
    """The ledger account ``partner`` charges for a category: one of its own expense accounts."""
    authorise(actor, "purchasing.setup", partner)
    if account.partner_id != partner.pk:
        raise ValidationError({"account": "Choose one of the partner's own accounts."})
    if account.type != AccountType.EXPENSE or not account.active:
        raise ValidationError({"account": "Choose an active expense account."})
    row = CategoryAccount.objects.for_partner(partner).filter(category=category).first()
    before = {"account": row.account.code} if row else {}
    if row is None:
        row = CategoryAccount(partner=partner, category=category)
    row.account = account
    row.set_by = user_of(actor)
    row.set_at = timezone.now()
    row.save()
    record_event(
        actor=actor,
        partner=partner,
        action="purchasing.category_account_set",
        target=category,
        before=before,
        after={"category": category.code, "account": account.code},
    )
    return row


# --- settings and the scheme of delegation ---------------------------------------------------------------


def settings_of(partner: Partner) -> PurchasingSettings:
    """The partner's settings, made with the defaults (warn on overspend, orders numbered
    ``<code>-PO-000001``) the first time they are needed."""
    found = PurchasingSettings.objects.for_partner(partner).first()
    if found is not None:
        return found
    row, _ = PurchasingSettings.objects.for_partner(partner).get_or_create(
        partner=partner, defaults={"po_prefix": f"{partner.code}-PO-"}
    )
    return row


@transaction.atomic
def settings_set(
    *, actor: Any, partner: Partner, budget_check: str | None = None, po_prefix: str | None = None
) -> PurchasingSettings:
    """Whether an overspend warns or blocks, and the prefix of the partner's order numbers."""
    authorise(actor, "purchasing.setup", partner)
    row = settings_of(partner)
    before = {"budget_check": row.budget_check, "po_prefix": row.po_prefix}
    if budget_check is not None:
        if budget_check not in BudgetCheck.values:
            raise ValidationError({"budget_check": f"Choose one of: {', '.join(BudgetCheck.values)}."})
        row.budget_check = budget_check
    if po_prefix is not None:
        prefix = po_prefix.strip()
        if not prefix or len(prefix) > 10 or not re.fullmatch(r"[A-Za-z0-9/-]+", prefix):
            raise ValidationError({"po_prefix": "Use up to 10 letters, digits, hyphens or slashes."})
        row.po_prefix = prefix
    row.updated_by = user_of(actor)
    row.updated_at = timezone.now()
    row.save()
    record_event(
        actor=actor,
        partner=partner,
        action="purchasing.settings_set",
        target=row,
        before=before,
        after={"budget_check": row.budget_check, "po_prefix": row.po_prefix},
    )
    return row


@transaction.atomic
def delegation_set(
    *,
    actor: Any,
    partner: Partner,
    title: str,
    up_to: Decimal | None,
    source: str,
    role: str = "",
    user: Any = None,
) -> DelegationLimit:
    """Set a line of ``partner``'s scheme of delegation: everyone holding ``role``, or the named
    ``user``, may approve requisitions up to ``up_to`` net (None: no limit). Setting the same role
    or person again replaces their line."""
    authorise(actor, "purchasing.setup", partner)
    errors = Errors()
    title = _text(
        errors, "title", title, limit=100, required="Enter the title the scheme gives, e.g. Budget holder."
    )
    source = _text(errors, "source", source, limit=200, required="Enter the scheme's paragraph.")
    if bool(role) == (user is not None):
        errors.add("role", "Name a role or a person, not both.")
    if role and role not in Role.values:
        errors.add("role", f"Choose one of: {', '.join(Role.values)}.")
    if up_to is not None and not (
        up_to.is_finite()
        and Decimal(0) <= up_to < Decimal("1000000000000")
        and up_to == up_to.quantize(Decimal("0.01"))
    ):
        errors.add("up_to", "The limit is pounds and pence, from nothing to below £1,000,000,000,000.")
    errors.raise_if_any()
    lines = DelegationLimit.objects.for_partner(partner)
    row = lines.filter(role=role).first() if role else lines.filter(user=user).first()
    before = {"title": row.title, "up_to": row.up_to} if row else {}
    if row is None:
        row = DelegationLimit(partner=partner, role=role, user=user)
    row.title, row.up_to, row.source = title, up_to, source
    row.set_by = actor
    row.set_at = timezone.now()
    row.save()
    record_event(
        actor=actor,
        partner=partner,
        action="purchasing.delegation_set",
        target=row,
        before=before,
        after={
            "role": role,
            "user": user.get_username() if user is not None else "",
            "title": title,
            "up_to": up_to,
            "source": source,
        },
    )
    return row


@transaction.atomic
def delegation_remove(*, actor: Any, partner: Partner, line: DelegationLimit) -> None:
    authorise(actor, "purchasing.setup", partner)
    if line.partner_id != partner.pk:
        raise ValidationError({"line": "That line is not in this partner's scheme."})
    record_event(
        actor=actor,
        partner=partner,
        action="purchasing.delegation_removed",
        target=line,
        before={"title": line.title, "up_to": line.up_to, "role": line.role, "user": line.user_id},
    )
    DelegationLimit.objects.for_partner(partner).filter(pk=line.pk).delete()
