"""Fixtures for the invoice and payment-run tests: the test partnership's ledgers (LedgerTestCase),
purchasing staff of the council and the police, the council's scheme of delegation, settings and
payables account, two suppliers (one with verified bank details, one whose only change waits for
verification), and an order of the council's, partly received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from typing import Any

from django.utils import timezone

from joinedup.ledger.models import Account, CostCentre
from joinedup.ledger.tests.base import LedgerTestCase
from joinedup.partnership.models import Partner, Role
from joinedup.purchasing.invoices import LineEntry, invoice_enter
from joinedup.purchasing.models import (
    BankChangeStatus,
    BankDetailChange,
    DelegationLimit,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentRun,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
    Receipt,
    ReceiptLine,
    Supplier,
    SupplierBankDetails,
    SupplierContact,
    SupplierPartner,
    SupplierStatus,
    VerificationMethod,
)
from joinedup.purchasing.payments import payment_run_create

INVOICE_DAY = date(2026, 5, 11)  # a Monday in the council's open 2026/27 ledger
DUE_DAY = date(2026, 6, 10)  # 30 days on
PAY_DAY = date(2026, 6, 5)  # a Friday


class InvoicingTestCase(LedgerTestCase):
    council_buyer: Any
    council_buyer2: Any
    council_manager: Any
    council_payer: Any
    police_buyer: Any
    police_payer: Any
    acme: Supplier
    beta: Supplier
    order: PurchaseOrder

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_buyer = cls.make_user("council.buyer", [(cls.council, Role.PURCHASING_OFFICER)])
        cls.council_buyer2 = cls.make_user("council.buyer2", [(cls.council, Role.PURCHASING_OFFICER)])
        cls.council_manager = cls.make_user("council.manager", [(cls.council, Role.MANAGER)])
        # A second finance officer: runs are made by one and approved by another.
        cls.council_payer = cls.make_user("council.payer", [(cls.council, Role.FINANCE_OFFICER)])
        cls.police_buyer = cls.make_user("police.buyer", [(cls.police, Role.PURCHASING_OFFICER)])
        cls.police_payer = cls.make_user("police.payer", [(cls.police, Role.FINANCE_OFFICER)])
        for partner, sort_code, account, sun in (
            (cls.council, "400000", "11112222", "111111"),
            (cls.police, "400001", "33334444", "222222"),
        ):
            PurchasingSettings.objects.create(
                partner=partner,
                po_prefix=f"{partner.code}-PO-",
                price_tolerance_percent=D("2.00"),
                price_tolerance_amount=D("5.00"),
                quantity_tolerance_percent=D("0.00"),
                quantity_tolerance_amount=D("0.000"),
                bank_sort_code=sort_code,
                bank_account_number=account,
                bank_account_name=f"{partner.code} payables",
                bacs_user_number=sun,
            )
        DelegationLimit.objects.create(
            partner=cls.council,
            role=Role.MANAGER,
            title="Budget holder",
            up_to=D("1000.00"),
            source="Scheme of delegation 4.2",
            set_by=cls.council_finance,
        )
        DelegationLimit.objects.create(
            partner=cls.council,
            role=Role.FINANCE_OFFICER,
            title="Finance",  # no up_to: any value
            source="Scheme of delegation 4.1",
            set_by=cls.council_finance,
        )
        cls.acme = cls.supplier("Acme Stationery Ltd", "ACME01", verified=True)
        cls.beta = cls.supplier("Beta Legal LLP", "BETA01", verified=False)
        SupplierPartner.objects.create(partner=cls.police, supplier=cls.acme, reference="ACME-P")
        cls.order = PurchaseOrder.objects.create(
            partner=cls.council,
            number="WCC-PO-000001",
            supplier=cls.acme,
            order_date=date(2026, 5, 1),
            issued_by=cls.council_buyer,
        )
        paper = PurchaseOrderLine.objects.create(
            partner=cls.council,
            order=cls.order,
            line_number=1,
            description="A4 paper, box of 5 reams",
            quantity=D("10"),
            unit_price=D("20.00"),
            vat_rate=D("20"),
            net=D("200.00"),
            vat=D("40.00"),
            cost_centre=cls.centre(cls.council, "HR"),
            account=cls.account(cls.council, "4200"),
        )
        receipt = Receipt.objects.create(
            partner=cls.council, order=cls.order, received_on=date(2026, 5, 5), recorded_by=cls.council_buyer
        )
        ReceiptLine.objects.create(partner=cls.council, receipt=receipt, order_line=paper, quantity=D("8"))

    @classmethod
    def supplier(cls, name: str, reference: str, *, verified: bool) -> Supplier:
        supplier = Supplier.objects.create(name=name, email=f"accounts@{reference.lower()}.example")
        SupplierPartner.objects.create(
            partner=cls.council, supplier=supplier, reference=reference, status=SupplierStatus.APPROVED
        )
        contact = SupplierContact.objects.create(supplier=supplier, name="Accounts", phone="01632 960001")
        change = BankDetailChange.objects.create(
            supplier=supplier,
            entered_for=cls.council,
            sort_code="309634",
            account_number="12345678" if verified else "87654321",
            account_name=name,
            notified_by="Letter of 1 April",
            entered_by=cls.council_buyer,
        )
        if verified:
            change.status = BankChangeStatus.VERIFIED
            change.decided_by = cls.council_finance
            change.decided_for = cls.council
            change.decided_at = timezone.now()
            change.method = VerificationMethod.CALL_BACK
            change.called_contact = contact
            change.called_number = contact.phone
            change.save()
            SupplierBankDetails.objects.create(
                supplier=supplier,
                change=change,
                sort_code=change.sort_code,
                account_number=change.account_number,
                account_name=name,
            )
        return supplier

    @staticmethod
    def centre(partner: Partner, code: str) -> CostCentre:
        return CostCentre.objects.for_partner(partner).get(code=code)

    @staticmethod
    def account(partner: Partner, code: str) -> Account:
        return Account.objects.for_partner(partner).get(code=code)

    def enter(
        self,
        *,
        number: str = "INV-1001",
        supplier: Supplier | None = None,
        lines: list[LineEntry] | None = None,
        actor: Any = None,
        partner: Partner | None = None,
        **kwargs: Any,
    ) -> Invoice:
        """A non-PO invoice of £100 net (£120 gross) for council HR's stationery, unless told."""
        return invoice_enter(
            actor=actor or self.council_buyer,
            partner=partner or self.council,
            supplier=supplier or self.acme,
            number=number,
            invoice_date=kwargs.pop("invoice_date", INVOICE_DAY),
            lines=lines
            or [
                LineEntry(
                    description="Toner",
                    quantity=D("2"),
                    unit_price=D("50.00"),
                    vat_rate=D("20"),
                    cost_centre="HR",
                    account="4200",
                )
            ],
            **kwargs,
        )


