"""Posting a paid run's payment to the employer's ledger: the net pay leaves the bank.

Approval posts the run's cost and creditors (``payroll-run:<id>``); marking the run paid posts
the payment that clears the net-pay creditor — debit the net-pay creditor, credit the payroll
bank account, both mapped from the chart template's ``[payroll]`` table (``net_pay``, ``bank``) —
once, keyed ``payroll-payment:<run id>``, dated the pay date (the day the money reaches staff).
The amount is the run's whole net pay, which is what the approval's journal credited: staff paid
by other means than BACS are still paid from the employer's bank.

As with the approval's journal, staff are paid whether or not finance has opened the period: when
the employer's ledger has no open period on the pay date the run is still marked paid, the audit
event says why the payment waits, and ``joinedup payroll post-payment`` posts it later."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from joinedup.core.dates import people_date
from joinedup.ledger.chart import load_chart
from joinedup.ledger.models import Journal, JournalSource, Period, PeriodStatus
from joinedup.ledger.services import LineInput, post_source_journal
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.payroll.models import PayRun, Payslip, RunStatus


def payment_key(run: PayRun) -> str:
    return f"payroll-payment:{run.pk}"


def payment_blockers(run: PayRun) -> list[str]:
    """Why the run's payment cannot be posted to the employer's ledger yet; empty when it can."""
    partner = Partner.objects.get(pk=run.partner_id)
    found = (
        Period.objects.for_partner(partner)
        .filter(start_date__lte=run.pay_date, end_date__gte=run.pay_date)
        .first()
    )
    if found is None:
        return [f"{partner.code} has no financial period for {people_date(run.pay_date)}"]
    if found.status != PeriodStatus.OPEN:
        return [f"{partner.code}'s {found} is closed"]
    return []


def payment_journal(run: PayRun) -> Journal | None:
    return Journal.objects.for_partner(run.partner_id).filter(idempotency_key=payment_key(run)).first()


def post_payment(*, actor: Any, run: PayRun) -> Journal | None:
    """Post a paid run's payment (inside the caller's transaction). Returns the journal, the one
    already posted under the key if any, or None when the run paid nobody anything."""
    if not (
        has_permission(actor, "payroll.calculate", run.partner_id)
        or has_permission(actor, "ledger.post", run.partner_id)
    ):
        raise PermissionDenied("Only the employer's payroll officers or finance officers post its payment.")
    run = PayRun.objects.for_partner(run.partner_id).get(pk=run.pk)
    if run.status != RunStatus.PAID:
        raise ValidationError({"run": f"Only a paid run's payment is posted; this one is {run.status}."})
    found = payment_journal(run)
    if found is not None:
        return found
    net = sum(Payslip.objects.for_partner(run.partner_id).filter(run=run).values_list("net_pay", flat=True))
    if net <= 0:
        return None
    mapping = load_chart().payroll
    missing = sorted({"net_pay", "bank"} - set(mapping))
    if missing:
        raise ValidationError({"run": f"The chart template maps no account for payroll key(s) {missing}."})
    partner = Partner.objects.get(pk=run.partner_id)
    lines = [
        LineInput(account=mapping["net_pay"], debit=net, credit=0, description=f"Net pay paid: {run}"[:200]),
        LineInput(account=mapping["bank"], debit=0, credit=net, description=f"Net pay paid: {run}"[:200]),
    ]
    return post_source_journal(
        actor=actor,
        partner=partner,
        on=run.pay_date,
        lines=lines,
        description=f"Payroll payment: {run}"[:200],
        source=JournalSource.PAYROLL_RUN,
        idempotency_key=payment_key(run),
        source_ref=str(run.pk),
        audit={"pay_run": run.pk, "payment": True},
    )


@transaction.atomic
def post_payment_later(*, actor: Any, run: PayRun) -> Journal | None:
    """The explicit command's entry: a finance officer (or payroll officer) of the employer posts
    the payment a closed or missing period held back."""
    authorise(actor, "payroll.view", run.partner_id)
    blockers = payment_blockers(run)
    if blockers:
        raise ValidationError({"run": f"The payment cannot be posted yet: {'; '.join(blockers)}."})
    return post_payment(actor=actor, run=run)
