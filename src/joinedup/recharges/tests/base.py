"""A small recharge: the shared-services body's HR and ICT pools for October 2026, taken by the
council and the police (HR by headcount, ICT by tickets) and the fire service (HR at a fixed
10%). People come from the people fixtures: two employments each at the council and the police."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.ledger.models import CostCentre
from joinedup.ledger.services import LineInput, journal_post, ledger_setup_partner
from joinedup.ledger.tests.base import YEAR, LedgerTestCase
from joinedup.partnership.models import Role
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.recharges.services import agreement_add, pool_set, reading_set

OCTOBER = date(2026, 10, 1)
HR_COST = 100_000  # £1,000.00
ICT_COST = 33_334  # £333.34


class RechargeTestCase(LedgerTestCase):
    shared_finance: Any
    fire_finance: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.shared_finance = cls.make_user("shared.finance", [(cls.shared, Role.FINANCE_OFFICER)])
        cls.fire_finance = cls.make_user("fire.finance", [(cls.fire, Role.FINANCE_OFFICER)])
        ledger_setup_partner(
            actor=cls.shared_finance,
            partner=cls.shared,
            year=YEAR,
            cost_centres=establishment_cost_centres(cls.shared),
        )
        for code, name in (("SS-HR", "Shared HR"), ("SS-ICT", "Shared ICT")):
            CostCentre.objects.create(partner=cls.shared, code=code, name=name)
        journal_post(
            actor=cls.shared_finance,
            partner=cls.shared,
            date=date(2026, 10, 10),
            description="October costs",
            lines=[
                LineInput(account="1000", debit=HR_COST, cost_centre="SS-HR"),
                LineInput(account="4100", debit=ICT_COST, cost_centre="SS-ICT"),
                LineInput(account="B100", credit=HR_COST + ICT_COST),
            ],
        )
        pool_set(actor=cls.shared_finance, provider=cls.shared, service="hr", cost_centres=["SS-HR"])
        pool_set(actor=cls.shared_finance, provider=cls.shared, service="ict", cost_centres=["SS-ICT"])
        since = date(2026, 4, 1)
        for partner in (cls.council, cls.police):
            agreement_add(
                actor=cls.shared_finance,
                provider=cls.shared,
                partner=partner,
                service="hr",
                driver="headcount",
                effective_from=since,
            )
            agreement_add(
                actor=cls.shared_finance,
                provider=cls.shared,
                partner=partner,
                service="ict",
                driver="tickets",
                effective_from=since,
            )
        agreement_add(
            actor=cls.shared_finance,
            provider=cls.shared,
            partner=cls.fire,
            service="hr",
            driver="fixed_percentage",
            percentage=Decimal(10),
            effective_from=since,
        )
        for partner, tickets in ((cls.council, 2), (cls.police, 1)):
            reading_set(
                actor=cls.shared_finance,
                provider=cls.shared,
                partner=partner,
                driver="tickets",
                month=OCTOBER,
                quantity=Decimal(tickets),
            )
