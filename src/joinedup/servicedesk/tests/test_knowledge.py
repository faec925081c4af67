"""The knowledge base (servicedesk/knowledge.py, web/servicedesk/knowledge.py, api/knowledge.py):
articles per service, for every partner or only some, drafts for agents only, every save kept
as a version with an audit event, and a ranked search that gives the same order on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.servicedesk import knowledge
from joinedup.servicedesk.models import Article, ArticleVersion
from joinedup.testing.base import PartnerTestCase

PASSWORD_BODY = """Your password opens every system of the partnership.

To reset it:
1. Go to the sign-in page.
2. Choose "Forgotten password".

Rules:
- at least 12 characters
- not one you used before"""


class KnowledgeTestCase(PartnerTestCase):
    agent: Any
    council_agent: Any
    police_employee: Any
    reset: Article
    vpn: Article
    payslip: Article
    printer: Article
    police_only: Article
    draft: Article

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.agent = cls.make_user(
            "desk.agent",
            [(p, Role.SERVICE_DESK_AGENT) for p in (cls.council, cls.police, cls.fire, cls.shared)],
        )
        cls.council_agent = cls.make_user("council.agent", [(cls.council, Role.SERVICE_DESK_AGENT)])
        cls.police_employee = cls.make_user("police.employee", [(cls.police, Role.EMPLOYEE)])
        # Fixed data for the ranking: "password" in the title and keywords of one, in the
        # summary of another, in the body only of a third, and nowhere in a fourth.
        cls.reset = cls.write(
            "Reset your password", "ict", PASSWORD_BODY, keywords="password, login", summary="Sign-in help."
        )
        cls.vpn = cls.write(
            "Connect to the VPN from home", "ict", "Start the VPN client.", summary="Needs your password."
        )
        cls.payslip = cls.write(
            "Read your payslip", "payroll", "Payslips are protected by your password and date of birth."
        )
        cls.printer = cls.write(
            "Printers on each floor", "ict", "Each floor has two printers.", keywords="print"
        )
        cls.police_only = cls.write(
            "Police vetting renewals", "hr", "Vetting is renewed every five years.", partners=[cls.police]
        )
        cls.draft = cls.write(
            "New password rules (draft)", "ict", "Passwords will need 14 characters.", published=False
        )

    @classmethod
    def write(
        cls,
        title: str,
        service: str,
        body: str,
        *,
        keywords: str = "",
        summary: str = "",
        published: bool = True,
        partners: list[Any] | None = None,
    ) -> Article:
        return knowledge.article_create(
            actor=cls.agent,
            service=service,
            title=title,
            body=body,
            keywords=keywords,
            summary=summary,
            published=published,
            partners=partners or [],
        )


class TestWritingArticles(KnowledgeTestCase):
    def test_it_keeps_the_previous_text_as_a_version_and_records_each_change(self) -> None:
        knowledge.article_edit(
            actor=self.agent,
            article=self.reset,
            service="ict",
            title="Reset a forgotten password",
            body="Use the sign-in page.",
            keywords="password",
            published=True,
        )
        article = Article.objects.get(pk=self.reset.pk)
        assert article.version == 2
        assert [(v.number, v.title, v.body) for v in article.versions.order_by("number")] == [
            (1, "Reset your password", PASSWORD_BODY),
            (2, "Reset a forgotten password", "Use the sign-in page."),
        ]
        events = AuditEvent.objects.unscoped(reason="the global chain, where article changes go").filter(
            partner__isnull=True, object_id=str(article.pk), object_type="servicedesk.article"
        )
        assert list(events.order_by("seq").values_list("action", flat=True)) == [
            "servicedesk.article_created",
            "servicedesk.article_edited",
        ]
        edited = events.get(action="servicedesk.article_edited")
        assert (edited.before["title"], edited.after["title"]) == (
            "Reset your password",
            "Reset a forgotten password",
        )
        assert (edited.before["version"], edited.after["version"]) == (1, 2)

    def test_it_refuses_an_employee_writing_an_article(self) -> None:
        with self.assertRaises(PermissionDenied):
            knowledge.article_create(actor=self.council_employee, service="hr", title="Mine", body="Text")
        assert Article.objects.count() == 6

    def test_it_refuses_an_agent_restricting_an_article_to_a_partner_they_do_not_serve(self) -> None:
        with self.assertRaises(PermissionDenied):
            knowledge.article_create(
                actor=self.council_agent, service="hr", title="Police", body="Text", partners=[self.police]
            )
        assert Article.objects.count() == 6

    def test_it_refuses_an_agent_changing_an_article_restricted_to_another_partner(self) -> None:
        with self.assertRaises(PermissionDenied):
            knowledge.article_edit(
                actor=self.council_agent, article=self.police_only, service="hr", title="Changed", body="Text"
            )
        assert Article.objects.get(pk=self.police_only.pk).title == "Police vetting renewals"
        assert ArticleVersion.objects.filter(article=self.police_only).count() == 1

    def test_it_says_what_is_missing(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            knowledge.article_create(actor=self.agent, service="garden", title=" ", body="")
        assert caught.exception.message_dict == {
            "service": ["Choose one of the services."],
            "title": ["Enter a title."],
            "body": ["Enter the article's text."],
        }


class TestWhoReadsWhat(KnowledgeTestCase):
    def titles(self, user: Any, partner: Any) -> list[str]:
        return [a.title for a in knowledge.articles_visible_to(user, partner=partner)]

    def test_an_employee_sees_published_articles_for_every_partner_and_not_drafts(self) -> None:
        assert self.titles(self.council_employee, self.council) == [
            "Connect to the VPN from home",
            "Printers on each floor",
            "Reset your password",
            "Read your payslip",
        ]

    def test_an_article_for_one_partner_is_seen_by_its_staff_only(self) -> None:
        assert "Police vetting renewals" in self.titles(self.police_employee, self.police)
        with self.assertRaises(Http404):
            knowledge.article_for(self.council_employee, partner=self.council, article_id=self.police_only.pk)

    def test_an_agent_sees_drafts(self) -> None:
        found = knowledge.article_for(self.agent, partner=self.council, article_id=self.draft.pk)
        assert found.title == "New password rules (draft)"
        with self.assertRaises(Http404):
            knowledge.article_for(self.council_employee, partner=self.council, article_id=self.draft.pk)

    def test_a_reader_needs_a_role_on_the_partner(self) -> None:
        with self.assertRaises(PermissionDenied):
            knowledge.articles_visible_to(self.council_employee, partner=self.police)


class TestSearch(KnowledgeTestCase):
    def ranked(self, user: Any, query: str) -> list[tuple[str, int]]:
        return [(h.article.title, h.score) for h in knowledge.search(user, partner=self.council, query=query)]

    def test_it_ranks_title_and_keywords_above_summary_above_body(self) -> None:
        # Title 8 + keywords 5 + body 1 = 14; summary 3; body 1. The draft is not the employee's.
        assert self.ranked(self.council_employee, "password") == [
            ("Reset your password", 14),
            ("Connect to the VPN from home", 3),
            ("Read your payslip", 1),
        ]

    def test_an_agent_finds_the_draft_too(self) -> None:
        # "Passwords" in the body starts with "password": 1; the title's "password" 8.
        assert self.ranked(self.agent, "password")[:2] == [
            ("Reset your password", 14),
            ("New password rules (draft)", 9),
        ]

    def test_every_word_must_match_and_stop_words_are_ignored(self) -> None:
        # "reset": title 8 + body 1 ("To reset it:"); "password": 14 as above.
        assert self.ranked(self.council_employee, "How do I reset my password?") == [
            ("Reset your password", 23)
        ]
        assert self.ranked(self.council_employee, "password printer") == []

    def test_a_word_finds_the_longer_words_it_starts(self) -> None:
        assert self.ranked(self.council_employee, "print") == [("Printers on each floor", 14)]

    def test_it_never_finds_another_partners_article(self) -> None:
        assert self.ranked(self.council_employee, "vetting") == []
        police = knowledge.search(self.police_employee, partner=self.police, query="vetting")
        assert [h.article.title for h in police] == ["Police vetting renewals"]

    def test_an_empty_query_finds_nothing(self) -> None:
        assert self.ranked(self.council_employee, "the and of") == []


class TestTheBody(KnowledgeTestCase):
    def test_it_splits_plain_text_into_paragraphs_and_lists(self) -> None:
        assert knowledge.body_blocks(PASSWORD_BODY) == [
            knowledge.Block("p", ("Your password opens every system of the partnership.",)),
            knowledge.Block("p", ("To reset it:",)),
            knowledge.Block("ol", ("Go to the sign-in page.", 'Choose "Forgotten password".')),
            knowledge.Block("p", ("Rules:",)),
            knowledge.Block("ul", ("at least 12 characters", "not one you used before")),
        ]

    def test_lines_of_one_paragraph_are_joined(self) -> None:
        assert knowledge.body_blocks("One\ntwo\n\nthree") == [
            knowledge.Block("p", ("One two",)),
            knowledge.Block("p", ("three",)),
        ]


class TestTheHelpPages(KnowledgeTestCase):
    def test_an_employee_searches_and_reads_an_article_as_lists_and_paragraphs(self) -> None:
        client = self.signed_in(self.council_employee)
        page = client.get("/servicedesk/help/", {"q": "password"}).content.decode()
        assert 'data-testid="list-caption">3 articles ·' in page
        assert (
            page.index("Reset your password")
            < page.index("Connect to the VPN")
            < page.index("Read your payslip")
        )
        assert "New password rules" not in page
        article = client.get(f"/servicedesk/help/{self.reset.pk}/").content.decode()
        assert '<ol class="govuk-list govuk-list--number"><li>Go to the sign-in page.</li>' in article
        assert "<li>at least 12 characters</li>" in article
        assert "Change this article" not in article

    def test_the_service_filter_narrows_the_articles_and_the_csv_holds_exactly_those(self) -> None:
        client = self.signed_in(self.council_employee)
        page = client.get("/servicedesk/help/", {"service": "payroll"}).content.decode()
        assert "Read your payslip" in page and "Reset your password" not in page
        searched = client.get("/servicedesk/help/", {"q": "password", "service": "ict", "format": "csv"})
        table = list(csv.reader(io.StringIO(searched.content.decode("utf-8-sig"))))
        # The search's order, best match first; another partner's article and a draft left out.
        assert [row[:3] for row in table] == [
            ["title", "service", "summary"],
            ["Reset your password", "ICT", "Sign-in help."],
            ["Connect to the VPN from home", "ICT", "Needs your password."],
        ]

    def test_sorting_by_title_orders_every_article_the_reader_may_see(self) -> None:
        client = self.signed_in(self.council_employee)
        page = client.get("/servicedesk/help/", {"sort": "title"}).content.decode()
        titles = re.findall(r'href="/servicedesk/help/\d+/">([^<]+)</a>', page)
        assert titles == [
            "Connect to the VPN from home",
            "Printers on each floor",
            "Read your payslip",
            "Reset your password",
        ]

    def test_html_in_an_article_is_shown_as_text(self) -> None:
        unsafe = self.write("Scripts", "ict", '<script>alert("x")</script>\n- <b>bold</b>')
        page = self.signed_in(self.council_employee).get(f"/servicedesk/help/{unsafe.pk}/").content.decode()
        assert "<script>alert" not in page and "<b>bold</b>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "<li>&lt;b&gt;bold&lt;/b&gt;</li>" in page

    def test_another_partners_article_and_a_draft_answer_404_to_an_employee(self) -> None:
        client = self.signed_in(self.council_employee)
        assert client.get(f"/servicedesk/help/{self.police_only.pk}/").status_code == 404
        assert client.get(f"/servicedesk/help/{self.draft.pk}/").status_code == 404
        assert (
            self.signed_in(self.police_employee).get(f"/servicedesk/help/{self.police_only.pk}/").status_code
            == 200
        )

    def test_an_employee_may_not_open_the_editor(self) -> None:
        client = self.signed_in(self.council_employee)
        assert client.get("/servicedesk/help/new").status_code == 403
        assert client.post(f"/servicedesk/help/{self.reset.pk}/edit", {"title": "x"}).status_code == 403
        assert Article.objects.get(pk=self.reset.pk).version == 1

    def test_an_agent_writes_and_changes_an_article(self) -> None:
        client = self.signed_in(self.council_agent)
        response = client.post(
            "/servicedesk/help/new",
            {"service": "hr", "title": "Annual leave", "body": "Ask your manager.", "published": "on"},
        )
        made = Article.objects.get(title="Annual leave")
        assert response.status_code == 302 and response["Location"] == f"/servicedesk/help/{made.pk}/"
        client.post(
            f"/servicedesk/help/{made.pk}/edit",
            {
                "service": "hr",
                "title": "Annual leave",
                "body": "Ask your manager first.",
                "partners": [self.council.pk],
            },
        )
        made.refresh_from_db()
        assert (made.version, made.published, made.body) == (2, False, "Ask your manager first.")
        assert list(made.partners.all()) == [self.council]
        page = client.get(f"/servicedesk/help/{made.pk}/").content.decode()
        assert "Version 2" in page and 'data-testid="versions"' in page

    def test_the_editor_shows_what_is_missing(self) -> None:
        page = (
            self.signed_in(self.council_agent)
            .post("/servicedesk/help/new", {"service": "hr"})
            .content.decode()
        )
        assert "Enter the article&#x27;s text." in page
        assert Article.objects.count() == 6


class TestTheApi(KnowledgeTestCase):
    def test_it_searches_with_scores(self) -> None:
        response = self.api(self.council_employee).get(
            f"/api/v1/servicedesk/partners/{self.council.pk}/articles", {"q": "password"}
        )
        assert response.status_code == 200
        assert [(a["title"], a["score"]) for a in response.json()["items"]] == [
            ("Reset your password", 14),
            ("Connect to the VPN from home", 3),
            ("Read your payslip", 1),
        ]

    def test_it_reads_an_article_with_its_blocks(self) -> None:
        response = self.api(self.council_employee).get(
            f"/api/v1/servicedesk/partners/{self.council.pk}/articles/{self.reset.pk}"
        )
        body = response.json()
        assert body["title"] == "Reset your password" and body["version"] == 1 and body["partners"] == []
        assert body["blocks"][2] == {
            "kind": "ol",
            "items": ["Go to the sign-in page.", 'Choose "Forgotten password".'],
        }

    def test_another_partners_article_and_a_draft_answer_404(self) -> None:
        client = self.api(self.council_employee)
        base = f"/api/v1/servicedesk/partners/{self.council.pk}/articles"
        for article in (self.police_only, self.draft):
            response = client.get(f"{base}/{article.pk}")
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
        response = client.get(f"/api/v1/servicedesk/partners/{self.police.pk}/articles/{self.police_only.pk}")
        assert response.status_code == 404
