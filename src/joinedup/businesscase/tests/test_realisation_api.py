"""The realisation over JSON, with the partner rules (figures worked in realisation_base.py)."""

from __future__ import annotations

from joinedup.businesscase.models import CostCentreFunction
from joinedup.businesscase.tests.realisation_base import RealisationTestCase
from joinedup.ledger.models import CostCentre


class TestRealisationApi(RealisationTestCase):
    def test_it_gives_the_councils_figures_and_the_partnerships_totals(self) -> None:
        body = self.api(self.council_finance).get(f"/api/v1/businesscases/{self.case.pk}/realisation").json()
        assert (body["live"], body["version"], body["option"], body["live_from"]) == (
            True,
            1,
            "Shared service",
            "2026-04-01",
        )
        council = next(f for f in body["functions"] if f["partner"] == "WCC")
        assert {k: council[k] for k in ("baseline", "own_cost", "recharges", "saving", "planned_saving")} == {
            "baseline": "37500.00",
            "own_cost": "30000.00",
            "recharges": "5000.00",
            "saving": "2500.00",
            "planned_saving": "15.00",
        }
        assert body["total"]["one_off_paid"] == "12000.00"
        assert body["one_off_estimate"] == "1100.00"
        assert body["months"][0]["cumulative_saving"] == "2500.00"

    def test_a_partner_whose_detail_is_not_shared_is_in_the_totals_only(self) -> None:
        body = self.api(self.police_finance).get(f"/api/v1/businesscases/{self.case.pk}/realisation").json()
        assert {f["partner"] for f in body["functions"]} == {"WPOL"}
        assert [p["partner"] for p in body["partners"]] == ["WPOL"]
        assert body["detail_not_shared"] == ["Wessex County Council"]
        assert body["total"]["own_cost"] == "30000.00"
        assert body["mapped"] == []

    def test_a_partner_not_in_the_case_gets_404(self) -> None:
        response = self.api(self.fire_finance).get(f"/api/v1/businesscases/{self.case.pk}/realisation")
        assert response.status_code == 404

    def test_the_mapping_is_set_and_read_by_the_partner_only(self) -> None:
        other = CostCentre.objects.for_partner(self.council).get(code="CC-OTHER")
        response = self.api(self.council_finance).put(
            f"/api/v1/partners/{self.council.pk}/cost-centre-functions",
            {"mapping": [{"cost_centre_id": other.pk, "function": "ict"}]},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert {r["code"]: r["function"] for r in response.json()} == {
            "CC-C-HR-01": "payroll",
            "CC-OTHER": "ict",
        }
        refused = self.api(self.police_finance).put(
            f"/api/v1/partners/{self.council.pk}/cost-centre-functions",
            {"mapping": [{"cost_centre_id": other.pk, "function": None}]},
            content_type="application/json",
        )
        assert refused.status_code == 404
        assert CostCentreFunction.objects.for_partner(self.council).count() == 2

    def test_go_live_is_set_by_the_cases_manager(self) -> None:
        url = f"/api/v1/businesscases/{self.case.pk}/go-live"
        refused = self.api(self.council_finance).put(
            url, {"live_from": "2026-06-01"}, content_type="application/json"
        )
        assert refused.status_code == 403
        done = self.api(self.shared_finance).put(
            url, {"live_from": "2026-06-01"}, content_type="application/json"
        )
        assert done.json() == {"id": self.case.pk, "live_from": "2026-06-01"}
