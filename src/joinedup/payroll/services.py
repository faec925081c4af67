"""Pay-run lifecycle: draft → calculated → approved → paid (closed).

Each change is one function that checks the actor's permission on the employer, enforces the
lifecycle, and records an audit event. Calculation runs in batches, each its own transaction,
so a calculation killed half-way leaves a run that can simply be calculated again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import validators
from joinedup.core.actors import is_system, user_of
from joinedup.core.calendar import tax_year_label
from joinedup.core.dates import people_date
from joinedup.core.money import pence_to_pounds
from joinedup.core.worker import queue_with_transaction
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.payroll.engine.ruleset import available_tax_years
from joinedup.payroll.models import (
    FlagStatus,
    PayCalendar,
    PayItem,
    PayItemKind,
    PayItemTreatment,
    PayrollSettings,
    PayRun,
    RunKind,
    RunStatus,
    VarianceFlag,
)
from joinedup.payroll.pay_calendar import PayRule
from joinedup.payroll.payments import payment_blockers, payment_journal, post_payment
from joinedup.payroll.periods import pay_period
from joinedup.payroll.posting import payroll_posting_blockers, post_payroll_run
from joinedup.payroll.run_calculation import BATCH_SIZE as BATCH_SIZE
from joinedup.payroll.run_calculation import TOTAL_FIELDS as TOTAL_FIELDS
from joinedup.payroll.run_calculation import payrun_calculate as payrun_calculate
from joinedup.payroll.run_calculation import run_summary, summed_run_totals
from joinedup.payroll.run_calculation import run_totals as run_totals
from joinedup.payroll.tasks import calculate_pay_run
from joinedup.people.models import PayFrequency


def _check_pay_date(partner: Partner, frequency: str, pay_date: date, tax_year: int) -> None:
    """A run is calculated with its tax year's rule file, and pay to date is the sum of the runs
    approved before it: a year without rules cannot be calculated, and a run dated before one
    already approved would change the figures that run reported to HMRC."""
    years = available_tax_years()
    if tax_year not in years:
        known = ", ".join(tax_year_label(y) for y in years)
        label = tax_year_label(tax_year)
        raise ValidationError(
            {
                "pay_date": f"{people_date(pay_date)} is in tax year {label}, "
                f"which has no payroll rules yet (rules are held for {known})."
            }
        )
    last = (
        PayRun.objects.for_partner(partner)
        # Per frequency: weekly and monthly payrolls pay different people on their own
        # calendars, so a late weekly run may fall before an approved monthly one.
        .filter(status__in=[RunStatus.APPROVED, RunStatus.PAID], frequency=frequency)
        .order_by("-pay_date")
        .values_list("pay_date", flat=True)
        .first()
    )
    if last is not None and pay_date < last:
        raise ValidationError(
            {
                "pay_date": f"{partner.name} has already approved a {frequency} run paid on "
                f"{people_date(last)}: a new {frequency} run cannot be dated before it."
            }
        )


@transaction.atomic
def payrun_create(
    *, actor: Any, partner: Partner, frequency: str, pay_date: date, kind: str = RunKind.REGULAR
) -> PayRun:
    authorise(actor, "payroll.calculate", partner)
    if frequency not in PayFrequency.values:
        raise ValidationError({"frequency": f"Choose one of: {', '.join(PayFrequency.values)}."})
    if kind not in RunKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(RunKind.values)}."})
    period = pay_period(frequency, pay_date)
    _check_pay_date(partner, frequency, pay_date, period.tax_year)
    if kind == RunKind.REGULAR:
        clash = PayRun.objects.for_partner(partner).filter(
            frequency=frequency, tax_year=period.tax_year, period=period.period, kind=RunKind.REGULAR
        )
        if clash.exists():
            raise ValidationError(
                {
                    "pay_date": f"{partner.name} already has a {frequency} run for "
                    f"{tax_year_label(period.tax_year)} period {period.period}; use a supplementary run."
                }
            )
    try:
        with transaction.atomic():
            run = PayRun.objects.create(
                partner=partner,
                frequency=frequency,
                tax_year=period.tax_year,
                period=period.period,
                pay_date=pay_date,
                period_start=period.start,
                period_end=period.end,
                kind=kind,
                created_by=user_of(actor),
            )
    except IntegrityError as exc:  # a concurrent request created the same run first
        raise ValidationError({"pay_date": "A run for this period was created just now."}) from exc
    record_event(actor=actor, partner=partner, action="payrun.created", target=run, after=run_summary(run))
    return run


@transaction.atomic
def payrun_request_calculation(*, actor: Any, run: PayRun) -> PayRun:
    """Queue the calculation for a worker. The run is 'calculating' from this moment, with no
    payslips counted yet (queued, until the worker counts them), so that nobody approves or
    re-requests it while it waits; the run's page shows its progress."""
    authorise(actor, "payroll.calculate", run.partner_id)
    run = PayRun.objects.for_partner(run.partner_id).select_for_update().get(pk=run.pk)
    if run.status not in (RunStatus.DRAFT, RunStatus.CALCULATED, RunStatus.CALCULATING):
        raise ValidationError({"status": f"A run that is {run.get_status_display().lower()} cannot change."})
    run.status = RunStatus.CALCULATING
    run.progress_done = 0
    run.progress_total = 0
    run.save(update_fields=["status", "progress_done", "progress_total"])
    # The worker acts as whoever asked: the user, or the same system reason and operator.
    requester = (
        {"actor_id": None, "system_reason": actor.reason, "operator": actor.operator}
        if is_system(actor)
        else {"actor_id": actor.pk}
    )
    record_event(
        actor=actor,
        partner=run.partner_id,
        action="payrun.calculation_requested",
        target=run,
        after=run_summary(run),
    )
    # Queued in this transaction: the run is never "calculating" with no calculation queued.
    queue_with_transaction(calculate_pay_run, run.pk, **requester)
    return run


