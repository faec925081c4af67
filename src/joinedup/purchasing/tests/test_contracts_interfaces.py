"""The contracts register through its interfaces: the JSON API, the pages (with the CSV export)
and ``joinedup purchasing contract-alerts``."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from io import StringIO

from django.core import mail
from django.core.management import call_command

from joinedup.partnership.models import Role
from joinedup.purchasing.models import Contract, ContractAlert
from joinedup.purchasing.tests.base import on_day
from joinedup.purchasing.tests.test_contracts import ContractsTestCase


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
        assert "£0.00 paid of £50000.00 (0%); £50000.00 remains." in page

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
