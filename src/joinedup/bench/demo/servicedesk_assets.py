"""The demo's asset register and licences (issue 15), through the services.

A few hundred assets across the council, the constabulary and the fire service, in proportion to
their staff (laptops, monitors and phones mostly), registered by the shared service desk
(``shared.desk``) through the all-or-nothing import, about two in three deployed with a member of
the partner's staff, one laptop in repair and one disposed of with its WEEE certificate. Software:
a shared Microsoft 365-style licence held by Wessex Shared Services, one seat per member of staff,
its cost split between the three partners by head count (seats), so each partner's share is its
head count's fraction of the cost to the penny; and each partner's own licence of a specialist
product, the fire service's over-used by one seat to show the flag."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from joinedup.partnership.models import Partner
from joinedup.people.models import Employment
from joinedup.servicedesk import assets
from joinedup.servicedesk.models import Asset, SoftwareLicence

DESK = "shared.desk"
SERVED = ("WCC", "WPOL", "WFRS")
# Assets per partner: roughly one for every ten of the demo's staff, as a pilot register.
ASSETS = {"WCC": 165, "WPOL": 85, "WFRS": 40}
# kind, make, model, cost (demo figures, a typical public-sector framework price)
CATALOGUE = [
    ("laptop", "Dell", "Latitude 5450", Decimal("849.99")),
    ("laptop", "HP", "EliteBook 840 G11", Decimal("912.50")),
    ("monitor", "Dell", "P2425H", Decimal("154.00")),
    ("phone", "Apple", "iPhone 15", Decimal("599.00")),
    ("laptop", "Lenovo", "ThinkPad T14 Gen 5", Decimal("879.00")),
    ("monitor", "Iiyama", "ProLite XUB2493HS", Decimal("118.75")),
    ("phone", "Samsung", "Galaxy XCover7", Decimal("289.00")),
    ("desktop", "Dell", "OptiPlex 7020", Decimal("649.00")),
    ("tablet", "Apple", "iPad 10th generation", Decimal("329.00")),
    ("printer", "Brother", "HL-L6410DN", Decimal("412.00")),
    ("network", "Cisco", "Catalyst 9200L", Decimal("1450.00")),
]
SHORT = {
    "laptop": "LT",
    "desktop": "DT",
    "phone": "PH",
    "tablet": "TB",
    "monitor": "MN",
    "printer": "PR",
    "network": "NW",
}
OFFICE_COST_PER_SEAT = Decimal("276.00")  # a demo figure: an E3-style list price a year
TERM = (date(2026, 4, 1), date(2029, 3, 31))  # a three-year enterprise agreement
OWN_LICENCES = {
    "WCC": ("Adobe Acrobat Pro", "Adobe", 25, Decimal("4770.00")),
    "WPOL": ("i2 Analyst's Notebook", "N. Harris Computer Corporation", 10, Decimal("18500.00")),
    "WFRS": ("ArcGIS Pro", "Esri UK", 5, Decimal("3250.00")),
}
# A PDF's first bytes are all the attachment store checks; the demo's certificate is a stub.
CERTIFICATE = b"%PDF-1.4\n% Demo WEEE certificate of destruction, Wessex Recycling Ltd, WR-2026-1187\n%%EOF\n"


def _details(code: str, n: int) -> assets.AssetDetails:
    kind, make, model, cost = CATALOGUE[n % len(CATALOGUE)]
    bought = date(2022, 4, 1) + timedelta(days=(n * 37) % 1600)
    return assets.AssetDetails(
        tag=f"{code}-{SHORT[kind]}-{n + 1:04d}",
        kind=kind,
        make=make,
        model=model,
        serial=f"{make[:2].upper()}{code}{n * 7919 % 1_000_000:06d}",
        cost=cost,
        purchased_on=bought,
        warranty_until=bought + timedelta(days=3 * 365),
        status="in_stock",
    )


def _staff(partner: Partner) -> list[Employment]:
    return list(Employment.objects.for_partner(partner).filter(end_date__isnull=True).order_by("pk"))


def seed_demo_servicedesk_assets(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    if Asset.objects.for_partner(partners["WCC"]).exists():
        return
    desk = users[DESK]
    staff = {code: _staff(partners[code]) for code in SERVED}
    registered = 0
    for code in SERVED:
        partner = partners[code]
        made = assets.assets_import(
            actor=desk, partner=partner, rows=[_details(code, n) for n in range(ASSETS[code])]
        )
        registered += len(made)
        people = staff[code]
        for n, asset in enumerate(made):
            if n % 3 != 2 and n < len(people):
                assets.asset_assign(actor=desk, asset=asset, employment=people[n], note="Issued")
    council = {
        a.tag: a
        for a in Asset.objects.for_partner(partners["WCC"]).filter(tag__in=["WCC-LT-0001", "WCC-MN-0003"])
    }
    assets.asset_change_status(
        actor=desk,
        asset=council["WCC-LT-0001"],
        to="in_repair",
        note="Keyboard failed: sent to Dell under warranty",
    )
    assets.asset_dispose(
        actor=desk,
        asset=council["WCC-MN-0003"],  # in stock: it was never issued
        certificate=assets.Certificate(
            number="WR-2026-1187",
            method="recycled",
            disposed_on=min(date(2026, 11, 20), timezone.localdate()),
            filename="WR-2026-1187.pdf",
            content=CERTIFICATE,
        ),
    )
    heads = {code: len(staff[code]) for code in SERVED}
    seats = sum(heads.values())
    office = assets.licence_add(
        actor=desk,
        partner=partners["WSS"],
        details=assets.LicenceDetails(
            product="Microsoft 365 E3",
            vendor="Microsoft",
            seats=seats,
            annual_cost=OFFICE_COST_PER_SEAT * seats,
            starts_on=TERM[0],
            ends_on=TERM[1],
            shared=True,
        ),
    )
    assets.licence_set_split(
        actor=desk,
        licence=office,
        basis="seats",
        lines=[assets.SplitLine(partners[code], Decimal(heads[code])) for code in SERVED if heads[code]],
    )
    for code, (product, vendor, count, cost) in OWN_LICENCES.items():
        own = assets.licence_add(
            actor=desk,
            partner=partners[code],
            details=assets.LicenceDetails(
                product=product,
                vendor=vendor,
                seats=count,
                annual_cost=cost,
                starts_on=TERM[0],
                ends_on=TERM[1],
            ),
        )
        # Every seat taken; the fire service one more than it owns (flagged as over-used).
        for employment in staff[code][: count + (1 if code == "WFRS" else 0)]:
            assets.seat_assign(actor=desk, licence=own, employment=employment)
        for employment in staff[code][:10]:
            assets.seat_assign(actor=desk, licence=office, employment=employment)
    licences = SoftwareLicence.objects.for_partners(partners.values()).count()
    say(
        f"Asset register: {registered} assets (1 in repair, 1 disposed with certificate), {licences} licences"
    )
