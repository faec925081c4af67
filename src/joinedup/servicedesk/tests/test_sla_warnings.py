"""Service-level warnings and escalation (issue 15: "warnings before a breach", "escalation on
breach risk"): ``joinedup servicedesk sla-warnings`` notices each ticket's clock once per stage,
tells the assignee or the team, writes internal events the requester never sees and the clocks
ignore, and records one audit event per run. Figures on the council's agreement (clockbase.py):
Monday to Friday 08:30-17:00; P2 60/480 minutes, P3 240/1,440; warning at 75%."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from joinedup.audit.models import AuditEvent
from joinedup.servicedesk import selectors, services
from joinedup.servicedesk.models import EventKind, Notification, TicketEvent
from joinedup.servicedesk.sla_warnings import sla_warnings
from joinedup.servicedesk.tests.clockbase import ClockTestCase, at, frozen
from joinedup.servicedesk.ticket_clocks import ticket_clocks
from joinedup.testing.base import FIXTURES


class SlaWarningTests(ClockTestCase):
    def setUp(self) -> None:
        super().setUp()
        # A P3 raised Monday 30 November 09:00, assigned to the agent; a P2 raised Tuesday
        # 09:00, given to the ICT team (the agent its one member) with nobody assigned; and a
        # constabulary ticket, whose partner has no agreement.
        self.p3 = self.raised(at(11, 30, 9))
        self.p2 = self.raised(at(12, 1, 9), impact="high", urgency="medium")
        self.police_ticket = self.raised(at(11, 30, 9), user=self.mary, partner=self.police)
        with frozen(at(11, 30, 9, 5)):
            services.assign(actor=self.agent, ticket=self.p3, team=self.ict, assignee=self.agent)
        with frozen(at(12, 1, 9, 5)):
            services.assign(actor=self.agent, ticket=self.p2, team=self.ict)

    def notices(self) -> list[tuple[str, str, str]]:
        rows = TicketEvent.objects.for_partner(self.council).filter(
            kind__in=[EventKind.WARNING, EventKind.BREACH]
        )
        return [(e.ticket.reference, e.kind, e.body) for e in rows.order_by("at", "ticket_id", "pk")]

    def run_json(self, as_of: str) -> dict[str, Any]:
        out = StringIO()
        call_command("servicedesk", "sla-warnings", "--as-of", as_of, "--json", stdout=out)
        result: dict[str, Any] = json.loads(out.getvalue())
        return result

    def test_it_breaches_an_unanswered_p3_and_warns_a_p2_at_three_quarters(self) -> None:
        result = self.run_json("2026-12-01T09:45")
        # P3: Monday 480 + Tuesday 08:30-09:45 75 = 555 minutes, past its 240-minute response.
        # P2: 45 of 60 minutes, 75%: the warning. The constabulary's has no agreement.
        assert (result["checked"], result["warned"], result["breached"]) == (3, 1, 1)
        assert result["tickets"] == [
            {
                "reference": "WCC-000001",
                "clock": "response",
                "stage": "breach",
                "elapsed_minutes": 555,
                "target_minutes": 240,
                "due": "2026-11-30T13:00:00+00:00",
                "notified": ["shared.desk"],
            },
            {
                "reference": "WCC-000002",
                "clock": "response",
                "stage": "warning",
                "elapsed_minutes": 45,
                "target_minutes": 60,
                "due": "2026-12-01T10:00:00+00:00",
                "notified": ["shared.desk"],
            },
        ]
        assert self.notices() == [
            (
                "WCC-000001",
                "breach",
                "Response breached: 555 minutes against a target of 240; due Monday 30 November 2026 "
                "at 13:00 (UK time).",
            ),
            (
                "WCC-000002",
                "warning",
                "Response warning: 45 of 60 minutes have run; due Tuesday 1 December 2026 at 10:00 "
                "(UK time).",
            ),
        ]
        told = Notification.objects.for_partner(self.council).filter(user=self.agent).order_by("pk")
        assert [n.subject for n in told] == [
            "[WCC-000001] Service level breached",
            "[WCC-000002] Service level warning",
        ]

    def test_running_it_twice_warns_once(self) -> None:
        first = sla_warnings(actor=FIXTURES, as_of=at(12, 1, 9, 45))
        again = sla_warnings(actor=FIXTURES, as_of=at(12, 1, 9, 45))
        assert (first.warned, first.breached, again.warned, again.breached) == (1, 1, 0, 0)
        assert len(self.notices()) == 2
        assert Notification.objects.for_partner(self.council).filter(user=self.agent).count() == 2
        runs = AuditEvent.objects.unscoped(reason="test: the global chain").filter(
            action="servicedesk.sla_warnings_run"
        )
        assert [(e.after["warned"], e.after["breached"]) for e in runs.order_by("pk")] == [(1, 1), (0, 0)]

    def test_a_warned_clock_breaches_later_once_and_a_breach_needs_no_warning_first(self) -> None:
        sla_warnings(actor=FIXTURES, as_of=at(12, 1, 9, 45))
        later = sla_warnings(actor=FIXTURES, as_of=at(12, 2, 12))
        # P3 resolution: 480 + 510 + Wednesday 08:30-12:00 210 = 1,200 of 1,440 (past 1,080).
        # P2: Tuesday 09:00-17:00 480 + 210 = 690, past both 60 and 480.
        assert [(t["reference"], t["clock"], t["stage"], t["elapsed_minutes"]) for t in later.tickets] == [
            ("WCC-000001", "resolution", "warning", 1200),
            ("WCC-000002", "response", "breach", 690),
            ("WCC-000002", "resolution", "breach", 690),
        ]
        assert (later.warned, later.breached) == (1, 2)

    def test_the_notices_do_not_move_the_clocks_and_the_requester_never_sees_them(self) -> None:
        before = ticket_clocks(self.p3, as_of=at(12, 2, 12))
        sla_warnings(actor=FIXTURES, as_of=at(12, 2, 12))
        assert ticket_clocks(self.p3, as_of=at(12, 2, 12)) == before
        kinds = [e.kind for e in selectors.history(self.ada, ticket=self.p3)]
        assert kinds == ["created", "assigned"]
        assert EventKind.WARNING in [e.kind for e in selectors.history(self.agent, ticket=self.p3)]
        page = self.signed_in(self.ada).get(f"/servicedesk/tickets/{self.p3.pk}/").content.decode()
        api = self.api(self.ada).get(f"/api/v1/servicedesk/tickets/{self.p3.pk}/history").content.decode()
        for seen in (page, api):
            assert "breached" not in seen and "warning:" not in seen

    def test_it_refuses_a_time_that_has_not_come(self) -> None:
        with pytest.raises(CommandError, match=r"The clocks cannot warn about a time that has not come\."):
            call_command("servicedesk", "sla-warnings", "--as-of", "2999-01-01T09:00", stdout=StringIO())
        assert self.notices() == []
