"""A small council ledger whose report figures are worked out by hand, shared by the report, API
and page tests.

The council's cost centres (from its establishment) form a tree: HR with CC-C-HR-01 below it,
and UNALLOCATED and SHARED-POSTS on their own. The figures, in pence:

==========  =========================  ==========================================  ==================
period      journal                    lines                                       bank B100
==========  =========================  ==========================================  ==================
April       opening                    9100 fees income at UNALLOCATED cr 100,000   dr 100,000
May         stationery                 4200 at HR dr 12,345; at CC-C-HR-01 dr 3,001  cr 15,346
May         training income            9000 at CC-C-HR-01 cr 2,550                  dr 2,550
June        late stationery            4200 at HR dr 777                            cr 777
==========  =========================  ==========================================  ==================

Budgets for May: 4200 at HR 10,000; 4200 at CC-C-HR-01 5,000; 9000 at CC-C-HR-01 2,000."""

from __future__ import annotations

from datetime import date

from joinedup.ledger.models import Account, CostCentre, Journal, JournalLine, Period
from joinedup.ledger.services import LineInput, budget_set, journal_post
from joinedup.ledger.tests.base import YEAR, LedgerTestCase

IN_APRIL = date(2026, 4, 10)
IN_MAY = date(2026, 5, 15)
LATER_IN_MAY = date(2026, 5, 20)
IN_JUNE = date(2026, 6, 3)


class LedgerReportsTestCase(LedgerTestCase):
    april: Period
    may: Period
    june: Period
    hr: CostCentre
    team: CostCentre
    stationery_account: Account
    income_account: Account
    bank: Account
    opening: Journal
    may_stationery: Journal
    training: Journal
    late: Journal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        council = cls.council
        periods = {p.number: p for p in Period.objects.for_partner(council).filter(year__start_year=YEAR)}
        cls.april, cls.may, cls.june = periods[1], periods[2], periods[3]
        cls.hr = CostCentre.objects.for_partner(council).get(code="HR")
        cls.team = CostCentre.objects.for_partner(council).get(code="CC-C-HR-01")
        accounts = Account.objects.for_partner(council)
        cls.stationery_account = accounts.get(code="4200")
        cls.income_account = accounts.get(code="9000")
        cls.bank = accounts.get(code="B100")

        def post(on: date, description: str, lines: list[LineInput]) -> Journal:
            return journal_post(
                actor=cls.council_finance, partner=council, date=on, lines=lines, description=description
            )

        cls.opening = post(
            IN_APRIL,
            "Fees received",
            [LineInput("B100", debit=100_000), LineInput("9100", credit=100_000, cost_centre="UNALLOCATED")],
        )
        cls.may_stationery = post(
            IN_MAY,
            "Stationery",
            [
                LineInput("4200", debit=12_345, cost_centre="HR", description="Paper"),
                LineInput("4200", debit=3_001, cost_centre="CC-C-HR-01", description="Toner"),
                LineInput("B100", credit=15_346),
            ],
        )
        cls.training = post(
            LATER_IN_MAY,
            "Training income",
            [LineInput("B100", debit=2_550), LineInput("9000", credit=2_550, cost_centre="CC-C-HR-01")],
        )
        cls.late = post(
            IN_JUNE,
            "Late stationery",
            [LineInput("4200", debit=777, cost_centre="HR"), LineInput("B100", credit=777)],
        )
        for centre, account, amount in (
            (cls.hr, cls.stationery_account, 10_000),
            (cls.team, cls.stationery_account, 5_000),
            (cls.team, cls.income_account, 2_000),
        ):
            budget_set(
                actor=cls.council_finance, cost_centre=centre, account=account, period=cls.may, amount=amount
            )

    def line(self, journal: Journal, account: Account, cost_centre: CostCentre | None) -> JournalLine:
        return JournalLine.objects.for_partner(self.council).get(
            journal=journal, account=account, cost_centre=cost_centre
        )
