"""The service-desk ticket pages: an employee's own tickets, the agents' queue and ticket page, a
manager's team tickets, and what each may not see."""

from __future__ import annotations

import csv
import io
import re

from joinedup.servicedesk import services
from joinedup.servicedesk.models import Ticket, TicketEvent
from joinedup.servicedesk.tests.base import ServiceDeskTestCase

FORM = {
    "form": "ticket",
    "service": "payroll",
    "ticket_type": "query",
    "subject": "Overtime missing",
    "description": "My October overtime is not on my payslip.",
    "impact": "low",
    "urgency": "medium",
}


class TestSelfService(ServiceDeskTestCase):
    def test_an_employee_raises_a_ticket_and_lands_on_it(self) -> None:
        client = self.signed_in(self.ada)
        page = client.get("/").content.decode()
        assert '<a class="govuk-service-navigation__link" href="/servicedesk/">My tickets</a>' in page
        response = client.post("/servicedesk/new", FORM)
        ticket = Ticket.objects.for_partner(self.council).get()
        assert (response.status_code, response["Location"]) == (302, f"/servicedesk/tickets/{ticket.pk}/")
        assert (ticket.reference, ticket.priority, ticket.service) == ("WCC-000001", "p4", "payroll")
        listed = client.get("/servicedesk/").content.decode()
        assert "WCC-000001" in listed and "Overtime missing" in listed

    def test_a_requester_of_several_partners_chooses_one_on_the_form(self) -> None:
        client = self.signed_in(self.mary)
        missing = client.post("/servicedesk/new", FORM)
        assert missing.status_code == 200
        assert "Choose the organisation." in missing.content.decode()
        assert Ticket.objects.for_partners([self.council, self.police]).count() == 0
        chosen = client.post("/servicedesk/new", {**FORM, "partner": self.police.pk})
        assert chosen.status_code == 302
        assert Ticket.objects.for_partner(self.police).get().reference == "WPOL-000001"

    def test_the_requester_never_sees_an_internal_note_on_the_page(self) -> None:
        ticket = self.raise_for(self.ada)
        services.add_note(actor=self.agent, ticket=ticket, body="Internal: check the asset register")
        services.reply(actor=self.agent, ticket=ticket, body="Please restart it")
        page = self.signed_in(self.ada).get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
        assert "Please restart it" in page
        assert "check the asset register" not in page
        assert "Add an internal note" not in page
        agent_page = self.signed_in(self.agent).get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
        assert "Internal: check the asset register" in agent_page

    def test_the_requester_replies_and_reopens(self) -> None:
        ticket = self.raise_for(self.ada)
        client = self.signed_in(self.ada)
        url = f"/servicedesk/tickets/{ticket.pk}/"
        assert client.post(url, {"form": "reply", "reply-body": "It happened again"}).status_code == 302
        services.resolve(actor=self.agent, ticket=ticket, resolution="Driver updated")
        assert client.post(url, {"form": "reopen", "reopen-reason": "Still black"}).status_code == 302
        kinds = list(
            TicketEvent.objects.for_partner(self.council)
            .filter(ticket=ticket)
            .order_by("pk")
            .values_list("kind", "status")
        )
        assert kinds == [("created", "new"), ("reply", "new"), ("status", "resolved"), ("status", "reopened")]

    def test_a_colleagues_ticket_and_another_partners_answer_404(self) -> None:
        ticket = self.raise_for(self.ada)
        for user in (self.council_employee, self.police_agent):
            client = self.signed_in(user)
            assert client.get(f"/servicedesk/tickets/{ticket.pk}/").status_code == 404
            sent = client.post(f"/servicedesk/tickets/{ticket.pk}/", {"form": "reply", "reply-body": "Hi"})
            assert sent.status_code == 404
        assert TicketEvent.objects.for_partner(self.council).count() == 1

    def test_a_requester_may_not_post_an_internal_note(self) -> None:
        ticket = self.raise_for(self.ada)
        response = self.signed_in(self.ada).post(
            f"/servicedesk/tickets/{ticket.pk}/", {"form": "note", "note-body": "Sneaky"}
        )
        assert response.status_code == 403
        assert TicketEvent.objects.for_partner(self.council).filter(kind="note").count() == 0


