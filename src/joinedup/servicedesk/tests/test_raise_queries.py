"""What raising a ticket costs the database, pinned so that it cannot creep back (issue 15: a
ticket through the API at 200 a second or more)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.partnership.permissions import forget_cached_roles
from joinedup.servicedesk import services
from joinedup.servicedesk.models import Ticket
from joinedup.servicedesk.tests.base import ServiceDeskTestCase


class RaiseTicketQueriesTests(ServiceDeskTestCase):
    def test_raising_a_ticket_takes_eight_queries_in_its_savepoint(self) -> None:
        self.raise_for(self.ada)  # the partner's series and audit chain exist from here on
        forget_cached_roles(self.ada)  # as at the start of a request
        with CaptureQueriesContext(connection) as captured:
            ticket = services.raise_ticket(actor=self.ada, details=self.details())
        statements = [q["sql"].split()[0] for q in captured.captured_queries]
        # SAVEPOINT and RELEASE: raise_ticket's atomic inside the test's transaction (a request
        # without row-level security runs it as the transaction itself, with neither); then
        #  1. the requester's memberships with their partners (permissions' cache: who may raise
        #     where, and the partner's code for the reference),
        #  2. the requester's employment on the partner,
        #  3. UPDATE … RETURNING the partner's ticket number (its row locked until the commit),
        #  4. INSERT the ticket, 5. INSERT its "created" event,
        #  6. the audit chain's head FOR UPDATE (SQLite takes no row lock: the write lock is held),
        #  7. INSERT the audit event, 8. UPDATE the head.
        # With row-level security on (PostgreSQL) the same: the head's read answers whether the
        # caller's context may write the event, and the partner is the requester's own, so the
        # audit append sets no system context of its own (audit/tests/test_append_context.py).
        self.assertEqual(len(statements), 10, "\n".join(q["sql"] for q in captured.captured_queries))
        self.assertEqual(statements[0], "SAVEPOINT")
        self.assertEqual(statements[-1], "RELEASE")
        stored = Ticket.objects.for_partner(self.council).get(pk=ticket.pk)
        self.assertEqual(stored.reference, ticket.reference)
        self.assertEqual(ticket.reference, f"{self.council.code}-000002")

    def test_the_ticket_number_comes_from_the_partners_series_even_when_none_is_there_yet(self) -> None:
        first = self.raise_for(self.ada)
        second = self.raise_for(self.ada)
        self.assertEqual((first.number, second.number), (1, 2))
        self.assertEqual(second.reference, f"{self.council.code}-000002")
