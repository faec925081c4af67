"""Demo employers' payroll settings: the bank account wages leave from, a BACS service user
number, the employer pension rates their funds' actuaries would set (fictional), and a monthly
pay calendar each: the 25th, moved back from weekends and English bank holidays, with changes
due five working days before (the fire service's four)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from joinedup.partnership.models import Partner
from joinedup.payroll.models import EmployerPensionRate, PayCalendar, PayNation, PayrollSettings
from joinedup.people.models import PayFrequency

# Fictional: real rates come from each fund's actuarial valuation certificate.
DEMO_RATES = {
    "lgps_main": Decimal("18.0"),
    "lgps_5050": Decimal("18.0"),
    "firefighters_2015": Decimal("37.6"),
}
# Fictional: a cut-off is the employer's own choice.
DEMO_CUT_OFF_WORKING_DAYS = {"WFRS": 4}


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
        PayCalendar.objects.create(
            partner=partner,
            frequency=PayFrequency.MONTHLY,
            nation=PayNation.ENGLAND_AND_WALES,
            day_of_month=25,
            cut_off_working_days=DEMO_CUT_OFF_WORKING_DAYS.get(code, 5),
        )
