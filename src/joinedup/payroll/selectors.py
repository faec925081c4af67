"""Reads of pay runs and payslips. Payroll staff see their employers' runs; an employee sees
only their own payslips, and only once the run is approved."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.payroll.models import PayCalendar, PayRun, Payslip, RunStatus, VarianceFlag
from joinedup.payroll.pay_calendar import CalendarRow, PayRule, next_pay, tax_year_calendar

VISIBLE_TO_EMPLOYEES = (RunStatus.APPROVED, RunStatus.PAID)


def runs_for(user: Any, *, partner: Partner) -> QuerySet[PayRun]:
    authorise(user, "payroll.view", partner)
    return PayRun.objects.for_partner(partner).order_by("-pay_date", "-pk")


def run_for(user: Any, *, run_id: int) -> PayRun:
    run = PayRun.objects.for_partners(partner_ids_with(user, "payroll.view")).filter(pk=run_id).first()
    if run is None:
        raise Http404("No such pay run.")
    return run


def require_complete(run: PayRun, *, output: str, statuses: Collection[str]) -> None:
    """Refuse an output (a journal, a BACS file, an FPS) of a run that is not fully calculated:
    its status must be one of ``statuses`` and it must hold a payslip for each employment its
    calculation counted. A calculation killed after 340 of 1,641 payslips leaves a run that is
    still "calculating" with 340 payslips, whose journal would balance and be wrong."""
    status, total = (
        PayRun.objects.for_partner(run.partner_id).values_list("status", "progress_total").get(pk=run.pk)
    )
    if status not in statuses:
        labels = [RunStatus(s).label.lower() for s in statuses]
        wanted = " or ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)
        raise ValidationError(
            {
                "status": f"{output} comes only from a {wanted} run; this one is "
                f"{RunStatus(status).label.lower()}. Calculate it to the end first."
            }
        )
    count = Payslip.objects.for_partner(run.partner_id).filter(run_id=run.pk).count()
    if count != total:
        raise ValidationError(
            {
                "status": f"{output} comes only from a fully calculated run: this one holds {count:,} "
                f"of its {total:,} payslips. Calculate it again first."
            }
        )


def payslips_of(run: PayRun) -> QuerySet[Payslip]:
    return (
        Payslip.objects.for_partner(run.partner_id)
        .filter(run=run)
        .select_related("employment__person")
        # Bank details are encrypted: a page of 50 payslips decrypted 100 fields it never shows.
        .defer("employment__person__bank_sort_code", "employment__person__bank_account_number")
        .order_by("employment__payroll_number")
    )


def flags_of(run: PayRun) -> QuerySet[VarianceFlag]:
    return (
        VarianceFlag.objects.for_partner(run.partner_id).filter(run=run).select_related("employment__person")
    )


def flag_for(user: Any, *, flag_id: int) -> VarianceFlag:
    flag = (
        VarianceFlag.objects.for_partners(partner_ids_with(user, "payroll.view")).filter(pk=flag_id).first()
    )
    if flag is None:
        raise Http404("No such flag.")
    return flag


def _user_id(user: Any) -> int:
    return int(user.pk) if getattr(user, "is_authenticated", False) and user.pk else 0


def payslip_for(user: Any, *, payslip_id: int) -> Payslip:
    """A payslip to payroll staff of its employer, or to the employee once approved."""
    related = ("run", "employment__person", "employment__partner")
    slip = (
        Payslip.objects.for_partners(partner_ids_with(user, "payroll.view"))
        .filter(pk=payslip_id)
        .select_related(*related)
        .first()
    )
    if slip is None:
        slip = (
            Payslip.objects.unscoped(reason="an employee reads their own payslip")
            .filter(
                pk=payslip_id,
                employment__person__user_id=_user_id(user),
                run__status__in=VISIBLE_TO_EMPLOYEES,
            )
            .select_related(*related)
            .first()
        )
    if slip is None:
        raise Http404("No such payslip.")
    return slip


def my_payslips(user: Any) -> QuerySet[Payslip]:
    return (
        Payslip.objects.unscoped(reason="an employee lists their own payslips")
        .filter(employment__person__user_id=_user_id(user), run__status__in=VISIBLE_TO_EMPLOYEES)
        .select_related("run", "employment__partner")
        .order_by("-run__pay_date")
    )


def approved_pay_end(employment: Any) -> Any:
    """The last day of pay already approved (or paid) for ``employment``: the latest period end
    of its payslips in approved or paid runs, or None. An employment cannot end before it."""
    found = (
        Payslip.objects.for_partner(employment.partner_id)
        .filter(employment=employment, run__status__in=[RunStatus.APPROVED, RunStatus.PAID])
        .order_by("-run__period_end")
        .values_list("run__period_end", flat=True)
        .first()
    )
    return found


def first_open_pay_day(employment: Any, on: date) -> date:
    """``on``, unless the pay run of the period holding it (at the employment's pay frequency) is
    already approved or paid: then the first day of the next period whose run is not. A payment
    dated in a closed run would sit on a payslip that is never paid, or rewrite one that was; so a
    payment decided late (a redundancy award confirmed after the leaving period was approved) goes
    into the next open period, where a leaver is paid it as a payment after leaving."""
    day = on
    closed = (
        PayRun.objects.for_partner(employment.partner_id)
        .filter(frequency=employment.pay_frequency, period_end__gte=on)
        .filter(status__in=[RunStatus.APPROVED, RunStatus.PAID])
        .order_by("period_start")
        .values_list("period_start", "period_end")
    )
    # In period order, a run that holds ``day`` moves it past its end; later closed runs that
    # follow on move it again, and a gap (an open or missing run) ends the walk.
    for start, end in closed:
        if start > day:
            break
        if end >= day:
            day = end + timedelta(days=1)
    return day


def sent_back_note(run: PayRun) -> str:
    """What the approver said when sending the run back, while the run waits as a draft for its
    officer to calculate it again; "" otherwise."""
    if run.status != RunStatus.DRAFT:
        return ""
    last = (
        AuditEvent.objects.for_partner(run.partner_id)
        .filter(
            object_type=PayRun._meta.label_lower,
            object_id=str(run.pk),
            action__in=["payrun.sent_back", "payrun.calculated", "payrun.calculation_requested"],
        )
        .order_by("-seq")
        .only("action", "after")
        .first()
    )
    if last is None or last.action != "payrun.sent_back":
        return ""
    return str(last.after.get("note", ""))


# The years a calendar can be listed for: the holidays package's data for the United Kingdom.
CALENDAR_YEARS = range(1990, 2100)


def rule_of(calendar: PayCalendar) -> PayRule:
    return PayRule(
        frequency=calendar.frequency,
        nation=calendar.nation,
        cut_off_working_days=calendar.cut_off_working_days,
        day_of_month=calendar.day_of_month,
        anchor_date=calendar.anchor_date,
    )


def pay_calendars_for(user: Any, *, partner: Partner) -> list[PayCalendar]:
    authorise(user, "payroll.view", partner)
    return list(PayCalendar.objects.for_partner(partner).order_by("frequency"))


def pay_calendar_rows(
    user: Any, *, partner: Partner, tax_year: int
) -> list[tuple[PayCalendar, list[CalendarRow]]]:
    """Each of the employer's pay calendars with its pay dates and cut-offs in the tax year."""
    if tax_year not in CALENDAR_YEARS:
        raise ValidationError(
            {"tax_year": f"A pay calendar covers the tax years {CALENDAR_YEARS[0]} to {CALENDAR_YEARS[-1]}."}
        )
    return [
        (cal, tax_year_calendar(rule_of(cal), tax_year)) for cal in pay_calendars_for(user, partner=partner)
    ]


def next_pay_by_employer(user: Any, *, today: date) -> dict[int, tuple[str, CalendarRow]]:
    """For each employer the user runs payroll for that has a pay calendar, its name and its next
    pay date (today or later) with the cut-off, the soonest of its frequencies: one query."""
    found: dict[int, tuple[str, CalendarRow]] = {}
    calendars = PayCalendar.objects.for_partners(partner_ids_with(user, "payroll.view")).select_related(
        "partner"
    )
    for cal in calendars:
        row = next_pay(rule_of(cal), today)
        held = found.get(cal.partner_id)
        if held is None or row.pay_date < held[1].pay_date:
            found[cal.partner_id] = (cal.partner.name, row)
    return found