class TestAgentPages(ServiceDeskTestCase):
    def test_the_queue_lists_open_tickets_oldest_first_and_filters(self) -> None:
        first = self.raise_for(self.ada)
        self.raise_for(self.mary, partner=self.police, impact="high")
        client = self.signed_in(self.agent)
        page = client.get("/servicedesk/queue/").content.decode()
        assert page.index("WCC-000001") < page.index("WPOL-000001")
        filtered = client.get(f"/servicedesk/queue/?partner={self.police.pk}").content.decode()
        assert "WPOL-000001" in filtered and "WCC-000001" not in filtered
        assert (
            self.signed_in(self.police_agent)
            .get("/servicedesk/queue/")
            .content.decode()
            .count(f"/servicedesk/tickets/{first.pk}/")
            == 0
        )

    def test_the_queues_filters_in_force_show_as_tags_that_each_remove_one(self) -> None:
        self.raise_for(self.mary, partner=self.police, impact="high")
        client = self.signed_in(self.agent)
        page = client.get(f"/servicedesk/queue/?partner={self.police.pk}&status=new&sort=due&page=1")
        html = page.content.decode()
        panel = html[html.index('data-testid="selected-filters"') :]
        panel = panel[: panel.index('<div class="moj-filter__options">')]
        tags = re.findall(
            r'<h3 class="govuk-heading-s govuk-!-margin-bottom-0">([^<]+)</h3>\s*'
            r'<ul class="moj-filter-tags">\s*'
            r'<li><a class="moj-filter__tag" href="([^"]+)"><span class="govuk-visually-hidden">Remove this '
            r"filter</span> ([^<]+)</a>",
            panel,
        )
        # Removing one keeps the other and the order, and starts again at page one.
        assert tags == [
            ("Organisation", "/servicedesk/queue/?status=new&amp;sort=due", "Wessex Constabulary"),
            ("Status", f"/servicedesk/queue/?partner={self.police.pk}&amp;sort=due", "New"),
        ]
        assert 'href="/servicedesk/queue/?sort=due">Clear filters</a>' in panel
        assert "WPOL-000001" in html

    def test_the_queue_without_filters_shows_no_selected_filters(self) -> None:
        html = self.signed_in(self.agent).get("/servicedesk/queue/").content.decode()
        assert 'data-testid="filter-panel"' in html and 'data-testid="selected-filters"' not in html

    def test_an_agent_assigns_notes_and_resolves_on_the_ticket_page(self) -> None:
        ticket = self.raise_for(self.ada)
        client = self.signed_in(self.agent)
        url = f"/servicedesk/tickets/{ticket.pk}/"
        assert (
            client.post(url, {"form": "assign", "team": self.ict.pk, "assignee": self.agent.pk}).status_code
            == 302
        )
        assert client.post(url, {"form": "note", "note-body": "Dock fault"}).status_code == 302
        assert client.post(url, {"form": "status", "status-status": "in_progress"}).status_code == 302
        assert (
            client.post(
                url, {"form": "priority", "priority-priority": "p2", "priority-reason": "VIP"}
            ).status_code
            == 302
        )
        assert client.post(url, {"form": "resolve", "resolve-body": "Dock replaced"}).status_code == 302
        ticket.refresh_from_db()
        assert (ticket.status, ticket.priority, ticket.team, ticket.assignee) == (
            "resolved",
            "p2",
            self.ict,
            self.agent,
        )

    def test_a_refused_move_shows_the_reason_beside_the_form(self) -> None:
        ticket = self.raise_for(self.ada)
        services.resolve(actor=self.agent, ticket=ticket, resolution="Done")
        services.reopen(actor=self.ada, ticket=ticket, reason="No")
        services.resolve(actor=self.agent, ticket=ticket, resolution="Done")
        page = self.signed_in(self.agent).get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
        assert "Change the status" not in page  # a resolved ticket only reopens or closes

    def test_an_employee_has_no_queue(self) -> None:
        assert self.signed_in(self.ada).get("/servicedesk/queue/").status_code == 403


def downloaded(response: object) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))  # type: ignore[attr-defined]


def references(html: str) -> list[str]:
    return re.findall(r">((?:WCC|WPOL)-\d{6})</a>", html)


class TestTheQueueAsAList(ServiceDeskTestCase):
    def test_a_filter_narrows_the_queue_and_its_csv_holds_exactly_those_tickets(self) -> None:
        self.raise_for(self.ada, subject="Printer jam")
        self.raise_for(self.mary, partner=self.police, impact="high", subject="Radio down")
        self.raise_for(self.ada, service="payroll", subject="Overtime missing")
        client = self.signed_in(self.agent)
        page = client.get("/servicedesk/queue/", {"q": "o"}).content.decode()
        assert references(page) == ["WPOL-000001", "WCC-000002"]
        table = downloaded(
            client.get("/servicedesk/queue/", {"partner": str(self.council.pk), "format": "csv"})
        )
        ada = self.ada.get_full_name()
        assert [row[:7] for row in table] == [
            ["reference", "organisation", "subject", "requester", "service", "priority", "status"],
            ["WCC-000001", "Wessex County Council", "Printer jam", ada, "ICT", "Medium", "New"],
            ["WCC-000002", "Wessex County Council", "Overtime missing", ada, "Payroll", "Medium", "New"],
        ]

    def test_sorting_by_priority_orders_the_whole_queue(self) -> None:
        self.raise_for(self.ada)
        self.raise_for(self.mary, partner=self.police, impact="high")
        client = self.signed_in(self.agent)
        ascending = client.get("/servicedesk/queue/", {"sort": "priority"}).content.decode()
        descending = client.get("/servicedesk/queue/", {"sort": "priority", "order": "desc"}).content.decode()
        assert references(ascending) == ["WPOL-000001", "WCC-000001"]
        assert references(descending) == ["WCC-000001", "WPOL-000001"]

    def test_the_queues_download_never_holds_an_internal_note_and_a_requester_gets_none(self) -> None:
        ticket = self.raise_for(self.ada)
        services.add_note(actor=self.agent, ticket=ticket, body="Internal: VIP, check the asset register")
        body = self.signed_in(self.agent).get("/servicedesk/queue/", {"format": "csv"}).content.decode()
        assert "WCC-000001" in body and "Internal" not in body and "asset register" not in body
        for fmt in ("csv", "xlsx"):
            assert self.signed_in(self.ada).get("/servicedesk/queue/", {"format": fmt}).status_code == 403
            assert self.signed_in(self.manager).get("/servicedesk/queue/", {"format": fmt}).status_code == 403

    def test_the_home_pages_tile_links_keep_their_filters(self) -> None:
        self.raise_for(self.ada)
        self.raise_for(self.mary, partner=self.police)
        client = self.signed_in(self.agent)
        for query, count in (
            (f"partner={self.council.pk}", 1),
            (f"partner={self.council.pk}&status=new", 1),
            (f"partner={self.council.pk}&mine=1", 0),
        ):
            assert client.get(f"/servicedesk/queue/?{query}").context["page"].paginator.count == count, query


