"""The demo's service desk (issue 15): three dozen tickets from three partners' staff at every
stage of the workflow, some waiting on their requester, one complaint at stage 2; before them,
September to November 2026 (bench/demo/servicedesk_history.py), whose figures the monthly report
and its PDF show, and the council's October ICT tickets, which its live ICT agreement makes the
October recharge's driver."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import Client

from joinedup.recharges.models import RechargeLine, RechargeRun
from joinedup.servicedesk import selectors
from joinedup.servicedesk.models import Ticket
from joinedup.servicedesk.reports import service_level_report
from joinedup.servicedesk.service_levels import Row
from joinedup.testing.pdf_text import pdf_strings
from joinedup.web.current import SESSION_KEY
from tests.demo_checks.base import DemoChecks


class DemoServiceDeskChecks(DemoChecks):
    def test_each_of_three_partners_has_its_history_and_a_dozen_tickets_numbered_in_its_own_series(
        self,
    ) -> None:
        # Six a month from September to November and one still open: 19, then today's 12.
        for code in ("WCC", "WPOL", "WFRS"):
            with self.subTest(code):
                found = Ticket.objects.for_partner(self.partners[code]).order_by("number")
                assert found.count() == 19 + 12
                assert (found[0].reference, found[30].reference) == (f"{code}-000001", f"{code}-000031")
        assert Ticket.objects.for_partner(self.partners["WSS"]).count() == 0

    def test_some_wait_on_their_requester_and_one_complaint_is_at_stage_two(self) -> None:
        every = Ticket.objects.for_partners(self.partners.values())
        assert every.filter(status="waiting_requester").count() == 6
        complaint = every.get(ticket_type="complaint")
        assert (complaint.reference, complaint.complaint_stage, complaint.status) == (
            "WCC-000023",
            2,
            "reopened",
        )

    def test_the_agent_sees_every_ticket_and_the_requester_no_internal_note(self) -> None:
        assert selectors.visible_tickets(self.users["shared.desk"]).count() == 36 + 3 * 19
        employee = self.users["council.employee"]
        mine = selectors.my_tickets(employee)
        assert mine.count() == 6 + 19
        for ticket in mine:
            assert all(e.public for e in selectors.history(employee, ticket=ticket))
        manager = self.users["council.manager"]
        # Their own six and their report's six and nineteen.
        assert selectors.visible_tickets(manager).count() == 12 + 19

    def test_novembers_report_at_the_council_has_real_figures(self) -> None:
        # The council's agreement: 08:30-17:00, P3 240/2,400 minutes, P2 60/960. ICT P3s resolved
        # in November: answered after 60, 120, 1,020 (breached) and 30 minutes; resolved in 180,
        # 360, 3,120 (breached) and 180 (its two days waiting on the requester paused); one raised
        # on Monday 23rd still open, 5 business days old at the month's end.
        found = service_level_report(
            actor=self.users["shared.desk"], partner=self.partners["WCC"], year=2026, month=11
        )
        p3 = Row(
            "ict",
            "p3",
            raised=5,
            resolved=4,
            open_at_end=1,
            response_met=3,
            response_breached=1,
            resolution_met=3,
            resolution_breached=1,
            response_median=60,
            response_p90=1020,
            resolution_median=180,
            resolution_p90=3120,
            backlog={"0-2": 0, "3-5": 1, "6-10": 0, "over 10": 0},
        )
        p2 = Row("ict", "p2", 1, 1, 0, 0, 1, 0, 1, 0, 15, 15, 120, 120)
        # The payroll query: answered after 180 minutes, resolved in 360 + 270 = 630.
        payroll = Row("payroll", "p3", 1, 1, 0, 0, 1, 0, 1, 0, 180, 180, 630, 630)
        assert found.rows == [p2, p3, payroll]

    def test_the_agent_downloads_novembers_pdf_with_the_same_figures(self) -> None:
        client = Client()
        client.force_login(self.users["shared.desk"])
        session = client.session
        session[SESSION_KEY] = self.partners["WCC"].pk
        session.save()
        response = client.get("/servicedesk/reports/", {"month": "2026-11", "format": "pdf"})
        strings = pdf_strings(response.content)
        p3 = [
            "ICT",
            "P3",
            "5",
            "4",
            "1",
            "3 / 1",
            "3 / 1",
            "1:00 / 17:00",
            "3:00 / 52:00",
            "0",
            "1",
            "0",
            "0",
        ]
        assert any(strings[i : i + len(p3)] == p3 for i in range(len(strings)))

    def test_the_october_recharge_counts_the_councils_ict_tickets_on_the_service_desk(self) -> None:
        shared = self.partners["WSS"]
        run = RechargeRun.objects.for_partner(shared).get(month=date(2026, 10, 1))
        lines = RechargeLine.objects.for_partner(shared).filter(run=run, kind="pool", service="ict")
        # The council is live on the desk from October: its five October ICT tickets; the others
        # still send readings.
        assert {line.charged_partner.code: (line.driver_source, line.quantity) for line in lines} == {
            "WCC": ("servicedesk", Decimal(5)),
            "WPOL": ("readings", Decimal(455)),
            "WFRS": ("readings", Decimal(131)),
        }
