"""The database's own defence of the ledger on PostgreSQL (migration 0002): rows written behind
the services' backs are refused. SQLite has no such triggers, so these tests skip there."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import TransactionTestCase

from joinedup.ledger.models import Account, Journal, JournalLine, JournalSource, Period
from joinedup.ledger.services import ledger_setup_partner
from joinedup.ledger.tests.base import LedgerTestCase
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.services import partner_create
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.testing.base import FIXTURES

ON = date(2026, 5, 15)
NEEDS_POSTGRESQL = "the ledger's database guards exist on PostgreSQL only"


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def write_directly(
    partner: Partner, amounts: list[tuple[int, int]], journal: Journal | None = None
) -> Journal:
    """A journal and its lines written straight through the ORM, as a script could, skipping
    every check the services make."""
    period = Period.objects.for_partner(partner).get(start_date__lte=ON, end_date__gte=ON)
    bank = Account.objects.for_partner(partner).get(code="B100")
    if journal is None:
        journal = Journal.objects.create(
            partner=partner,
            period=period,
            date=ON,
            source=JournalSource.MANUAL,
            idempotency_key=f"direct:{Journal.objects.for_partner(partner).count()}",
            description="Written directly",
        )
    JournalLine.objects.bulk_create(
        JournalLine(
            journal=journal, partner=partner, period=period, date=ON, account=bank, debit=debit, credit=credit
        )
        for debit, credit in amounts
    )
    return journal


@pytest.mark.postgres_only
class TestGuardsInsideATransaction(LedgerTestCase):
    def setUp(self) -> None:
        if not self.on_postgresql():
            pytest.skip(NEEDS_POSTGRESQL)

    def test_postgresql_refuses_an_unbalanced_journal_when_its_constraints_are_checked(self) -> None:
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            write_directly(self.council, [(500, 0), (0, 499)])
            _sql("SET CONSTRAINTS ALL IMMEDIATE")
        assert self.written(self.council) == (0, 0)

    def test_postgresql_accepts_a_balanced_journal_written_directly(self) -> None:
        with transaction.atomic():
            write_directly(self.council, [(500, 0), (0, 300), (0, 200)])
            _sql("SET CONSTRAINTS ALL IMMEDIATE")
        assert self.written(self.council) == (1, 3)

    def test_postgresql_refuses_to_update_or_delete_a_posted_journal_or_line(self) -> None:
        journal = self.post(self.stationery(100))
        for statement in (
            "UPDATE ledger_journal SET description = 'x' WHERE id = %s",
            "DELETE FROM ledger_journal WHERE id = %s",
            "UPDATE ledger_journalline SET debit = debit + 1 WHERE journal_id = %s",
            "DELETE FROM ledger_journalline WHERE journal_id = %s",
        ):
            with (
                self.subTest(statement),
                pytest.raises(DatabaseError, match="posted journals cannot change"),
                transaction.atomic(),
            ):
                _sql(statement, [journal.pk])
        assert self.written(self.council) == (1, 2)

    def test_postgresql_refuses_a_line_for_another_partner_than_its_journals(self) -> None:
        journal = self.post(self.stationery(100))
        police_bank = Account.objects.for_partner(self.police).get(code="B100")
        with pytest.raises(IntegrityError, match="written with their journal"), transaction.atomic():
            JournalLine.objects.bulk_create(
                [
                    JournalLine(
                        journal=journal,
                        partner=self.police,
                        period=Period.objects.for_partner(self.police).get(number=2),
                        date=ON,
                        account=police_bank,
                        debit=debit,
                        credit=credit,
                    )
                    for debit, credit in [(5, 0), (0, 5)]
                ]
            )


@pytest.mark.postgres_only
class TestGuardsAtCommit(TransactionTestCase):
    """Real commits: the deferred check fires when the transaction ends."""

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip(NEEDS_POSTGRESQL)
        self.partner = partner_create(
            actor=FIXTURES, name="Test Council", code="TC", kind=PartnerKind.COUNCIL
        )
        ledger_setup_partner(
            actor=FIXTURES,
            partner=self.partner,
            year=2026,
            cost_centres=establishment_cost_centres(self.partner),
        )

    def counts(self) -> tuple[int, int]:
        return (
            Journal.objects.for_partner(self.partner).count(),
            JournalLine.objects.for_partner(self.partner).count(),
        )

    def test_an_unbalanced_set_of_lines_is_refused_at_commit(self) -> None:
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            write_directly(self.partner, [(1000, 0), (0, 999)])
        assert self.counts() == (0, 0)

    def test_lines_added_to_a_journal_of_an_earlier_transaction_are_refused(self) -> None:
        with transaction.atomic():
            journal = write_directly(self.partner, [(700, 0), (0, 700)])
        with pytest.raises(IntegrityError, match="written with their journal"), transaction.atomic():
            write_directly(self.partner, [(5, 0), (0, 5)], journal=journal)
        assert self.counts() == (1, 2)

    def test_lines_added_after_an_early_check_are_checked_again_at_commit(self) -> None:
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            journal = write_directly(self.partner, [(300, 0), (0, 300)])
            _sql("SET CONSTRAINTS ALL IMMEDIATE")
            _sql("SET CONSTRAINTS ALL DEFERRED")
            write_directly(self.partner, [(0, 1)], journal=journal)
        assert self.counts() == (0, 0)
