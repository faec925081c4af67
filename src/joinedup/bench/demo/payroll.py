"""Demo employers' payroll settings: the bank account wages leave from, a BACS service user
number, and the employer pension rates their funds' actuaries would set (fictional)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from joinedup.partnership.models import Partner
from joinedup.payroll.models import EmployerPensionRate, PayrollSettings

# Fictional: real rates come from each fund's actuarial valuation certificate.
DEMO_RATES = {
    "lgps_main": Decimal("18.0"),
    "lgps_5050": Decimal("18.0"),
    "firefighters_2015": Decimal("37.6"),
}


def seed_payroll_settings(*, partners: dict[str, Partner]) -> None:
    for n, (code, partner) in enumerate(sorted(partners.items()), start=1):
        PayrollSettings.objects.create(
            partner=partner,
            bank_sort_code="309634",
            bank_account_number=f"{n:02d}345678",
            bank_account_name=f"{code} SALARIES",
            bacs_user_number=f"9{n:02d}123",
        )
        for scheme, rate in DEMO_RATES.items():
            EmployerPensionRate.objects.create(
                partner=partner,
                pension_scheme=scheme,
                effective_from=date(2026, 4, 1),
                rate_percent=rate,
                source="Demo only: not an actuarial certificate",
            )