@transaction.atomic
def payrun_approve(*, actor: Any, run: PayRun) -> PayRun:
    """A payroll approver of the employer who did not calculate the run approves it, once
    every flag has been accepted or fixed (four eyes)."""
    authorise(actor, "payroll.approve", run.partner_id)
    run = PayRun.objects.for_partner(run.partner_id).select_for_update().get(pk=run.pk)
    if run.status != RunStatus.CALCULATED:
        raise ValidationError({"status": f"Only a calculated run can be approved; this one is {run.status}."})
    if run.calculated_by_id is not None and run.calculated_by_id == getattr(actor, "pk", None):
        raise PermissionDenied("You calculated this run: another approver must approve it.")
    open_flags = (
        VarianceFlag.objects.for_partner(run.partner_id).filter(run=run, status=FlagStatus.OPEN).count()
    )
    if open_flags:
        raise ValidationError({"flags": f"{open_flags} flagged item(s) must be accepted or fixed first."})
    run.status = RunStatus.APPROVED
    run.approved_by = user_of(actor)
    run.approved_at = timezone.now()
    # Summed while the run is locked: from here on its payslips cannot change.
    totals = summed_run_totals(run)
    run.approved_totals = totals
    run.save(update_fields=["status", "approved_by", "approved_at", "approved_totals"])
    # Approval posts the payroll journal to each charged partner's ledger in the same
    # transaction. Staff are paid whether or not finance has opened the period: when a ledger
    # is not ready the run is approved, says why its journal waits, and a finance officer posts
    # it later (`joinedup payroll post-journal`); the idempotency key stops a second posting.
    blockers = payroll_posting_blockers(run)
    journals = [] if blockers else post_payroll_run(actor=actor, run=run)
    record_event(
        actor=actor,
        partner=run.partner_id,
        action="payrun.approved",
        target=run,
        after={
            **run_summary(run),
            "totals": totals,
            "journals": [j.pk for j in journals],
            "journal_waits_for": blockers,
        },
    )
    return run


