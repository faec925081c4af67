"""The business-case pages, exports, API and baseline import."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from joinedup.businesscase import selectors
from joinedup.businesscase.models import Baseline, Decision
from joinedup.businesscase.services import baselines_import
from joinedup.businesscase.tests.base import BusinessCaseTestCase

GOOD = (
    b"partner,function,staff_cost,fte,non_staff_cost,payslips\n"
    b"WCC,hr,1200000.00,40.5,150000.00,\n"
    b"WPOL,hr,800000,25,90000,\n"
    b"WCC,payroll,410000.00,12.5,50000,61000\n"
)


class TestCasePage(BusinessCaseTestCase):
    def test_it_shows_the_appraisal_the_chart_and_the_readers_own_share(self) -> None:
        page = self.signed_in(self.council_finance).get(f"/businesscase/{self.case.pk}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "£1.92" in text  # the hand-worked NPV
        assert "<polyline" in text and 'role="img"' in text
        assert "Your share" in text and "£1.15" in text
        assert "£0.77" not in text  # the constabulary's share is the constabulary's
        assert "Not yet approved by the partnership" in text
        assert "Record a decision on version 1" in text

    def test_a_partner_not_involved_gets_404_on_the_page_the_exports_and_the_api(self) -> None:
        client = self.signed_in(self.fire_finance)
        for url in (
            f"/businesscase/{self.case.pk}/",
            f"/businesscase/{self.case.pk}/appraisal.csv",
            f"/businesscase/{self.case.pk}/baseline.xlsx",
            f"/businesscase/{self.case.pk}/import",
        ):
            assert client.get(url).status_code == 404, url
        api = self.api(self.fire_finance)
        assert api.get(f"/api/v1/businesscases/{self.case.pk}").status_code == 404
        answer = api.post(
            f"/api/v1/businesscases/{self.case.pk}/decisions",
            data=json.dumps(
                {
                    "partner_id": self.fire.pk,
                    "outcome": "approved",
                    "decided_on": "2026-11-03",
                    "body": "cabinet",
                }
            ),
            content_type="application/json",
        )
        assert answer.status_code == 404
        assert Decision.objects.for_partner(self.fire).count() == 0

    def test_the_decision_form_records_the_partners_decision(self) -> None:
        client = self.signed_in(self.police_finance)
        answer = client.post(
            f"/businesscase/{self.case.pk}/",
            {
                "form": "decision",
                "partner": self.police.pk,
                "outcome": "deferred",
                "decided_on": "2026-11-03",
                "body": "police_authority",
                "minutes_url": "https://example.org/minutes",
                "conditions": "",
            },
        )
        assert answer.status_code == 302
        (decision,) = Decision.objects.for_partner(self.police).filter(partner=self.police)
        assert (decision.outcome, decision.body, decision.version.number) == (
            "deferred",
            "police_authority",
            1,
        )

    def test_the_appraisal_exports_as_csv_with_the_readers_share(self) -> None:
        answer = self.signed_in(self.council_finance).get(f"/businesscase/{self.case.pk}/appraisal.csv")
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Option", "Kind", "Net present value"]
        assert rows[0][-1] == "WCC share of NPV"
        assert rows[1][:8] == [
            "Shared service",
            "Shared service",
            "1.92",
            "1100.00",
            "1101.92",
            "4",
            "4",
            "0.17",
        ]
        assert rows[1][-1] == "1.15"

    def test_the_api_answers_the_case_as_the_reader_may_see_it(self) -> None:
        body = self.api(self.police_finance).get(f"/api/v1/businesscases/{self.case.pk}").json()
        assert body["version"] == 1 and body["approved_version"] is None
        (option,) = body["options"]
        assert option["net_present_value"] == "1.92"
        assert option["shares"] == [
            {"partner": "WPOL", "costs": "440.00", "savings": "480.00", "net_present_value": "0.77"}
        ]
        assert [b["partner"] for b in body["baselines"]] == ["WPOL"]
        assert body["baseline_not_shared"] == ["Wessex County Council"]
        assert body["total"]["staff_cost"] == "600000.00"

    def test_the_api_records_a_decision(self) -> None:
        answer = self.api(self.council_finance).post(
            f"/api/v1/businesscases/{self.case.pk}/decisions",
            data=json.dumps(
                {
                    "partner_id": self.council.pk,
                    "outcome": "approved",
                    "decided_on": "2026-11-03",
                    "body": "cabinet",
                }
            ),
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["version"] == 1


class TestBaselineImport(BusinessCaseTestCase):
    def test_it_imports_every_row_into_the_version_being_edited(self) -> None:
        result = baselines_import(actor=self.shared_finance, case=self.case, source=GOOD, filename="b.csv")
        assert result.ok and result.saved == 3
        rows = (
            Baseline.objects.for_partner(self.shared)
            .filter(case=self.case)
            .order_by("partner__code", "function")
        )
        assert [(r.partner.code, r.function, r.staff_cost, r.payslips) for r in rows] == [
            ("WCC", "hr", Decimal("1200000.00"), 0),
            ("WCC", "payroll", Decimal("410000.00"), 61000),
            ("WPOL", "hr", Decimal("800000.00"), 0),
            ("WPOL", "payroll", Decimal("200000.00"), 30000),
        ]
        # The constabulary had shared its baseline: its new row is shared too.
        assert Baseline.objects.for_partner(self.police).get(partner=self.police, function="hr").shared

    def test_it_refuses_the_whole_file_naming_every_bad_row(self) -> None:
        bad = (
            b"partner,function,staff_cost,fte,non_staff_cost\n"
            b"WCC,hr,1200000.00,40.5,150000.00\n"
            b"WFRS,hr,1.00,1,1\n"
            b"WCC,canteen,1.00,1,1\n"
            b"WPOL,ict,-5.00,1,1\n"
            b"WCC,hr,2.00,1,1\n"
        )
        before = Baseline.objects.for_partner(self.shared).count()
        result = baselines_import(actor=self.shared_finance, case=self.case, source=bad, filename="bad.csv")
        assert [(e.row, e.column) for e in result.errors] == [
            (3, "partner"),
            (4, "function"),
            (5, "staff_cost"),
            (6, "function"),
        ]
        assert result.errors[0].reason == "No partner of this business case has this code"
        assert result.errors[3].reason == "The same partner's function is also on row 2"
        assert Baseline.objects.for_partner(self.shared).count() == before

    def test_an_import_after_a_decision_makes_a_new_version(self) -> None:
        from datetime import date

        from joinedup.businesscase.services import decision_record, latest_version

        decision_record(
            actor=self.police_finance,
            version=latest_version(self.case),
            partner=self.police,
            outcome="deferred",
            decided_on=date(2026, 11, 3),
            body="police_authority",
        )
        baselines_import(actor=self.shared_finance, case=self.case, source=GOOD, filename="b.csv")
        assert [v.number for v in selectors.versions_of_case(self.case)] == [1, 2]
        v1 = selectors.versions_of_case(self.case).get(number=1)
        assert Baseline.objects.for_partner(self.shared).filter(version=v1).count() == 2

    def test_the_import_page_lists_the_problems(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        page = self.signed_in(self.shared_finance).post(
            f"/businesscase/{self.case.pk}/import",
            {
                "file": SimpleUploadedFile(
                    "b.csv", b"partner,function,staff_cost,fte,non_staff_cost\nXX,hr,1,1,1\n"
                )
            },
        )
        assert page.status_code == 200
        assert "Nothing was changed: the file has 1 problem" in page.content.decode()


class TestChart:
    def test_it_draws_the_cumulative_discounted_cash_flow_in_whole_pixels(self) -> None:
        from joinedup.web.businesscase.chart import cumulative_chart

        flows = tuple(Decimal(v) for v in ("-1100.00", "-810.14", "-530.09", "-259.51", "1.92"))
        chart = cumulative_chart([("Shared service", flows)])
        assert chart is not None
        # x: 90 + 132.5 per year (530 pixels over 4 years); y: 20 + (1.92 - value) / 1101.92 x 240,
        # half up to the pixel, so the line crosses zero (y 20) in year 4, the discounted payback.
        assert chart.lines[0].points == "90,260 223,197 355,136 488,77 620,20"
        assert chart.zero_y == 20
        assert cumulative_chart([]) is None
