from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.testing.base import PASSWORD, PartnerTestCase
from joinedup.web.current import SESSION_KEY


class TestSignIn(PartnerTestCase):
    def test_the_sign_in_page_has_labelled_fields(self) -> None:
        page = self.client.get("/sign-in").content.decode()
        assert '<label class="govuk-label" for="id_username">Username</label>' in page
        assert '<label class="govuk-label" for="id_password">Password</label>' in page

    def test_a_wrong_password_shows_an_error_summary(self) -> None:
        response = self.client.post("/sign-in", {"username": "council.hr", "password": "nope"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in page
        assert "govuk-error-summary" in page

    def test_signing_in_lands_on_the_home_page(self) -> None:
        response = self.client.post("/sign-in", {"username": "council.hr", "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == "/"

    def test_pages_need_a_signed_in_user(self) -> None:
        response = self.client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in")


class TestPartnerSwitcher(PartnerTestCase):
    def test_an_hr_officer_sees_only_their_partner_and_no_switcher(self) -> None:
        page = self.signed_in(self.council_hr).get("/").content.decode()
        assert "Wessex County Council" in page
        assert "Wessex Constabulary" not in page
        assert 'id="partner-switcher"' not in page

    def test_a_service_admin_can_switch_between_all_four(self) -> None:
        client = self.signed_in(self.ops_admin)
        page = client.get("/").content.decode()
        for name in (
            "Wessex County Council",
            "Wessex Constabulary",
            "Wessex Fire and Rescue",
            "Wessex Shared",
        ):
            assert name in page
        response = client.post("/partner", {"partner": self.police.pk})
        assert response.status_code == 302
        assert '<h1 class="govuk-heading-l">Wessex Constabulary</h1>' in client.get("/").content.decode()

    def test_switching_to_a_partner_without_a_role_answers_404_and_changes_nothing(self) -> None:
        client = self.signed_in(self.council_hr)
        client.get("/")
        response = client.post("/partner", {"partner": self.police.pk})
        assert response.status_code == 404
        assert client.session.get(SESSION_KEY) is None
        assert "Wessex County Council" in client.get("/").content.decode()


class TestAuditPage(PartnerTestCase):
    def test_an_admin_sees_the_current_partners_events(self) -> None:
        client = self.signed_in(self.ops_admin)
        client.post("/partner", {"partner": self.fire.pk})
        page = client.get("/audit").content.decode()
        count = AuditEvent.objects.for_partner(self.fire).count()
        assert f"{count} event{'s' if count != 1 else ''}" in page
        assert "partner.created" in page

    def test_an_hr_officer_is_refused_the_audit_trail(self) -> None:
        response = self.signed_in(self.council_hr).get("/audit")
        assert response.status_code == 403
        assert "You do not have permission" in response.content.decode()

    def test_the_audit_trail_downloads_as_csv(self) -> None:
        client = self.signed_in(self.ops_admin)
        client.post("/partner", {"partner": self.council.pk})
        response = client.get("/audit", {"format": "csv"})
        rows = b"".join(response.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
        assert rows[0] == "seq,occurred_at,actor,action,object_type,object_id,request_id,hash"
        assert len(rows) == 1 + AuditEvent.objects.for_partner(self.council).count()
        assert response["Content-Disposition"] == 'attachment; filename="audit-wcc.csv"'

    def test_the_audit_download_shows_formula_like_text_as_text(self) -> None:
        import csv
        import io

        from joinedup.audit.services import record_event

        actor = self.make_user("@SUM", [])  # a username may start with "@"
        record_event(
            actor=actor, partner=self.council, action="test.named", object_type='=HYPERLINK("http://x","y")'
        )
        client = self.signed_in(self.ops_admin)
        client.post("/partner", {"partner": self.council.pk})
        response = client.get("/audit", {"format": "csv", "action": "test.named"})
        body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        (row,) = list(csv.reader(io.StringIO(body)))[1:]
        assert (row[2], row[3], row[4]) == ("'@SUM", "test.named", '\'=HYPERLINK("http://x","y")')

    def two_events(self) -> Client:
        from joinedup.audit.services import record_event

        record_event(actor=self.council_hr, partner=self.council, action="test.one", object_type="widget")
        record_event(actor=self.council_hr, partner=self.council, action="test.two", object_type="gadget")
        client = self.signed_in(self.ops_admin)
        client.post("/partner", {"partner": self.council.pk})
        return client

    def test_filtering_by_object_type_narrows_the_trail_and_the_csv_holds_exactly_those_events(self) -> None:
        client = self.two_events()
        page = client.get("/audit", {"object_type": "widget"})
        assert [e.action for e in page.context["page"]] == ["test.one"]
        assert "Wessex County Council: 1 event" in page.content.decode()
        csv = client.get("/audit", {"object_type": "widget", "format": "csv"})
        rows = b"".join(csv.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
        assert [row.split(",")[2:5] for row in rows] == [
            ["actor", "action", "object_type"],
            ["council.hr", "test.one", "widget"],
        ]
        xlsx = client.get("/audit", {"object_type": "widget", "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        assert [row[2:5] for row in sheet.iter_rows(values_only=True)] == [
            ("actor", "action", "object_type"),
            ("council.hr", "test.one", "widget"),
        ]

    def test_the_date_range_is_of_days_in_london(self) -> None:
        client = self.two_events()
        today = timezone.localtime(timezone=ZoneInfo("Europe/London")).date()
        on_the_day = client.get("/audit", {"action": "test.", "date_from": str(today), "date_to": str(today)})
        assert [e.action for e in on_the_day.context["page"]] == ["test.two", "test.one"]
        before = client.get("/audit", {"action": "test.", "date_to": str(today - timedelta(days=1))})
        assert before.context["page"].paginator.count == 0

    def test_the_trail_sorts_by_time_both_ways(self) -> None:
        client = self.two_events()
        up = client.get("/audit", {"action": "test.", "sort": "occurred_at", "order": "asc"}).context["page"]
        assert [e.action for e in up] == ["test.one", "test.two"]
        down = client.get("/audit", {"action": "test.", "sort": "occurred_at", "order": "desc"}).context[
            "page"
        ]
        assert [e.action for e in down] == ["test.two", "test.one"]

    def test_another_partners_administrator_sees_and_downloads_none_of_our_events(self) -> None:
        self.two_events()
        police_admin = self.make_user("police.admin", [(self.police, Role.SERVICE_ADMIN)])
        client = self.signed_in(police_admin)
        events = AuditEvent.objects.for_partner(self.council).count()
        assert client.get("/audit", {"action": "test."}).context["page"].paginator.count == 0
        xlsx = client.get("/audit", {"action": "test.", "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None and sheet.max_row == 1
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_an_hr_officer_is_refused_the_trails_downloads(self) -> None:
        client = self.signed_in(self.council_hr)
        events = AuditEvent.objects.for_partner(self.council).count()
        assert client.get("/audit", {"format": "csv"}).status_code == 403
        assert client.get("/audit", {"format": "xlsx"}).status_code == 403
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_a_filter_request_from_htmx_returns_only_the_timeline_of_events(self) -> None:
        client = self.signed_in(self.ops_admin)
        page = client.get(
            "/audit", {"action": "membership."}, headers={"HX-Request": "true"}
        ).content.decode()
        assert page.lstrip().startswith('<div data-testid="audit-table">')
        assert "partner.created" not in page
