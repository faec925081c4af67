"""An employer's pension contribution rates: the fund actuary's rate per scheme, dated (rates
change at each valuation), read by the pay-run calculation and workforce-change costing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.payroll.models import EmployerPensionRate
from joinedup.people.models import PensionScheme

# Schemes an employer pays into; "none" takes no employer rate.
RATED_SCHEMES = tuple(code for code in PensionScheme.values if code != PensionScheme.NONE)


def pension_rate_errors(*, scheme: str, rate_percent: Decimal, source: str) -> list[str]:
    """What is wrong with a rate before it is written (empty when nothing is)."""
    problems = []
    if scheme not in RATED_SCHEMES:
        problems.append(f"Unknown pension scheme {scheme!r}: choose one of {', '.join(RATED_SCHEMES)}.")
    if not Decimal(0) <= rate_percent < Decimal(100):
        problems.append(f"The employer rate for {scheme} must be at least 0% and under 100%.")
    if not source.strip():
        problems.append(f"Name the source of the {scheme} rate (the actuary's certificate).")
    return problems


@transaction.atomic
def employer_pension_rate_set(
    *, actor: Any, partner: Partner, scheme: str, rate_percent: Decimal, effective_from: date, source: str
) -> EmployerPensionRate:
    """Record ``partner``'s employer contribution rate for ``scheme`` from ``effective_from``."""
    authorise(actor, "payroll.calculate", partner)
    problems = pension_rate_errors(scheme=scheme, rate_percent=rate_percent, source=source)
    if problems:
        raise ValidationError({"pension_scheme": problems})
    if (
        EmployerPensionRate.objects.for_partner(partner)
        .filter(pension_scheme=scheme, effective_from=effective_from)
        .exists()
    ):
        raise ValidationError(
            {"pension_scheme": f"{scheme} already has a rate from {people_date(effective_from)}."}
        )
    rate = EmployerPensionRate.objects.create(
        partner=partner,
        pension_scheme=scheme,
        effective_from=effective_from,
        rate_percent=rate_percent,
        source=source.strip()[:200],
    )
    record_event(
        actor=actor,
        partner=partner,
        action="payroll.employer_pension_rate_set",
        target=rate,
        after={"scheme": scheme, "rate_percent": rate_percent, "from": effective_from, "source": rate.source},
    )
    return rate