@transaction.atomic
def payrun_mark_paid(*, actor: Any, run: PayRun) -> PayRun:
    """Close an approved run once its payments have gone: nothing in it can change after."""
    authorise(actor, "payroll.calculate", run.partner_id)
    run = PayRun.objects.for_partner(run.partner_id).select_for_update().get(pk=run.pk)
    if run.status != RunStatus.APPROVED:
        raise ValidationError(
            {"status": f"Only an approved run can be marked paid; this one is {run.status}."}
        )
    run.status = RunStatus.PAID
    run.paid_at = timezone.now()
    run.save(update_fields=["status", "paid_at"])
    # The payment clears the net-pay creditor the approval's journal raised. Like that journal, it
    # waits (the run is still paid) when the employer's ledger has no open period on the pay date;
    # `joinedup payroll post-payment` posts it later, and its key stops a second posting.
    blockers = payment_blockers(run)
    journal = None if blockers else post_payment(actor=actor, run=run)
    record_event(
        actor=actor,
        partner=run.partner_id,
        action="payrun.paid",
        target=run,
        after={
            **run_summary(run),
            "net_pay": run_totals(run)["net_pay"],
            "payment_journal": journal.pk if journal else None,
            "payment_waits_for": blockers,
        },
    )
    return run


def payment_waits_for(run: PayRun) -> list[str]:
    """For the run's page: why a paid run's payment is not in the employer's ledger yet (empty
    once it is posted, or while the run is not paid)."""
    if run.status != RunStatus.PAID or payment_journal(run) is not None or run_totals(run)["net_pay"] <= 0:
        return []
    return payment_blockers(run) or ["the payment has not been posted: run `joinedup payroll post-payment`"]


@transaction.atomic
def flag_accept(*, actor: Any, flag: VarianceFlag, note: str) -> VarianceFlag:
    authorise(actor, "payroll.view", flag.partner_id)
    if not (
        _holds(actor, "payroll.calculate", flag.partner_id)
        or _holds(actor, "payroll.approve", flag.partner_id)
    ):
        raise PermissionDenied("Only payroll officers and approvers decide flags.")
    if flag.run.status not in (RunStatus.CALCULATED,):
        raise ValidationError({"status": "Flags are decided on a calculated run."})
    if not note.strip():
        raise ValidationError({"note": "Say why the flagged item is right."})
    if flag.status != FlagStatus.OPEN:
        raise ValidationError({"status": "This flag is already decided."})
    flag.status = FlagStatus.ACCEPTED
    flag.note = note.strip()
    flag.decided_by = user_of(actor)
    flag.decided_at = timezone.now()
    flag.save(update_fields=["status", "note", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        partner=flag.partner_id,
        action="payrun.flag_accepted",
        target=flag.run,
        after={"employment": flag.employment_id, "kind": flag.kind, "note": flag.note},
    )
    return flag


@transaction.atomic
def flags_accept(*, actor: Any, run: PayRun, flag_ids: list[int], note: str) -> list[VarianceFlag]:
    """Accept several open flags of a run for one reason: each is decided (and audited) as if
    accepted alone, and either all are accepted or none."""
    if not flag_ids:
        authorise(actor, "payroll.view", run.partner_id)
        raise ValidationError({"flags": "Choose at least one flag to accept."})
    flags = list(
        VarianceFlag.objects.for_partner(run.partner_id)
        .filter(run=run, pk__in=flag_ids)
        .select_related("run")
        .order_by("pk")
    )
    if len(flags) != len(set(flag_ids)):
        raise ValidationError({"flags": "Choose flags of this run only."})
    return [flag_accept(actor=actor, flag=flag, note=note) for flag in flags]


@transaction.atomic
def payrun_send_back(*, actor: Any, run: PayRun, note: str) -> PayRun:
    """An approver returns a calculated run to its payroll officer as a draft, saying what needs
    changing; the officer puts it right and calculates again before anyone approves it."""
    authorise(actor, "payroll.approve", run.partner_id)
    run = PayRun.objects.for_partner(run.partner_id).select_for_update().get(pk=run.pk)
    if run.status != RunStatus.CALCULATED:
        raise ValidationError(
            {"status": f"Only a calculated run can be sent back; this one is {run.status}."}
        )
    note = " ".join(note.split())
    if not note:
        raise ValidationError({"note": "Say what the payroll officer needs to change."})
    run.status = RunStatus.DRAFT
    run.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=run.partner_id,
        action="payrun.sent_back",
        target=run,
        before={"status": RunStatus.CALCULATED},
        after={**run_summary(run), "note": note},
    )
    return run


