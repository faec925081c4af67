"""Issue 18: fifty postings under the same idempotency key arriving in the same instant, each in
its own request (a thread with its own PostgreSQL connection, in the finance officer's partner
context). One journal is posted; a repeat of it is answered with that journal, and a different
posting under the taken key is refused, exactly as when they come one after another."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection

from joinedup.audit.models import AuditEvent
from joinedup.audit.verification import verify_all
from joinedup.core import rls
from joinedup.ledger.models import Journal, JournalLine
from joinedup.ledger.services import journal_post
from joinedup.ledger.tests.base import IN_MAY, LedgerTestCase
from joinedup.testing.concurrency import at_once, committed, tally

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CALLERS = 50
KEY = "purchase-invoice:88"


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the race is PostgreSQL's")


def post(user: Any, case: Any, pence: int) -> Journal:
    """As the journal form does it: one request, in the user's partner context."""
    with rls.partner_context(rls.caller_partners(user), user=user):
        return journal_post(
            actor=user,
            partner=case.council,
            date=IN_MAY,
            lines=case.stationery(pence),
            description="Invoice 88: stationery",
            idempotency_key=KEY,
        )


def keyed(case: Any) -> tuple[list[int], int, list[str]]:
    """The journals under the key, their lines, and the audit events of their posting."""
    journals = list(
        Journal.objects.for_partner(case.council).filter(idempotency_key=KEY).values_list("pk", flat=True)
    )
    lines = JournalLine.objects.for_partner(case.council).filter(journal__in=journals).count()
    events = AuditEvent.objects.for_partner(case.council).filter(
        action="journal.posted", object_id__in=[str(pk) for pk in journals]
    )
    return journals, lines, list(events.values_list("object_id", flat=True))


def test_fifty_identical_postings_of_one_key_at_once_post_one_journal_and_answer_each_with_it() -> None:
    case: Any = committed(LedgerTestCase)

    outcomes = at_once([lambda: post(case.council_finance, case, 1_250)] * CALLERS)

    assert tally(outcomes) == {"ok": 50}
    journals, lines, events = keyed(case)
    assert (len(journals), lines, events) == (1, 2, [str(journals[0])])
    assert {outcome.value.pk for outcome in outcomes} == set(journals)
    assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5


def test_fifty_different_postings_of_one_key_at_once_post_one_and_refuse_the_other_49() -> None:
    case: Any = committed(LedgerTestCase)

    # Each caller posts another amount: only one of them can own the key.
    outcomes = at_once([partial(post, case.council_finance, case, pence) for pence in range(101, 151)])

    journals, lines, events = keyed(case)
    assert (len(journals), lines, events) == (1, 2, [str(journals[0])])
    assert tally(outcomes) == {
        "ok": 1,
        "ValidationError {'idempotency_key': [\""
        f"WCC already has journal {journals[0]} keyed '{KEY}' (Manual journal with no reference), and it "
        'is not this posting: its source or lines differ. Nothing was posted."]}': 49,
    }
    (posted,) = [o.value for o in outcomes if o.error is None]
    assert posted.pk == journals[0]
    assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5
