"""The clocks where people read them: the agent's ticket page (both clocks), the requester's one
plain promise, the queue's due column, tags and breach-risk order, and the API's
``service_level`` (issue 15: "warnings before a breach"; internal detail never to requesters).
Figures on the council's agreement (clockbase.py): Monday to Friday 08:30-17:00."""

from __future__ import annotations

import re

from joinedup.servicedesk.tests.clockbase import ClockTestCase, at, frozen


def rows(page: str) -> list[str]:
    return re.findall(r">((?:WCC|WPOL)-\d{6})<", page)


class ClocksShownTests(ClockTestCase):
    def test_the_agent_sees_both_clocks_and_the_requester_one_plain_date(self) -> None:
        ticket = self.raised(at(11, 30, 9))  # Monday 30 November 2026, 09:00, a P3
        url = f"/servicedesk/tickets/{ticket.pk}/"
        agent, ada = self.signed_in(self.agent), self.signed_in(self.ada)
        with frozen(at(12, 1, 10)):
            agent_page = agent.get(url).content.decode()
            ada_page = ada.get(url).content.decode()
        table = agent_page[agent_page.index('data-testid="service-levels"') :]
        table = re.sub(r"<[^>]+>", " ", table[: table.index("</table>")])
        words = " ".join(table.split())
        # 480 minutes on Monday and 90 on Tuesday: 570, past the response's 240 (due 13:00).
        assert "P3 targets in business minutes" in words
        assert "Response 570 240 Monday 30 November 2026 at 13:00 Breached" in words
        assert "Resolution 570 1440 Wednesday 2 December 2026 at 16:00 Running" in words
        assert "We aim to resolve this by" not in agent_page
        assert "We aim to resolve this by Wednesday 2 December 2026 at 16:00." in ada_page
        assert "service-levels" not in ada_page and "Breached" not in ada_page

    def test_the_queue_shows_due_times_and_tags_and_sorts_by_breach_risk(self) -> None:
        first = self.raised(at(11, 30, 9))  # P3: response due Monday 13:00, breached
        self.raised(at(12, 1, 8, 30), impact="low", urgency="medium")  # P4: due Tuesday 16:30
        self.raised(at(12, 1, 9), impact="high", urgency="medium")  # P2: due Tuesday 10:00
        client = self.signed_in(self.agent)
        with frozen(at(12, 1, 9, 45)):
            oldest = client.get("/servicedesk/queue/").content.decode()
            by_due = client.get("/servicedesk/queue/?sort=due").content.decode()
        assert rows(oldest) == ["WCC-000001", "WCC-000002", "WCC-000003"]
        assert rows(by_due) == ["WCC-000001", "WCC-000003", "WCC-000002"]
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r'data-testid="due">(.*?)</td>', by_due)
        ]
        # The P2 has run 45 of its 60 minutes: 75%, the warning.
        assert cells == [
            "30 November 2026 at 13:00 Breached",
            "1 December 2026 at 10:00 Warning",
            "1 December 2026 at 16:30",
        ]
        assert f"/servicedesk/tickets/{first.pk}/" in by_due

    def test_the_api_gives_agents_both_clocks_and_the_requester_only_the_date(self) -> None:
        ticket = self.raised(at(11, 30, 9))
        url = f"/api/v1/servicedesk/tickets/{ticket.pk}"
        agent, ada = self.api(self.agent), self.api(self.ada)
        with frozen(at(12, 1, 10)):
            theirs = agent.get(url).json()["service_level"]
            hers = ada.get(url).json()["service_level"]
        assert theirs == {
            "as_of": "2026-12-01T10:00:00Z",
            "priority": "p3",
            "clock": "business",
            "resolve_by": "2026-12-02T16:00:00Z",
            "response": {
                "target_minutes": 240,
                "elapsed_minutes": 570,
                "due": "2026-11-30T13:00:00Z",
                "state": "breached",
                "warning": False,
                "stopped_at": None,
            },
            "resolution": {
                "target_minutes": 1440,
                "elapsed_minutes": 570,
                "due": "2026-12-02T16:00:00Z",
                "state": "running",
                "warning": False,
                "stopped_at": None,
            },
        }
        assert hers == {**theirs, "response": None, "resolution": None}

    def test_a_ticket_of_a_partner_without_an_agreement_has_no_service_level(self) -> None:
        ticket = self.raised(at(11, 30, 9), user=self.mary, partner=self.police)
        body = self.api(self.agent).get(f"/api/v1/servicedesk/tickets/{ticket.pk}").json()
        assert body["service_level"] is None
        page = self.signed_in(self.agent).get("/servicedesk/queue/").content.decode()
        assert "No agreement" in page
