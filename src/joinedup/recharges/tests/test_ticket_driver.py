"""The "tickets" driver (ICT tickets): counted from the service desk for a partner whose ICT
agreement says it is live in joinedup, the month taken in Europe/London; from readings for a
partner not yet live; the statement names where each figure came from (recharges/drivers.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

from joinedup.core import rls
from joinedup.recharges.drivers import local_month_bounds, measure, sources
from joinedup.recharges.models import RechargeLine
from joinedup.recharges.selectors import statement_for
from joinedup.recharges.services import agreement_add, recharge_run
from joinedup.recharges.tests.base import OCTOBER, RechargeTestCase
from joinedup.servicedesk import services as desk
from joinedup.servicedesk.models import Ticket
from joinedup.servicedesk.tests.base import ServiceDeskTestCase

# British Summer Time runs to 02:00 BST on Sunday 25 October 2026, so October starts at
# 23:00 UTC on 30 September and ends at midnight UTC on 31 October/1 November.
FIRST_MINUTE = datetime(2026, 9, 30, 23, 0, tzinfo=UTC)  # 00:00 BST, 1 October
LAST_MINUTE = datetime(2026, 10, 31, 23, 59, tzinfo=UTC)  # 23:59 GMT, 31 October


class TestTicketDriver(RechargeTestCase, ServiceDeskTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The base has both on ICT by readings since April (council 2, police 1 in October); the
        # council's ICT goes live in joinedup's service desk from 1 October.
        agreement_add(
            actor=cls.shared_finance,
            provider=cls.shared,
            partner=cls.council,
            service="ict",
            driver="tickets",
            effective_from=OCTOBER,
            live=True,
        )

    def raised_at(self, when: datetime, user: Any = None, **overrides: Any) -> Ticket:
        ticket = self.raise_for(user or self.ada, **overrides)
        Ticket.objects.for_partner(ticket.partner_id).filter(pk=ticket.pk).update(raised_at=when)
        return ticket

    def october_tickets(self) -> None:
        """Four council ICT tickets raised in October (local time): its first minute, its last,
        and two in between, one resolved and reopened. Not counted: the council's tickets
        raised a minute either side of the month, its HR ticket, and Mary's ICT ticket for the
        police (the police is not live: its reading counts)."""
        self.raised_at(FIRST_MINUTE)
        self.raised_at(LAST_MINUTE)
        self.raised_at(datetime(2026, 10, 12, 9, 0, tzinfo=UTC))
        reopened = self.raised_at(datetime(2026, 10, 26, 1, 30, tzinfo=UTC))
        desk.resolve(actor=self.agent, ticket=reopened, resolution="Restarted the docking station.")
        desk.reopen(actor=self.ada, ticket=reopened, reason="It failed again this morning.")
        self.raised_at(datetime(2026, 9, 30, 22, 59, tzinfo=UTC))  # 23:59 BST, 30 September
        self.raised_at(datetime(2026, 11, 1, 0, 0, tzinfo=UTC))  # 00:00 GMT, 1 November
        self.raised_at(datetime(2026, 10, 14, 10, 0, tzinfo=UTC), service="hr", subject="Annual leave")
        self.raised_at(datetime(2026, 10, 14, 10, 0, tzinfo=UTC), self.mary, partner=self.police)

    def test_october_runs_from_midnight_bst_to_midnight_gmt(self) -> None:
        assert local_month_bounds(OCTOBER) == (FIRST_MINUTE, datetime(2026, 11, 1, 0, 0, tzinfo=UTC))
        # March 2027: GMT at its start, BST (from 28 March) at its end.
        assert local_month_bounds(date(2027, 3, 1)) == (
            datetime(2027, 3, 1, 0, 0, tzinfo=UTC),
            datetime(2027, 3, 31, 23, 0, tzinfo=UTC),
        )

    def test_a_live_partner_is_counted_from_the_service_desk_and_another_from_readings(self) -> None:
        self.october_tickets()
        with rls.system_context("the test measures the drivers as the recharge run does"):
            found = measure(provider=self.shared, month=OCTOBER, partners=[self.council, self.police])
            where = sources(provider=self.shared, month=OCTOBER, partners=[self.council, self.police])
        # The council's reading of 2 is ignored; the police's reading of 1 is what it has.
        assert found["tickets"] == {"WCC": D(4), "WPOL": D(1)}
        assert where["tickets"] == {"WCC": "servicedesk", "WPOL": "readings"}

    def test_a_partner_live_only_from_a_later_month_is_still_measured_by_readings(self) -> None:
        self.october_tickets()
        agreement_add(
            actor=self.shared_finance,
            provider=self.shared,
            partner=self.police,
            service="ict",
            driver="tickets",
            effective_from=date(2026, 11, 1),
            live=True,
        )
        with rls.system_context("the test measures the drivers as the recharge run does"):
            found = measure(provider=self.shared, month=OCTOBER, partners=[self.police])
            november = measure(provider=self.shared, month=date(2026, 11, 1), partners=[self.police])
        assert found["tickets"] == {"WPOL": D(1)}
        # Live in November, with no ICT ticket raised: nothing, and no reading stands in.
        assert november["tickets"] == {}

    def test_the_recharge_shares_the_ict_pool_by_those_counts_and_says_where_they_came_from(self) -> None:
        self.october_tickets()
        run = recharge_run(actor=self.shared_finance, month="2026-10")
        ict = [
            (line.charged_partner.code, line.driver, line.driver_source, line.quantity, line.amount)
            for line in RechargeLine.objects.for_partner(self.shared)
            .filter(run=run, service="ict")
            .order_by("charged_partner__code")
        ]
        # £333.34 by tickets 4:1: £266.672 and £66.668, to the penny.
        assert ict == [
            ("WCC", "tickets", "servicedesk", D(4), 26_667),
            ("WPOL", "tickets", "readings", D(1), 6_667),
        ]
        statement = statement_for(self.council_finance, partner=self.council, month="2026-10")
        # HR: £900.00 after the fire service's 10%, by headcount 3:2 (the desk's fixtures hire
        # the council a line manager).
        assert [(line.service, line.driver, line.source, line.amount) for line in statement.lines] == [
            ("HR", "Headcount", "joinedup's people and payroll records", 54_000),
            ("ICT", "ICT tickets", "joinedup service desk", 26_667),
        ]
