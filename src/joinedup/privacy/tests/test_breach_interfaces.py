"""The breach log's pages and API (web/privacy/breach.py, api/privacy_breach.py)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from django.test import Client

from joinedup.partnership.permissions import CURRENT_PARTNER_SESSION_KEY as SESSION_KEY
from joinedup.privacy import breach as services
from joinedup.privacy.models import AffectedPartner
from joinedup.privacy.tests.breachbase import AWARE, NOW, BreachTestCase, at, facts

JSON = "application/json"


class TestThePages(BreachTestCase):
    def client_on(self, user: Any, partner: Any) -> Client:
        client = self.signed_in(user)
        session = client.session
        session[SESSION_KEY] = partner.pk
        session.save()
        return client

    @at(NOW)
    def test_the_dpo_records_a_breach_sees_its_clock_decides_and_downloads_the_log(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        made = client.post(
            "/data-protection/breaches/new",
            {
                "summary": "Laptop with payroll extracts stolen from a car.",
                "occurred_at": "2026-12-05T18:00",
                "aware_at": "2026-12-06T09:00",
                "data_categories": "Names, pay",
                "cause": "Theft",
                "containment": "Laptop encrypted; remote wipe sent",
                "people_affected": "1500",
                "people_categories": "Employees",
            },
        )
        row = AffectedPartner.objects.for_partner(self.council).get()
        assert (made.status_code, made["Location"]) == (302, f"/data-protection/breaches/{row.breach_id}/")
        page = client.get(f"/data-protection/breaches/{row.breach_id}/").content.decode()
        assert "Laptop with payroll extracts stolen from a car." in page
        assert "Due (69 hours left); deadline 9 December 2026 at 09:00" in page
        log = client.get("/data-protection/breaches/").content.decode()
        assert f'data-testid="clock-{row.breach_id}">Due (69 hours left)' in log
        opened = client.get("/data-protection/breaches/", {"open": "1"})
        assert [r.breach_id for r, _ in opened.context["rows"]] == [row.breach_id]
        assert (
            '<a class="moj-filter__tag" href="/data-protection/breaches/">'
            '<span class="govuk-visually-hidden">Remove this filter</span> Open only</a>'
        ) in opened.content.decode()
        decided = client.post(
            f"/data-protection/breaches/{row.breach_id}/",
            {
                "action": "decide",
                "partner_id": str(self.council.pk),
                "ico_decision": "notify",
                "ico_reason": "Pay data of 1,500 people",
                "people_decision": "undecided",
                "people_reason": "",
            },
        )
        assert decided.status_code == 302
        row.refresh_from_db()
        assert (row.ico_decision, row.ico_reason) == ("notify", "Pay data of 1,500 people")
        download = client.get("/data-protection/breaches/?format=csv")
        table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert table[0][:6] == ["Breach", "Summary", "Occurred", "Aware", "ICO deadline", "Clock"]
        assert (table[1][0], table[1][5], table[1][6], table[1][8], table[1][10]) == (
            str(row.breach_id), "Due", "69", "1500", "Notify"
        )  # fmt: skip
        assert len(table) == 2
        xlsx = client.get("/data-protection/breaches/?format=xlsx")
        assert xlsx["Content-Disposition"] == 'attachment; filename="breaches-WCC-2026-12-06.xlsx"'

    def recorded(self, summary: str, people: int) -> AffectedPartner:
        with at(NOW):
            return services.breach_record(
                actor=self.shared_dpo,
                partner=self.council,
                facts=facts(summary=summary),
                impact=services.Impact(people_affected=people, people_categories="Employees"),
            )

    @at(NOW)
    def test_a_search_narrows_the_log_and_its_csv_holds_exactly_those_breaches(self) -> None:
        laptop = self.recorded("Laptop left on a train.", 40)
        self.recorded("Payslips posted to old addresses.", 7)
        client = self.client_on(self.council_dpo, self.council)
        page = client.get("/data-protection/breaches/", {"search": "laptop"})
        assert [r.breach_id for r, _ in page.context["rows"]] == [laptop.breach_id]
        by_number = client.get("/data-protection/breaches/", {"search": str(laptop.breach_id)})
        assert [r.breach_id for r, _ in by_number.context["rows"]] == [laptop.breach_id]
        download = client.get("/data-protection/breaches/", {"search": "laptop", "format": "csv"})
        table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert [(row[0], row[1], row[8]) for row in table[1:]] == [
            (str(laptop.breach_id), "Laptop left on a train.", "40")
        ]

    @at(NOW)
    def test_sorting_by_people_affected_orders_the_log(self) -> None:
        many = self.recorded("Laptop left on a train.", 40)
        few = self.recorded("Payslips posted to old addresses.", 7)
        client = self.client_on(self.council_dpo, self.council)
        ascending = client.get("/data-protection/breaches/", {"sort": "people"})
        assert [r.breach_id for r, _ in ascending.context["rows"]] == [few.breach_id, many.breach_id]
        descending = client.get("/data-protection/breaches/", {"sort": "people", "order": "desc"})
        assert [r.breach_id for r, _ in descending.context["rows"]] == [many.breach_id, few.breach_id]

    @at(NOW)
    def test_a_bad_form_shows_the_error_and_records_nothing(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        page = client.post(
            "/data-protection/breaches/new",
            {
                "summary": "x",
                "occurred_at": "yesterday",
                "aware_at": "2026-12-06T09:00",
                "people_affected": "3",
            },
        )
        assert page.status_code == 200
        assert "Give the date and time, such as 2026-12-06 14:30." in page.content.decode()
        assert self.state() == before

    def test_another_partners_breach_is_404_on_every_page_and_nothing_changes(self) -> None:
        row = self.record()
        before = self.state()
        client = self.client_on(self.police_dpo, self.police)
        assert client.get(f"/data-protection/breaches/{row.breach_id}/").status_code == 404
        posted = client.post(
            f"/data-protection/breaches/{row.breach_id}/",
            {
                "action": "decide",
                "partner_id": str(self.council.pk),
                "ico_decision": "notify",
                "ico_reason": "x",
            },
        )
        assert posted.status_code == 404
        assert f"/breaches/{row.breach_id}/" not in client.get("/data-protection/breaches/").content.decode()
        assert self.state() == before

    def test_a_user_without_the_permission_gets_403_and_nothing_changes(self) -> None:
        row = self.record()
        before = self.state()
        client = self.client_on(self.council_hr, self.council)
        assert client.get("/data-protection/breaches/").status_code == 403
        assert client.get("/data-protection/breaches/?format=csv").status_code == 403
        assert client.post("/data-protection/breaches/new", {"summary": "x"}).status_code == 403
        assert client.get(f"/data-protection/breaches/{row.breach_id}/").status_code == 403
        assert (
            client.post(
                f"/data-protection/breaches/{row.breach_id}/",
                {"action": "close", "remedial_action": "Training"},
            ).status_code
            == 403
        )
        assert self.state() == before


class TestTheApi(BreachTestCase):
    def url(self, breach_id: int, tail: str = "") -> str:
        return f"/api/v1/privacy/breaches/{breach_id}{tail}"

    @at(NOW)
    def test_the_dpo_records_decides_and_notifies_over_the_api(self) -> None:
        api = self.api(self.shared_dpo)
        made = api.post(
            f"/api/v1/privacy/partners/{self.council.pk}/breaches",
            {
                "summary": "Spreadsheet of sickness absence sent to a supplier.",
                "occurred_at": "2026-12-06T01:00:00Z",
                "aware_at": "2026-12-06T02:00:00+01:00",
                "data_categories": "Health (sickness absence reasons)",
                "cause": "Wrong attachment",
                "people_affected": 37,
                "people_categories": "Employees",
            },
            content_type=JSON,
        )
        assert made.status_code == 201
        body = made.json()
        assert (body["aware_at"], body["partners"][0]["ico_deadline"]) == (
            "2026-12-06T01:00:00Z", "2026-12-09T01:00:00Z"
        )  # fmt: skip
        assert (body["partners"][0]["clock"], body["partners"][0]["hours_left"]) == ("due", 61)
        breach_id = body["id"]
        decided = api.post(
            self.url(breach_id, f"/partners/{self.council.pk}/decision"),
            {"ico_decision": "notify", "ico_reason": "Health data", "people_decision": "notify",
             "people_reason": "High risk: health data"},
            content_type=JSON,
        )  # fmt: skip
        assert (decided.status_code, decided.json()["partners"][0]["people_decision"]) == (200, "notify")
        notified = api.post(
            self.url(breach_id, f"/partners/{self.council.pk}/ico-notification"),
            {"notified_at": "2026-12-06T11:00:00Z", "reference": "IC-555"},
            content_type=JSON,
        )
        assert (notified.status_code, notified.json()["partners"][0]["clock"]) == (200, "notified_in_time")
        listed = api.get(f"/api/v1/privacy/partners/{self.council.pk}/breaches").json()
        assert [(i["id"], i["partner"]["ico_reference"]) for i in listed["items"]] == [(breach_id, "IC-555")]

    @at(NOW)
    def test_a_time_without_its_offset_is_refused_and_nothing_is_recorded(self) -> None:
        api = self.api(self.shared_dpo)
        before = self.state()
        refused = api.post(
            f"/api/v1/privacy/partners/{self.council.pk}/breaches",
            {"summary": "x", "occurred_at": "2026-12-06T01:00:00", "aware_at": "2026-12-06T02:00:00Z",
             "data_categories": "x", "cause": "x", "people_affected": 1, "people_categories": "x"},
            content_type=JSON,
        )  # fmt: skip
        assert refused.status_code == 422
        assert self.state() == before

    def test_another_partners_breach_is_404_and_nothing_changes(self) -> None:
        row = self.record()
        api = self.api(self.police_dpo)
        before = self.state()
        assert api.get(self.url(row.breach_id)).status_code == 404
        for tail, body in (
            (f"/partners/{self.council.pk}/decision", {"ico_decision": "notify", "ico_reason": "x"}),
            (f"/partners/{self.police.pk}/decision", {"ico_decision": "notify", "ico_reason": "x"}),
            ("/partners", {"partner_id": self.police.pk, "people_affected": 1, "people_categories": "x"}),
            ("/closure", {"remedial_action": "x"}),
        ):
            assert api.post(self.url(row.breach_id, tail), body, content_type=JSON).status_code == 404
        assert api.get(f"/api/v1/privacy/partners/{self.council.pk}/breaches").status_code == 404
        assert self.state() == before

    def test_a_user_without_the_permission_gets_403_and_nothing_changes(self) -> None:
        row = self.record()
        api = self.api(self.council_hr)
        before = self.state()
        assert api.get(self.url(row.breach_id)).status_code == 403
        assert api.get(f"/api/v1/privacy/partners/{self.council.pk}/breaches").status_code == 403
        assert (
            api.post(
                self.url(row.breach_id, f"/partners/{self.council.pk}/decision"),
                {"ico_decision": "not_required", "ico_reason": "x"},
                content_type=JSON,
            ).status_code
            == 403
        )
        assert self.state() == before

    @at(NOW + timedelta(hours=50))
    def test_a_breach_twelve_hours_from_its_deadline_is_due_soon(self) -> None:
        # Aware 10 hours before NOW: 60 of the 72 hours gone (Art. 33(1)).
        row = self.record()
        got = self.api(self.council_dpo).get(self.url(row.breach_id)).json()
        assert (got["partners"][0]["clock"], got["partners"][0]["hours_left"]) == ("due_soon", 12)
        assert row.breach.aware_at == AWARE
