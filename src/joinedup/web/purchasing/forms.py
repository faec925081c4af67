"""The purchasing pages' forms: they parse and say what is missing; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.purchasing.models import InvoiceKind, ReceiptKind, SupplierContact, SupplierKind, SupplierStatus
from joinedup.web.forms import (
    GovukForm,
    choice_field,
    date_field,
    notes_field,
    number_field,
    text_field,
)

VAT_CHOICES = [("20.00", "20% (standard)"), ("5.00", "5% (reduced)"), ("0.00", "0% (zero-rated or exempt)")]


class SupplierForm(GovukForm):
    name = text_field("Name", max_length=200)
    kind = choice_field(
        "Kind of supplier",
        SupplierKind.choices,
        hint="A sole trader's name is withheld from the spend over £500 the partners publish.",
    )
    companies_house_number = text_field("Companies House number (optional)", max_length=20, required=False)
    vat_number = text_field("VAT number (optional)", max_length=20, required=False)
    email = text_field("Email for remittances (optional)", max_length=254, required=False)
    address_line1 = text_field("Address line 1 (optional)", max_length=200, required=False)
    address_line2 = text_field("Address line 2 (optional)", max_length=200, required=False)
    town = text_field("Town (optional)", max_length=100, required=False)
    postcode = text_field("Postcode (optional)", max_length=10, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False
        self.fields["kind"].initial = SupplierKind.COMPANY

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or SupplierKind.COMPANY)


class StatusForm(GovukForm):
    status = choice_field("Status for this partner", SupplierStatus.choices)
    payment_terms_days = forms.IntegerField(
        label="Payment terms (days)",
        min_value=0,
        max_value=365,
        error_messages={
            "required": "Enter the payment terms.",
            "invalid": "Enter the payment terms in days.",
        },
    )
    notes = notes_field("Notes (only this partner reads them)", max_length=10000)


class ContactForm(GovukForm):
    name = text_field("Contact's name", max_length=200)
    role = text_field("Role (optional)", max_length=100, required=False)
    email = text_field("Email (optional)", max_length=254, required=False)
    phone = text_field("Telephone", max_length=30)


class BankChangeForm(GovukForm):
    sort_code = text_field("Sort code", max_length=20, hint="For example, 30-94-57")
    account_number = text_field("Account number", max_length=20)
    account_name = text_field("Name on the account", max_length=100)
    notified_by = text_field(
        "How the supplier told you", max_length=200, hint="For example, letter of 2 June 2026"
    )


class VerifyForm(GovukForm):
    contact: forms.ModelChoiceField[SupplierContact] = forms.ModelChoiceField(
        label="Contact called back",
        queryset=SupplierContact.objects.none(),
        error_messages={
            "required": "Choose the contact you called.",
            "invalid_choice": "Choose a contact from the list.",
        },
    )
    called_number = text_field(
        "Number you called", max_length=30, hint="A number held before the change was entered"
    )

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class RejectForm(GovukForm):
    note = text_field("Why it is rejected", max_length=300)


class LineForm(GovukForm):
    description = text_field("What is wanted", max_length=300)
    quantity = number_field("Quantity", max_digits=12, places=3, example="10")
    unit_price = number_field(
        "Unit price (£, before VAT)", max_digits=14, places=4, example="12.50", what="unit price"
    )
    vat_rate = choice_field("VAT rate", VAT_CHOICES)
    cost_centre = choice_field("Cost centre", [])
    account = choice_field("Account", [])

    def __init__(
        self, *args: Any, centres: list[tuple[str, str]], accounts: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_centre"].choices = [("", "Choose"), *centres]  # type: ignore[attr-defined]
        self.fields["account"].choices = [("", "Choose"), *accounts]  # type: ignore[attr-defined]


class RequisitionForm(LineForm):
    title = text_field("What the requisition is for", max_length=200)
    supplier = choice_field("Supplier", [])
    needed_by = date_field("Needed by (optional)", required=False)
    field_order = [
        "title",
        "supplier",
        "needed_by",
        "description",
        "quantity",
        "unit_price",
        "vat_rate",
        "cost_centre",
        "account",
    ]

    def __init__(self, *args: Any, suppliers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "Choose"), *suppliers]  # type: ignore[attr-defined]


class DecisionForm(GovukForm):
    note = text_field("Note (needed to reject)", max_length=300, required=False)


class ReceiptForm(GovukForm):
    kind = choice_field("Receipt or return", ReceiptKind.choices)
    received_on = date_field("Date")
    reference = text_field("Delivery note or returns number (optional)", max_length=60, required=False)

    def __init__(self, *args: Any, lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for line in lines:
            self.fields[f"line_{line.pk}"] = number_field(
                f"Line {line.line_number}: {line.description[:60]}",
                max_digits=12,
                places=3,
                example="4",
                required=False,
                what=f"quantity of line {line.line_number}",
            )


# --- payables -----------------------------------------------------------------------------------------

INVOICE_SLOTS = 5  # line rows on the invoice form; an invoice with more lines comes by import
LINE_FIELDS = ("order_line", "description", "quantity", "unit_price", "vat_rate", "cost_centre", "account")


def slot_name(slot: int, name: str) -> str:
    return f"line{slot}_{name}"


class InvoiceForm(GovukForm):
    """An invoice or credit note with up to ``INVOICE_SLOTS`` lines; a row left empty is no line.
    A line against an order names its line number and may leave the cost centre, account and VAT
    rate to the order line's."""

    supplier = choice_field("Supplier", [])
    kind = choice_field("Invoice or credit note", InvoiceKind.choices, what="kind of document")
    number = text_field("Supplier's invoice number", max_length=60, what="invoice number")
    invoice_date = date_field("Invoice date")
    due_date = date_field(
        "Due date (optional)", required=False, hint="Left empty: the invoice date plus the supplier's terms"
    )
    order = text_field(
        "Purchase order number (optional)", max_length=30, required=False, hint="Empty for a non-PO invoice"
    )

    def __init__(
        self,
        *args: Any,
        suppliers: list[tuple[str, str]],
        centres: list[tuple[str, str]],
        accounts: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "Choose"), *suppliers]  # type: ignore[attr-defined]
        for slot in range(1, INVOICE_SLOTS + 1):
            here = f"line {slot}"
            self.fields[slot_name(slot, "order_line")] = forms.IntegerField(
                label=f"Line {slot}: order line (optional)",
                required=False,
                min_value=1,
                max_value=500,
                error_messages={
                    "invalid": f"Enter the order line of {here} as a number, like 1.",
                    "min_value": f"The order line of {here} must be 1 or more.",
                    "max_value": f"The order line of {here} must be 500 or less.",
                },
            )
            self.fields[slot_name(slot, "description")] = text_field(
                f"Line {slot}: description", max_length=300, required=False, what=f"description of {here}"
            )
            self.fields[slot_name(slot, "quantity")] = number_field(
                f"Line {slot}: quantity",
                max_digits=12,
                places=3,
                example="10",
                required=False,
                what=f"quantity of {here}",
            )
            self.fields[slot_name(slot, "unit_price")] = number_field(
                f"Line {slot}: unit price (£, before VAT)",
                max_digits=14,
                places=4,
                example="12.50",
                required=False,
                what=f"unit price of {here}",
            )
            self.fields[slot_name(slot, "vat_rate")] = choice_field(
                f"Line {slot}: VAT rate", VAT_CHOICES, what=f"VAT rate of {here}"
            )
            self.fields[slot_name(slot, "vat_rate")].initial = "20.00"
            self.fields[slot_name(slot, "vat_rate")].required = False
            self.fields[slot_name(slot, "cost_centre")] = choice_field(
                f"Line {slot}: cost centre",
                [("", "The order line's"), *centres],
                what=f"cost centre of {here}",
            )
            self.fields[slot_name(slot, "cost_centre")].required = False
            self.fields[slot_name(slot, "account")] = choice_field(
                f"Line {slot}: account", [("", "The order line's"), *accounts], what=f"account of {here}"
            )
            self.fields[slot_name(slot, "account")].required = False

    def header(self) -> list[forms.BoundField]:
        return [self[name] for name in ("supplier", "kind", "number", "invoice_date", "due_date", "order")]

    def slots(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [
            (slot, [self[slot_name(slot, name)] for name in LINE_FIELDS])
            for slot in range(1, INVOICE_SLOTS + 1)
        ]

    def used_slots(self) -> list[int]:
        """The rows with anything typed in them (a VAT rate alone is the default, not a line)."""
        data = self.cleaned_data
        return [
            slot
            for slot in range(1, INVOICE_SLOTS + 1)
            if any(
                data.get(slot_name(slot, name)) not in (None, "")
                for name in ("order_line", "description", "quantity", "unit_price")
            )
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used = self.used_slots()
        if not used and not self.errors:
            raise forms.ValidationError("Enter at least one line.")
        for slot in used:
            for name, what in (
                ("description", "Enter the description"),
                ("quantity", "Enter the quantity"),
                ("unit_price", "Enter the unit price"),
                ("vat_rate", "Choose the VAT rate"),
            ):
                field = slot_name(slot, name)
                if data.get(field) in (None, "") and field not in self.errors:
                    self.add_error(field, f"{what} of line {slot}.")
        return data


class NoteForm(GovukForm):
    note = text_field(
        "Why the exceptions are accepted (needed to release from the queue)",
        max_length=300,
        required=False,
        what="note",
    )


class ReasonForm(GovukForm):
    reason = text_field("Why it is cancelled", max_length=300, what="reason")


class PaymentRunForm(GovukForm):
    due_by = date_field("Pay approved invoices due by")
    payment_date = date_field(
        "Payment date", hint="A BACS processing day (Monday to Friday), like 2026-06-05"
    )


class ContractForm(GovukForm):
    """A contract's details; the extension options and call-off partners are entered with it on
    creation, and changed on its page afterwards."""

    title = text_field("What the contract is for", max_length=200)
    supplier = forms.TypedChoiceField(label="Supplier", coerce=int, choices=())
    category = forms.TypedChoiceField(label="Category", coerce=int, choices=())
    cpv_code = text_field(
        "CPV code (optional)", max_length=12, required=False, hint="For example, 30192000-1"
    )
    value = number_field("Total value (£, excluding VAT)", max_digits=14, places=2, example="50000.00")
    start_date = date_field("Start date")
    end_date = date_field("End date", hint="Before any extension, year first, like 2028-03-31.")
    owner = forms.TypedChoiceField(label="Owner (told when it is due for renewal)", coerce=int, choices=())

    def __init__(
        self,
        *args: Any,
        suppliers: list[tuple[int, str]],
        categories: list[tuple[int, str]],
        owners: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = suppliers  # type: ignore[attr-defined]
        self.fields["category"].choices = categories  # type: ignore[attr-defined]
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class NewContractForm(ContractForm):
    reference = text_field("Contract reference", max_length=40)
    extension_months = text_field(
        "Extension options (optional)", max_length=100, required=False, hint="Months of each, e.g. 12, 12"
    )
    call_off = forms.TypedMultipleChoiceField(
        label="Partners that may call off it", coerce=int, choices=(), required=False
    )
    field_order = ["reference"]

    def __init__(self, *args: Any, partners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call_off"].choices = partners  # type: ignore[attr-defined]
        self.order_fields(["reference", *[f for f in self.fields if f != "reference"]])

    def clean_extension_months(self) -> list[int]:
        text = self.cleaned_data.get("extension_months") or ""
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError:
            raise forms.ValidationError("Enter the months of each option, separated by commas.") from None


class EndContractForm(GovukForm):
    ended_on = date_field("Ended on")
    reason = text_field("Why it ends", max_length=300)


class CallOffForm(GovukForm):
    partner = forms.TypedChoiceField(label="Partner", coerce=int, choices=())

    def __init__(self, *args: Any, partners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = partners  # type: ignore[attr-defined]


class ContractLinkForm(GovukForm):
    """The contract an invoice or order was bought under, from the live contracts its partner may
    call off with its supplier; the empty choice unlinks it."""

    contract = forms.TypedChoiceField(
        label="Contract",
        coerce=int,
        choices=(),
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a live contract with this supplier from the list."},
    )

    def __init__(self, *args: Any, contracts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", "Not under a contract"), *contracts]  # type: ignore[attr-defined]
