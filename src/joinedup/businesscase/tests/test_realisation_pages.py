"""The board pack's pages, downloads and the cost-centre mapping page (figures worked in
realisation_base.py)."""

from __future__ import annotations

import csv
import io

from joinedup.businesscase.models import CostCentreFunction
from joinedup.businesscase.tests.realisation_base import RealisationTestCase
from joinedup.ledger.models import CostCentre


def table(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


class TestBoardPackPages(RealisationTestCase):
    def test_the_dashboard_shows_the_savings_charts_and_what_was_summed(self) -> None:
        response = self.signed_in(self.council_finance).get(f"/businesscase/{self.case.pk}/realisation")
        assert response.status_code == 200
        page = response.content.decode()
        assert "£2,500.00 against £15.00 planned (1 month reported)" in page
        assert "£12,000.00 against an estimate of £1,100.00" in page
        assert page.count("<svg") == 4
        assert "on an expense account that is not an inter-partner account" in page
        assert "CC-C-HR-01 Council HR: Payroll" in page

    def test_a_partner_sees_anothers_detail_only_when_shared(self) -> None:
        page = self.signed_in(self.police_finance).get(f"/businesscase/{self.case.pk}/realisation")
        text = page.content.decode()
        assert "their baseline detail is not shared with you): Wessex County Council." in text
        rows = table(
            self.signed_in(self.police_finance)
            .get(f"/businesscase/{self.case.pk}/realisation/partners.csv")
            .content
        )
        assert [r[0] for r in rows[1:]] == ["Wessex Constabulary", "Partnership total"]

    def test_a_partner_not_in_the_case_finds_nothing(self) -> None:
        client = self.signed_in(self.fire_finance)
        for path in ("realisation", "realisation.pdf", "realisation/functions.csv"):
            assert client.get(f"/businesscase/{self.case.pk}/{path}").status_code == 404

    def test_each_table_downloads_with_the_figures_on_the_page(self) -> None:
        client = self.signed_in(self.council_finance)
        rows = table(client.get(f"/businesscase/{self.case.pk}/realisation/months.csv").content)
        assert rows == [
            [
                "Month",
                "Partners reporting",
                "Baseline",
                "Actual",
                "Saving",
                "Planned saving",
                "Cumulative saving",
                "Cumulative plan",
            ],
            ["April 2026", "1", "37500.00", "35000.00", "2500.00", "15.00", "2500.00", "15.00"],
        ]
        xlsx = client.get(f"/businesscase/{self.case.pk}/realisation/functions.xlsx")
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        assert client.get(f"/businesscase/{self.case.pk}/realisation/nothing.csv").status_code == 404

    def test_the_board_pack_pdf_downloads(self) -> None:
        response = self.signed_in(self.council_finance).get(f"/businesscase/{self.case.pk}/realisation.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")

    def test_the_case_manager_sets_the_go_live_date(self) -> None:
        client = self.signed_in(self.shared_finance)
        response = client.post(f"/businesscase/{self.case.pk}/realisation", {"live_from": "2026-05-02"})
        assert "Go-live is the first day of a month." in response.content.decode()
        self.case.refresh_from_db()
        assert str(self.case.live_from) == "2026-04-01"
        client.post(f"/businesscase/{self.case.pk}/realisation", {"live_from": "2026-05-01"})
        self.case.refresh_from_db()
        assert str(self.case.live_from) == "2026-05-01"


class TestMappingPage(RealisationTestCase):
    def test_a_finance_officer_maps_a_cost_centre(self) -> None:
        other = CostCentre.objects.for_partner(self.council).get(code="CC-OTHER")
        client = self.signed_in(self.council_finance)
        assert "CC-OTHER Other" in client.get("/businesscase/cost-centres/WCC").content.decode()
        response = client.post(
            "/businesscase/cost-centres/WCC", {f"cc-{other.pk}": "ict", f"cc-{self.mapped.pk}": "payroll"}
        )
        assert response.status_code == 302
        assert dict(
            CostCentreFunction.objects.for_partner(self.council).values_list("cost_centre__code", "function")
        ) == {"CC-C-HR-01": "payroll", "CC-OTHER": "ict"}
        rows = table(client.get("/businesscase/cost-centres/WCC/mapping.csv").content)
        assert ["CC-OTHER", "Other", "ICT"] in rows

    def test_another_partners_mapping_answers_404_and_changes_nothing(self) -> None:
        client = self.signed_in(self.police_finance)
        assert client.get("/businesscase/cost-centres/WCC").status_code == 404
        response = client.post("/businesscase/cost-centres/WCC", {f"cc-{self.mapped.pk}": "hr"})
        assert response.status_code == 404
        assert CostCentreFunction.objects.for_partner(self.council).get().function == "payroll"
