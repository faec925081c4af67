"""Ledgers for the test partnership: the council and the police set up by their own finance
officers for 2026/27, the fire service by the system (it is charged for shared posts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from joinedup.ledger.models import Journal, JournalLine
from joinedup.ledger.services import LineInput, journal_post, ledger_setup_partner
from joinedup.partnership.models import Partner, Role
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.testing.base import FIXTURES
from joinedup.testing.people import PeopleTestCase

YEAR = 2026
IN_MAY = date(2026, 5, 15)


class LedgerTestCase(PeopleTestCase):
    council_finance: Any
    police_finance: Any
    council_viewer: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_finance = cls.make_user("council.finance", [(cls.council, Role.FINANCE_OFFICER)])
        cls.police_finance = cls.make_user("police.finance", [(cls.police, Role.FINANCE_OFFICER)])
        cls.council_viewer = cls.make_user("council.viewer", [(cls.council, Role.VIEWER)])
        ledger_setup_partner(
            actor=cls.council_finance,
            partner=cls.council,
            year=YEAR,
            cost_centres=establishment_cost_centres(cls.council),
        )
        ledger_setup_partner(
            actor=cls.police_finance,
            partner=cls.police,
            year=YEAR,
            cost_centres=establishment_cost_centres(cls.police),
        )
        ledger_setup_partner(
            actor=FIXTURES, partner=cls.fire, year=YEAR, cost_centres=establishment_cost_centres(cls.fire)
        )

    def post(
        self,
        lines: Sequence[LineInput],
        *,
        actor: Any = None,
        partner: Partner | None = None,
        on: date = IN_MAY,
        key: str | None = None,
        description: str = "Test journal",
    ) -> Journal:
        return journal_post(
            actor=actor or self.council_finance,
            partner=partner or self.council,
            date=on,
            lines=lines,
            description=description,
            idempotency_key=key,
        )

    @staticmethod
    def stationery(pence: int) -> list[LineInput]:
        """Stationery for council HR, paid from the bank."""
        return [
            LineInput(account="4200", debit=pence, cost_centre="HR", description="Paper"),
            LineInput(account="B100", credit=pence),
        ]

    @staticmethod
    def written(partner: Partner) -> tuple[int, int]:
        """Journals and lines in a partner's ledger."""
        return (
            Journal.objects.for_partner(partner).count(),
            JournalLine.objects.for_partner(partner).count(),
        )
