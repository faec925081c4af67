"""Tickets linked to assets (servicedesk/ticket_assets.py): an agent links an asset of the
ticket's own partner; another partner's asset is refused as a missing one (404); the ticket
shows its assets to readers of the register, the asset its tickets to those who may see them."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.servicedesk import services
from joinedup.servicedesk.assets import AssetDetails, asset_register
from joinedup.servicedesk.models import Asset, Ticket, TicketAsset
from joinedup.servicedesk.tests.base import ServiceDeskTestCase
from joinedup.servicedesk.ticket_assets import (
    assets_of_ticket,
    link_asset,
    tickets_of_asset,
    unlink_asset,
)


class TicketAssetTestCase(ServiceDeskTestCase):
    council_laptop: Asset
    council_printer: Asset
    police_laptop: Asset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_laptop = cls.register(cls.council, "WCC-LT-0001", "laptop")
        cls.council_printer = cls.register(cls.council, "WCC-PR-0001", "printer")
        cls.police_laptop = cls.register(cls.police, "WPOL-LT-0001", "laptop")

    @classmethod
    def register(cls, partner: Partner, tag: str, kind: str) -> Asset:
        return asset_register(
            actor=cls.agent,
            partner=partner,
            details=AssetDetails(
                tag=tag,
                kind=kind,
                make="Dell",
                model="Latitude 5450",
                serial=f"SN-{tag}",
                cost=D("849.99"),
                purchased_on=date(2026, 4, 14),
                warranty_until=date(2029, 4, 13),
                status="in_stock",
            ),
        )

    def links(self) -> int:
        return TicketAsset.objects.for_partners([self.council.pk, self.police.pk]).count()

    def audited(self, action: str) -> list[dict[str, Any]]:
        return [
            e.after for e in AuditEvent.objects.for_partner(self.council).filter(action=action).order_by("pk")
        ]


class TestLinking(TicketAssetTestCase):
    def test_an_agent_links_an_asset_of_the_tickets_partner_and_the_audit_says_so(self) -> None:
        ticket = self.raise_for(self.ada)
        link_asset(actor=self.agent, ticket=ticket, asset=self.council_laptop)
        assert list(assets_of_ticket(self.agent, ticket=ticket)) == [self.council_laptop]
        assert list(tickets_of_asset(self.agent, asset=self.council_laptop)) == [ticket]
        assert self.audited("servicedesk.ticket_asset_linked") == [
            {"reference": "WCC-000001", "asset": self.council_laptop.pk, "tag": "WCC-LT-0001"}
        ]

    def test_another_partners_asset_is_refused_as_one_that_does_not_exist(self) -> None:
        ticket = self.raise_for(self.ada)
        for asset in (self.police_laptop, self.police_laptop.pk, 999_999):
            with pytest.raises(Http404, match=r"^No such asset\.$"):
                link_asset(actor=self.agent, ticket=ticket, asset=asset)
        assert self.links() == 0
        assert self.audited("servicedesk.ticket_asset_linked") == []

    def test_the_requester_may_not_link_and_nothing_changes(self) -> None:
        ticket = self.raise_for(self.ada)
        with pytest.raises(PermissionDenied):
            link_asset(actor=self.ada, ticket=ticket, asset=self.council_laptop)
        with pytest.raises(PermissionDenied):
            link_asset(actor=self.police_agent, ticket=ticket, asset=self.council_laptop)
        assert self.links() == 0

    def test_an_asset_is_linked_once_and_unlinked_once(self) -> None:
        ticket = self.raise_for(self.ada)
        link_asset(actor=self.agent, ticket=ticket, asset=self.council_laptop)
        with pytest.raises(ValidationError) as twice:
            link_asset(actor=self.agent, ticket=ticket, asset=self.council_laptop)
        assert twice.value.message_dict == {"asset": ["WCC-LT-0001 is linked to this ticket already."]}
        assert unlink_asset(actor=self.agent, ticket=ticket, asset=self.council_laptop) == self.council_laptop
        with pytest.raises(ValidationError) as again:
            unlink_asset(actor=self.agent, ticket=ticket, asset=self.council_laptop)
        assert again.value.message_dict == {"asset": ["WCC-LT-0001 is not linked to this ticket."]}
        assert self.links() == 0
        assert len(self.audited("servicedesk.ticket_asset_unlinked")) == 1

    def test_a_closed_ticket_takes_no_new_link(self) -> None:
        ticket = self.raise_for(self.ada)
        services.resolve(actor=self.agent, ticket=ticket, resolution="Replaced the charger.")
        services.close(actor=self.ada, ticket=ticket)
        with pytest.raises(ValidationError) as closed:
            link_asset(actor=self.agent, ticket=ticket, asset=self.council_laptop)
        assert closed.value.message_dict == {"asset": ["This ticket is closed."]}
        assert self.links() == 0

    def test_the_requester_sees_no_linked_asset_and_an_asset_lists_only_the_tickets_one_may_see(
        self,
    ) -> None:
        hers = self.raise_for(self.ada)
        colleagues = self.raise_for(self.council_employee)
        for ticket in (hers, colleagues):
            link_asset(actor=self.agent, ticket=ticket, asset=self.council_printer)
        assert list(assets_of_ticket(self.ada, ticket=hers)) == []
        assert list(tickets_of_asset(self.ada, asset=self.council_printer)) == [hers]
        assert list(tickets_of_asset(self.agent, asset=self.council_printer)) == [colleagues, hers]


class TestInterfaces(TicketAssetTestCase):
    def post(self, user: Any, url: str, body: dict[str, Any]) -> Any:
        return self.api(user).post(url, json.dumps(body), content_type="application/json")

    def test_the_api_links_shows_and_unlinks_an_asset(self) -> None:
        ticket = self.raise_for(self.ada)
        url = f"/api/v1/servicedesk/tickets/{ticket.pk}"
        linked = self.post(self.agent, f"{url}/assets", {"asset_id": self.council_laptop.pk})
        assert linked.status_code == 201
        laptop = {
            "id": self.council_laptop.pk,
            "tag": "WCC-LT-0001",
            "kind": "laptop",
            "make": "Dell",
            "model": "Latitude 5450",
            "status": "in_stock",
        }
        assert linked.json()["assets"] == [laptop]
        assert self.api(self.agent).get(url).json()["assets"] == [laptop]
        assert self.api(self.ada).get(url).json()["assets"] == []
        unlinked = self.post(self.agent, f"{url}/assets/unlink", {"asset_id": self.council_laptop.pk})
        assert (unlinked.status_code, unlinked.json()["assets"]) == (200, [])

    def test_the_api_answers_404_for_another_partners_asset_as_for_a_missing_one(self) -> None:
        ticket = self.raise_for(self.ada)
        url = f"/api/v1/servicedesk/tickets/{ticket.pk}/assets"
        foreign = self.post(self.agent, url, {"asset_id": self.police_laptop.pk})
        missing = self.post(self.agent, url, {"asset_id": 999_999})
        assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
        assert foreign.status_code == 404
        assert self.post(self.ada, url, {"asset_id": self.council_laptop.pk}).status_code == 403
        assert self.links() == 0

    def test_the_ticket_page_links_by_tag_and_each_page_links_to_the_other(self) -> None:
        ticket = self.raise_for(self.ada)
        client = self.signed_in(self.agent)
        url = f"/servicedesk/tickets/{ticket.pk}/"
        refused = client.post(url, {"form": "link_asset", "link-asset": "WPOL-LT-0001"})
        assert refused.status_code == 200
        assert "No such asset." in refused.content.decode()
        assert self.links() == 0
        assert client.post(url, {"form": "link_asset", "link-asset": "wcc-lt-0001"}).status_code == 302
        page = client.get(url).content.decode()
        assert f'href="/servicedesk/assets/{self.council_laptop.pk}/">WCC-LT-0001</a>' in page
        asset_page = client.get(f"/servicedesk/assets/{self.council_laptop.pk}/").content.decode()
        assert f'href="/servicedesk/tickets/{ticket.pk}/">WCC-000001</a>' in asset_page
        requester_page = self.signed_in(self.ada).get(url).content.decode()
        assert "WCC-LT-0001" not in requester_page

    def test_the_ticket_page_unlinks_and_refuses_another_partners_asset_with_404(self) -> None:
        ticket = self.raise_for(self.ada)
        link_asset(actor=self.agent, ticket=ticket, asset=self.council_laptop)
        client = self.signed_in(self.agent)
        url = f"/servicedesk/tickets/{ticket.pk}/"
        foreign = client.post(url, {"form": "unlink_asset", "asset": self.police_laptop.pk})
        assert foreign.status_code == 404
        assert self.links() == 1
        assert client.post(url, {"form": "unlink_asset", "asset": self.council_laptop.pk}).status_code == 302
        assert self.links() == 0
        assert Ticket.objects.for_partner(self.council).get(pk=ticket.pk).status == "new"
