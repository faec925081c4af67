"""A purchasing officer's home: the council's invoices waiting at each step of accounts payable,
each count equal to the invoice list its tile links to, the constabulary's never counted."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D
from unittest import mock

from joinedup.purchasing.invoices import LineEntry
from joinedup.purchasing.models import Invoice
from joinedup.purchasing.tests.invoicing import InvoicingTestCase
from joinedup.purchasing.tests.test_invoices import paper

TODAY = date(2026, 5, 20)


def stationery(price: str, cost_centre: str = "HR") -> LineEntry:
    return LineEntry(
        description="Stationery",
        quantity=D("1"),
        unit_price=D(price),
        vat_rate=D("20"),
        cost_centre=cost_centre,
        account="4200",
    )


TILE = (
    r'data-testid="tile-purchasing_officer-([a-z_]+)">\s*<a[^>]*href="([^"]+)">\s*'
    r'<span class="app-tile__count" data-testid="count">(\d+)</span>'
)


def tiles(html: str) -> dict[str, tuple[str, int]]:
    """Tile key → (the list it links to, the count it shows)."""
    return {key: (href.replace("&amp;", "&"), int(n)) for key, href, n in re.findall(TILE, html)}


class TestPurchasingTiles(InvoicingTestCase):
    def setUp(self) -> None:
        # The council: two non-PO invoices waiting for approval (of different amounts: the same
        # amount twice would be held as a suspected duplicate), one matching its order and
        # receipt (approved), one invoicing more than was received (an exception).
        self.enter(number="INV-1")
        self.enter(number="INV-2", lines=[stationery("35.00")])
        self.enter(number="INV-3", order=self.order, lines=[paper("8")])
        self.enter(number="INV-4", order=self.order, lines=[paper("9")])
        # The constabulary: one waiting for approval, which no council figure may count.
        self.enter(
            number="P-1",
            actor=self.police_buyer,
            partner=self.police,
            lines=[stationery("10.00", "FIN")],
        )

    def home(self) -> str:
        with mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY):
            response = self.signed_in(self.council_buyer).get("/")
        assert response.status_code == 200
        return response.content.decode()

    def test_a_purchasing_officer_sees_the_councils_invoices_waiting_at_each_step(self) -> None:
        html = self.home()
        assert {key: n for key, (_, n) in tiles(html).items()} == {
            "invoices_received": 0,
            "invoices_exception": 1,
            "invoices_awaiting_approval": 2,
            "invoices_approved": 1,
        }
        assert "Invoices entered but not yet matched to an order appear here." in html

    def test_each_tiles_count_equals_the_invoice_list_it_links_to(self) -> None:
        found = tiles(self.home())
        client = self.signed_in(self.council_buyer)
        assert len(found) == 4
        for key, (href, shown) in found.items():
            assert client.get(href).context["page"].paginator.count == shown, (key, href)

    def test_the_worklist_api_gives_the_same_counts(self) -> None:
        with mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY):
            body = self.api(self.council_buyer).get("/api/v1/me/worklist").json()
        found = body["roles"]["purchasing_officer"]
        assert {k: v["count"] for k, v in found.items()} == {
            "invoices_received": 0,
            "invoices_exception": 1,
            "invoices_awaiting_approval": 2,
            "invoices_approved": 1,
        }
        assert found["invoices_exception"]["href"] == "/purchasing/invoices/?status=exception"

    def test_the_police_buyer_cannot_read_the_councils_worklist_and_nothing_changes(self) -> None:
        before = list(Invoice.objects.for_partner(self.council).values_list("pk", "status"))
        with mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY):
            response = self.api(self.police_buyer).get(f"/api/v1/me/worklist?partner_id={self.council.pk}")
        assert response.status_code == 404
        assert list(Invoice.objects.for_partner(self.council).values_list("pk", "status")) == before
