"""Issue 18: fifty changes of a partner whose chain has no event yet, committed in the same
instant from fifty PostgreSQL connections (and the same for the global chain). The chain head
each append locks does not exist yet, so the first appends race to create it; every one must
land, once, in one unbroken chain."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from joinedup.audit.models import AuditChainHead, AuditEvent
from joinedup.audit.services import record_event
from joinedup.audit.verification import verify_all
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.testing.base import FIXTURES
from joinedup.testing.concurrency import at_once, tally

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CALLERS = 50


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE): the race is PostgreSQL's")


def test_fifty_first_events_of_a_new_chain_at_once_all_land_in_one_unbroken_chain() -> None:
    # Made directly, so that no event has started its chain.
    partner = Partner.objects.create(name="Test Council", code="TC", kind=PartnerKind.COUNCIL)
    assert not AuditChainHead.objects.filter(partner=partner).exists()

    outcomes = at_once(
        [
            partial(record_event, actor=FIXTURES, partner=partner, action=f"test.{n:02d}")
            for n in range(CALLERS)
        ]
    )

    assert tally(outcomes) == {"ok": 50}
    events = AuditEvent.objects.for_partner(partner).order_by("seq")
    assert list(events.values_list("seq", flat=True)) == list(range(1, 51))
    assert sorted(events.values_list("action", flat=True)) == [f"test.{n:02d}" for n in range(50)]
    assert AuditChainHead.objects.get(partner=partner).seq == 50
    reports = verify_all(checkpoint=None)
    assert [r.broken for r in reports] == [None] * len(reports)
    assert [(r.chain, r.events) for r in reports if "TC" in r.chain] == [
        (f"partner TC (id {partner.pk})", 50)
    ]


def test_fifty_first_events_of_the_global_chain_at_once_make_one_head_and_one_unbroken_chain() -> None:
    # An empty trail, as on a new installation: emptied by the owner, who alone may.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user::text")
        (acting,) = cursor.fetchone()
        cursor.execute("RESET ROLE")
        cursor.execute("TRUNCATE audit_auditevent, audit_auditchainhead")
        cursor.execute(f'SET ROLE "{acting}"')

    outcomes = at_once(
        [partial(record_event, actor=FIXTURES, partner=None, action=f"test.{n:02d}") for n in range(CALLERS)]
    )

    assert tally(outcomes) == {"ok": 50}
    (head,) = AuditChainHead.objects.filter(partner__isnull=True)
    events = AuditEvent.objects.unscoped(reason="test: the global chain").filter(partner__isnull=True)
    assert list(events.order_by("seq").values_list("seq", flat=True)) == list(range(1, 51))
    assert head.seq == 50
    assert [(r.chain, r.events, r.broken) for r in verify_all(checkpoint=None)] == [("global", 50, None)]
