"""Service-desk fixtures with the council's service-level agreement (from 1 April 2026, England
and Wales, Monday to Friday 08:30-17:00 = 510 business minutes a day, warning at 75%; P3: 240
minutes to respond, 1,440 to resolve) and tickets raised and worked at fixed London times."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from unittest import mock

from joinedup.servicedesk import levels
from joinedup.servicedesk.business_time import LONDON
from joinedup.servicedesk.levels import TargetEntry
from joinedup.servicedesk.models import Ticket, TicketEvent
from joinedup.servicedesk.tests.base import ServiceDeskTestCase
from joinedup.testing.base import FIXTURES

TARGETS = [
    TargetEntry("p1", 15, 240, clock="24x7"),
    TargetEntry("p2", 60, 480),
    TargetEntry("p3", 240, 1440),
    TargetEntry("p4", 480, 2400),
]


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A London time in 2026 (all the cases are in winter: GMT)."""
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@contextmanager
def frozen(when: datetime) -> Iterator[None]:
    """The services' ``timezone.now()`` at ``when``."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


class ClockTestCase(ServiceDeskTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        levels.agreement_add(
            actor=FIXTURES,
            partner=cls.council,
            effective_from=date(2026, 4, 1),
            nation="england-and-wales",
            business_hours="08:30-17:00",
            targets=TARGETS,
            note="Schedule 3, 2026",
        )

    def raised(self, when: datetime, user: Any = None, **overrides: Any) -> Ticket:
        """A ticket raised at ``when`` (a P3 unless overridden: low impact, high urgency)."""
        ticket = self.raise_for(user or self.ada, **overrides)
        Ticket.objects.for_partner(ticket.partner_id).filter(pk=ticket.pk).update(raised_at=when)
        TicketEvent.objects.for_partner(ticket.partner_id).filter(ticket=ticket).update(at=when)
        ticket.raised_at = when
        return ticket
