"""The contracts register through its interfaces: the JSON API, the pages (with the CSV export)
and ``joinedup purchasing contract-alerts``."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from io import StringIO

from django.core import mail
from django.core.management import call_command

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.purchasing import contracts
from joinedup.purchasing.models import Contract, ContractAlert, Invoice, PurchaseOrder
from joinedup.purchasing.tests.base import on_day
from joinedup.purchasing.tests.test_contracts import ContractsTestCase, SpendTestCase


class TestContractsApi(ContractsTestCase):
    def test_a_partner_that_does_not_call_off_gets_404_from_the_api(self) -> None:
        response = self.api(self.police_buyer).get(f"/api/v1/purchasing/contracts/{self.contract.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
        listed = self.api(self.police_buyer).get("/api/v1/purchasing/contracts")
        assert listed.json()["items"] == []

    def test_a_partner_that_calls_off_reads_the_contract_with_its_spend(self) -> None:
        with on_day(date(2026, 10, 1)):
            response = self.api(self.council_buyer).get(f"/api/v1/purchasing/contracts/{self.contract.pk}")
        body = response.json()
        assert response.status_code == 200
        assert (body["reference"], body["value"], body["end_date"]) == ("WSS-C-001", "50000.00", "2026-12-31")
        assert body["due_threshold_months"] == 3
        assert body["extensions"] == [{"sequence": 1, "months": 12, "taken": False}]
        assert body["call_off_partner_ids"] == [self.council.pk]
        assert (body["spend"], body["remaining"]) == ("0.00", "50000.00")

    def test_a_contract_is_created_and_extended_over_the_api(self) -> None:
        client = self.api(self.shared_buyer)
        created = client.post(
            f"/api/v1/purchasing/partners/{self.shared.pk}/contracts",
            data=json.dumps(
                {
                    "reference": "WSS-C-010",
                    "title": "Fleet fuel cards",
                    "supplier_id": self.beta.pk,
                    "category": "fl",
                    "cpv_code": "09134100-8",
                    "value": "120000.00",
                    "start_date": "2026-04-01",
                    "end_date": "2027-03-31",
                    "owner": "shared.buyer",
                    "extensions": [{"months": 12}],
                    "call_off_partner_ids": [self.police.pk],
                }
            ),
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        contract_id = created.json()["id"]
        assert (
            self.api(self.police_buyer).get(f"/api/v1/purchasing/contracts/{contract_id}").status_code == 200
        )
        extended = client.post(f"/api/v1/purchasing/contracts/{contract_id}/extension")
        assert extended.json()["end_date"] == "2028-03-31"
        edited = client.post(
            f"/api/v1/purchasing/contracts/{contract_id}",
            data=json.dumps({"value": "125000.50"}),
            content_type="application/json",
        )
        assert edited.json()["value"] == "125000.50"

    def test_a_cpv_code_not_in_its_written_form_is_refused_over_the_api_and_nothing_changes(self) -> None:
        # The form is 8 digits, a hyphen and the check digit (renewal.check_cpv, which says why the
        # digit itself is not checked).
        client = self.api(self.shared_buyer)
        created = client.post(
            f"/api/v1/purchasing/partners/{self.shared.pk}/contracts",
            data=json.dumps(
                {
                    "reference": "WSS-C-011",
                    "title": "Fleet fuel cards",
                    "supplier_id": self.beta.pk,
                    "category": "fl",
                    "cpv_code": "0913410-8",
                    "value": "120000.00",
                    "start_date": "2026-04-01",
                    "end_date": "2027-03-31",
                    "owner": "shared.buyer",
                }
            ),
            content_type="application/json",
        )
        assert created.status_code == 422, created.content
        assert "Enter the CPV code as 8 digits, a hyphen and the check digit, like 30192000-1" in (
            created.content.decode()
        )
        assert not Contract.objects.for_partner(self.shared).filter(reference="WSS-C-011").exists()
        edited = client.post(
            f"/api/v1/purchasing/contracts/{self.contract.pk}",
            data=json.dumps({"cpv_code": "30192000-X", "value": "1.00"}),
            content_type="application/json",
        )
        assert edited.status_code == 422, edited.content
        self.contract.refresh_from_db()
        assert (self.contract.cpv_code, self.contract.value) == ("30192000-1", D("50000.00"))
        assert self.events("contract.edited") == 0

    def test_a_partner_that_calls_off_may_not_extend_over_the_api_and_nothing_changes(self) -> None:
        response = self.api(self.council_buyer).post(
            f"/api/v1/purchasing/contracts/{self.contract.pk}/extension"
        )
        assert response.status_code == 403
        self.contract.refresh_from_db()
        assert self.contract.end_date == date(2026, 12, 31)
        assert self.events("contract.extension_taken") == 0

    def test_the_list_filters_contracts_due_for_renewal(self) -> None:
        self.let(reference="WSS-C-002", call_off=[self.council], end=date(2028, 3, 31))
        client = self.api(self.council_buyer)
        with on_day(date(2026, 7, 1)):
            due = client.get("/api/v1/purchasing/contracts?due=true").json()["items"]
            every = client.get("/api/v1/purchasing/contracts").json()["items"]
        assert [(c["reference"], c["due_threshold_months"]) for c in due] == [("WSS-C-001", 6)]
        assert [c["reference"] for c in every] == ["WSS-C-001", "WSS-C-002"]


class TestContractPages(ContractsTestCase):
    def test_the_list_shows_due_contracts_and_exports_formulas_as_text(self) -> None:
        Contract.objects.for_partner(self.shared).filter(pk=self.contract.pk).update(title="=HYPERLINK(1)")
        client = self.signed_in(self.council_buyer)
        with on_day(date(2026, 10, 1)):
            page = client.get("/purchasing/contracts/?due=1")
            home = client.get("/purchasing/")
            csv = client.get("/purchasing/contracts/?due=1&format=csv")
        assert "WSS-C-001" in page.content.decode()
        assert "Due: 3 months" in page.content.decode()
        assert "Contracts due for renewal" in home.content.decode()
        lines = csv.content.decode().splitlines()
        assert lines[0].startswith("\ufeffReference,Title,Let by")  # a BOM, for Excel
        assert lines[1].startswith("WSS-C-001,'=HYPERLINK(1),WSS,")

    def test_the_list_filters_by_supplier_and_end_and_downloads_exactly_those_contracts(self) -> None:
        self.let(reference="WSS-C-002", call_off=[self.council], supplier=self.beta, end=date(2027, 6, 30))
        self.let(reference="WSS-C-003", call_off=[self.council], end=date(2028, 3, 31))
        client = self.signed_in(self.council_buyer)
        query = {"supplier": str(self.acme.pk), "ends_before": "2028-01-01"}
        with on_day(date(2026, 3, 1)):
            page = client.get("/purchasing/contracts/", query)
            csv = client.get("/purchasing/contracts/", {**query, "format": "csv"})
        assert [c.reference for c in page.context["page"]] == ["WSS-C-001"]
        assert [(c.heading, c.label) for c in page.context["filter_panel"].chosen] == [
            ("Supplier", "Acme Stationery Ltd"),
            ("Ending before", "1 January 2028"),  # as people read a date, not as typed
        ]
        assert csv.content.decode("utf-8-sig").splitlines()[1:] == [
            "WSS-C-001,Office stationery,WSS,Acme Stationery Ltd,ST,30192000-1,50000.00,"
            "2025-01-01,2026-12-31,Live,"
        ]

    def test_the_list_sorts_by_end_date_and_by_value(self) -> None:
        self.let(reference="WSS-C-002", call_off=[self.council], end=date(2027, 6, 30))
        self.let(reference="WSS-C-003", call_off=[self.council], end=date(2026, 9, 30))
        for reference, value in (("WSS-C-001", "900.00"), ("WSS-C-002", "100.00"), ("WSS-C-003", "5000.00")):
            Contract.objects.for_partner(self.shared).filter(reference=reference).update(value=D(value))
        client = self.signed_in(self.council_buyer)

        def references(**query: str) -> list[str]:
            return [c.reference for c in client.get("/purchasing/contracts/", query).context["page"]]

        assert references() == ["WSS-C-003", "WSS-C-001", "WSS-C-002"]
        assert references(sort="end_date", order="desc") == ["WSS-C-002", "WSS-C-001", "WSS-C-003"]
        assert references(sort="value") == ["WSS-C-002", "WSS-C-001", "WSS-C-003"]
        assert references(sort="value", order="desc") == ["WSS-C-003", "WSS-C-001", "WSS-C-002"]

    def test_a_partner_that_does_not_call_off_lists_and_downloads_none_of_the_contracts(self) -> None:
        client = self.signed_in(self.police_buyer)
        assert list(client.get("/purchasing/contracts/").context["page"]) == []
        csv = client.get("/purchasing/contracts/", {"supplier": str(self.acme.pk), "format": "csv"})
        assert csv.content.decode("utf-8-sig").splitlines()[1:] == []
        assert Contract.objects.for_partner(self.shared).get().end_date == date(2026, 12, 31)

    def test_a_role_without_purchasing_gets_403_for_the_list_and_its_download(self) -> None:
        client = self.signed_in(self.council_hr)
        assert client.get("/purchasing/contracts/").status_code == 403
        assert client.get("/purchasing/contracts/", {"format": "csv"}).status_code == 403

    def test_a_partner_that_does_not_call_off_gets_404_for_the_page(self) -> None:
        client = self.signed_in(self.police_buyer)
        assert client.get(f"/purchasing/contracts/{self.contract.pk}/").status_code == 404
        assert (
            client.post(f"/purchasing/contracts/{self.contract.pk}/", {"form": "extend"}).status_code == 404
        )
        self.contract.refresh_from_db()
        assert self.contract.end_date == date(2026, 12, 31)

    def test_the_owner_takes_an_extension_on_the_page(self) -> None:
        client = self.signed_in(self.shared_buyer)
        response = client.post(f"/purchasing/contracts/{self.contract.pk}/", {"form": "extend"})
        assert response.status_code == 302
        self.contract.refresh_from_db()
        assert self.contract.end_date == date(2027, 12, 31)
        page = client.get(f"/purchasing/contracts/{self.contract.pk}/").content.decode()
        assert "Option 1: 12 months · taken" in page
        assert "£0.00 paid of £50,000.00 (0%); £50,000.00 remains." in page

    def test_a_contract_is_entered_on_the_form(self) -> None:
        buyer = self.make_user("shared.only", [(self.shared, Role.PURCHASING_OFFICER)])
        client = self.signed_in(buyer)
        response = client.post(
            "/purchasing/contracts/new",
            {
                "form": "contract",
                "reference": "WSS-C-020",
                "title": "Legal services",
                "supplier": self.beta.pk,
                "category": self.fuel.pk,
                "cpv_code": "",
                "value": "25000.00",
                "start_date": "2026-04-01",
                "end_date": "2028-03-31",
                "owner": buyer.pk,
                "extension_months": "12, 12",
                "call_off": [self.council.pk, self.police.pk],
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        made = Contract.objects.for_partner(self.shared).get(reference="WSS-C-020")
        assert (made.value, made.end_date) == (D("25000.00"), date(2028, 3, 31))

    def test_the_form_refuses_a_cpv_code_not_in_its_written_form_and_nothing_is_made(self) -> None:
        buyer = self.make_user("shared.only", [(self.shared, Role.PURCHASING_OFFICER)])
        response = self.signed_in(buyer).post(
            "/purchasing/contracts/new",
            {
                "form": "contract",
                "reference": "WSS-C-021",
                "title": "Legal services",
                "supplier": self.beta.pk,
                "category": self.fuel.pk,
                "cpv_code": "79100000",
                "value": "25000.00",
                "start_date": "2026-04-01",
                "end_date": "2028-03-31",
                "owner": buyer.pk,
                "extension_months": "",
            },
        )
        assert response.status_code == 200
        assert "Enter the CPV code as 8 digits, a hyphen and the check digit, like 30192000-1" in (
            response.content.decode()
        )
        assert not Contract.objects.for_partner(self.shared).filter(reference="WSS-C-021").exists()
        assert self.events("contract.created") == 1  # WSS-C-001, let in the set-up


class TestLinkingOnThePages(SpendTestCase):
    """An invoice without an order, or an order, is linked on its page to a live contract its
    partner may call off with the same supplier (contracts.invoice_set_contract and
    contracts.order_set_contract, which write the audit event)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.let(reference="WSS-C-002", call_off=[cls.police])  # the council may not call it off
        cls.let(reference="WSS-C-003", call_off=[cls.council], supplier=cls.beta)  # another supplier
        ended = cls.let(reference="WSS-C-004", call_off=[cls.council])
        contracts.contract_end(
            actor=cls.shared_buyer, contract=ended, ended_on=date(2026, 3, 31), reason="Re-procured"
        )

    def invoice_events(self) -> int:
        return AuditEvent.objects.for_partner(self.council).filter(action="invoice.contract_set").count()

    def order_events(self) -> int:
        return AuditEvent.objects.for_partner(self.council).filter(action="order.contract_set").count()

    def options(self, page: str) -> list[str]:
        form = page.split('data-testid="contract-form"', 1)[1].split("</form>", 1)[0]
        return [part.split(">", 1)[1].split("</option", 1)[0] for part in form.split("<option")[1:]]

    def test_the_invoice_page_offers_only_live_contracts_of_the_partner_with_its_supplier(self) -> None:
        invoice = self.invoice("120.00", paid=False)
        page = self.signed_in(self.council_buyer).get(f"/purchasing/invoices/{invoice.pk}/").content.decode()
        assert self.options(page) == ["Not under a contract", "WSS-C-001: Office stationery"]

    def test_an_invoice_is_linked_and_unlinked_on_its_page_with_an_audit_event_each(self) -> None:
        invoice = self.invoice("120.00", paid=False)
        client = self.signed_in(self.council_buyer)
        url = f"/purchasing/invoices/{invoice.pk}/"
        response = client.post(url, {"form": "contract", "contract": self.contract.pk})
        assert response.status_code == 302
        invoice.refresh_from_db()
        assert invoice.contract_id == self.contract.pk
        page = client.get(url).content.decode()
        assert f"Invoice {invoice.number} is under contract WSS-C-001." in page
        assert ">WSS-C-001</a>: Office stationery</dd>" in page
        assert client.post(url, {"form": "contract", "contract": ""}).status_code == 302
        invoice.refresh_from_db()
        assert invoice.contract_id is None
        assert self.invoice_events() == 2

    def test_a_contract_not_offered_is_refused_on_the_invoice_page_and_nothing_changes(self) -> None:
        invoice = self.invoice("120.00", paid=False)
        police_only = Contract.objects.for_partner(self.shared).get(reference="WSS-C-002")
        response = self.signed_in(self.council_buyer).post(
            f"/purchasing/invoices/{invoice.pk}/", {"form": "contract", "contract": police_only.pk}
        )
        assert response.status_code == 200
        assert "Choose a live contract with this supplier from the list." in response.content.decode()
        invoice.refresh_from_db()
        assert invoice.contract_id is None
        assert self.invoice_events() == 0

    def test_a_member_who_may_not_enter_invoices_gets_403_and_nothing_changes(self) -> None:
        invoice = self.invoice("120.00", paid=False)
        client = self.signed_in(self.council_manager)
        url = f"/purchasing/invoices/{invoice.pk}/"
        assert 'data-testid="contract-form"' not in client.get(url).content.decode()
        assert client.post(url, {"form": "contract", "contract": self.contract.pk}).status_code == 403
        invoice.refresh_from_db()
        assert invoice.contract_id is None
        assert self.invoice_events() == 0

    def test_another_partners_invoice_answers_404_and_nothing_changes(self) -> None:
        invoice = self.invoice("120.00", paid=False)
        response = self.signed_in(self.police_buyer).post(
            f"/purchasing/invoices/{invoice.pk}/", {"form": "contract", "contract": self.contract.pk}
        )
        assert response.status_code == 404
        assert Invoice.objects.for_partner(self.council).get(pk=invoice.pk).contract_id is None
        assert self.invoice_events() == 0

    def test_an_orders_invoice_follows_its_order_and_offers_no_contract_of_its_own(self) -> None:
        contracts.order_set_contract(actor=self.council_buyer, order=self.order, contract=self.contract)
        invoice = self.invoice("120.00", order=self.order, paid=False)
        page = self.signed_in(self.council_buyer).get(f"/purchasing/invoices/{invoice.pk}/").content.decode()
        assert 'data-testid="contract-form"' not in page
        assert ">WSS-C-001</a>: Office stationery (its order's)</dd>" in page

    def test_an_order_is_linked_on_its_page_to_a_contract_it_may_call_off(self) -> None:
        client = self.signed_in(self.council_buyer)
        url = f"/purchasing/orders/{self.order.pk}/"
        assert self.options(client.get(url).content.decode()) == [
            "Not under a contract",
            "WSS-C-001: Office stationery",
        ]
        assert client.post(url, {"form": "contract", "contract": self.contract.pk}).status_code == 302
        assert PurchaseOrder.objects.for_partner(self.council).get(pk=self.order.pk).contract_id == (
            self.contract.pk
        )
        page = client.get(url).content.decode()
        assert "Order WCC-PO-000001 is under contract WSS-C-001." in page
        assert ">WSS-C-001</a>: Office stationery</dd>" in page
        assert self.order_events() == 1

    def test_on_the_order_page_permission_denied_and_another_partner_change_nothing(self) -> None:
        url = f"/purchasing/orders/{self.order.pk}/"
        posted = {"form": "contract", "contract": self.contract.pk}
        assert self.signed_in(self.council_manager).post(url, posted).status_code == 403
        assert self.signed_in(self.police_buyer).post(url, posted).status_code == 404
        assert PurchaseOrder.objects.for_partner(self.council).get(pk=self.order.pk).contract_id is None
        assert self.order_events() == 0


class TestContractAlertsCommand(ContractsTestCase):
    def alerts(self, today: str) -> dict[str, object]:
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("purchasing", "contract-alerts", "--today", today, "--json", stdout=out)
        result: dict[str, object] = json.loads(out.getvalue())
        return result

    def test_running_it_twice_sends_once(self) -> None:
        first = self.alerts("2026-10-01")
        second = self.alerts("2026-10-01")
        assert first["sent"] == [
            {
                "contract": self.contract.pk,
                "reference": "WSS-C-001",
                "threshold_months": 3,
                "end_date": "2026-12-31",
                "sent_to": "shared.buyer@wss.example",
            }
        ]
        assert second["sent"] == []
        assert len(mail.outbox) == 1
        assert ContractAlert.objects.for_partner(self.shared).count() == 1