def _holds(actor: Any, permission: str, partner_id: int) -> bool:
    return has_permission(actor, permission, partner_id)


def as_pounds(pence: int) -> Decimal:
    return pence_to_pounds(pence)


@transaction.atomic
def payroll_bank_account_set(
    *,
    actor: Any,
    partner: Partner,
    sort_code: str,
    account_number: str,
    account_name: str,
    bacs_user_number: str,
) -> Any:
    """The account a partner pays wages from, and its BACS service user number, as the
    payment file needs them. Its administrators set it on the partner's settings page."""
    authorise(actor, "partnership.manage_members", partner)
    errors: dict[str, list[str]] = {}

    def check(name: str, fn: Any, value: str) -> str:
        try:
            return str(fn(value))
        except ValueError as exc:
            errors.setdefault(name, []).append(str(exc))
            return value

    sort = check("bank_sort_code", validators.sort_code, sort_code.strip()) if sort_code.strip() else ""
    account = (
        check("bank_account_number", validators.account_number, account_number.strip())
        if account_number.strip()
        else ""
    )
    sun = bacs_user_number.strip()
    if sun and not (len(sun) == 6 and sun.isalnum()):
        errors.setdefault("bacs_user_number", []).append("The BACS service user number is 6 characters.")
    if errors:
        raise ValidationError(errors)
    settings, _ = PayrollSettings.objects.for_partner(partner).get_or_create(partner=partner)
    before = {
        "sort_code": settings.bank_sort_code,
        "bank_account": f"****{settings.bank_account_number[-4:]}" if settings.bank_account_number else "",
        "account_name": settings.bank_account_name,
        "bacs_user_number": settings.bacs_user_number,
    }
    settings.bank_sort_code = sort
    settings.bank_account_number = account
    settings.bank_account_name = account_name.strip()[:100]
    settings.bacs_user_number = sun.upper()
    settings.save()
    after = {
        "sort_code": settings.bank_sort_code,
        "bank_account": f"****{account[-4:]}" if account else "",
        "account_name": settings.bank_account_name,
        "bacs_user_number": settings.bacs_user_number,
    }
    changed = [k for k in before if before[k] != after[k]]
    if not changed:
        raise ValidationError({"bank_account_number": "Nothing has changed."})
    record_event(
        actor=actor,
        partner=partner,
        action="payroll.bank_account_set",
        target=settings,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return settings


# --- One-off pay items ------------------------------------------------------------------------------


ONE_OFF_PERMISSIONS = ("payroll.calculate", "people.change")


@transaction.atomic
def pay_item_add_one_off(
    *,
    actor: Any,
    employment: Any,
    code: str,
    description: str,
    amount: Decimal,
    paid_on: date,
    treatment: str = PayItemTreatment.EARNINGS,
    regular: bool = False,
    reason: str,
) -> PayItem:
    """A one-off addition for ``employment`` in the pay period containing ``paid_on`` (a bonus, a
    redundancy payment, pay in lieu of notice), taxed as ``treatment`` says. Payroll or HR of the
    employer adds it (HR records what people are owed on leaving, payroll pays it); a period
    already approved cannot take it. Dated after the employment ended, it is a payment after
    leaving (``payroll.calculation.after_leaving``); ``regular`` says it is part of the regular
    pattern of pay (overtime paid in arrears), which keeps the usual NI earnings period."""
    partner_id = employment.partner_id
    if not any(has_permission(actor, p, partner_id) for p in ONE_OFF_PERMISSIONS):
        authorise(actor, ONE_OFF_PERMISSIONS[0], partner_id)
    errors: dict[str, list[str]] = {}
    if treatment not in PayItemTreatment.values:
        errors.setdefault("treatment", []).append("Choose how the payment is taxed from the list.")
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        errors.setdefault("amount", []).append("The amount is more than £0, in pounds and pence.")
    if not code.strip() or not description.strip():
        errors.setdefault("description", []).append("Give the payment's code and description.")
    if not reason.strip():
        errors.setdefault("reason", []).append("Give the reason for the payment.")
    closed = (
        PayRun.objects.for_partner(partner_id)
        .filter(frequency=employment.pay_frequency, period_start__lte=paid_on, period_end__gte=paid_on)
        .filter(status__in=[RunStatus.APPROVED, RunStatus.PAID])
        .first()
    )
    if closed is not None:
        errors.setdefault("paid_on", []).append(
            f"The pay run for {people_date(closed.period_start)} to {people_date(closed.period_end)} "
            "is already "
            "approved; pay it in a later period."
        )
    if errors:
        raise ValidationError(errors)
    item = PayItem.objects.create(
        partner_id=partner_id,
        employment=employment,
        kind=PayItemKind.ADDITION,
        code=code.strip(),
        description=description.strip()[:100],
        amount=amount,
        start_date=paid_on,
        end_date=paid_on,
        treatment=treatment,
        regular=regular,
    )
    record_event(
        actor=actor,
        partner=partner_id,
        action="payroll.pay_item_added",
        target=item,
        after={
            "employment": employment.pk,
            "code": item.code,
            "amount": amount,
            "paid_on": paid_on,
            "treatment": treatment,
            "regular": regular,
            "reason": reason.strip(),
        },
    )
    return item


def _calendar_rule(calendar: PayCalendar | None) -> dict[str, Any]:
    if calendar is None:
        return {}
    return {
        "nation": calendar.nation,
        "day_of_month": calendar.day_of_month,
        "anchor_date": calendar.anchor_date.isoformat() if calendar.anchor_date else None,
        "cut_off_working_days": calendar.cut_off_working_days,
    }


@transaction.atomic
def pay_calendar_set(
    *,
    actor: Any,
    partner: Partner,
    frequency: str,
    nation: str,
    cut_off_working_days: int,
    day_of_month: int | None = None,
    anchor_date: date | None = None,
) -> PayCalendar:
    """The employer's rule for the pay dates of one frequency and its cut-off for changes, set by
    its payroll manager; the home page and the calendar page work to it from then on. Setting the
    rule it already has changes nothing and records nothing."""
    authorise(actor, "payroll.set_calendar", partner)
    monthly = frequency == PayFrequency.MONTHLY
    rule = PayRule(
        frequency=frequency,
        nation=nation,
        cut_off_working_days=cut_off_working_days,
        day_of_month=day_of_month if monthly else None,
        anchor_date=None if monthly else anchor_date,
    )
    problems = rule.problems()
    if problems:
        raise ValidationError(problems)
    calendar = (
        PayCalendar.objects.for_partner(partner).select_for_update().filter(frequency=frequency).first()
    )
    before = _calendar_rule(calendar)
    if calendar is None:
        calendar = PayCalendar(partner=partner, frequency=frequency)
    calendar.nation = rule.nation
    calendar.day_of_month = rule.day_of_month
    calendar.anchor_date = rule.anchor_date
    calendar.cut_off_working_days = rule.cut_off_working_days
    after = _calendar_rule(calendar)
    if before == after:
        return calendar
    calendar.save()
    changed = [key for key in after if before.get(key) != after[key]]
    record_event(
        actor=actor,
        partner=partner,
        action="payroll.pay_calendar_set",
        target=calendar,
        before={key: before[key] for key in changed if before},
        after={"frequency": frequency, **{key: after[key] for key in changed}},
    )
    return calendar
