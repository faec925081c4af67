"""The fixtures of the asset register's tests: service-desk agents for the council, the police
and the whole partnership, a laptop of each partner, and a shared Microsoft 365-style licence
held by the shared-services body."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner, Role
from joinedup.servicedesk.assets import AssetDetails, LicenceDetails, asset_register, licence_add
from joinedup.servicedesk.models import Asset, SoftwareLicence
from joinedup.testing.people import PeopleTestCase

PDF = b"%PDF-1.4 certificate of destruction"


class AssetTestCase(PeopleTestCase):
    council_agent: Any
    police_agent: Any
    desk: Any
    council_laptop: Asset
    police_laptop: Asset
    office: SoftwareLicence

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_agent = cls.make_user("council.agent", [(cls.council, Role.SERVICE_DESK_AGENT)])
        cls.police_agent = cls.make_user("police.agent", [(cls.police, Role.SERVICE_DESK_AGENT)])
        everyone = [cls.council, cls.police, cls.fire, cls.shared]
        cls.desk = cls.make_user("shared.desk", [(p, Role.SERVICE_DESK_AGENT) for p in everyone])
        cls.council_laptop = cls.laptop(cls.council, "WCC-LT-0001")
        cls.police_laptop = cls.laptop(cls.police, "WPOL-LT-0001")
        cls.office = licence_add(
            actor=cls.desk,
            partner=cls.shared,
            details=LicenceDetails(
                product="Office 365 E3",
                vendor="Microsoft",
                seats=3,
                annual_cost=D("1000.00"),
                starts_on=date(2026, 4, 1),
                ends_on=date(2099, 3, 31),
                shared=True,
            ),
        )

    @classmethod
    def laptop(cls, partner: Partner, tag: str, status: str = "in_stock") -> Asset:
        return asset_register(
            actor=cls.desk,
            partner=partner,
            details=AssetDetails(
                tag=tag,
                kind="laptop",
                make="Dell",
                model="Latitude 5450",
                serial=f"SN-{tag}",
                cost=D("849.99"),
                purchased_on=date(2026, 4, 14),
                warranty_until=date(2029, 4, 13),
                status=status,
            ),
        )

    def audit_count(self, partner: Partner, action: str) -> int:
        return AuditEvent.objects.for_partner(partner).filter(action=action).count()

    def reload(self, asset: Asset) -> Asset:
        return Asset.objects.for_partner(asset.partner_id).get(pk=asset.pk)
