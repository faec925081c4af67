"""What one ticket raised through the API costs the database, pinned so that it cannot creep back
(issue 15: 200 tickets a second on durable PostgreSQL with row-level security on). Each statement
is a round trip while the client, the workers and PostgreSQL share the machine's cores.

Outside the suite's per-test transaction, as a served request runs: the request's own transaction
begins and ends it. Counted by ``bench servicedesk --profile-create`` through Django's WSGI
handler, as a gunicorn worker calls it."""

from __future__ import annotations

import pytest
from django.db import connection

from joinedup.bench.servicedesk import seed_servicedesk
from joinedup.bench.servicedesk_cost import create_cost
from joinedup.core import rls
from joinedup.servicedesk.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_ticket_raised_through_the_api_takes_thirteen_statements_with_row_level_security_ten_without() -> (
    None
):
    # In one transaction, where the seed leaves out its VACUUM and CHECKPOINT.
    with rls.system_context("test: seed the benchmark's desk"):
        _, _, requester, _ = seed_servicedesk(20)
    found = create_cost(requester, 1)
    # Without row-level security (SQLite, or PostgreSQL with it off): the bearer token with its
    # user and all their memberships in one statement (the permission checks read no more), then
    # raise_ticket's transaction: BEGIN, the requester's employment, the ticket number, the
    # ticket, its event, the audit head, the audit event, the head, COMMIT. With it on, three
    # more: the token and memberships are read before the request's transaction, which begins by
    # setting the context (one statement), and raise_ticket's atomic is a SAVEPOINT and RELEASE
    # inside it. No empty context is set first for the token's check, and the audit append sets
    # no system context for an event of the caller's own partner.
    with_rls = rls.enforced() and connection.vendor == "postgresql"
    assert found.queries_per_request == (13 if with_rls else 10)
    with rls.system_context("test: the tickets the profile raised"):
        raised = Ticket.objects.unscoped(reason="test").filter(subject="Printer jammed")
        # The warm-up's 20, the one timed, the one counted.
        assert raised.count() == 22
