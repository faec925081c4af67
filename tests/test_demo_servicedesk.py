"""The demo's service desk (issue 15): three dozen tickets from three partners' staff at every
stage of the workflow, some waiting on their requester, one complaint at stage 2."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from joinedup.partnership.models import Partner
from joinedup.servicedesk import selectors
from joinedup.servicedesk.models import Ticket


class TestDemoServiceDesk(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", "--no-serve", "--employees", "50", stdout=StringIO())
        cls.partners = {p.code: p for p in Partner.objects.all()}
        cls.users = {u.username: u for u in get_user_model().objects.all()}

    def test_each_of_three_partners_has_a_dozen_tickets_numbered_in_its_own_series(self) -> None:
        for code in ("WCC", "WPOL", "WFRS"):
            with self.subTest(code):
                found = Ticket.objects.for_partner(self.partners[code]).order_by("number")
                assert found.count() == 12
                assert (found[0].reference, found[11].reference) == (f"{code}-000001", f"{code}-000012")
        assert Ticket.objects.for_partner(self.partners["WSS"]).count() == 0

    def test_some_wait_on_their_requester_and_one_complaint_is_at_stage_two(self) -> None:
        every = Ticket.objects.for_partners(self.partners.values())
        assert every.filter(status="waiting_requester").count() == 6
        complaint = every.get(ticket_type="complaint")
        assert (complaint.reference, complaint.complaint_stage, complaint.status) == (
            "WCC-000004",
            2,
            "reopened",
        )

    def test_the_agent_sees_every_ticket_and_the_requester_no_internal_note(self) -> None:
        assert selectors.visible_tickets(self.users["shared.desk"]).count() == 36
        employee = self.users["council.employee"]
        mine = selectors.my_tickets(employee)
        assert mine.count() == 6
        for ticket in mine:
            assert all(e.public for e in selectors.history(employee, ticket=ticket))
        manager = self.users["council.manager"]
        assert selectors.visible_tickets(manager).count() == 12  # their own six and their report's six
