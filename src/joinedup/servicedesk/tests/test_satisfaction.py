"""The one-question satisfaction survey on resolution (issue 15: "satisfaction from a one-click
survey on resolution"; servicedesk/satisfaction.py gives the rules) and its figures in the
monthly report."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client, SimpleTestCase, override_settings

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.servicedesk import satisfaction, services
from joinedup.servicedesk.models import (
    EventKind,
    Notification,
    SatisfactionResponse,
    Ticket,
    TicketEvent,
)
from joinedup.servicedesk.reports import service_level_report
from joinedup.servicedesk.service_levels import (
    SatisfactionRow,
    mean_two_places,
    percent_one_place,
)
from joinedup.servicedesk.service_levels import (
    satisfaction as satisfaction_rows,
)
from joinedup.servicedesk.tests.base import ServiceDeskTestCase
from joinedup.servicedesk.tests.clockbase import at, frozen
from joinedup.web.current import SESSION_KEY

SITE = "https://joinedup.example"


class SatisfactionArithmeticTests(SimpleTestCase):
    def test_the_share_satisfied_is_a_percentage_to_one_place_with_a_half_rounding_up(self) -> None:
        # 7 of 9 = 77.777…% -> 77.8; 5 of 6 = 83.333…% -> 83.3; 1 of 16 = 6.25% -> 6.3 (half up,
        # not to even); 31 of 40 = 77.5% exactly; all of 5 = 100.0; none = 0.0.
        assert [percent_one_place(p, w) for p, w in ((7, 9), (5, 6), (1, 16), (31, 40), (5, 5), (0, 5))] == [
            Decimal("77.8"),
            Decimal("83.3"),
            Decimal("6.3"),
            Decimal("77.5"),
            Decimal("100.0"),
            Decimal("0.0"),
        ]

    def test_the_mean_score_is_to_two_places_with_a_half_rounding_up(self) -> None:
        # 5+4+4+3+1 = 17 over 5 = 3.40; 25 over 8 = 3.125 -> 3.13.
        assert (mean_two_places(17, 5), mean_two_places(25, 8)) == (Decimal("3.40"), Decimal("3.13"))

    def test_a_cell_of_fewer_than_five_answers_shows_its_count_but_not_its_share_or_mean(self) -> None:
        answers = [(1, "ict", s) for s in (5, 5, 4, 4, 3, 1)] + [(1, "hr", 5), (1, "hr", 1), (2, "ict", 4)]
        assert satisfaction_rows(answers) == [
            SatisfactionRow(1, "hr", answers=2, satisfied=1, score_total=6),
            # 4 of 6 satisfied or very satisfied = 66.666…% -> 66.7; 22 / 6 = 3.666… -> 3.67.
            SatisfactionRow(1, "ict", 6, 4, 22, Decimal("66.7"), Decimal("3.67")),
            SatisfactionRow(2, "ict", answers=1, satisfied=1, score_total=4),
        ]
        assert [r.suppressed for r in satisfaction_rows(answers)] == [True, False, True]

    def test_a_score_off_the_scale_is_refused(self) -> None:
        with pytest.raises(ValueError, match="a satisfaction score is 1 to 5, not 6"):
            satisfaction_rows([(1, "ict", 6)])


@override_settings(SITE_URL=SITE)
class SurveyTestCase(ServiceDeskTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ada.email = "ada@wessex.gov.uk"
        cls.ada.save(update_fields=["email"])

    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.raise_for(self.ada)
        self.resolve("Battery replaced.")

    def resolve(self, text: str) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.resolve(actor=self.agent, ticket=self.fresh(), resolution=text)

    def fresh(self) -> Ticket:
        return Ticket.objects.for_partner(self.council).get(pk=self.ticket.pk)

    def survey_notes(self) -> list[Notification]:
        return list(
            Notification.objects.for_partner(self.council)
            .filter(user=self.ada, link__startswith="/servicedesk/satisfaction/")
            .order_by("pk")
        )

    def survey_path(self) -> str:
        return self.survey_notes()[-1].link

    def answers(self) -> list[tuple[int, str]]:
        found = SatisfactionResponse.objects.for_partner(self.council).order_by("pk")
        return [(a.score, a.comment) for a in found]

    def audits(self) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        found = AuditEvent.objects.for_partner(self.council).filter(
            action__startswith="servicedesk.satisfaction"
        )
        return [(e.action, e.before, e.after) for e in found.order_by("seq")]

    def rated(self) -> list[str]:
        found = TicketEvent.objects.for_partner(self.council).filter(ticket=self.ticket, kind=EventKind.RATED)
        return [e.body for e in found.order_by("pk")]

    def on_council(self, user: Any) -> Client:
        client = self.signed_in(user)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        return client


class SurveyFlowTests(SurveyTestCase):
    def test_resolving_asks_the_requester_in_the_app_and_by_email(self) -> None:
        note = self.survey_notes()[0]
        assert note.subject == "[WCC-000001] Resolved: Laptop will not start"
        assert note.text == (
            "Battery replaced.\n\nHow satisfied are you with how this was handled? Answer with one click:"
        )
        resolution = TicketEvent.objects.for_partner(self.council).get(
            ticket=self.ticket, kind=EventKind.STATUS, status="resolved"
        )
        token = note.link.removeprefix("/servicedesk/satisfaction/").removesuffix("/")
        assert satisfaction.read_token(token) == (self.ticket.pk, resolution.pk)
        # The email carries one address per answer, each opening the page with it pre-chosen.
        page = f"{SITE}{note.link}"
        choices = (
            f"Very satisfied: {page}?score=5\n"
            f"Satisfied: {page}?score=4\n"
            f"Neither satisfied nor dissatisfied: {page}?score=3\n"
            f"Dissatisfied: {page}?score=2\n"
            f"Very dissatisfied: {page}?score=1"
        )
        assert [(m.to, m.body) for m in mail.outbox] == [
            (["ada@wessex.gov.uk"], f"{note.text}\n\n{choices}\n\n{page}\n")
        ]

    def test_opening_the_emailed_link_records_nothing_and_one_click_on_its_page_records_the_answer(
        self,
    ) -> None:
        found = re.search(
            rf"Satisfied: {re.escape(SITE)}(/servicedesk/satisfaction/\S+/)\?score=4",
            str(mail.outbox[0].body),
        )
        assert found is not None
        path = found[1]
        client = self.on_council(self.ada)
        # A mail scanner, or the requester, opening the "Satisfied" link: nothing is recorded.
        page = client.get(f"{path}?score=4")
        assert page.status_code == 200
        assert page.context["preferred"] == 4 and page.context["choices"][0] == (4, "Satisfied")
        assert "How satisfied are you with how this was handled?" in page.content.decode()
        assert self.answers() == [] and self.rated() == [] and self.audits() == []
        # The one click: a POST of the chosen button.
        assert client.post(path, {"form": "answer", "score": "4"}).status_code == 302
        assert self.answers() == [(4, "")]
        assert self.rated() == ["Satisfaction: Satisfied"]
        answer = SatisfactionResponse.objects.for_partner(self.council).get()
        assert self.audits() == [
            (
                "servicedesk.satisfaction_answered",
                {},
                {
                    "reference": "WCC-000001",
                    "resolution": answer.resolution_id,
                    "score": 4,
                    "comment_given": False,
                },
            )
        ]
        assert "Your answer: <strong>Satisfied</strong>" in client.get(path).content.decode()

    def test_one_click_on_the_notification_in_the_app_records_the_answer(self) -> None:
        client = self.on_council(self.ada)
        note = self.survey_notes()[0]
        page = client.get("/servicedesk/notifications/").content.decode()
        assert f'action="{note.link}"' in page and 'name="score" value="5">Very satisfied</button>' in page
        assert client.post(note.link, {"form": "answer", "score": "5"}).status_code == 302
        assert self.answers() == [(5, "")]

    def test_the_ticket_page_offers_the_question_to_its_requester_only(self) -> None:
        url = f"/servicedesk/tickets/{self.ticket.pk}/"
        assert (
            self.on_council(self.ada).get(url).context["survey_link"].startswith("/servicedesk/satisfaction/")
        )
        assert self.on_council(self.agent).get(url).context["survey_link"] == ""

    def test_an_optional_comment_follows_and_its_words_stay_out_of_the_audit_trail(self) -> None:
        client = self.on_council(self.ada)
        client.post(self.survey_path(), {"form": "answer", "score": "2"})
        words = "The engineer was late and did not call."
        assert client.post(self.survey_path(), {"form": "comment", "comment": words}).status_code == 302
        assert self.answers() == [(2, words)]
        assert self.rated() == ["Satisfaction: Dissatisfied", f"Satisfaction: Dissatisfied\n\n{words}"]
        assert [(a, b, c["comment_given"]) for a, b, c in self.audits()] == [
            ("servicedesk.satisfaction_answered", {}, False),
            ("servicedesk.satisfaction_changed", {"score": 2, "comment_given": False}, True),
        ]
        assert all("engineer" not in str(before) + str(after) for _, before, after in self.audits())

    def test_answering_again_before_closing_replaces_the_answer_and_is_audited(self) -> None:
        client = self.on_council(self.ada)
        client.post(self.survey_path(), {"form": "answer", "score": "4"})
        client.post(self.survey_path(), {"form": "answer", "score": "1"})
        assert self.answers() == [(1, "")]
        assert [(a, b, c["score"]) for a, b, c in self.audits()] == [
            ("servicedesk.satisfaction_answered", {}, 4),
            ("servicedesk.satisfaction_changed", {"score": 4, "comment_given": False}, 1),
        ]
        assert self.rated() == ["Satisfaction: Satisfied", "Satisfaction: Very dissatisfied"]

    def test_once_the_ticket_is_closed_a_given_answer_stands(self) -> None:
        client = self.on_council(self.ada)
        client.post(self.survey_path(), {"form": "answer", "score": "4"})
        services.close(actor=self.ada, ticket=self.fresh())
        refused = client.post(self.survey_path(), {"form": "answer", "score": "1"})
        assert refused.status_code == 400
        assert refused.context["error"] == "This ticket is closed, so your answer stands."
        assert self.answers() == [(4, "")] and len(self.audits()) == 1

    def test_a_first_answer_after_the_requester_closed_the_ticket_is_taken(self) -> None:
        services.close(actor=self.ada, ticket=self.fresh())
        assert (
            self.on_council(self.ada).post(self.survey_path(), {"form": "answer", "score": "5"}).status_code
            == 302
        )
        assert self.answers() == [(5, "")]

    def test_a_reopened_ticket_resolved_again_asks_again_and_the_old_link_records_nothing(self) -> None:
        client = self.on_council(self.ada)
        first = self.survey_path()
        client.post(first, {"form": "answer", "score": "4"})
        services.reopen(actor=self.ada, ticket=self.fresh(), reason="It died again.")
        stale = client.post(first, {"form": "answer", "score": "1"})
        assert stale.status_code == 400
        assert stale.context["error"] == satisfaction.REOPENED
        assert self.answers() == [(4, "")]
        self.resolve("Battery and charger replaced.")
        second = self.survey_path()
        assert second != first and len(self.survey_notes()) == 2
        assert client.post(second, {"form": "answer", "score": "5"}).status_code == 302
        assert self.answers() == [(4, ""), (5, "")]
        assert [a for a, _, _ in self.audits()] == ["servicedesk.satisfaction_answered"] * 2

    def test_only_the_requester_may_answer_anyone_else_gets_404_and_nothing_changes(self) -> None:
        outsider = self.make_user("percy.police", [(self.police, Role.EMPLOYEE)])
        # The agent and the manager may see the ticket, Mary works for the council too, Percy and
        # the constabulary's agent are another partner's: each is not the requester.
        for user in (self.agent, self.manager, self.mary, self.police_agent, outsider):
            client = self.signed_in(user)
            assert client.get(self.survey_path()).status_code == 404, user
            assert client.post(self.survey_path(), {"form": "answer", "score": "1"}).status_code == 404, user
        resolution = SatisfactionResponse.objects.for_partner(self.council).filter(ticket=self.ticket)
        with pytest.raises(Http404):
            satisfaction.answer_satisfaction(
                actor=self.agent,
                ticket=self.fresh(),
                resolution=satisfaction.latest_resolution(self.fresh()),  # type: ignore[arg-type]
                score=1,
            )
        assert not resolution.exists() and self.answers() == [] and self.audits() == [] and self.rated() == []

    def test_a_tampered_or_expired_link_says_so_and_changes_nothing(self) -> None:
        client = self.on_council(self.ada)
        token = self.survey_path().removeprefix("/servicedesk/satisfaction/").removesuffix("/")
        tampered = f"/servicedesk/satisfaction/{token[:-2]}xx/"
        for response in (client.get(tampered), client.post(tampered, {"form": "answer", "score": "5"})):
            assert response.status_code == 400
            assert response.context["link_error"] == satisfaction.BAD_LINK
        # 31 days on, the link (good for 30) has expired.
        later = time.time() + 31 * 86400
        with mock.patch("django.core.signing.time.time", return_value=later):
            response = client.post(self.survey_path(), {"form": "answer", "score": "5"})
        assert response.status_code == 400
        assert response.context["link_error"] == (
            "This link to the satisfaction question has expired (links last 30 days): nothing was recorded."
        )
        assert self.answers() == [] and self.audits() == [] and self.rated() == []

    def test_the_api_answers_for_the_requester_only_and_404s_anyone_else(self) -> None:
        url = f"/api/v1/servicedesk/tickets/{self.ticket.pk}/satisfaction"
        for user in (self.agent, self.mary, self.police_agent):
            assert self.api(user).post(url, {"score": 1}, content_type="application/json").status_code == 404
        assert self.answers() == []
        response = self.api(self.ada).post(
            url, {"score": 4, "comment": "Quick."}, content_type="application/json"
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["score"], body["answer"], body["comment"]) == (4, "Satisfied", "Quick.")
        again = self.api(self.ada).post(url, {"score": 5}, content_type="application/json")
        assert (again.json()["score"], again.json()["comment"]) == (5, "Quick.")
        assert self.answers() == [(5, "Quick.")]
        off = self.api(self.ada).post(url, {"score": 6}, content_type="application/json")
        assert off.status_code == 422 and self.answers() == [(5, "Quick.")]

    def test_the_service_refuses_a_score_off_the_scale(self) -> None:
        resolution = satisfaction.latest_resolution(self.fresh())
        assert resolution is not None
        with pytest.raises(ValidationError, match="Choose how satisfied you are"):
            satisfaction.answer_satisfaction(
                actor=self.ada, ticket=self.fresh(), resolution=resolution, score=6
            )
        assert self.answers() == []


class SatisfactionReportTests(ServiceDeskTestCase):
    """November 2026 (GMT): the council's ICT tickets answered 5, 5, 4, 4, 3, 1 (one resolved on
    30 November and answered in December); two HR tickets answered 5 and 1; an ICT ticket resolved
    on 31 October and answered in November (October's, not November's); one constabulary ICT
    answer (4)."""

    def setUp(self) -> None:
        super().setUp()
        days = [2, 3, 4, 5, 6, 30]
        for day, score in zip(days, (5, 5, 4, 4, 3, 1), strict=True):
            self.answered(self.ada, at(11, day, 10), score, "Slow to start." if score == 1 else "")
        self.answered(self.ada, at(11, 9, 10), 5, service="hr")
        self.answered(self.ada, at(11, 10, 10), 1, service="hr")
        self.answered(self.ada, at(10, 31, 10), 2)
        self.answered(self.mary, at(11, 11, 10), 4, partner=self.police)

    def answered(
        self, user: Any, resolved: datetime, score: int, comment: str = "", **overrides: Any
    ) -> None:
        with frozen(resolved):
            ticket = self.raise_for(user, **overrides)
            ticket = services.resolve(actor=self.agent, ticket=ticket, resolution="Done.")
        resolution = satisfaction.latest_resolution(ticket)
        assert resolution is not None
        satisfaction.answer_satisfaction(
            actor=user, ticket=ticket, resolution=resolution, score=score, comment=comment
        )

    def test_the_report_gives_each_partners_services_figures_to_the_decimal_suppressed_under_five(
        self,
    ) -> None:
        report = service_level_report(actor=self.agent, partner=self.council, year=2026, month=11)
        assert report.satisfaction == [
            SatisfactionRow(self.council.pk, "hr", answers=2, satisfied=1, score_total=6),
            # 4 of 6 = 66.7%; 22 / 6 = 3.67.
            SatisfactionRow(self.council.pk, "ict", 6, 4, 22, Decimal("66.7"), Decimal("3.67")),
        ]
        across = service_level_report(actor=self.agent, partner=None, year=2026, month=11)
        assert [(r.partner, r.service, r.answers) for r in across.satisfaction] == [
            (self.council.pk, "hr", 2),
            (self.council.pk, "ict", 6),
            (self.police.pk, "ict", 1),
        ]
        october = service_level_report(actor=self.agent, partner=self.council, year=2026, month=10)
        assert [(r.service, r.answers, r.score_total) for r in october.satisfaction] == [("ict", 1, 2)]

    def test_the_page_and_its_downloads_show_the_figures_and_the_comments(self) -> None:
        client = self.signed_in(self.agent)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        page = client.get("/servicedesk/reports/", {"month": "2026-11"}).content.decode()
        assert "fewer than 5 answers" in page and "66.7%" in page and "3.67" in page
        table = client.get(
            "/servicedesk/reports/", {"month": "2026-11", "table": "satisfaction", "format": "csv"}
        )
        assert table["Content-Disposition"] == 'attachment; filename="satisfaction-WCC-2026-11.csv"'
        assert list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")))) == [
            [
                "Partner",
                "Service",
                "Answers",
                "Satisfied or very satisfied (%)",
                "Mean score (5 very satisfied, 1 very dissatisfied)",
                "Note",
            ],
            ["WCC", "HR", "2", "", "", "fewer than 5 answers"],
            ["WCC", "ICT", "6", "66.7", "3.67", ""],
        ]
        comments = client.get(
            "/servicedesk/reports/", {"month": "2026-11", "table": "comments", "format": "csv"}
        )
        assert list(csv.reader(io.StringIO(comments.content.decode("utf-8-sig"))))[1:] == [
            ["WCC", "WCC-000006", "ICT", "2026-11-30 10:00", "Very dissatisfied", "Slow to start."]
        ]
        xlsx = client.get(
            "/servicedesk/reports/", {"month": "2026-11", "table": "satisfaction", "format": "xlsx"}
        )
        assert xlsx.status_code == 200

    def test_the_api_adds_the_satisfaction_figures_and_keeps_its_other_keys(self) -> None:
        url = f"/api/v1/servicedesk/partners/{self.council.pk}/reports/service-levels"
        body = self.api(self.agent).get(url, {"month": "2026-11"}).json()
        assert body["satisfaction_minimum_answers"] == 5
        assert body["satisfaction"] == [
            {"service": "hr", "answers": 2, "satisfied": 1, "satisfied_percent": None, "mean_score": None},
            {
                "service": "ict",
                "answers": 6,
                "satisfied": 4,
                "satisfied_percent": "66.7",
                "mean_score": "3.67",
            },
        ]
        assert {"partner_id", "month", "start", "end", "percentile_method", "backlog_buckets", "rows"} <= set(
            body
        )
