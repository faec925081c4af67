"""The demo partnership's purchasing set-up: five suppliers the council, the constabulary and the
fire service all buy from (stationery, ICT hardware, fleet fuel, agency staff, legal services),
categories mapped to each partner's accounts, the council's and the constabulary's schemes of
delegation, bank details verified by call-back for four suppliers and a change waiting for the
fifth, a requisition of the council's waiting for approval, and the shared service's contracts
register (one contract due for renewal within three months of the day the demo is seeded).

The shared-services body's two purchasing officers keep the register: one enters, the other
verifies (nobody verifies their own entry). A year of invoices and spend is a later issue's."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from joinedup.ledger.models import Account, CostCentre
from joinedup.partnership.models import Partner, Role
from joinedup.purchasing import contracts, order_services, renewal, services
from joinedup.purchasing.models import Supplier

BUYERS = ("shared.buyer", "shared.buyer2")

# code, name, subcategory code, subcategory name, account code in the public-body chart
CATEGORIES = [
    ("OFF", "Office and stationery", "OFF10", "Paper and stationery", "4200"),
    ("ICT", "Information and communication technology", "ICT10", "ICT hardware", "4100"),
    ("FLT", "Fleet and transport", "FLT10", "Fleet fuel", "3100"),
    ("HRS", "Human resources", "HRS10", "Agency staff", "1300"),
    ("LEG", "Legal services", "LEG10", "External legal advice", "4300"),
]

# name, Companies House number, VAT number, town, postcode, contact, phone, sort code, account
SUPPLIERS = [
    (
        "Wessex Office Supplies Ltd",
        "04512873",
        "GB284756193",
        "Winchester",
        "SO23 8AB",
        "Ada Ledger",
        "01962 555101",
        "309457",
        "12345678",
    ),
    (
        "Kestrel ICT Ltd",
        "07834561",
        "GB312874560",
        "Southampton",
        "SO14 3JA",
        "Ravi Menon",
        "023 8055 5102",
        "200000",
        "55779911",
    ),
    (
        "Southern Fuel Cards Ltd",
        "03398215",
        "GB198273645",
        "Basingstoke",
        "RG21 7QW",
        "Jo Marsh",
        "01256 555103",
        "404784",
        "70872490",
    ),
    (
        "Peoplebank Agency Staffing Ltd",
        "08812346",
        "GB455128390",
        "Reading",
        "RG1 1AF",
        "Tom Briggs",
        "0118 555 5104",
        "601613",
        "31926819",
    ),
    (
        "Hampshire Legal LLP",
        "OC345678",
        "GB566712389",
        "Winchester",
        "SO23 9DX",
        "Helen Crane",
        "01962 555105",
        "087199",
        "44556677",
    ),
]
BUYING_PARTNERS = ("WCC", "WPOL", "WFRS")
# The partners whose finance officers keep a scheme of delegation among the demo users.
SCHEMES = {"WCC": "council.finance", "WPOL": "police.finance"}


def seed_demo_purchasing(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    if Supplier.objects.filter(name=SUPPLIERS[0][0]).exists():
        return
    buyer, checker = (users[name] for name in BUYERS)
    council = partners["WCC"]
    subcategories = {}
    for code, name, sub_code, sub_name, _ in CATEGORIES:
        top = services.category_add(actor=users["council.finance"], partner=council, code=code, name=name)
        subcategories[sub_code] = services.category_add(
            actor=users["council.finance"], partner=council, code=sub_code, name=sub_name, parent=top
        )
    for code in BUYING_PARTNERS:
        partner = partners[code]
        for _, _, sub_code, _, account in CATEGORIES:
            services.category_account_set(
                actor=users[SCHEMES[code]] if code in SCHEMES else _setup_actor(users),
                partner=partner,
                category=subcategories[sub_code],
                account=Account.objects.for_partner(partner).get(code=account),
            )
    for code, finance in SCHEMES.items():
        for role, title, up_to in (
            (Role.MANAGER, "Budget holder", Decimal("5000.00")),
            (Role.FINANCE_OFFICER, "Finance officer", Decimal("25000.00")),
        ):
            services.delegation_set(
                actor=users[finance],
                partner=partners[code],
                role=role,
                title=title,
                up_to=up_to,
                source="Financial regulations, part 4 (delegated purchasing limits)",
            )
    suppliers = []
    for n, (name, company, vat, town, postcode, contact, phone, sort, account) in enumerate(SUPPLIERS):
        supplier = services.supplier_create(
            actor=buyer,
            partner=council,
            name=name,
            companies_house_number=company,
            vat_number=vat,
            email=f"accounts@{name.split()[0].lower()}.example",
            address_line1=f"{n + 1} Station Road",
            town=town,
            postcode=postcode,
        )
        for code in BUYING_PARTNERS[1:]:
            services.supplier_status_set(
                actor=buyer, partner=partners[code], supplier=supplier, status="approved"
            )
        held = services.supplier_contact_add(
            actor=buyer, partner=council, supplier=supplier, name=contact, role="Credit control", phone=phone
        )
        change = services.bank_change_enter(
            actor=buyer,
            partner=council,
            supplier=supplier,
            sort_code=sort,
            account_number=account,
            account_name=name.upper()[:100],
            notified_by="New supplier form, signed and on headed paper",
        )
        # The last supplier's details wait for the second person: the demo's change to verify.
        if n < len(SUPPLIERS) - 1:
            services.bank_change_verify(
                actor=checker, partner=council, change=change, contact=held, called_number=phone
            )
        suppliers.append(supplier)
    services.supplier_status_set(
        actor=buyer,
        partner=partners["WPOL"],
        supplier=suppliers[3],
        status="on_hold",
        notes="Two timesheets disputed in September; orders wait until they are settled.",
    )
    centre = (
        CostCentre.objects.for_partner(council)
        .filter(org_unit__isnull=False, active=True)
        .order_by("code")
        .first()
    )
    if centre is not None:
        requisition = order_services.requisition_create(
            actor=users["council.manager"],
            partner=council,
            title="Laptops for the new starters",
            supplier=suppliers[1],
            lines=[
                order_services.LineIn(
                    description="14-inch laptop, 16 GB, three-year warranty",
                    quantity=Decimal(6),
                    unit_price=Decimal("849.00"),
                    vat_rate=Decimal("20.00"),
                    cost_centre=centre,
                    account=Account.objects.for_partner(council).get(code="4100"),
                    category=subcategories["ICT10"],
                )
            ],
        )
        order_services.requisition_submit(actor=users["council.manager"], requisition=requisition)
    _seed_contracts(partners=partners, buyer=buyer, suppliers=suppliers, categories=subcategories)
    say(
        f"Purchasing: {len(SUPPLIERS)} suppliers for {len(BUYING_PARTNERS)} partners, "
        f"{len(CATEGORIES)} categories, a bank-detail change and a requisition waiting, "
        f"{len(CONTRACTS)} contracts"
    )


# reference, title, supplier (index in SUPPLIERS), subcategory, CPV code, value, months from
# today to its end (so the demo always has one due for renewal), months run so far, extension
# options (months), partners calling off
CONTRACTS = [
    (
        "WSS-C-0001",
        "Office stationery and paper",
        0,
        "OFF10",
        "30192000-1",
        "180000.00",
        2,
        34,
        (12,),
        BUYING_PARTNERS,
    ),
    ("WSS-C-0002", "Fleet fuel cards", 2, "FLT10", "", "2400000.00", 20, 16, (12, 12), ("WPOL", "WFRS")),
    (
        "WSS-C-0003",
        "Agency staff (managed service)",
        3,
        "HRS10",
        "79610000-3",
        "3600000.00",
        30,
        18,
        (24,),
        BUYING_PARTNERS,
    ),
    ("WSS-C-0004", "External legal advice panel", 4, "LEG10", "", "450000.00", 9, 39, (), ("WCC", "WPOL")),
]


def _seed_contracts(
    *, partners: dict[str, Partner], buyer: Any, suppliers: list[Supplier], categories: dict[str, Any]
) -> None:
    today = timezone.localdate()
    for reference, title, supplier, category, cpv, value, to_end, run, options, callers in CONTRACTS:
        end = renewal.months_after(today, to_end)
        contracts.contract_create(
            actor=buyer,
            partner=partners["WSS"],
            reference=reference,
            title=title,
            supplier=suppliers[supplier],
            category=categories[category],
            cpv_code=cpv,
            value=Decimal(value),
            start_date=renewal.months_before(today, run),
            end_date=end,
            owner=buyer,
            extensions=[contracts.ExtensionIn(months=m) for m in options],
            call_off_partners=[partners[code] for code in callers],
        )


def _setup_actor(users: dict[str, Any]) -> Any:
    """Who maps the fire service's categories: it has no finance officer among the demo users,
    so the demo's service administrator, who holds purchasing.setup on every partner."""
    return users["ops.admin"]
