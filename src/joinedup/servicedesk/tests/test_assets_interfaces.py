"""The asset register's pages and API (issue 15): the register and its export, an asset's page
and the forms that move it, disposal with an uploaded certificate, the import (all or nothing,
every problem reported), licences with each partner's own line, and 404 for another partner's
asset or licence."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal as D

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.servicedesk.assets import SplitLine, asset_assign, licence_set_split, seat_assign
from joinedup.servicedesk.models import Asset, AssetEvent
from joinedup.servicedesk.tests.assetbase import PDF, AssetTestCase


class TestRegisterPages(AssetTestCase):
    def test_the_register_lists_the_partners_assets_and_exports_them(self) -> None:
        client = self.signed_in(self.council_agent)
        page = client.get("/servicedesk/assets/")
        assert page.status_code == 200
        assert b"WCC-LT-0001" in page.content and b"WPOL-LT-0001" not in page.content
        table = list(
            csv.reader(
                io.StringIO(client.get("/servicedesk/assets/", {"format": "csv"}).content.decode("utf-8-sig"))
            )
        )
        assert table[0][:6] == ["Tag", "Kind", "Make", "Model", "Serial", "Cost"]
        assert table[1][:9] == [
            "WCC-LT-0001",
            "Laptop",
            "Dell",
            "Latitude 5450",
            "SN-WCC-LT-0001",
            "849.99",
            "2026-04-14",
            "2029-04-13",
            "In stock",
        ]
        book = openpyxl.load_workbook(
            io.BytesIO(client.get("/servicedesk/assets/", {"format": "xlsx"}).content)
        )
        assert next(book.worksheets[0].iter_rows(min_row=2, max_row=2))[0].value == "WCC-LT-0001"

    def test_the_assigned_filter_narrows_the_register_and_the_csv_holds_exactly_those(self) -> None:
        spare = self.laptop(self.council, "WCC-LT-0002")
        asset_assign(actor=self.desk, asset=self.council_laptop, employment=self.council_emp)
        client = self.signed_in(self.council_agent)
        page = client.get("/servicedesk/assets/", {"assigned": "no"}).content.decode()
        assert "WCC-LT-0002" in page and "WCC-LT-0001" not in page
        table = list(
            csv.reader(
                io.StringIO(
                    client.get("/servicedesk/assets/", {"assigned": "yes", "format": "csv"}).content.decode(
                        "utf-8-sig"
                    )
                )
            )
        )
        assert [(row[0], row[8], row[10]) for row in table[1:]] == [("WCC-LT-0001", "Deployed", "WCC000001")]
        stock = client.get("/servicedesk/assets/", {"status": "in_stock", "q": "lt-0002", "format": "csv"})
        assert [row[0] for row in csv.reader(io.StringIO(stock.content.decode("utf-8-sig")))][1:] == [
            spare.tag
        ]

    def test_sorting_by_status_orders_the_register(self) -> None:
        self.laptop(self.council, "WCC-LT-0002", status="ordered")
        client = self.signed_in(self.council_agent)
        tags = re.findall(
            r">(WCC-LT-\d{4})</a>", client.get("/servicedesk/assets/", {"sort": "status"}).content.decode()
        )
        assert tags == ["WCC-LT-0001", "WCC-LT-0002"]  # in stock before ordered, by the stored code
        down = client.get("/servicedesk/assets/", {"sort": "tag", "order": "desc"}).content.decode()
        assert re.findall(r">(WCC-LT-\d{4})</a>", down) == ["WCC-LT-0002", "WCC-LT-0001"]

    def test_an_agent_registers_an_asset_on_the_form(self) -> None:
        client = self.signed_in(self.council_agent)
        response = client.post(
            "/servicedesk/assets/new",
            {
                "form": "asset",
                "tag": "wcc-ph-0001",
                "kind": "phone",
                "make": "Apple",
                "model": "iPhone 15",
                "cost": "599.00",
                "status": "in_stock",
            },
        )
        made = Asset.objects.for_partner(self.council).get(tag="WCC-PH-0001")
        assert response.status_code == 302 and response["Location"] == f"/servicedesk/assets/{made.pk}/"

    def test_the_form_shows_the_services_refusal_beside_the_field(self) -> None:
        response = self.signed_in(self.council_agent).post(
            "/servicedesk/assets/new",
            {
                "form": "asset",
                "tag": "WCC-LT-0001",
                "kind": "laptop",
                "make": "Dell",
                "model": "X",
                "cost": "1",
                "status": "in_stock",
            },
        )
        assert response.status_code == 200
        assert "WCC already has an asset tagged WCC-LT-0001." in response.content.decode()

    def test_the_asset_page_assigns_and_shows_the_history(self) -> None:
        client = self.signed_in(self.council_agent)
        url = f"/servicedesk/assets/{self.council_laptop.pk}/"
        response = client.post(
            url, {"form": "assign", "employment": self.council_emp.pk, "note": "New starter"}
        )
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert "Ada Lovelace (WCC000001)" in page and "New starter" in page
        assert self.reload(self.council_laptop).status == "deployed"

    def test_disposal_on_the_page_stores_the_uploaded_certificate(self) -> None:
        client = self.signed_in(self.council_agent)
        url = f"/servicedesk/assets/{self.council_laptop.pk}/"
        response = client.post(
            url,
            {
                "form": "dispose",
                "method": "recycled",
                "certificate_number": "WEEE-9",
                "disposed_on": "2026-11-02",
                "file": SimpleUploadedFile("weee.pdf", PDF, content_type="application/pdf"),
            },
        )
        assert response.status_code == 302
        download = client.get(f"{url}certificate")
        assert (download.status_code, download.content, download["Content-Type"]) == (
            200,
            PDF,
            "application/pdf",
        )

    def test_a_service_admin_reads_the_register_but_may_not_change_it(self) -> None:
        client = self.signed_in(self.ops_admin)
        url = f"/servicedesk/assets/{self.council_laptop.pk}/"
        assert client.get(url).status_code == 200
        assert client.post(url, {"form": "status", "status": "in_repair"}).status_code == 403
        assert self.reload(self.council_laptop).status == "in_stock"

    def test_another_partners_asset_answers_404_and_nothing_changes(self) -> None:
        client = self.signed_in(self.council_agent)
        url = f"/servicedesk/assets/{self.police_laptop.pk}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"form": "status", "status": "in_repair"}).status_code == 404
        assert self.reload(self.police_laptop).status == "in_stock"


class TestImport(AssetTestCase):
    def upload(self, rows: list[list[str]]) -> object:
        out = io.StringIO()
        csv.writer(out).writerows(
            [
                [
                    "tag",
                    "kind",
                    "make",
                    "model",
                    "serial",
                    "cost",
                    "purchased_on",
                    "warranty_until",
                    "status",
                ],
                *rows,
            ]
        )
        return self.signed_in(self.council_agent).post(
            "/servicedesk/assets/import", {"file": SimpleUploadedFile("assets.csv", out.getvalue().encode())}
        )

    def test_it_registers_every_row(self) -> None:
        response = self.upload(
            [
                ["WCC-MN-0001", "monitor", "Dell", "P2425", "", "189.00", "2026-05-01", "", "in_stock"],
                ["WCC-MN-0002", "monitor", "Dell", "P2425", "", "189.00", "", "", ""],
            ]
        )
        assert response.status_code == 302  # type: ignore[attr-defined]
        assert Asset.objects.for_partner(self.council).filter(kind="monitor").count() == 2
        assert self.audit_count(self.council, "servicedesk.assets_imported") == 1

    def test_it_registers_nothing_and_reports_every_bad_row(self) -> None:
        response = self.upload(
            [
                ["WCC-MN-0001", "monitor", "Dell", "P2425", "", "189.00", "", "", ""],
                ["WCC-MN-0001", "fridge", "Dell", "P2425", "", "-5", "", "", ""],
                ["WCC-LT-0001", "laptop", "Dell", "X", "", "1.00", "2026-05-01", "2026-04-01", ""],
            ]
        )
        page = response.content.decode()  # type: ignore[attr-defined]
        assert "the file has 5 problems" in page
        for reason in (
            "Also on row 2",
            "WCC already has an asset with this tag",
            "The warranty cannot end before the asset was bought.",
        ):
            assert reason in page
        assert Asset.objects.for_partner(self.council).filter(kind="monitor").count() == 0


class TestLicencePages(AssetTestCase):
    def test_a_partner_sees_its_own_line_and_its_own_people_only(self) -> None:
        licence_set_split(
            actor=self.desk,
            licence=self.office,
            basis="percent",
            lines=[SplitLine(self.council, D(60)), SplitLine(self.police, D(40))],
        )
        seat_assign(actor=self.police_agent, licence=self.office, employment=self.police_emp)
        seat_assign(actor=self.council_agent, licence=self.office, employment=self.council_emp)
        page = (
            self.signed_in(self.council_agent)
            .get(f"/servicedesk/licences/{self.office.pk}/")
            .content.decode()
        )
        assert "£600.00" in page and "£400.00" not in page and "WPOL" not in page
        assert "Ada Lovelace" in page and "Grace Hopper" not in page
        assert "2 in use of 3" in page
        listing = self.signed_in(self.council_agent).get("/servicedesk/licences/").content.decode()
        assert "share of shared licences: £600.00 a year" in listing

    def test_the_holder_sets_the_split_on_the_page(self) -> None:
        client = self.signed_in(self.desk)
        response = client.post(
            f"/servicedesk/licences/{self.office.pk}/",
            {
                "form": "split",
                "basis": "seats",
                f"share_{self.council.pk}": "2",
                f"share_{self.fire.pk}": "1",
            },
        )
        assert response.status_code == 302
        page = client.get(f"/servicedesk/licences/{self.office.pk}/").content.decode()
        assert "£666.67" in page and "£333.33" in page


class TestApi(AssetTestCase):
    def test_it_creates_moves_and_reads_an_asset(self) -> None:
        api = self.api(self.council_agent)
        created = api.post(
            f"/api/v1/partners/{self.council.pk}/servicedesk/assets",
            {"tag": "WCC-TB-0001", "kind": "tablet", "make": "Apple", "model": "iPad", "cost": "329.00"},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        asset_id = created.json()["id"]
        moved = api.post(
            f"/api/v1/servicedesk/assets/{asset_id}/status",
            {"status": "in_stock", "note": "Delivered"},
            content_type="application/json",
        )
        assert moved.json()["status"] == "in_stock"
        assigned = api.post(
            f"/api/v1/servicedesk/assets/{asset_id}/assignment",
            {"employment_id": self.council_emp.pk},
            content_type="application/json",
        ).json()
        assert (assigned["status"], assigned["assigned_to"]) == ("deployed", "Ada Lovelace")
        assert [e["to_status"] for e in assigned["history"]] == ["ordered", "in_stock", "deployed"]
        listed = api.get(
            f"/api/v1/partners/{self.council.pk}/servicedesk/assets", {"status": "deployed"}
        ).json()
        assert [a["tag"] for a in listed["items"]] == ["WCC-TB-0001"]

    def test_a_refused_move_is_422_with_the_reason_and_changes_nothing(self) -> None:
        response = self.api(self.council_agent).post(
            f"/api/v1/servicedesk/assets/{self.council_laptop.pk}/status",
            {"status": "ordered"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "An asset in stock cannot become ordered" in json.dumps(response.json())
        assert AssetEvent.objects.for_partner(self.council).filter(asset=self.council_laptop).count() == 1

    def test_another_partners_asset_and_licence_answer_404(self) -> None:
        api = self.api(self.police_agent)
        assert api.get(f"/api/v1/servicedesk/assets/{self.council_laptop.pk}").status_code == 404
        assert api.get(f"/api/v1/servicedesk/licences/{self.office.pk}").status_code == 404
        response = api.post(
            f"/api/v1/servicedesk/assets/{self.council_laptop.pk}/status",
            {"status": "in_repair"},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert self.reload(self.council_laptop).status == "in_stock"

    def test_a_shared_licence_shows_each_partner_its_own_line(self) -> None:
        licence_set_split(
            actor=self.desk,
            licence=self.office,
            basis="percent",
            lines=[SplitLine(self.council, D(60)), SplitLine(self.police, D(40))],
        )
        mine = self.api(self.police_agent).get(f"/api/v1/servicedesk/licences/{self.office.pk}").json()
        assert [(line["partner_code"], line["pounds"]) for line in mine["lines"]] == [("WPOL", "400.00")]
        everyone = self.api(self.desk).get(f"/api/v1/servicedesk/licences/{self.office.pk}").json()
        assert [line["pounds"] for line in everyone["lines"]] == ["600.00", "400.00"]
        listed = (
            self.api(self.police_agent).get(f"/api/v1/partners/{self.police.pk}/servicedesk/licences").json()
        )
        assert [(lic["product"], lic["seats"], lic["seats_used"]) for lic in listed] == [
            ("Office 365 E3", 3, 0)
        ]
        assert date.fromisoformat(mine["ends_on"]) == date(2099, 3, 31)
