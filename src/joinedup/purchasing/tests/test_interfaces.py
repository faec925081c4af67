"""Purchasing through the API and the pages: the same services, the partner rule (404), the
permission rule (403, nothing changed) and the figures."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from joinedup.audit.models import AuditEvent
from joinedup.purchasing import order_services, services
from joinedup.purchasing.models import PurchaseOrder, Requisition, SupplierPartner
from joinedup.purchasing.tests.base import PurchasingTestCase, on_day
from joinedup.web.current import SESSION_KEY

LINE = {
    "description": "Toner",
    "quantity": "4",
    "unit_price": "37.50",
    "cost_centre": "HR",
    "account": "4200",
}


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_no_two_routers_name_a_schema_alike() -> None:
    # The OpenAPI document keys schemas by class name: a second DecisionIn silently replaced the
    # absence decision's in the document, and the fuzzer's valid requests were refused.
    import inspect
    import pkgutil
    from importlib import import_module

    from ninja import Schema

    import joinedup.api

    shapes: dict[str, dict[str, Any]] = {}
    for module in pkgutil.iter_modules(joinedup.api.__path__):
        loaded = import_module(f"joinedup.api.{module.name}")
        for name, value in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(value, Schema) and value.__module__ == loaded.__name__:
                shapes.setdefault(name, {})[module.name] = value.model_json_schema()
    # The same name twice is harmless only when both mean the same shape (change's and
    # transfers' CostOut).
    differing = sorted(
        name
        for name, found in shapes.items()
        if len({json.dumps(v, sort_keys=True) for v in found.values()}) > 1
    )
    assert differing == []


class TestTheApi(PurchasingTestCase):
    def test_a_requisition_goes_from_raising_to_order_and_receipt(self) -> None:
        manager, approver, buyer = (
            self.api(self.council_manager),
            self.api(self.council_manager2),
            self.api(self.council_buyer),
        )
        with on_day():
            made = post(
                manager,
                f"/api/v1/purchasing/partners/{self.council.pk}/requisitions",
                {"title": "Toner for HR", "supplier_id": self.supplier.pk, "lines": [LINE]},
            )
            assert made.status_code == 201, made.content
            body = made.json()
            assert (body["number"], body["status"], body["net"], body["vat"]) == (
                "WCC-REQ-000001",
                "draft",
                "150.00",
                "30.00",
            )
            rid = body["id"]
            assert (
                post(manager, f"/api/v1/purchasing/requisitions/{rid}/submit", {}).json()["status"]
                == "submitted"
            )
            approved = post(approver, f"/api/v1/purchasing/requisitions/{rid}/approve", {"note": "Fine"})
            assert approved.json()["decided_by"] == "council.manager2"
            ordered = post(buyer, f"/api/v1/purchasing/requisitions/{rid}/order", {})
            assert ordered.status_code == 201, ordered.content
            order = ordered.json()
            assert (order["number"], order["status"], order["net"]) == ("WCC-PO-000001", "issued", "150.00")
            received = post(
                manager,
                f"/api/v1/purchasing/orders/{order['id']}/receipts",
                {"received_on": "2026-06-15", "lines": [{"line_number": 1, "quantity": "3"}]},
            )
        assert received.status_code == 201, received.content
        assert (received.json()["status"], received.json()["received"]) == ("part_received", {"1": "3.000"})
        pdf = buyer.get(f"/api/v1/purchasing/orders/{order['id']}/order.pdf")
        assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")

    def test_another_partners_requisition_and_order_answer_404(self) -> None:
        requisition = self.requisition()
        order_services.requisition_approve(actor=self.council_manager2, requisition=requisition)
        with on_day():
            order = order_services.order_issue(actor=self.council_buyer, requisition=requisition)
        police = self.api(self.police_buyer)
        for url in (
            f"/api/v1/purchasing/requisitions/{requisition.pk}",
            f"/api/v1/purchasing/orders/{order.pk}",
            f"/api/v1/purchasing/orders/{order.pk}/order.pdf",
            f"/api/v1/purchasing/partners/{self.council.pk}/requisitions",
        ):
            response = police.get(url)
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), url
        receipt = post(
            police,
            f"/api/v1/purchasing/orders/{order.pk}/receipts",
            {"received_on": "2026-06-15", "lines": [{"line_number": 1, "quantity": "1"}]},
        )
        assert receipt.status_code == 404
        assert not order.receipts.exists()

    def test_a_po_line_on_another_partners_cost_centre_is_refused_and_nothing_written(self) -> None:
        response = post(
            self.api(self.council_manager),
            f"/api/v1/purchasing/partners/{self.council.pk}/requisitions",
            {"title": "Toner", "lines": [{**LINE, "cost_centre": "FIN"}]},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"lines[0].cost_centre": ["WCC has no cost centre FIN."]}
        assert not Requisition.objects.for_partner(self.council).exists()

    def test_approving_above_ones_limit_answers_403_and_changes_nothing(self) -> None:
        requisition = self.requisition(self.line("1", "5000.01"))
        response = post(
            self.api(self.council_manager2), f"/api/v1/purchasing/requisitions/{requisition.pk}/approve", {}
        )
        assert response.status_code == 403
        assert "above your limit of £5,000.00 as Budget holder" in response.json()["detail"]
        requisition.refresh_from_db()
        assert requisition.status == "submitted"

    def test_a_partners_notes_on_a_supplier_stay_its_own(self) -> None:
        SupplierPartner.objects.for_partner(self.council).filter(supplier=self.supplier).update(
            notes="Slow to invoice"
        )
        council = self.api(self.council_buyer).get(
            f"/api/v1/purchasing/partners/{self.council.pk}/suppliers/{self.supplier.pk}"
        )
        assert council.json()["standing"]["notes"] == "Slow to invoice"
        police = self.api(self.police_buyer)
        assert (
            police.get(
                f"/api/v1/purchasing/partners/{self.council.pk}/suppliers/{self.supplier.pk}"
            ).status_code
            == 404
        )
        own = police.get(f"/api/v1/purchasing/partners/{self.police.pk}/suppliers/{self.supplier.pk}").json()
        assert own["standing"] is None and own["name"] == "Wessex Office Supplies Ltd"

    def test_bank_details_are_entered_by_one_and_verified_by_another(self) -> None:
        base = f"/api/v1/purchasing/partners/{self.council.pk}"
        entered = post(
            self.api(self.council_buyer),
            f"{base}/suppliers/{self.supplier.pk}/bank-changes",
            {
                "sort_code": "30-94-57",
                "account_number": "12345678",
                "account_name": "WOS LTD",
                "notified_by": "Letter",
            },
        )
        assert entered.status_code == 201, entered.content
        assert (entered.json()["sort_code"], entered.json()["account_number"]) == ("30-**-**", "****5678")
        verify = {"contact_id": self.contact.pk, "called_number": "01962 000111"}
        own = post(self.api(self.council_buyer), f"{base}/bank-changes/{entered.json()['id']}/verify", verify)
        assert own.status_code == 403
        done = post(
            self.api(self.council_buyer2), f"{base}/bank-changes/{entered.json()['id']}/verify", verify
        )
        assert (done.status_code, done.json()["status"], done.json()["method"]) == (
            200,
            "verified",
            "call_back",
        )
        detail = self.api(self.council_buyer).get(f"{base}/suppliers/{self.supplier.pk}").json()
        assert detail["bank_details"]["account_number"] == "****5678"

    def test_a_viewer_cannot_set_the_scheme_and_nothing_changes(self) -> None:
        before = AuditEvent.objects.for_partner(self.council).count()
        response = post(
            self.api(self.council_viewer),
            f"/api/v1/purchasing/partners/{self.council.pk}/delegation",
            {"title": "Anyone", "source": "None", "role": "viewer", "up_to": None},
        )
        assert response.status_code == 403
        assert AuditEvent.objects.for_partner(self.council).count() == before
        scheme = (
            self.api(self.council_viewer)
            .get(f"/api/v1/purchasing/partners/{self.council.pk}/delegation")
            .json()
        )
        assert [(x["title"], x["up_to"]) for x in scheme] == [
            ("Budget holder", "5000.00"),
            ("Finance officer", "25000.00"),
            ("Director of Resources", None),
        ]


class TestThePages(PurchasingTestCase):
    def browser(self, user: Any) -> Any:
        client = self.signed_in(user)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        return client

    def test_a_manager_raises_a_requisition_and_another_approves_it(self) -> None:
        client = self.browser(self.council_manager)
        with on_day():
            response = client.post(
                "/purchasing/requisitions/new",
                {
                    "form": "requisition",
                    "title": "Paper",
                    "supplier": str(self.supplier.pk),
                    "description": "A4 paper",
                    "quantity": "10",
                    "unit_price": "12.50",
                    "vat_rate": "20.00",
                    "cost_centre": "HR",
                    "account": "4200",
                },
            )
            requisition = Requisition.objects.for_partner(self.council).get()
            assert (
                response.status_code == 302
                and response["Location"] == f"/purchasing/requisitions/{requisition.pk}/"
            )
            client.post(f"/purchasing/requisitions/{requisition.pk}/", {"form": "submit"})
            approver = self.browser(self.council_manager2)
            page = approver.get(f"/purchasing/requisitions/{requisition.pk}/")
            assert b"Budget holder or above" in page.content
            approver.post(
                f"/purchasing/requisitions/{requisition.pk}/",
                {"form": "decision", "decision": "approve", "note": ""},
            )
            requisition.refresh_from_db()
            assert requisition.status == "approved"
            self.browser(self.council_buyer).post(
                f"/purchasing/requisitions/{requisition.pk}/", {"form": "order"}
            )
        order = PurchaseOrder.objects.for_partner(self.council).get()
        page = self.browser(self.council_manager).get(f"/purchasing/orders/{order.pk}/")
        assert page.status_code == 200 and b"WCC-PO-000001" in page.content

    def test_the_raiser_is_not_offered_the_decision_and_cannot_force_it(self) -> None:
        requisition = self.requisition()
        client = self.browser(self.council_manager)
        assert b"Approve</button>" not in client.get(f"/purchasing/requisitions/{requisition.pk}/").content
        response = client.post(
            f"/purchasing/requisitions/{requisition.pk}/",
            {"form": "decision", "decision": "approve", "note": ""},
        )
        assert response.status_code == 403
        requisition.refresh_from_db()
        assert requisition.status == "submitted"

    def test_another_partners_requisition_page_answers_404(self) -> None:
        requisition = self.requisition()
        client = self.signed_in(self.police_buyer)
        assert client.get(f"/purchasing/requisitions/{requisition.pk}/").status_code == 404

    def test_the_supplier_page_shows_the_partners_standing_and_masked_details(self) -> None:
        page = self.browser(self.council_buyer).get(f"/purchasing/suppliers/{self.supplier.pk}/")
        assert page.status_code == 200
        assert b"None verified: the supplier cannot be paid" in page.content
        assert b"Approved, payment in 30 days" in page.content

    def on_hold_supplier(self) -> Any:
        held = services.supplier_create(
            actor=self.council_buyer, partner=self.council, name="Acorn Catering Ltd"
        )
        services.supplier_status_set(
            actor=self.council_buyer, partner=self.council, supplier=held, status="on_hold", reference="ACORN"
        )
        return held

    def test_the_supplier_list_filters_by_standing_and_downloads_exactly_those_suppliers(self) -> None:
        self.on_hold_supplier()
        client = self.browser(self.council_buyer)
        page = client.get("/purchasing/suppliers/", {"standing": "none"})
        assert [s.name for s in page.context["page"]] == ["Constabulary Kit Ltd"]
        assert 'href="?standing=none&amp;format=csv"' in page.content.decode()
        found = client.get("/purchasing/suppliers/", {"standing": "on_hold", "format": "csv"})
        assert found.content.decode("utf-8-sig").splitlines() == [
            "Supplier,Company number,VAT number,Email,Standing for WCC,Reference,Payment terms (days)",
            "Acorn Catering Ltd,,,,On hold,ACORN,30",
        ]
        by_vat = client.get("/purchasing/suppliers/", {"q": "gb123456789", "format": "csv"})
        assert by_vat.content.decode("utf-8-sig").splitlines()[1:] == [
            "Wessex Office Supplies Ltd,01234567,GB123456789,,Approved,,30"
        ]

    def test_the_supplier_list_sorts_by_name_and_by_standing(self) -> None:
        self.on_hold_supplier()
        client = self.browser(self.council_buyer)

        def names(**query: str) -> list[str]:
            return [s.name for s in client.get("/purchasing/suppliers/", query).context["page"]]

        everyone = ["Acorn Catering Ltd", "Constabulary Kit Ltd", "Wessex Office Supplies Ltd"]
        assert names() == everyone
        assert names(sort="name", order="desc") == everyone[::-1]
        # "" (not approved) sorts first, then approved, then on hold.
        assert names(sort="standing") == [
            "Constabulary Kit Ltd",
            "Wessex Office Supplies Ltd",
            "Acorn Catering Ltd",
        ]

    def test_another_partners_buyer_sees_its_own_standing_never_the_councils(self) -> None:
        self.on_hold_supplier()
        before = list(SupplierPartner.objects.for_partner(self.council).values_list("supplier_id", "status"))
        police = self.signed_in(self.police_buyer)
        rows = (
            police.get("/purchasing/suppliers/", {"format": "csv"}).content.decode("utf-8-sig").splitlines()
        )
        assert rows[1:] == [
            "Acorn Catering Ltd,,,,Not approved,,",
            "Constabulary Kit Ltd,,,,Approved,,30",
            "Wessex Office Supplies Ltd,01234567,GB123456789,,Not approved,,",
        ]
        assert [
            s.name for s in police.get("/purchasing/suppliers/", {"standing": "on_hold"}).context["page"]
        ] == []
        after = list(SupplierPartner.objects.for_partner(self.council).values_list("supplier_id", "status"))
        assert after == before

    def test_a_role_without_purchasing_gets_403_for_the_supplier_list_and_its_download(self) -> None:
        client = self.browser(self.council_hr)
        assert client.get("/purchasing/suppliers/").status_code == 403
        assert client.get("/purchasing/suppliers/", {"format": "csv"}).status_code == 403

    def test_requisition_totals_on_the_page(self) -> None:
        requisition = self.requisition(self.line("3", "0.3333"))
        page = self.browser(self.council_manager).get(f"/purchasing/requisitions/{requisition.pk}/")
        assert "£1.00 net, £0.20 VAT" in page.content.decode()
        assert Decimal("1.00") == order_services.totals(list(requisition.lines.all()))[0]
