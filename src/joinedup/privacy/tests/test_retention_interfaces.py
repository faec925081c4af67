"""The retention page and API (web/privacy/retention.py, api/privacy_retention.py): the DPO reads
the schedule, lengthens a period (never below the statutory minimum), places and lifts legal
holds, previews what a run would remove and reads what past runs removed. Another partner's DPO
gets 404 and an HR officer 403, and nothing changes."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.partnership.permissions import CURRENT_PARTNER_SESSION_KEY as SESSION_KEY
from joinedup.privacy.models import RetentionHold, RetentionSchedule
from joinedup.privacy.tests.test_retention import RetentionTestCase, frozen

JSON = "application/json"
PAGE = "/data-protection/retention/"


class RetentionInterfaceTestCase(RetentionTestCase):
    def client_on(self, user: Any, partner: Any) -> Client:
        client = self.signed_in(user)
        session = client.session
        session[SESSION_KEY] = partner.pk
        session.save()
        return client

    def state(self) -> tuple[Any, ...]:
        """The council's schedules and holds, and its audit chain's length."""
        return (
            list(RetentionSchedule.objects.for_partner(self.council).order_by("pk").values()),
            list(RetentionHold.objects.for_partner(self.council).order_by("pk").values()),
            AuditEvent.objects.for_partner(self.council).count(),
        )


class TestTheRetentionPage(RetentionInterfaceTestCase):
    def test_the_dpo_reads_the_schedule_with_each_types_minimum_source_and_action(self) -> None:
        with frozen():
            page = self.client_on(self.council_dpo, self.council).get(PAGE)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Retention schedule and legal holds" in text
        payslips = text.split('data-testid="schedule-payslips">')[1].split("</tr>")[0]
        assert "72 months from the end of the tax year" in payslips
        assert "36 months" in payslips
        assert "Anonymised" in payslips
        assert "reg. 97(2)" in payslips
        recruitment = text.split('data-testid="schedule-recruitment">')[1].split("</tr>")[0]
        assert "joinedup holds no such records yet" in recruitment
        assert "Deleted" in recruitment

    def test_the_dpo_lengthens_a_period_and_sees_it(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        with frozen():
            saved = client.post(
                PAGE,
                {
                    "form": "schedule",
                    "schedule-record_type": "payslips",
                    "schedule-months": "96",
                    "schedule-reason": "Pension remedy claims",
                },
            )
            assert (saved.status_code, saved["Location"]) == (302, PAGE)
            text = client.get(PAGE).content.decode()
        schedule = RetentionSchedule.objects.for_partner(self.council).get()
        assert (schedule.record_type, schedule.months, schedule.reason) == (
            "payslips",
            96,
            "Pension remedy claims",
        )
        assert "96 months from the end of the tax year" in text
        assert "Payroll records (payslips): kept for 96 months." in text

    def test_a_period_below_the_statutory_minimum_is_refused_beside_the_field_and_nothing_changes(
        self,
    ) -> None:
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        with frozen():
            page = client.post(
                PAGE,
                {
                    "form": "schedule",
                    "schedule-record_type": "payslips",
                    "schedule-months": "24",
                    "schedule-reason": "Shorter",
                },
            )
        assert page.status_code == 200
        text = page.content.decode()
        assert "There is a problem" in text
        assert (
            "24 months is below the statutory minimum for payroll records (payslips and their lines): "
            "36 months (The Income Tax (Pay As You Earn) Regulations 2003" in text
        )
        assert self.state() == before

    def test_the_dpo_places_a_hold_on_one_persons_payslips_then_lifts_it(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        mary = self.shared_person_council.person
        with frozen():
            placed = client.post(
                PAGE,
                {
                    "form": "place",
                    "place-record_type": "payslips",
                    "place-person": str(mary.pk),
                    "place-reference": "ET/1234/2026",
                    "place-reason": "Equal-pay claim",
                },
            )
            assert placed.status_code == 302
            hold = RetentionHold.objects.for_partner(self.council).get()
            assert (hold.record_type, hold.person_id, hold.reference) == ("payslips", mary.pk, "ET/1234/2026")
            text = client.get(PAGE).content.decode()
            assert f"(person {mary.pk})" in text
            assert "In force" in text
            lifted = client.post(f"{PAGE}holds/{hold.pk}/lift", {"reason": "Claim settled"})
        assert lifted.status_code == 302
        hold.refresh_from_db()
        assert (hold.lift_reason, hold.lifted_by) == ("Claim settled", self.council_dpo)

    def test_a_hold_on_someone_the_partner_never_employed_is_refused_and_nothing_changes(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        police_person = self.police_emp.person
        with frozen():
            page = client.post(
                PAGE,
                {
                    "form": "place",
                    "place-record_type": "payslips",
                    "place-person": str(police_person.pk),
                    "place-reference": "X/1",
                    "place-reason": "Not ours",
                },
            )
        assert page.status_code == 200
        assert f"{self.council.name} has no employee with the id {police_person.pk}." in page.content.decode()
        assert self.state() == before

    def test_the_preview_counts_what_a_run_today_would_remove_and_changes_nothing(self) -> None:
        self.hold_mary()
        client = self.client_on(self.council_dpo, self.council)
        before = self.snapshot()
        with frozen():
            text = client.get(PAGE, {"preview": "1"}).content.decode()
        assert 'data-testid="would-go-payslips">1<' in text
        assert 'data-testid="would-go-tickets">1<' in text
        assert self.snapshot() == before

    def test_past_runs_are_shown_from_their_audit_events(self) -> None:
        self.run_retention()
        with frozen():
            text = self.client_on(self.council_dpo, self.council).get(PAGE).content.decode()
        runs = text.split('data-testid="runs"')[1]
        assert f"2 anonymised (ids {self.ada_2019.pk} to {self.mary_2019.pk})" in runs
        assert "1 anonymised" in runs

    def test_the_schedule_downloads_as_csv_and_xlsx(self) -> None:
        self.police_eight_years()
        client = self.client_on(self.council_dpo, self.council)
        with frozen():
            download = client.get("/data-protection/retention/schedule.csv")
            xlsx = client.get("/data-protection/retention/schedule.xlsx")
        table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert table[0][:8] == [
            "Record type",
            "Title",
            "Runs from",
            "Statutory minimum (months)",
            "Default (months)",
            "Partner's period (months)",
            "Period in use (months)",
            "Then",
        ]
        assert [row[0] for row in table[1:]] == ["payslips", "tickets", "recruitment", "occupational_health"]
        # The police's own schedule is not the council's.
        assert table[1][3:8] == ["36", "72", "", "72", "anonymise"]
        assert xlsx["Content-Disposition"] == 'attachment; filename="retention-schedule-WCC.xlsx"'

    def test_another_partners_hold_cannot_be_lifted_and_stays_in_force(self) -> None:
        hold = self.hold_mary()
        client = self.client_on(self.police_dpo, self.police)
        before = self.state()
        with frozen():
            response = client.post(f"{PAGE}holds/{hold.pk}/lift", {"reason": "Not theirs"})
        assert response.status_code == 404
        assert self.state() == before

    def test_lifting_without_a_reason_says_so_and_the_hold_stays(self) -> None:
        hold = self.hold_mary()
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        with frozen():
            response = client.post(f"{PAGE}holds/{hold.pk}/lift", {"reason": "  "}, follow=True)
        assert "Enter why the hold is lifted." in response.content.decode()
        assert self.state() == before

    def test_an_hr_officer_is_refused_the_page_and_its_forms_and_nothing_changes(self) -> None:
        hold = self.hold_mary()
        client = self.client_on(self.council_hr, self.council)
        before = self.state()
        with frozen():
            assert client.get(PAGE).status_code == 403
            assert client.get("/data-protection/retention/schedule.csv").status_code == 403
            posted = client.post(
                PAGE,
                {
                    "form": "schedule",
                    "schedule-record_type": "payslips",
                    "schedule-months": "96",
                    "schedule-reason": "X",
                },
            )
            lifted = client.post(f"{PAGE}holds/{hold.pk}/lift", {"reason": "X"})
        assert (posted.status_code, lifted.status_code) == (403, 403)
        assert self.state() == before


class TestTheRetentionApi(RetentionInterfaceTestCase):
    def url(self, partner: Any, tail: str) -> str:
        return f"/api/v1/privacy/partners/{partner.pk}/retention/{tail}"

    def test_the_dpo_reads_and_sets_the_schedule(self) -> None:
        api = self.api(self.council_dpo)
        with frozen():
            listed = api.get(self.url(self.council, "schedules")).json()
            assert [r["record_type"] for r in listed] == [
                "payslips",
                "tickets",
                "recruitment",
                "occupational_health",
            ]
            assert (listed[0]["minimum_months"], listed[0]["months"], listed[0]["action"]) == (
                36,
                72,
                "anonymise",
            )
            put = api.put(
                self.url(self.council, "schedules/tickets"),
                {"months": 36, "reason": "Service reviews"},
                content_type=JSON,
            )
        assert put.status_code == 200
        body = put.json()
        assert (body["scheduled_months"], body["months"], body["set_by"], body["reason"]) == (
            36,
            36,
            "Council.Dpo",
            "Service reviews",
        )

    def test_a_period_below_the_minimum_is_refused_with_the_minimum_and_nothing_changes(self) -> None:
        before = self.state()
        with frozen():
            response = self.api(self.council_dpo).put(
                self.url(self.council, "schedules/payslips"),
                {"months": 12, "reason": "Shorter"},
                content_type=JSON,
            )
        assert response.status_code == 422
        assert "below the statutory minimum" in response.content.decode()
        assert "36 months" in response.content.decode()
        assert self.state() == before

    def test_the_dpo_places_lists_and_lifts_a_hold(self) -> None:
        api = self.api(self.council_dpo)
        with frozen():
            made = api.post(
                self.url(self.council, "holds"),
                {"record_type": "tickets", "reference": "SAR/77", "reason": "Subject access pending"},
                content_type=JSON,
            )
            assert made.status_code == 201
            hold = made.json()
            assert (hold["record_type"], hold["person_id"], hold["in_force"]) == ("tickets", None, True)
            assert [h["reference"] for h in api.get(self.url(self.council, "holds")).json()] == ["SAR/77"]
            lifted = api.post(
                f"/api/v1/privacy/retention-holds/{hold['id']}/lift",
                {"reason": "Answered"},
                content_type=JSON,
            )
        assert lifted.status_code == 200
        assert (lifted.json()["in_force"], lifted.json()["lift_reason"]) == (False, "Answered")

    def test_the_preview_and_the_runs(self) -> None:
        api = self.api(self.council_dpo)
        with frozen():
            preview = api.get(self.url(self.council, "preview"), {"as_of": "2026-12-01"}).json()
            assert {p["record_type"]: p["would_remove"] for p in preview} == {
                "payslips": 2,
                "tickets": 1,
                "recruitment": 0,
            }
            future = api.get(self.url(self.council, "preview"), {"as_of": "2027-01-01"})
            assert future.status_code == 422
            assert api.get(self.url(self.council, "runs")).json() == []
        self.run_retention()
        with frozen():
            runs = api.get(self.url(self.council, "runs")).json()
        assert sorted((r["record_type"], r["count"], r["as_of"]) for r in runs) == [
            ("payslips", 2, "2026-12-01"),
            ("tickets", 1, "2026-12-01"),
        ]

    def test_another_partners_dpo_gets_404_everywhere_and_nothing_changes(self) -> None:
        hold = self.hold_mary()
        api = self.api(self.police_dpo)
        before = self.state()
        with frozen():
            for tail in ("schedules", "holds", "runs", "preview"):
                assert api.get(self.url(self.council, tail)).status_code == 404, tail
            answers = [
                api.put(
                    self.url(self.council, "schedules/payslips"),
                    {"months": 96, "reason": "X"},
                    content_type=JSON,
                ),
                api.post(
                    self.url(self.council, "holds"),
                    {"record_type": "tickets", "reference": "X", "reason": "X"},
                    content_type=JSON,
                ),
                api.post(
                    f"/api/v1/privacy/retention-holds/{hold.pk}/lift", {"reason": "X"}, content_type=JSON
                ),
            ]
        assert [a.status_code for a in answers] == [404, 404, 404]
        assert self.state() == before

    def test_a_hold_on_another_partners_person_answers_404_and_nothing_changes(self) -> None:
        before = self.state()
        with frozen():
            response = self.api(self.council_dpo).post(
                self.url(self.council, "holds"),
                {
                    "record_type": "payslips",
                    "person_id": self.police_emp.person_id,
                    "reference": "X",
                    "reason": "X",
                },
                content_type=JSON,
            )
        assert response.status_code == 404
        assert self.state() == before

    def test_an_hr_officer_gets_403_and_nothing_changes(self) -> None:
        hold = self.hold_mary()
        api = self.api(self.council_hr)
        before = self.state()
        with frozen():
            reads = [
                api.get(self.url(self.council, t)).status_code
                for t in ("schedules", "holds", "runs", "preview")
            ]
            put = api.put(
                self.url(self.council, "schedules/payslips"), {"months": 96, "reason": "X"}, content_type=JSON
            )
            lift = api.post(
                f"/api/v1/privacy/retention-holds/{hold.pk}/lift", {"reason": "X"}, content_type=JSON
            )
        assert reads == [403, 403, 403, 403]
        assert put.status_code == 403
        # The hold is looked for among the partners where the user may lift one: none.
        assert lift.status_code == 404
        assert self.state() == before
