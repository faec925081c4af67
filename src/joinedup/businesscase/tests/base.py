"""A small business case to test against: "One back office", owned by the shared-services body
(WSS) and involving the council (WCC) and the constabulary (WPOL), both of which must approve it;
the fire service is not involved. Horizon 5 years (0-4).

Version 1 holds each partner's payroll baseline (the council's not shared, the constabulary's
shared), one option, "Shared service", with a set-up cost of £1,000 in year 0 carrying a 10%
optimism-bias uplift and a saving of £300 a year in years 1-4, and allocation keys of 60 (council)
and 40 (constabulary).

Hand-worked at the Green Book's 3.5% (The Green Book 2003, Annex 6, Table 6.1; year 0
undiscounted): costs £1,100 in year 0; savings 300 x (1/1.035 + ... + 1/1.035^4) = 300 x
3.673079 = £1,101.92; NPV £1.92; simple payback year 4 (cumulative -1100, -800, -500, -200, +100),
discounted payback year 4.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from joinedup.businesscase import services
from joinedup.businesscase.models import BusinessCase, Option
from joinedup.businesscase.services import BaselineFigures, LineInput
from joinedup.partnership.models import Role
from joinedup.testing.base import PartnerTestCase


def pounds(*amounts: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(a) for a in amounts)


class BusinessCaseTestCase(PartnerTestCase):
    shared_finance: Any
    council_finance: Any
    police_finance: Any
    fire_finance: Any
    case: BusinessCase
    option: Option

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.shared_finance = cls.make_user("shared.finance", [(cls.shared, Role.FINANCE_OFFICER)])
        cls.council_finance = cls.make_user("council.finance", [(cls.council, Role.FINANCE_OFFICER)])
        cls.police_finance = cls.make_user("police.finance", [(cls.police, Role.FINANCE_OFFICER)])
        cls.fire_finance = cls.make_user("fire.finance", [(cls.fire, Role.FINANCE_OFFICER)])
        cls.case = services.case_create(
            actor=cls.shared_finance,
            owner=cls.shared,
            name="One back office",
            partners=[cls.council, cls.police],
            years=5,
        )
        services.baseline_set(
            actor=cls.shared_finance,
            case=cls.case,
            partner=cls.council,
            figures=BaselineFigures(
                function="payroll",
                staff_cost=Decimal("400000.00"),
                fte=Decimal("12.50"),
                non_staff_cost=Decimal("50000.00"),
                payslips=60000,
            ),
        )
        services.baseline_set(
            actor=cls.shared_finance,
            case=cls.case,
            partner=cls.police,
            figures=BaselineFigures(
                function="payroll",
                staff_cost=Decimal("200000.00"),
                fte=Decimal("6.00"),
                non_staff_cost=Decimal("25000.00"),
                payslips=30000,
            ),
        )
        services.baseline_share(actor=cls.police_finance, case=cls.case, partner=cls.police, shared=True)
        cls.option = services.option_add(
            actor=cls.shared_finance, case=cls.case, kind="shared_service", name="Shared service"
        )
        services.line_add(
            actor=cls.shared_finance,
            option=cls.option,
            line=LineInput(
                name="Set-up", kind="cost", amounts=pounds("1000.00"), optimism_bias=Decimal(10), one_off=True
            ),
        )
        services.line_add(
            actor=cls.shared_finance,
            option=cls.option,
            line=LineInput(
                name="Fewer staff", kind="saving", amounts=pounds("0", "300", "300", "300", "300")
            ),
        )
        services.allocation_set(
            actor=cls.shared_finance, case=cls.case, keys={cls.council: Decimal(60), cls.police: Decimal(40)}
        )
