"""Purchasing for the test partnership: the council's and the constabulary's ledgers (2026/27),
a supplier each, the council's scheme of delegation (managers to £5,000, finance officers to
£25,000, its director with no limit), and the people who buy, approve and verify."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

from joinedup.ledger.models import Account, CostCentre
from joinedup.ledger.tests.base import LedgerTestCase
from joinedup.partnership.models import Partner, Role
from joinedup.purchasing import order_services, services
from joinedup.purchasing.models import Requisition, Supplier, SupplierContact

# Dates the budget check and orders see: a day in the council's financial year 2026/27.
TODAY = date(2026, 6, 15)


def on_day(day: date = TODAY) -> Any:
    return mock.patch("django.utils.timezone.localdate", return_value=day)


class PurchasingTestCase(LedgerTestCase):
    council_buyer: Any
    council_buyer2: Any
    council_manager: Any
    council_manager2: Any
    council_director: Any
    police_buyer: Any
    supplier: Supplier
    police_supplier: Supplier
    contact: SupplierContact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        council, police = cls.council, cls.police
        cls.council_buyer = cls.make_user("council.buyer", [(council, Role.PURCHASING_OFFICER)])
        cls.council_buyer2 = cls.make_user("council.buyer2", [(council, Role.PURCHASING_OFFICER)])
        cls.council_manager = cls.make_user("council.manager", [(council, Role.MANAGER)])
        cls.council_manager2 = cls.make_user("council.manager2", [(council, Role.MANAGER)])
        cls.council_director = cls.make_user("council.director", [(council, Role.MANAGER)])
        cls.police_buyer = cls.make_user("police.buyer", [(police, Role.PURCHASING_OFFICER)])
        cls.supplier = services.supplier_create(
            actor=cls.council_buyer,
            partner=council,
            name="Wessex Office Supplies Ltd",
            companies_house_number="01234567",
            vat_number="GB123456789",
            address_line1="1 Mill Lane",
            town="Winchester",
            postcode="SO23 8AB",
        )
        cls.contact = services.supplier_contact_add(
            actor=cls.council_buyer,
            partner=council,
            supplier=cls.supplier,
            name="Ada Ledger",
            role="Credit controller",
            phone="01962 000111",
        )
        cls.police_supplier = services.supplier_create(
            actor=cls.police_buyer, partner=police, name="Constabulary Kit Ltd"
        )
        for role, title, up_to in (
            (Role.MANAGER, "Budget holder", Decimal("5000.00")),
            (Role.FINANCE_OFFICER, "Finance officer", Decimal("25000.00")),
        ):
            services.delegation_set(
                actor=cls.council_finance,
                partner=council,
                role=role,
                title=title,
                up_to=up_to,
                source="Financial regulations, para. 4.2",
            )
        services.delegation_set(
            actor=cls.council_finance,
            partner=council,
            user=cls.council_director,
            title="Director of Resources",
            up_to=None,
            source="Financial regulations, para. 4.3",
        )

    def cost_centre(self, code: str = "HR", partner: Partner | None = None) -> CostCentre:
        return CostCentre.objects.for_partner(partner or self.council).get(code=code)

    def account(self, code: str = "4200", partner: Partner | None = None) -> Account:
        return Account.objects.for_partner(partner or self.council).get(code=code)

    def line(
        self,
        quantity: str = "10",
        unit_price: str = "12.50",
        *,
        vat_rate: str = "20.00",
        cost_centre: CostCentre | None = None,
        account: Account | None = None,
    ) -> order_services.LineIn:
        return order_services.LineIn(
            description="A4 paper, box of 5 reams",
            quantity=Decimal(quantity),
            unit_price=Decimal(unit_price),
            vat_rate=Decimal(vat_rate),
            cost_centre=cost_centre or self.cost_centre(),
            account=account or self.account(),
        )

    def requisition(
        self, *lines: order_services.LineIn, by: Any = None, submit: bool = True, supplier: Any = "default"
    ) -> Requisition:
        with on_day():
            requisition = order_services.requisition_create(
                actor=by or self.council_manager,
                partner=self.council,
                title="Paper for HR",
                supplier=self.supplier if supplier == "default" else supplier,
                lines=list(lines) or [self.line()],
            )
            if submit:
                requisition = order_services.requisition_submit(
                    actor=by or self.council_manager, requisition=requisition
                )
        return requisition