class TestMyTicketsAsAList(ServiceDeskTestCase):
    def test_a_filter_narrows_my_tickets_and_the_csv_holds_only_mine_filtered(self) -> None:
        self.raise_for(self.ada, subject="Printer jam")
        self.raise_for(self.ada, service="payroll", subject="Overtime missing")
        self.raise_for(self.council_employee, service="payroll", subject="Not mine")
        client = self.signed_in(self.ada)
        page = client.get("/servicedesk/", {"service": "payroll"}).content.decode()
        assert references(page) == ["WCC-000002"]
        table = downloaded(client.get("/servicedesk/", {"service": "payroll", "format": "csv"}))
        assert [row[:5] for row in table] == [
            ["reference", "subject", "service", "priority", "status"],
            ["WCC-000002", "Overtime missing", "Payroll", "Medium", "New"],
        ]
        everything = downloaded(client.get("/servicedesk/", {"format": "csv"}))
        assert [row[0] for row in everything[1:]] == ["WCC-000002", "WCC-000001"]

    def test_searching_finds_by_number_and_sorting_by_reference_orders_them(self) -> None:
        self.raise_for(self.ada, subject="Printer jam")
        self.raise_for(self.ada, subject="Screen flickers")
        client = self.signed_in(self.ada)
        assert references(client.get("/servicedesk/", {"q": "000002"}).content.decode()) == ["WCC-000002"]
        sorted_up = client.get("/servicedesk/", {"sort": "reference", "order": "asc"}).content.decode()
        assert references(sorted_up) == ["WCC-000001", "WCC-000002"]
        assert references(client.get("/servicedesk/").content.decode()) == ["WCC-000002", "WCC-000001"]


class TestManagerPages(ServiceDeskTestCase):
    def test_a_status_filter_narrows_the_teams_tickets_and_the_csv_holds_exactly_those(self) -> None:
        first = self.raise_for(self.ada, subject="Printer jam")
        self.raise_for(self.ada, subject="Screen flickers")
        self.raise_for(self.council_employee, subject="Not in the team")
        services.resolve(actor=self.agent, ticket=first, resolution="Cleared")
        client = self.signed_in(self.manager)
        assert references(client.get("/servicedesk/team/", {"status": "new"}).content.decode()) == [
            "WCC-000002"
        ]
        table = downloaded(client.get("/servicedesk/team/", {"status": "resolved", "format": "csv"}))
        assert [row[:6] for row in table] == [
            ["reference", "subject", "requester", "service", "priority", "status"],
            ["WCC-000001", "Printer jam", self.ada.get_full_name(), "ICT", "Medium", "Resolved"],
        ]
        by_status = client.get("/servicedesk/team/", {"sort": "status"}).content.decode()
        assert references(by_status) == ["WCC-000002", "WCC-000001"]  # new before resolved
        assert self.signed_in(self.ada).get("/servicedesk/team/", {"format": "csv"}).status_code == 403

    def test_a_manager_reads_their_teams_tickets_without_notes_or_forms(self) -> None:
        ticket = self.raise_for(self.ada)
        self.raise_for(self.council_employee)
        services.add_note(actor=self.agent, ticket=ticket, body="Internal only")
        client = self.signed_in(self.manager)
        listed = client.get("/servicedesk/team/").content.decode()
        assert "WCC-000001" in listed and "WCC-000002" not in listed
        page = client.get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
        assert "Internal only" not in page
        assert "Send the reply" not in page
        assert client.get(f"/servicedesk/tickets/{ticket.pk + 1}/").status_code == 404
