from __future__ import annotations

from joinedup.audit.models import AuditEvent
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

    def test_a_filter_request_from_htmx_returns_only_the_timeline_of_events(self) -> None:
        client = self.signed_in(self.ops_admin)
        page = client.get(
            "/audit", {"action": "membership."}, headers={"HX-Request": "true"}
        ).content.decode()
        assert page.lstrip().startswith('<div data-testid="audit-table">')
        assert "partner.created" not in page
