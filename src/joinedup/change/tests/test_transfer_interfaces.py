"""The transfer plan's API and pages: each endpoint answers the programme's partners and 404 to
HR of a partner not involved, with nothing changed; the ELI export is never cached and is
recorded on the employer's audit chain; the measures letter is a PDF."""

from __future__ import annotations

import csv
import io
from datetime import date
from unittest import mock

from django.test import Client
from openpyxl import load_workbook

from joinedup.audit.models import AuditEvent
from joinedup.change.models import TransferPlan, TransferPlanMember
from joinedup.change.tests.test_transfer_plans import TransferPlanTestCase
from joinedup.testing.second_factor import sign_in

ON_TIME = mock.patch("joinedup.change.transfer_selectors.timezone.localdate", return_value=date(2026, 8, 1))


class TestTransferPlanApi(TransferPlanTestCase):
    def url(self, tail: str = "") -> str:
        return f"/api/v1/change/transfer-plans/{self.plan.pk}{tail}"

    def test_the_plan_answers_its_partners_with_their_own_staff(self) -> None:
        with ON_TIME:
            found = self.api(self.police_hr).get(self.url()).json()
        assert (found["kind"], found["receiving_partner"], found["eli_due"], found["eli_late"]) == (
            "tupe",
            "WSS",
            "2026-09-03",
            False,
        )
        assert [m["payroll_number"] for m in found["members"]] == ["WPOL100004"]

    def test_every_endpoint_is_404_to_a_partner_not_involved_and_changes_nothing(self) -> None:
        member = TransferPlanMember.objects.for_partner(self.council).filter(plan=self.plan).first()
        assert member is not None
        client = self.api(self.fire_hr)
        events = AuditEvent.objects.for_partner(self.council).count()
        reads = [
            self.url(),
            self.url("/eli?format=csv"),
            self.url("/comparison"),
            self.url("/terms"),
            f"/api/v1/change/programmes/{self.programme.pk}/transfer-plans",
        ]
        for url in reads:
            response = client.get(url)
            assert (url, response.status_code, response.json()) == (url, 404, {"detail": "Not found."})
        writes = [
            (self.url("/update"), {"status": "withdrawn"}),
            (self.url("/members"), {"from_scope": True}),
            (f"/api/v1/change/transfer-plan-members/{member.pk}/remove", {}),
        ]
        for url, body in writes:
            response = client.post(url, body, content_type="application/json")
            assert (url, response.status_code) == (url, 404)
        assert TransferPlan.objects.for_partner(self.council).get(pk=self.plan.pk).status == "draft"
        assert TransferPlanMember.objects.for_partner(self.council).filter(plan=self.plan).count() == 3
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_the_eli_export_is_not_cached_and_is_audited(self) -> None:
        response = self.api(self.council_hr).get(self.url("/eli?format=csv"))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row[1] for row in table[1:]] == ["WCC100002", "WCC100003", "WCC100001"]
        event = AuditEvent.objects.for_partner(self.council).filter(action="change.eli_exported").get()
        assert event.after == {"plan": "HR team to the shared service", "format": "csv", "people": 3}
        xlsx = self.api(self.council_hr).get(self.url("/eli?format=xlsx"))
        sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
        assert [c.value for c in next(sheet.iter_rows())][:3] == ["employer", "payroll_number", "name"]

    def test_the_comparison_answers_in_pounds_and_pence(self) -> None:
        found = self.api(self.shared_hr).get(self.url("/comparison")).json()
        assert found["transfer"]["cost_by_partner"]["WSS"] == {
            "salary": "114392.00",
            "employer_ni": "14158.80",
            "employer_pension": "18302.72",
            "total": "146853.52",
        }
        assert found["secondment"]["total"]["total"] == "149570.33"

    def test_terms_answer_the_options_and_refuse_a_protection_out_of_range(self) -> None:
        found = self.api(self.shared_hr).get(self.url("/terms?protection_years=1")).json()
        assert [(o["scheme"], o["method"], o["total"]) for o in found["options"]] == [
            ("njc", "level_up", ["0.00", "0.00"]),
            ("njc", "level_down", ["0.00", "0.00"]),
        ]
        assert self.api(self.shared_hr).get(self.url("/terms?protection_years=11")).status_code == 422

    def test_a_plan_is_made_and_its_people_added_from_the_scope(self) -> None:
        client = self.api(self.shared_hr)
        made = client.post(
            f"/api/v1/change/programmes/{self.programme.pk}/transfer-plans",
            {
                "name": "Secondment instead",
                "kind": "secondment",
                "receiving_partner_id": self.shared.pk,
                "transfer_date": "2026-10-01",
                "secondment_end": "2027-09-30",
                "recharge_percent": "60",
            },
            content_type="application/json",
        )
        assert made.status_code == 201, made.content
        plan_id = made.json()["id"]
        added = client.post(
            f"/api/v1/change/transfer-plans/{plan_id}/members",
            {"from_scope": True},
            content_type="application/json",
        ).json()
        assert len(added["members"]) == 4

    def test_carrying_out_answers_what_the_people_module_recorded(self) -> None:
        response = self.api(self.shared_hr).post(self.url("/carry-out"))
        assert (response.status_code, response.json()) == (
            200,
            ["HR team to the shared service (WCC)", "HR team to the shared service (WPOL)"],
        )
        again = self.api(self.shared_hr).post(self.url("/carry-out"))
        assert again.status_code == 422


class TestTransferPlanPages(TransferPlanTestCase):
    def web(self, user: object) -> Client:
        return sign_in(Client(), user)

    def test_the_plan_page_warns_when_the_eli_is_late(self) -> None:
        with mock.patch(
            "joinedup.change.transfer_selectors.timezone.localdate", return_value=date(2026, 9, 4)
        ):
            page = self.web(self.council_hr).get(f"/change/transfer-plans/{self.plan.pk}/")
        assert page.status_code == 200
        assert b'data-testid="eli-late"' in page.content
        assert b"Late: it was due by 3 September 2026" in page.content

    def test_the_pages_and_the_letter_are_404_to_a_partner_not_involved(self) -> None:
        client = self.web(self.fire_hr)
        for tail in ("/", "/eli", "/comparison", "/terms", "/measures-letter.pdf"):
            assert client.get(f"/change/transfer-plans/{self.plan.pk}{tail}").status_code == 404
        member = TransferPlanMember.objects.for_partner(self.council).filter(plan=self.plan).first()
        assert member is not None
        assert client.post(f"/change/transfer-plan-members/{member.pk}/remove").status_code == 404
        assert TransferPlanMember.objects.for_partner(self.council).filter(plan=self.plan).count() == 3

    def test_the_comparison_and_terms_pages_show_the_figures_and_a_chart(self) -> None:
        client = self.web(self.shared_hr)
        comparison = client.get(f"/change/transfer-plans/{self.plan.pk}/comparison")
        assert "£146,853.52" in comparison.content.decode()  # the transfer's total
        terms = client.get(f"/change/transfer-plans/{self.plan.pk}/terms?protection_years=2")
        assert terms.status_code == 200
        assert b'data-testid="harmonise-chart"' in terms.content
        assert terms.content.count(b'data-testid="terms-group"') == 1

    def test_the_measures_letter_is_a_pdf_with_the_measures(self) -> None:
        response = self.web(self.council_hr).get(f"/change/transfer-plans/{self.plan.pk}/measures-letter.pdf")
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
        assert response.content.startswith(b"%PDF")
        assert "no-store" in response["Cache-Control"]
