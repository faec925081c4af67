"""The tickets API: raising, lists, a ticket and its history, and 404 for what a caller may not see."""

from __future__ import annotations

import json
from typing import Any

from joinedup.servicedesk import services
from joinedup.servicedesk.models import Ticket, TicketEvent
from joinedup.servicedesk.tests.base import ServiceDeskTestCase

BODY = {
    "service": "ict",
    "type": "incident",
    "subject": "Printer jammed",
    "description": "The second-floor printer jams on every page.",
    "impact": "medium",
    "urgency": "medium",
}


class TestTicketsApi(ServiceDeskTestCase):
    def post(self, user: Any, url: str, body: dict[str, Any]) -> Any:
        return self.api(user).post(url, json.dumps(body), content_type="application/json")

    def test_an_employee_raises_a_ticket(self) -> None:
        response = self.post(self.ada, "/api/v1/servicedesk/tickets", BODY)
        assert response.status_code == 201
        body = response.json()
        assert (body["reference"], body["partner"], body["priority"], body["status"], body["requester"]) == (
            "WCC-000001",
            "WCC",
            "p3",
            "new",
            "Ada.Lovelace",
        )

    def test_a_requester_of_several_partners_names_one(self) -> None:
        refused = self.post(self.mary, "/api/v1/servicedesk/tickets", BODY)
        assert refused.status_code == 422
        assert refused.json() == {
            "detail": "Invalid input.",
            "errors": {"partner": ["The requester works for several partners: choose the one this is for."]},
        }
        chosen = self.post(self.mary, "/api/v1/servicedesk/tickets", {**BODY, "partner_id": self.police.pk})
        assert chosen.status_code == 201
        assert chosen.json()["reference"] == "WPOL-000001"

    def test_an_agent_raises_one_for_a_requester(self) -> None:
        response = self.post(self.agent, "/api/v1/servicedesk/tickets", {**BODY, "requester_id": self.ada.pk})
        assert response.status_code == 201
        assert response.json()["requester"] == "Ada.Lovelace"

    def test_the_list_holds_only_what_the_caller_may_see(self) -> None:
        mine = self.raise_for(self.ada)
        self.raise_for(self.council_employee)
        response = self.api(self.ada).get("/api/v1/servicedesk/tickets")
        assert response.status_code == 200
        assert [t["reference"] for t in response.json()["items"]] == [mine.reference]
        agent = self.api(self.agent).get("/api/v1/servicedesk/tickets").json()
        assert (agent["count"], [t["reference"] for t in agent["items"]]) == (2, ["WCC-000002", "WCC-000001"])

    def test_a_colleagues_ticket_and_another_partners_answer_404(self) -> None:
        ticket = self.raise_for(self.ada)
        for user in (self.council_employee, self.police_agent, self.council_hr):
            for path in ("", "/history"):
                response = self.api(user).get(f"/api/v1/servicedesk/tickets/{ticket.pk}{path}")
                assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
            refused = self.post(user, f"/api/v1/servicedesk/tickets/{ticket.pk}/replies", {"body": "Hello"})
            assert refused.status_code == 404
        assert TicketEvent.objects.for_partner(self.council).count() == 1

    def test_the_requester_never_sees_an_internal_note(self) -> None:
        ticket = self.raise_for(self.ada)
        noted = self.post(
            self.agent, f"/api/v1/servicedesk/tickets/{ticket.pk}/notes", {"body": "Suspect fraud"}
        )
        assert (noted.status_code, noted.json()["public"]) == (201, False)
        replied = self.post(self.agent, f"/api/v1/servicedesk/tickets/{ticket.pk}/replies", {"body": "On it"})
        assert (replied.status_code, replied.json()["responds"]) == (201, True)
        requester = self.api(self.ada).get(f"/api/v1/servicedesk/tickets/{ticket.pk}/history").json()
        assert [(e["kind"], e["body"]) for e in requester] == [
            ("created", "It shows a black screen since this morning."),
            ("reply", "On it"),
        ]
        assert "Suspect fraud" not in json.dumps(requester)
        agent = self.api(self.agent).get(f"/api/v1/servicedesk/tickets/{ticket.pk}/history").json()
        assert [e["kind"] for e in agent] == ["created", "note", "reply"]

    def test_a_requester_may_not_add_a_note(self) -> None:
        ticket = self.raise_for(self.ada)
        response = self.post(self.ada, f"/api/v1/servicedesk/tickets/{ticket.pk}/notes", {"body": "Psst"})
        assert response.status_code == 403
        assert TicketEvent.objects.for_partner(self.council).filter(kind="note").count() == 0

    def test_an_agent_assigns_and_moves_the_ticket_along(self) -> None:
        ticket = self.raise_for(self.ada)
        url = f"/api/v1/servicedesk/tickets/{ticket.pk}"
        assigned = self.post(
            self.agent, f"{url}/assignment", {"team_id": self.ict.pk, "assignee_id": self.agent.pk}
        )
        assert (assigned.status_code, assigned.json()["status"], assigned.json()["team"]) == (
            200,
            "assigned",
            "ICT service desk",
        )
        moved = self.post(self.agent, f"{url}/status", {"status": "resolved", "body": "Replaced the toner."})
        assert (moved.status_code, moved.json()["status"]) == (200, "resolved")
        refused = self.post(self.agent, f"{url}/status", {"status": "in_progress"})
        assert refused.status_code == 422
        assert refused.json()["errors"] == {
            "status": ["A ticket that is resolved cannot become in progress: it may become closed, reopened."]
        }
        reopened = self.post(self.ada, f"{url}/status", {"status": "reopened", "body": "Jammed again."})
        assert (reopened.status_code, reopened.json()["status"]) == (200, "reopened")
        priority = self.post(self.agent, f"{url}/priority", {"priority": "p2", "reason": "Whole floor"})
        assert (priority.status_code, priority.json()["priority"]) == (200, "p2")

    def test_a_requester_cannot_resolve_their_own_ticket(self) -> None:
        ticket = self.raise_for(self.ada)
        response = self.post(
            self.ada, f"/api/v1/servicedesk/tickets/{ticket.pk}/status", {"status": "resolved", "body": "x"}
        )
        assert response.status_code == 403
        assert Ticket.objects.for_partner(self.council).get(pk=ticket.pk).status == "new"

    def test_the_manager_reads_their_teams_ticket_without_notes(self) -> None:
        ticket = self.raise_for(self.ada)
        services.add_note(actor=self.agent, ticket=ticket, body="Internal only")
        response = self.api(self.manager).get(f"/api/v1/servicedesk/tickets/{ticket.pk}/history")
        assert [e["kind"] for e in response.json()] == ["created"]
