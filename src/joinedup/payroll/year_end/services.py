"""The one write: issuing a leaver's P45, once per employment and tax year, with an audit event.
Issuing is an explicit action (a POST, a command)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from joinedup.audit.services import record_event
from joinedup.core.actors import user_of
from joinedup.core.dates import people_date
from joinedup.partnership.permissions import authorise
from joinedup.payroll.documents import payment_record
from joinedup.payroll.models import P45Issue, Payslip
from joinedup.payroll.year_end.selectors import (
    _PAID,
    P45,
    _employer,
    _last_paid_slip,
    _p45_figures,
)
from joinedup.people.models import Employment


def _check_leaver(employment: Employment, slip: Payslip | None) -> tuple[Payslip, date]:
    """The payslip of a leaver's approved final pay and their leaving date, or a ValidationError
    saying what is missing."""
    who = employment.payroll_number
    if employment.end_date is None:
        raise ValidationError({"employment": f"{who} has not left: a P45 is only for a leaver."})
    if slip is None or employment.end_date > slip.run.pay_date:
        raise ValidationError(
            {
                "employment": f"{who} left on {people_date(employment.end_date)} and their final pay has not "
                "been approved yet: issue the P45 once the run that pays it is approved."
            }
        )
    pending = (
        Payslip.objects.for_partner(employment.partner_id)
        .filter(employment=employment, run__pay_date__gt=slip.run.pay_date)
        .exclude(run__status__in=_PAID)
        .select_related("run")
        .first()
    )
    if pending is not None:
        raise ValidationError(
            {
                "employment": f"{who} has pay in the run of {people_date(pending.run.pay_date)}, "
                "which is not "
                "approved yet: issue the P45 after it."
            }
        )
    return slip, employment.end_date


@transaction.atomic
def p45_issue(*, actor: Any, employment: Employment) -> P45:
    """Issue a leaver's P45 from their approved final pay. Issuing again returns the P45 already
    issued, with the same figures, and records nothing new. Payroll officers issue (the permission
    that runs the payroll); anyone who only views it is refused."""
    authorise(actor, "payroll.calculate", employment.partner_id)
    existing = P45Issue.objects.for_partner(employment.partner_id).filter(employment=employment).first()
    if existing is not None:
        return _p45_figures(existing)
    slip, leaving_date = _check_leaver(employment, _last_paid_slip(employment))
    _employer(employment.partner_id)
    payment_record(slip, for_hmrc=True)  # the P45 shows the person's sex: refuse without it
    try:
        with transaction.atomic():
            issue = P45Issue.objects.create(
                partner_id=employment.partner_id,
                employment=employment,
                tax_year=slip.run.tax_year,
                payslip=slip,
                leaving_date=leaving_date,
                issued_by=user_of(actor),
            )
    except IntegrityError:
        # Issued by someone else a moment ago: theirs is the P45.
        return _p45_figures(P45Issue.objects.for_partner(employment.partner_id).get(employment=employment))
    p45 = replace(_p45_figures(issue), issued_now=True)
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="payroll.p45_issued",
        target=employment,
        after={
            "tax_year": issue.tax_year,
            "leaving_date": issue.leaving_date,
            "payslip": slip.pk,
            "tax_code": p45.figures.tax_code,
            "pay": p45.figures.pay,
            "tax": p45.figures.tax,
        },
    )
    return p45
