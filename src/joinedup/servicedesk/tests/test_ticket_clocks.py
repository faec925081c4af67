"""A ticket's clocks read from its stored events (issue 15: "every clock computed from the
ticket's event history"), one ticket at a time and a queue's worth in three queries. Figures are
worked by hand on the council's agreement (tests/clockbase.py): 08:30-17:00 Monday to Friday."""

from __future__ import annotations

from joinedup.servicedesk import services
from joinedup.servicedesk.clocks import BREACHED, MET, PAUSED, RUNNING
from joinedup.servicedesk.models import EventKind, TicketEvent
from joinedup.servicedesk.tests.clockbase import ClockTestCase, at, frozen
from joinedup.servicedesk.ticket_clocks import clocks_many, ticket_clocks


class TicketClockTests(ClockTestCase):
    def test_an_unanswered_p3_breaches_its_response_and_runs_its_resolution(self) -> None:
        ticket = self.raised(at(11, 30, 9))  # Monday 30 November 2026, 09:00
        found = ticket_clocks(ticket, as_of=at(12, 1, 10))
        assert found is not None
        # Monday 09:00-17:00 is 480 minutes, Tuesday 08:30-10:00 is 90: 570.
        assert (found.priority, found.clock) == ("p3", "business")
        assert (found.response.elapsed_minutes, found.response.target_minutes) == (570, 240)
        assert (found.response.state, found.response.due) == (BREACHED, at(11, 30, 13))
        assert (found.resolution.elapsed_minutes, found.resolution.target_minutes) == (570, 1440)
        # 1,440 from Monday 09:00: 480 on Monday, 510 on Tuesday, 450 on Wednesday to 16:00.
        assert (found.resolution.state, found.resolution.due) == (RUNNING, at(12, 2, 16))
        assert found.resolution.warning is False

    def test_a_response_stops_one_clock_and_waiting_on_the_requester_pauses_the_other(self) -> None:
        ticket = self.raised(at(11, 30, 9))
        with frozen(at(11, 30, 10)):
            services.set_status(actor=self.agent, ticket=ticket, status="in_progress")
        with frozen(at(11, 30, 14)):
            services.set_status(
                actor=self.agent, ticket=ticket, status="waiting_requester", body="Which one?"
            )
        paused = ticket_clocks(ticket, as_of=at(12, 1, 9))
        assert paused is not None
        assert (paused.response.state, paused.response.elapsed_minutes) == (MET, 60)
        # Running 09:00-14:00 (300 minutes), then paused.
        assert (paused.resolution.state, paused.resolution.elapsed_minutes) == (PAUSED, 300)
        with frozen(at(12, 1, 9, 30)):
            services.reply(actor=self.ada, ticket=ticket, body="The black one.")
        found = ticket_clocks(ticket, as_of=at(12, 1, 12))
        assert found is not None
        # 300 + Tuesday 09:30-12:00 (150) = 450; the pause (Monday 14:00-17:00 and Tuesday
        # 08:30-09:30: 240 business minutes) moves the due time from Wednesday 16:00 to
        # Thursday 3 December 11:30.
        assert (found.resolution.state, found.resolution.elapsed_minutes) == (RUNNING, 450)
        assert found.resolution.due == at(12, 3, 11, 30)

    def test_it_warns_once_three_quarters_of_the_resolution_target_has_run(self) -> None:
        ticket = self.raised(at(11, 30, 9))
        # 480 + 510 + Wednesday 08:30-12:00 (210) = 1,200, past 75% of 1,440 (1,080).
        found = ticket_clocks(ticket, as_of=at(12, 2, 12))
        assert found is not None
        assert (found.resolution.elapsed_minutes, found.resolution.warning) == (1200, True)

    def test_service_level_notices_do_not_move_the_clocks(self) -> None:
        ticket = self.raised(at(11, 30, 9))
        before = ticket_clocks(ticket, as_of=at(12, 2, 12))
        # A notice is not a change of status: even one carrying a stopped status is skipped.
        TicketEvent.objects.create(
            ticket=ticket,
            partner=ticket.partner,
            at=at(12, 1, 9),
            kind=EventKind.WARNING,
            status="resolved",
            priority="p3",
            public=False,
        )
        assert ticket_clocks(ticket, as_of=at(12, 2, 12)) == before

    def test_a_partner_without_an_agreement_has_no_clocks(self) -> None:
        ticket = self.raised(at(11, 30, 9), user=self.mary, partner=self.police)
        assert ticket_clocks(ticket, as_of=at(12, 1, 10)) is None

    def test_the_bulk_form_gives_the_same_clocks_in_three_queries(self) -> None:
        tickets = [
            self.raised(at(11, 30, 9)),
            self.raised(at(11, 30, 11), impact="high", urgency="medium"),  # a P2
            self.raised(at(11, 30, 9), user=self.mary, partner=self.police),
        ]
        with self.assertNumQueries(3):
            found = clocks_many(tickets, as_of=at(12, 1, 10))
        assert found == {t.pk: ticket_clocks(t, as_of=at(12, 1, 10)) for t in tickets}
        p2 = found[tickets[1].pk]
        assert p2 is not None
        # Monday 11:00-17:00 (360) + Tuesday 08:30-10:00 (90) = 450, past 480's 75% (360).
        assert (p2.priority, p2.resolution.elapsed_minutes, p2.resolution.warning) == ("p2", 450, True)
        assert found[tickets[2].pk] is None
