"""The monthly service-level report as the partnership board's PDF (issue 15, "Reports"): the
figures of test_reports.py's hand-worked November 2026 at the council (the same selector, laid
out), business minutes shown as h:mm; the page's month, partner choice and permission, and the
API's partner scope."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.test import Client, SimpleTestCase

from joinedup.audit.models import AuditEvent
from joinedup.servicedesk.models import TicketEvent
from joinedup.servicedesk.report_pdf import Section, hours_minutes, service_level_pdf
from joinedup.servicedesk.reports import ServiceLevelReport
from joinedup.servicedesk.service_levels import Row, SatisfactionRow
from joinedup.servicedesk.tests.base import ServiceDeskTestCase
from joinedup.servicedesk.tests.clockbase import at, frozen
from joinedup.servicedesk.tests.test_reports import NovemberTestCase
from joinedup.testing.pdf_text import pdf_strings
from joinedup.web.current import SESSION_KEY

HEADER = [
    "Service",
    "Priority",
    "Raised",
    "Resolved",
    "Open",
    "at end",
]
# Each row as the PDF draws it: service, priority, raised, resolved, open at the month's end,
# response met / breached, resolution met / breached, response median / 90th, resolution median /
# 90th (h:mm), then the backlog's 0-2, 3-5, 6-10 and over 10 business days.
P2 = ["ICT", "P2", "1", "1", "0", "1 / 0", "1 / 0", "0:30 / 0:30", "0:30 / 0:30", "0", "0", "0", "0"]
# Responses 30, 60, 120, 510, 1,200 minutes: median 120 (2:00), 90th 1,200 (20:00); resolutions
# 120, 180, 510, 1,200, 1,560: median 510 (8:30), 90th 1,560 (26:00).
P3 = ["ICT", "P3", "6", "5", "2", "3 / 2", "4 / 1", "2:00 / 20:00", "8:30 / 26:00", "1", "0", "0", "1"]


def holds(strings: list[str], run: list[str]) -> bool:
    """Whether ``run`` is drawn in order, one string after another."""
    return any(strings[i : i + len(run)] == run for i in range(len(strings)))


class HoursMinutesTests(SimpleTestCase):
    def test_business_minutes_read_as_hours_and_minutes(self) -> None:
        assert [hours_minutes(n) for n in (0, 30, 60, 125, 1560, None)] == [
            "0:00",
            "0:30",
            "1:00",
            "2:05",
            "26:00",
            "-",
        ]


class ReportPdfTests(NovemberTestCase):
    def signed_in_on_council(self, user: Any) -> Client:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        return client

    def test_the_page_offers_the_pdf_of_the_month_it_shows(self) -> None:
        page = self.signed_in_on_council(self.agent).get("/servicedesk/reports/", {"month": "2026-11"})
        assert (
            '<a class="govuk-link" href="?month=2026-11&amp;format=pdf">Download PDF</a>'
            in page.content.decode()
        )

    def test_the_pdf_holds_the_months_figures_of_each_service_and_priority(self) -> None:
        response = self.signed_in_on_council(self.agent).get(
            "/servicedesk/reports/", {"month": "2026-11", "format": "pdf"}
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="service-levels-WCC-2026-11.pdf"'
        assert response["Cache-Control"] == "no-store"
        strings = pdf_strings(response.content)
        assert strings[:3] == [
            "Service levels, November 2026",
            "Service desk: Wessex County Council",
            "As at 1 December 2026 at 00:00 (UK time)",  # the month is over: its end
        ]
        assert holds(strings, ["Wessex County Council", *HEADER])
        assert holds(strings, P2 + P3)
        # The chart: resolutions met then breached, per row.
        assert holds(
            strings, ["Resolution met", "Resolution breached", "ICT P2", "1", "0", "ICT P3", "4", "1"]
        )

    def test_a_month_not_yet_over_stands_at_the_moment_it_was_drawn(self) -> None:
        with frozen(at(11, 20, 12, 5)):
            response = self.signed_in_on_council(self.agent).get(
                "/servicedesk/reports/", {"month": "2026-11", "format": "pdf"}
            )
        assert pdf_strings(response.content)[2] == "As at 20 November 2026 at 12:05 (UK time)"

    def test_across_every_partner_it_draws_a_table_per_partner_then_their_sum(self) -> None:
        response = self.signed_in_on_council(self.agent).get(
            "/servicedesk/reports/", {"month": "2026-11", "across": "all", "format": "pdf"}
        )
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="service-levels-all-partners-2026-11.pdf"'
        )
        strings = pdf_strings(response.content)
        assert strings[1] == (
            "Service desk: Wessex Constabulary, Wessex County Council, Wessex Fire and Rescue, "
            "Wessex Shared Services"
        )
        # The constabulary's one ticket, raised with no agreement: in the volumes only.
        police = ["ICT", "P3", "1", "1", "0", "0 / 0", "0 / 0", "- / -", "- / -", "0", "0", "0", "0"]
        assert holds(strings, ["Wessex Constabulary", *HEADER])
        assert holds(strings, police)
        assert holds(strings, ["Wessex County Council", *HEADER])
        assert holds(strings, ["Wessex Fire and Rescue", "No tickets in November 2026."])
        assert holds(strings, ["Wessex Shared Services", "No tickets in November 2026."])
        assert holds(strings, ["Every partner above, together", *HEADER])
        summed = ["ICT", "P3", "7", "6", *P3[4:]]
        assert holds(strings, P2 + summed)

    def test_the_pdf_is_refused_to_a_role_without_servicedesk_reports_and_changes_nothing(self) -> None:
        events, audit = (
            TicketEvent.objects.for_partner(self.council).count(),
            AuditEvent.objects.for_partner(self.council).count(),
        )
        response = self.signed_in_on_council(self.ada).get(
            "/servicedesk/reports/", {"month": "2026-11", "format": "pdf"}
        )
        assert response.status_code == 403
        assert response["Content-Type"] != "application/pdf"
        assert TicketEvent.objects.for_partner(self.council).count() == events
        assert AuditEvent.objects.for_partner(self.council).count() == audit

    def test_the_api_gives_the_pdf_and_hides_another_partners(self) -> None:
        url = f"/api/v1/servicedesk/partners/{self.council.pk}/reports/service-levels.pdf"
        response = self.api(self.agent).get(url, {"month": "2026-11"})
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="service-levels-WCC-2026-11.pdf"'
        assert response["Cache-Control"] == "no-store"
        strings = pdf_strings(response.content)
        assert strings[:2] == ["Service levels, November 2026", "Service desk: Wessex County Council"]
        assert holds(strings, P2 + P3)
        events, audit = (
            TicketEvent.objects.for_partner(self.council).count(),
            AuditEvent.objects.for_partner(self.council).count(),
        )
        assert self.api(self.police_agent).get(url, {"month": "2026-11"}).status_code == 404
        assert self.api(self.ada).get(url, {"month": "2026-11"}).status_code == 403
        assert self.api(self.agent).get(url, {"month": "2026-13"}).status_code == 422
        assert TicketEvent.objects.for_partner(self.council).count() == events
        assert AuditEvent.objects.for_partner(self.council).count() == audit


class ReportNavigationTests(ServiceDeskTestCase):
    """The header offers the report to whoever holds ``servicedesk.reports`` on the partner they
    are working on, and to nobody else."""

    LINK = '<a class="govuk-service-navigation__link" href="/servicedesk/reports/">Service-level report</a>'

    def page_for(self, user: Any) -> str:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        return client.get("/").content.decode()

    def test_an_agent_is_offered_the_report(self) -> None:
        assert self.LINK in self.page_for(self.agent)

    def test_an_employee_is_not(self) -> None:
        page = self.page_for(self.ada)
        assert "Sign out (ada.lovelace)" in page  # the menu is drawn, without the report
        assert self.LINK not in page


class SatisfactionInThePdfTests(SimpleTestCase):
    """Issue 15: satisfaction from the one-click survey is one of the board's figures."""

    def report(self, satisfaction: list[SatisfactionRow]) -> ServiceLevelReport:
        start = datetime(2026, 11, 1, tzinfo=UTC)
        return ServiceLevelReport(
            partner_ids=[1, 2],
            year=2026,
            month=11,
            start=start,
            end=datetime(2026, 12, 1, tzinfo=UTC),
            tickets_read=1,
            rows=[Row(service="ict", priority="p3", raised=1)],
            satisfaction=satisfaction,
        )

    def test_a_partners_section_gives_its_answers_per_service_and_only_the_count_under_five(self) -> None:
        rows = [
            SatisfactionRow(1, "hr", answers=2, satisfied=1, score_total=6),
            SatisfactionRow(1, "ict", 6, 4, 22, Decimal("66.7"), Decimal("3.67")),
        ]
        strings = pdf_strings(
            service_level_pdf(
                partners="Wessex County Council",
                month_label="November 2026",
                sections=[Section("Wessex County Council", self.report(rows))],
                now=datetime(2026, 12, 5, tzinfo=UTC),
            )
        )
        assert holds(strings, ["HR", "2", "-", "-", "ICT", "6", "66.7%", "3.67"])

    def test_the_sum_over_every_partner_leaves_satisfaction_to_the_partners_sections(self) -> None:
        rows = [
            SatisfactionRow(1, "ict", 6, 4, 22, Decimal("66.7"), Decimal("3.67")),
            SatisfactionRow(2, "ict", 1, 1, 5),
        ]
        strings = pdf_strings(
            service_level_pdf(
                partners="every partner",
                month_label="November 2026",
                sections=[Section("Every partner", self.report(rows))],
                now=datetime(2026, 12, 5, tzinfo=UTC),
            )
        )
        assert "66.7%" not in strings and "Mean score (5 best)" not in strings
