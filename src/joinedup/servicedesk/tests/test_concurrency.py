"""Twenty tickets raised at the same instant, each in its own request (a thread with its own
PostgreSQL connection, in the requester's partner context), take twenty different numbers of the
partner's series, 1 to 20, with no gap and no repeat: the first of them makes the series' row,
the others queue on it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from joinedup.core import rls
from joinedup.servicedesk import services
from joinedup.servicedesk.models import Ticket, TicketSequence
from joinedup.servicedesk.tests.base import ServiceDeskTestCase
from joinedup.testing.concurrency import at_once, committed, tally

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CALLERS = 20


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the race is PostgreSQL's")


def raise_one(case: Any) -> Ticket:
    """As the raise form does it: one request, in the requester's partner context."""
    with rls.partner_context(rls.caller_partners(case.ada), user=case.ada):
        return services.raise_ticket(actor=case.ada, details=case.details())


def test_twenty_tickets_raised_at_once_take_twenty_consecutive_numbers() -> None:
    case: Any = committed(ServiceDeskTestCase)

    outcomes = at_once([lambda: raise_one(case)] * CALLERS)

    assert tally(outcomes) == {"ok": CALLERS}
    with rls.system_context("test: read back the numbers given"):
        numbers = sorted(Ticket.objects.for_partner(case.council).values_list("number", flat=True))
        last = TicketSequence.objects.for_partner(case.council).get().last
    assert numbers == list(range(1, CALLERS + 1))
    assert last == CALLERS
    assert sorted(o.value.reference for o in outcomes) == [f"WCC-{n:06d}" for n in range(1, CALLERS + 1)]
