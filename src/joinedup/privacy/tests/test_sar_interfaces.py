"""The subject-access API, pages and command (api/privacy_sar.py, web/privacy/sar.py,
``joinedup privacy sar``)."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.audit.models import AuditEvent
from joinedup.partnership.permissions import CURRENT_PARTNER_SESSION_KEY as SESSION_KEY
from joinedup.privacy import sar as services
from joinedup.privacy.models import SarStatus, SubjectAccessRequest
from joinedup.privacy.tests.sarbase import CLINICAL, SarTestCase
from joinedup.wellbeing.models import CaseAccessEvent

NOW = datetime(2029, 3, 1, 12, tzinfo=UTC)


def at(when: datetime) -> Any:
    return mock.patch("django.utils.timezone.now", new=lambda: when)


@at(NOW)
class TestTheApi(SarTestCase):
    def url(self, sar_id: int, tail: str = "") -> str:
        return f"/api/v1/privacy/subject-access-requests/{sar_id}{tail}"

    def test_the_dpo_logs_assembles_releases_and_downloads_until_expiry(self) -> None:
        api = self.api(self.shared_dpo)
        made = api.post(
            f"/api/v1/privacy/partners/{self.council.pk}/subject-access-requests",
            {"person_id": self.shared_person_council.person_id, "received_on": "2029-01-31"},
            content_type="application/json",
        )
        assert made.status_code == 201
        assert (made.json()["due_on"], made.json()["overdue"]) == ("2029-02-28", True)
        sar_id = made.json()["id"]
        assert api.post(self.url(sar_id, "/assemble"), {}, content_type="application/json").json()[
            "status"
        ] == ("ready_for_review")
        released = api.post(self.url(sar_id, "/release"), {}, content_type="application/json").json()
        assert (released["status"], released["overdue"]) == ("released", False)
        download = api.get(self.url(sar_id, "/export"))
        assert (download.status_code, download["Cache-Control"]) == (200, "no-store")
        body = json.loads(download.content)
        assert [n["text"] for n in body["oh_notes"]] == [CLINICAL]
        assert body["partner"]["code"] == "WCC"
        with at(NOW + timedelta(days=30)):
            gone = api.get(self.url(sar_id, "/export"))
        assert (gone.status_code, gone.json()) == (
            410,
            {"detail": "This export has expired and has been deleted."},
        )

    def test_another_partners_request_is_404_and_a_non_dpo_gets_403_with_nothing_changed(self) -> None:
        sar = services.sar_log(
            actor=self.shared_dpo,
            partner=self.council,
            person_id=self.shared_person_council.person_id,
            received_on=date(2029, 2, 1),
        )
        before = self.state(self.council)
        assert self.api(self.police_dpo).get(self.url(sar.pk)).status_code == 404
        assert (
            self.api(self.police_dpo)
            .post(self.url(sar.pk, "/assemble"), {}, content_type="application/json")
            .status_code
            == 404
        )
        for user in (self.council_hr, self.oh_clinician, self.ops_admin):
            api = self.api(user)
            assert api.get(self.url(sar.pk)).status_code == 403
            assert (
                api.post(self.url(sar.pk, "/assemble"), {}, content_type="application/json").status_code
                == 403
            )
            listed = api.get(f"/api/v1/privacy/partners/{self.council.pk}/subject-access-requests")
            assert listed.status_code == 403
        assert self.state(self.council) == before
        assert SubjectAccessRequest.objects.for_partner(self.council).get().status == SarStatus.RECEIVED


@at(NOW)
class TestThePages(SarTestCase):
    def test_the_log_highlights_the_overdue_and_exports_csv(self) -> None:
        sar = services.sar_log(
            actor=self.shared_dpo,
            partner=self.council,
            person_id=self.shared_person_council.person_id,
            received_on=date(2029, 1, 31),
        )
        client = self.signed_in(self.shared_dpo)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        page = client.get("/data-protection/subject-access/")
        assert page.status_code == 200
        assert "Overdue" in page.content.decode()
        csv = client.get("/data-protection/subject-access/", {"format": "csv"})
        lines = csv.content.decode().splitlines()
        assert lines[1].split(",")[:2] == [str(sar.pk), str(sar.person_id)]
        assert lines[1].split(",")[-3:] == ["2029-02-28", "yes", ""]
        detail = client.get(f"/data-protection/subject-access/{sar.pk}/")
        assert detail.status_code == 200 and "privacy.sar_logged" in detail.content.decode()

    def test_an_hr_officer_gets_403(self) -> None:
        client = self.signed_in(self.council_hr)
        assert client.get("/data-protection/subject-access/").status_code == 403

    def test_the_log_pages_sorts_and_shows_its_filters_as_tags(self) -> None:
        made = [
            services.sar_log(
                actor=self.shared_dpo,
                partner=self.council,
                person_id=self.shared_person_council.person_id,
                received_on=date(2029, 1, day),
            )
            for day in (10, 20, 31)
        ]
        client = self.signed_in(self.shared_dpo)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        asked = {"open": "1", "sort": "received", "order": "desc"}
        page = client.get("/data-protection/subject-access/", asked)
        html = page.content.decode()
        assert [s.pk for s, _ in page.context["rows"]] == [m.pk for m in reversed(made)]
        assert page.context["page"].paginator.count == 3
        # Removing "Open only" keeps the sort; the CSV link keeps the filter.
        assert (
            '<a class="moj-filter__tag" href="/data-protection/subject-access/?sort=received&amp;order=desc">'
            in html
        )
        assert 'href="?open=1&amp;format=csv">CSV</a>' in html

    def test_a_person_search_narrows_the_log_and_its_csv_holds_exactly_those_requests(self) -> None:
        ada, mary = (
            services.sar_log(
                actor=self.shared_dpo,
                partner=self.council,
                person_id=employment.person_id,
                received_on=date(2029, 2, day),
            )
            for employment, day in ((self.council_emp, 5), (self.shared_person_council, 6))
        )
        client = self.signed_in(self.shared_dpo)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        page = client.get("/data-protection/subject-access/", {"person": "seacole mary"})
        assert [s.pk for s in page.context["page"]] == [mary.pk]
        by_id = client.get("/data-protection/subject-access/", {"person": str(ada.person_id)})
        assert [s.pk for s in by_id.context["page"]] == [ada.pk]
        csv = client.get("/data-protection/subject-access/", {"person": "Seacole", "format": "csv"})
        rows = [line.split(",") for line in csv.content.decode().splitlines()[1:]]
        assert [(row[0], row[2], row[4]) for row in rows] == [(str(mary.pk), "Mary Seacole", "2029-02-06")]

    def test_sorting_by_person_orders_the_log_by_family_name(self) -> None:
        ada, mary = (
            services.sar_log(
                actor=self.shared_dpo,
                partner=self.council,
                person_id=employment.person_id,
                received_on=date(2029, 2, day),
            )
            for employment, day in ((self.council_emp, 6), (self.shared_person_council, 5))
        )
        client = self.signed_in(self.shared_dpo)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        ascending = client.get("/data-protection/subject-access/", {"sort": "person"})
        assert [s.pk for s in ascending.context["page"]] == [ada.pk, mary.pk]
        descending = client.get("/data-protection/subject-access/", {"sort": "person", "order": "desc"})
        assert [s.pk for s in descending.context["page"]] == [mary.pk, ada.pk]


@at(NOW)
class TestTheCommand(SarTestCase):
    def test_it_writes_one_persons_export_for_one_partner(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "export.json"
            call_command(
                "privacy",
                "sar",
                "--partner",
                "WPOL",
                "--person",
                str(self.shared_person_police.person_id),
                "-o",
                str(target),
            )
            export = json.loads(target.read_text())
        assert [e["id"] for e in export["employments"]] == [self.shared_person_police.pk]
        assert export["oh_notes"] == []
        event = AuditEvent.objects.for_partner(self.police).filter(action="privacy.sar_exported").get()
        assert event.after["person"] == self.shared_person_police.person_id

    def test_the_pdf_holds_the_clinical_note_and_logs_its_reading(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "export.pdf"
            call_command(
                "privacy",
                "sar",
                "--partner",
                "WCC",
                "--person",
                str(self.shared_person_council.person_id),
                "-o",
                str(target),
                "--pdf",
            )
            assert target.read_bytes().startswith(b"%PDF")
        assert CaseAccessEvent.objects.for_partner(self.council).filter(case=self.mary_case).count() == 1

    def test_bad_input_exits_2_with_the_reason(self) -> None:
        person = str(self.police_emp.person_id)
        cases = [
            (
                ["--partner", "NOPE", "--person", person, "-o", "x.json"],
                "--partner 'NOPE': no partner has that code.",
            ),
            (["--partner", "WCC", "--person", "abc", "-o", "x.json"], "--person 'abc': give the person's id"),
            (
                ["--partner", "WCC", "--person", person, "-o", "x.json"],
                f"No person {person} works, or worked, for WCC.",
            ),
            (
                ["--partner", "WCC", "--person", person, "-o", "/no/such/dir/x.json"],
                "the folder /no/such/dir",
            ),
        ]
        for args, message in cases:
            with self.assertRaises(CommandError) as raised:
                call_command("privacy", "sar", *args)
            assert raised.exception.returncode == 2
            assert message in str(raised.exception), (args, str(raised.exception))