@dataclass
class SamplePayables:
    supplier: Supplier
    invoice: Invoice
    run: PaymentRun
    payment: Payment


def sample_payables(partner: Partner, *, enterer: Any, verifier: Any, payer: Any) -> SamplePayables:
    """For the attack tests: a supplier of ``partner`` only with verified bank details, one approved
    invoice of £120 and a draft payment run that pays it."""
    settings, _ = PurchasingSettings.objects.for_partner(partner).get_or_create(
        partner=partner, defaults={"po_prefix": f"{partner.code}-PO-"}
    )
    if not settings.bank_account_number:
        settings.bank_sort_code, settings.bank_account_number = "400000", f"{partner.pk:08d}"
        settings.bank_account_name, settings.bacs_user_number = (
            f"{partner.code} payables",
            f"{partner.pk:06d}",
        )
        settings.save()
    supplier = Supplier.objects.create(name=f"Sample Supplier of {partner.code}")
    SupplierPartner.objects.create(partner=partner, supplier=supplier, reference=f"S-{partner.code}")
    change = BankDetailChange.objects.create(
        supplier=supplier,
        entered_for=partner,
        sort_code="309634",
        account_number="12345678",
        account_name="Sample Supplier",
        notified_by="Letter",
        entered_by=enterer,
        status=BankChangeStatus.VERIFIED,
        decided_by=verifier,
        decided_for=partner,
        decided_at=timezone.now(),
        method=VerificationMethod.CALL_BACK,
        called_number="01632 960002",
    )
    SupplierBankDetails.objects.create(
        supplier=supplier, change=change, sort_code="309634", account_number="12345678", account_name="Sample"
    )
    invoice = Invoice.objects.create(
        partner=partner,
        supplier=supplier,
        number=f"S-{partner.code}-1",
        number_key=f"S{partner.code}1",
        invoice_date=INVOICE_DAY,
        received_date=INVOICE_DAY,
        due_date=INVOICE_DAY,
        net=D("100.00"),
        vat=D("20.00"),
        gross=D("120.00"),
        status=InvoiceStatus.APPROVED,
        entered_by=enterer,
    )
    InvoiceLine.objects.create(
        partner=partner,
        invoice=invoice,
        line_number=1,
        description="Sample",
        quantity=D("1"),
        unit_price=D("100.00"),
        vat_rate=D("20"),
        net=D("100.00"),
        vat=D("20.00"),
        cost_centre=CostCentre.objects.for_partner(partner).order_by("code")[0],
        account=Account.objects.for_partner(partner).get(code="4200"),
    )
    run = payment_run_create(actor=payer, partner=partner, due_by=DUE_DAY, payment_date=PAY_DAY)
    invoice.refresh_from_db()
    return SamplePayables(supplier, invoice, run, Payment.objects.for_partner(partner).get(run=run))
