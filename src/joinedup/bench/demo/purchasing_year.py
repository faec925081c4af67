"""A year of the demo partners' purchasing, October 2025 to September 2026, through the services.

The council, the constabulary and the fire service each buy the same five things — paper,
agency staff, laptops, diesel and legal advice — some from the same suppliers at different
prices, some from a second supplier at a higher one, so the spend analysis finds every category
bought by two or more partners from several suppliers (consolidation candidates). Each quarter
a purchasing officer raises a requisition per category, the partner's finance officer approves
it under the scheme of delegation, and it becomes a call-off order; each month the goods or
hours are received, the supplier's invoice is matched to order and receipt, and the month's
payment run (made by the finance officer, approved by a second person) pays it and posts it to
the partner's ledger. The fire service's legal adviser is a sole trader, whose
name the spend-over-£500 export withholds.

October 2026, the demo month, holds one invoice in the council's exceptions queue: laptops
invoiced at £899.00 each against an order at £849.00, beyond the 2% / £5.00 price tolerance.
Nothing of the year is posted in October, so October's budget against actual still compares pay.
Hampshire Legal LLP's bank details (seed_demo_purchasing) still wait for their second person."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from joinedup.bench.demo import SEEDER
from joinedup.core.dates import people_month
from joinedup.ledger.models import Account, CostCentre
from joinedup.ledger.services import ledger_setup_partner
from joinedup.partnership.models import Partner, Role
from joinedup.purchasing import order_services, services
from joinedup.purchasing.invoices import LineEntry, invoice_enter
from joinedup.purchasing.models import Category, Invoice, PurchaseOrder, Supplier, SupplierKind
from joinedup.purchasing.payments import payment_run_approve, payment_run_create, payment_run_mark_paid

FIRST_MONTH = date(2025, 10, 1)
MONTHS = 12
EXCEPTION_MONTH = date(2026, 10, 1)
FINANCE = {"WCC": "council.finance", "WPOL": "police.finance", "WFRS": "fire.finance"}
BUYER, RECEIVER = "shared.buyer", "shared.buyer2"
# Each month's quantity as a share of the usual: no two months alike, so no two invoices of a
# supplier carry the same amount (which, with a near-identical number, would look duplicated).
SEASON = [
    Decimal(x)
    for x in ("1.00", "0.95", "1.05", "0.90", "1.10", "0.97", "1.03", "0.92", "1.08", "0.98", "1.02", "0.94")
]


@dataclass(frozen=True)
class NewSupplier:
    name: str
    kind: str
    company: str
    vat: str
    town: str
    postcode: str
    contact: str
    phone: str
    sort_code: str
    account: str


# The second supplier of each category (the first five come from seed_demo_purchasing).
NEW_SUPPLIERS = [
    NewSupplier(
        "Solent Stationers Ltd",
        SupplierKind.COMPANY,
        "05123987",
        "GB401928374",
        "Portsmouth",
        "PO1 2DX",
        "Ken Ashby",
        "023 9255 5106",
        "309634",
        "81726354",
    ),
    NewSupplier(
        "Meridian Recruitment Ltd",
        SupplierKind.COMPANY,
        "09234518",
        "GB502837465",
        "Newbury",
        "RG14 5BX",
        "Ola Bankole",
        "01635 555107",
        "200415",
        "62738495",
    ),
    NewSupplier(
        "Chalk Stream Computers Ltd",
        SupplierKind.COMPANY,
        "10345629",
        "GB603746512",
        "Andover",
        "SP10 1LT",
        "Dev Sharma",
        "01264 555108",
        "404157",
        "53849201",
    ),
    NewSupplier(
        "Downland Fuels Ltd",
        SupplierKind.COMPANY,
        "06457730",
        "GB704655321",
        "Petersfield",
        "GU32 3HN",
        "Sue Caddy",
        "01730 555109",
        "601026",
        "44950312",
    ),
    NewSupplier(
        "Test Valley Law LLP",
        SupplierKind.COMPANY,
        "OC412345",
        "GB805564130",
        "Romsey",
        "SO51 8GY",
        "Ravi Patel",
        "01794 555110",
        "087123",
        "35061423",
    ),
    # A solicitor in practice on her own: a sole trader, not registered for VAT.
    NewSupplier(
        "Margaret Osei",
        SupplierKind.SOLE_TRADER,
        "",
        "",
        "Alresford",
        "SO24 9AB",
        "Margaret Osei",
        "01962 555111",
        "309871",
        "26172534",
    ),
]


@dataclass(frozen=True)
class Buy:
    category: str  # subcategory code (seed_demo_purchasing's CATEGORIES)
    account: str
    supplier: str
    description: str
    monthly: Decimal  # a usual month's quantity
    unit_price: Decimal
    vat_rate: Decimal
    number_prefix: str  # the supplier's invoice numbering


def _buy(
    category: str,
    account: str,
    supplier: str,
    description: str,
    monthly: str,
    price: str,
    vat: str,
    prefix: str,
) -> Buy:
    return Buy(
        category, account, supplier, description, Decimal(monthly), Decimal(price), Decimal(vat), prefix
    )


# What each partner buys each month, from whom, at what price. Quarterly orders stay within
# the finance officers' £25,000 delegated limit.
BUYING: dict[str, list[Buy]] = {
    "WCC": [
        _buy(
            "OFF10",
            "4200",
            "Wessex Office Supplies Ltd",
            "A4 copier paper, box of 5 reams",
            "60",
            "17.80",
            "20",
            "WOS",
        ),
        _buy(
            "HRS10",
            "1300",
            "Peoplebank Agency Staffing Ltd",
            "Agency social worker, hours",
            "200",
            "38.50",
            "20",
            "PB",
        ),
        _buy(
            "ICT10",
            "4100",
            "Kestrel ICT Ltd",
            "14-inch laptop, 16 GB, three-year warranty",
            "8",
            "849.00",
            "20",
            "KI",
        ),
        _buy(
            "FLT10",
            "3100",
            "Southern Fuel Cards Ltd",
            "Diesel by fuel card, litres",
            "4000",
            "1.32",
            "20",
            "SFC",
        ),
        _buy(
            "LEG10",
            "4300",
            "Test Valley Law LLP",
            "Planning and contracts advice, hours",
            "25",
            "165.00",
            "20",
            "TVL",
        ),
    ],
    "WPOL": [
        _buy(
            "OFF10",
            "4200",
            "Solent Stationers Ltd",
            "A4 copier paper, box of 5 reams",
            "30",
            "21.40",
            "20",
            "SS",
        ),
        _buy(
            "HRS10",
            "1300",
            "Meridian Recruitment Ltd",
            "Agency call handler, hours",
            "240",
            "27.90",
            "20",
            "MR",
        ),
        _buy(
            "ICT10",
            "4100",
            "Kestrel ICT Ltd",
            "14-inch laptop, 16 GB, three-year warranty",
            "6",
            "905.00",
            "20",
            "KI",
        ),
        _buy(
            "FLT10",
            "3100",
            "Southern Fuel Cards Ltd",
            "Diesel by fuel card, litres",
            "5500",
            "1.36",
            "20",
            "SFC",
        ),
        _buy(
            "LEG10",
            "4300",
            "Test Valley Law LLP",
            "Police misconduct hearing advice, hours",
            "18",
            "185.00",
            "20",
            "TVL",
        ),
    ],
    "WFRS": [
        _buy(
            "OFF10",
            "4200",
            "Wessex Office Supplies Ltd",
            "A4 copier paper, box of 5 reams",
            "12",
            "18.60",
            "20",
            "WOS",
        ),
        _buy(
            "HRS10",
            "1300",
            "Peoplebank Agency Staffing Ltd",
            "Agency fire safety adviser, hours",
            "120",
            "41.75",
            "20",
            "PB",
        ),
        _buy(
            "ICT10",
            "4100",
            "Chalk Stream Computers Ltd",
            "14-inch laptop, 16 GB, three-year warranty",
            "3",
            "962.00",
            "20",
            "CSC",
        ),
        _buy(
            "FLT10", "3100", "Downland Fuels Ltd", "Diesel, bulk delivery, litres", "3000", "1.44", "20", "DF"
        ),
        _buy("LEG10", "4300", "Margaret Osei", "Employment law advice, hours", "10", "210.00", "0", "MO"),
    ],
}
# The account each partner pays suppliers from (demo values) and its BACS service user number.
PAYING_ACCOUNTS = {
    "WCC": ("309950", "41526378", "610001"),
    "WPOL": ("309951", "52637489", "610002"),
    "WFRS": ("309952", "63748590", "610003"),
}
TOLERANCE_PERCENT, TOLERANCE_AMOUNT = Decimal("2.00"), Decimal("5.00")


def _month(index: int) -> date:
    month = FIRST_MONTH.month - 1 + index
    return date(FIRST_MONTH.year + month // 12, month % 12 + 1, 1)


def _pay_day(month: date) -> date:
    """The month's last weekday: when its payment run pays."""
    day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _quantity(buy: Buy, index: int) -> Decimal:
    raw = buy.monthly * SEASON[index % len(SEASON)]
    return max(raw.quantize(Decimal(1)), Decimal(1))


