"""The service's own frame: error pages without Django's debug details, the footer's
public pages, the favicon, and a manager's way to their team."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from joinedup.partnership.models import Role
from joinedup.testing.base import PartnerTestCase


class TestErrorPages(PartnerTestCase):
    def test_an_unknown_address_shows_the_services_page_not_found_without_the_url_list(self) -> None:
        response = self.signed_in(self.council_hr).get("/no-such-page")
        page = response.content.decode()
        assert response.status_code == 404
        assert "<title>Page not found \N{EN DASH} joinedup</title>" in page
        assert "URLconf" not in page
        assert "api/openapi.json" not in page

    def test_the_server_error_page_renders_without_a_request_context(self) -> None:
        response = server_error(RequestFactory().get("/"))
        page = response.content.decode()
        assert response.status_code == 500
        assert "Sorry, there is a problem with the service" in page

    def test_debug_is_off_unless_asked_for(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "JOINEDUP_ENV")}
        probe = "import joinedup.settings as s; print(s.DEBUG, s.ENVIRONMENT)"
        result = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        )
        assert result.stdout.split() == ["False", "development"]
        assert settings.DEBUG is False


class TestFooterPages(PartnerTestCase):
    def test_the_footer_links_to_help_accessibility_and_privacy(self) -> None:
        page = self.signed_in(self.council_employee).get("/").content.decode()
        for href, text in (
            ("/help", "Help and contact"),
            ("/accessibility", "Accessibility statement"),
            ("/privacy", "Privacy notice"),
        ):
            assert f'<a class="govuk-footer__link" href="{href}">{text}</a>' in page

    def test_the_footer_pages_are_open_to_someone_who_cannot_sign_in(self) -> None:
        client = Client()
        for path, heading in (
            ("/accessibility", "Accessibility statement for joinedup"),
            ("/privacy", "Privacy notice"),
            ("/help", "Help and contact"),
        ):
            response = client.get(path)
            assert response.status_code == 200, path
            assert f'<h1 class="govuk-heading-l">{heading}</h1>' in response.content.decode()

    def test_the_accessibility_statement_names_the_standard_and_the_enforcement_body(self) -> None:
        page = Client().get("/accessibility").content.decode()
        assert "Web Content Accessibility Guidelines version 2.2 AA standard" in page
        assert "Equality and Human Rights Commission" in page


class TestIcons(PartnerTestCase):
    def test_the_favicon_and_every_image_the_stylesheet_names_are_served(self) -> None:
        assert finders.find("images/favicon.ico") is not None
        assert finders.find("images/favicon.svg") is not None
        stylesheet = finders.find("css/app.css")
        assert stylesheet is not None
        with open(stylesheet, encoding="utf-8") as handle:
            css = handle.read()
        names = {part.split(")")[0].strip("\"'") for part in css.split("url(")[1:]}
        # Our mark under GOV.UK Frontend's name for the crest, and MOJ Frontend's icons.
        assert "/static/images/govuk-crest.svg" in names
        assert "/static/images/icon-document.svg" in names
        assert len(names) == 12
        missing = [name for name in names if finders.find(name.removeprefix("/static/")) is None]
        assert missing == []

    def test_favicon_ico_at_the_root_leads_to_the_icon(self) -> None:
        response = Client().get("/favicon.ico")
        assert response.status_code == 301
        assert response["Location"] == "/static/images/favicon.ico"


class TestTeamLink(PartnerTestCase):
    def test_a_manager_sees_my_team_in_the_navigation(self) -> None:
        manager = self.make_user("council.manager", [(self.council, Role.MANAGER)])
        page = self.signed_in(manager).get("/").content.decode()
        assert '<a class="govuk-service-navigation__link" href="/team">My team</a>' in page

    def test_an_employee_does_not(self) -> None:
        page = self.signed_in(self.council_employee).get("/").content.decode()
        assert 'href="/team"' not in page