def seed_demo_purchasing_year(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    if Supplier.objects.filter(name=NEW_SUPPLIERS[0].name).exists():
        return
    buyer, receiver = users[BUYER], users[RECEIVER]
    buying = {code: partners[code] for code in BUYING}
    _second_suppliers(buying, buyer, receiver)
    for code, partner in buying.items():
        # Purchasing began before the ledger's first demo year: open 2025/26 for its postings.
        ledger_setup_partner(actor=SEEDER, partner=partner, year=FIRST_MONTH.year)
        _paying_account(partner, code)
        if code == "WFRS":
            services.delegation_set(
                actor=users[FINANCE[code]],
                partner=partner,
                role=Role.FINANCE_OFFICER,
                title="Finance officer",
                up_to=Decimal("25000.00"),
                source="Financial regulations, part 4 (delegated purchasing limits)",
            )
    suppliers = {s.name: s for s in Supplier.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    invoices = 0
    for code, partner in buying.items():
        finance = users[FINANCE[code]]
        centres = list(
            CostCentre.objects.for_partner(partner)
            .filter(org_unit__isnull=False, active=True)
            .order_by("code")
            .values_list("pk", flat=True)[:5]
        )
        for n, buy in enumerate(BUYING[code]):
            centre = CostCentre.objects.for_partner(partner).get(pk=centres[n % len(centres)])
            account = Account.objects.for_partner(partner).get(code=buy.account)
            for quarter in range(MONTHS // 3):
                months = [quarter * 3 + k for k in range(3)]
                order = _order(
                    partner,
                    buy,
                    supplier=suppliers[buy.supplier],
                    category=categories[buy.category],
                    centre=centre,
                    account=account,
                    quantity=sum((_quantity(buy, i) for i in months), Decimal(0)),
                    on=_month(months[0]),
                    buyer=buyer,
                    approver=finance,
                )
                line = order.lines.get()
                for i in months:
                    month = _month(i)
                    _deliver_and_invoice(
                        partner,
                        buy,
                        order,
                        line,
                        quantity=_quantity(buy, i),
                        month=month,
                        index=i,
                        receiver=receiver,
                    )
                    invoices += 1
        for i in range(MONTHS):
            pay_day = _pay_day(_month(i))
            run = payment_run_create(actor=finance, partner=partner, due_by=pay_day, payment_date=pay_day)
            # The second finance officer who approves a run is not among the demo users: the
            # seeder stands in for them (a run is never approved by the person who made it).
            payment_run_approve(actor=SEEDER, run=run)
            payment_run_mark_paid(actor=finance, run=run)
    _exception(partners["WCC"], suppliers, categories, users)
    say(
        f"Purchasing year: {invoices} invoices of {len(buying)} partners, October 2025 to September 2026, "
        f"paid by {len(buying) * MONTHS} payment runs; one invoice in the council's exceptions queue"
    )


def _second_suppliers(partners: dict[str, Partner], buyer: Any, receiver: Any) -> None:
    council = partners["WCC"]
    for n, new in enumerate(NEW_SUPPLIERS):
        supplier = services.supplier_create(
            actor=buyer,
            partner=council,
            name=new.name,
            kind=new.kind,
            companies_house_number=new.company,
            vat_number=new.vat,
            email=f"accounts{n}@{new.name.split()[0].lower()}.example",
            address_line1=f"{n + 10} High Street",
            town=new.town,
            postcode=new.postcode,
        )
        for code in ("WPOL", "WFRS"):
            services.supplier_status_set(
                actor=buyer, partner=partners[code], supplier=supplier, status="approved"
            )
        held = services.supplier_contact_add(
            actor=buyer,
            partner=council,
            supplier=supplier,
            name=new.contact,
            role="Accounts",
            phone=new.phone,
        )
        change = services.bank_change_enter(
            actor=buyer,
            partner=council,
            supplier=supplier,
            sort_code=new.sort_code,
            account_number=new.account,
            account_name=new.name.upper()[:100],
            notified_by="New supplier form, signed and on headed paper",
        )
        services.bank_change_verify(
            actor=receiver, partner=council, change=change, contact=held, called_number=new.phone
        )


def _paying_account(partner: Partner, code: str) -> None:
    """The account suppliers are paid from and the match tolerances. No service sets them yet
    (they come with the partner's bank mandate), so the demo writes them as set-up would."""
    settings = services.settings_of(partner)
    sort_code, account, user_number = PAYING_ACCOUNTS[code]
    settings.bank_sort_code, settings.bank_account_number = sort_code, account
    settings.bank_account_name, settings.bacs_user_number = f"{partner.name} payables"[:100], user_number
    settings.price_tolerance_percent, settings.price_tolerance_amount = TOLERANCE_PERCENT, TOLERANCE_AMOUNT
    settings.save()


def _order(
    partner: Partner,
    buy: Buy,
    *,
    supplier: Supplier,
    category: Category,
    centre: CostCentre,
    account: Account,
    quantity: Decimal,
    on: date,
    buyer: Any,
    approver: Any,
) -> PurchaseOrder:
    requisition = order_services.requisition_create(
        actor=buyer,
        partner=partner,
        title=f"{category.name}, {people_month(on)} to {people_month(_month_after(on, 2))}",
        supplier=supplier,
        lines=[
            order_services.LineIn(
                description=buy.description,
                quantity=quantity,
                unit_price=buy.unit_price,
                vat_rate=buy.vat_rate,
                cost_centre=centre,
                account=account,
                category=category,
            )
        ],
    )
    order_services.requisition_submit(actor=buyer, requisition=requisition)
    order_services.requisition_approve(actor=approver, requisition=requisition, note="Quarterly call-off")
    return order_services.order_issue(actor=buyer, requisition=requisition, order_date=on)


def _month_after(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _deliver_and_invoice(
    partner: Partner,
    buy: Buy,
    order: PurchaseOrder,
    line: Any,
    *,
    quantity: Decimal,
    month: date,
    index: int,
    receiver: Any,
) -> Invoice:
    order_services.receipt_record(
        actor=receiver,
        order=order,
        lines=[(line, quantity)],
        received_on=month.replace(day=6),
        reference=f"DN {partner.code}-{month:%y%m}",
    )
    invoiced = month.replace(day=9)
    return invoice_enter(
        actor=receiver,
        partner=partner,
        supplier=order.supplier,
        # Numbers far apart (three digits change month to month), as a supplier's series runs.
        number=f"{buy.number_prefix}-{partner.code}-{1000 + 111 * index}",
        invoice_date=invoiced,
        received_date=invoiced,
        due_date=_pay_day(month),
        order=order,
        lines=[
            LineEntry(
                description=buy.description,
                quantity=quantity,
                unit_price=buy.unit_price,
                vat_rate=buy.vat_rate,
                order_line=line.line_number,
            )
        ],
    )


def _exception(
    council: Partner, suppliers: dict[str, Supplier], categories: dict[str, Category], users: dict[str, Any]
) -> None:
    """October's laptops, invoiced £50.00 a unit above the order: 5.9%, beyond the tolerance."""
    buy = BUYING["WCC"][2]
    centre = (
        CostCentre.objects.for_partner(council)
        .filter(org_unit__isnull=False, active=True)
        .order_by("code")[0]
    )
    order = _order(
        council,
        buy,
        supplier=suppliers[buy.supplier],
        category=categories[buy.category],
        centre=centre,
        account=Account.objects.for_partner(council).get(code=buy.account),
        quantity=Decimal(4),
        on=EXCEPTION_MONTH,
        buyer=users[BUYER],
        approver=users[FINANCE["WCC"]],
    )
    line = order.lines.get()
    order_services.receipt_record(
        actor=users[RECEIVER], order=order, lines=[(line, Decimal(4))], received_on=date(2026, 10, 12)
    )
    invoice_enter(
        actor=users[RECEIVER],
        partner=council,
        supplier=order.supplier,
        number="KI-WCC-7305",
        invoice_date=date(2026, 10, 14),
        received_date=date(2026, 10, 14),
        order=order,
        lines=[
            LineEntry(
                description=buy.description,
                quantity=Decimal(4),
                unit_price=Decimal("899.00"),
                vat_rate=buy.vat_rate,
                order_line=line.line_number,
            )
        ],
    )
