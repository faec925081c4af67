"""Payroll's tiles, and the filters of the pay-run list behind them: a tile's count and the list it
links to come from the same ``Q``, so the two cannot disagree."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import CharField, Count, Exists, Min, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from joinedup.ledger.models import Journal, JournalSource
from joinedup.partnership.permissions import partner_ids_with
from joinedup.payroll.models import FlagStatus, P45Issue, PayRun, Payslip, RunStatus, VarianceFlag
from joinedup.payroll.selectors import next_pay_by_employer, runs_for
from joinedup.people.models import Employment
from joinedup.workspaces.tiles import Tile, link, long_date

# Unpaid runs paying within this many days are "due".
DUE_WITHIN_DAYS = 14

WAITING = ("flags", "approval", "journal", "p45", "due")
# Each tile's label, which the pay-run list's filter panel also shows for the tile's filter.
WAITING_LABELS = {
    "flags": "Runs with flags to review",
    "approval": "Runs waiting for your approval",
    "journal": "Approved runs whose journal is not posted",
    "p45": "Runs with leavers whose P45 is not issued",
    "due": f"Runs paying in the next {DUE_WITHIN_DAYS} days",
}
UNFINISHED = (RunStatus.DRAFT, RunStatus.CALCULATING, RunStatus.CALCULATED, RunStatus.APPROVED)
FINISHED = (RunStatus.APPROVED, RunStatus.PAID)


def _waiting(partner_id: int, what: str, *, user_id: int | None, today: date) -> Q:
    if what == "flags":
        open_flags = VarianceFlag.objects.for_partner(partner_id).filter(
            run=OuterRef("pk"), status=FlagStatus.OPEN
        )
        return Q(status__in=UNFINISHED) & Q(Exists(open_flags))
    if what == "approval":
        # Four eyes: the one who calculated a run may not approve it (payroll.services.payrun_approve).
        return Q(status=RunStatus.CALCULATED) & ~Q(calculated_by_id=user_id)
    if what == "journal":
        key = Concat(Value("payroll-run:"), Cast(OuterRef("pk"), CharField()))
        posted = Journal.objects.for_partner(partner_id).filter(
            source=JournalSource.PAYROLL_RUN, idempotency_key=key
        )
        return Q(status__in=FINISHED) & ~Q(Exists(posted))
    if what == "p45":
        # From the partner's leavers in the run's period (an index range of end dates) to their
        # payslip in the run (the one-per-run key), not from every payslip of every run.
        issued = P45Issue.objects.for_partner(partner_id).filter(employment_id=OuterRef("pk"))
        paid = Payslip.objects.for_partner(partner_id).filter(
            run=OuterRef(OuterRef("pk")), employment_id=OuterRef("pk")
        )
        leavers = (
            Employment.objects.for_partner(partner_id)
            .filter(
                end_date__isnull=False,
                end_date__lte=today,
                end_date__gte=OuterRef("period_start"),
            )
            .filter(end_date__lte=OuterRef("period_end"))
            .filter(Exists(paid))
            .exclude(Exists(issued))
        )
        return Q(status__in=FINISHED) & Q(Exists(leavers))
    if what == "due":
        return Q(
            status__in=UNFINISHED, pay_date__gte=today, pay_date__lte=today + timedelta(days=DUE_WITHIN_DAYS)
        )
    raise ValueError(what)


def runs_filtered(
    user: Any, *, partner: Any, status: str = "", waiting: str = "", today: date
) -> QuerySet[PayRun]:
    """The pay-run list as a tile filters it: by status, or by what the runs are waiting for."""
    runs = runs_for(user, partner=partner)
    if status in RunStatus.values:
        runs = runs.filter(status=status)
    if waiting in WAITING:
        runs = runs.filter(_waiting(partner.pk, waiting, user_id=user.pk, today=today))
    return runs


def officer_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    runs_for(user, partner=partner)  # authorises payroll.view
    pid = partner.pk
    counts = PayRun.objects.for_partner(pid).aggregate(
        draft=Count("pk", filter=Q(status=RunStatus.DRAFT)),
        calculating=Count("pk", filter=Q(status=RunStatus.CALCULATING)),
        calculated=Count("pk", filter=Q(status=RunStatus.CALCULATED)),
        approved=Count("pk", filter=Q(status=RunStatus.APPROVED)),
        due=Count("pk", filter=_waiting(pid, "due", user_id=user.pk, today=today)),
        next_pay=Min("pay_date", filter=_waiting(pid, "due", user_id=user.pk, today=today)),
        flags=Count("pk", filter=_waiting(pid, "flags", user_id=user.pk, today=today)),
        journal=Count("pk", filter=_waiting(pid, "journal", user_id=user.pk, today=today)),
        p45=Count("pk", filter=_waiting(pid, "p45", user_id=user.pk, today=today)),
    )
    by_status = [
        Tile(
            f"runs_{status}",
            f"{RunStatus(status).label} runs",
            counts[status],
            link("pay_runs", status=status),
            f"{RunStatus(status).label} pay runs of {partner.name} appear here.",
        )
        for status in ("draft", "calculating", "calculated", "approved")
    ]
    return [
        *by_status,
        pay_dates_tile(user, today=today),
        Tile(
            "runs_due",
            WAITING_LABELS["due"],
            counts["due"],
            link("pay_runs", waiting="due"),
            f"Unpaid runs whose pay date falls in the next {DUE_WITHIN_DAYS} days appear here.",
            detail=f"Next pay date {long_date(counts['next_pay'])}" if counts["next_pay"] else "",
        ),
        Tile(
            "flags_to_review",
            WAITING_LABELS["flags"],
            counts["flags"],
            link("pay_runs", waiting="flags"),
            "Runs with a flagged payslip (net pay change, no bank details…) not yet accepted appear here.",
        ),
        Tile(
            "journals_to_post",
            WAITING_LABELS["journal"],
            counts["journal"],
            link("pay_runs", waiting="journal"),
            "Approved and paid runs whose journal has not reached the ledger appear here.",
        ),
        Tile(
            "p45s_to_issue",
            WAITING_LABELS["p45"],
            counts["p45"],
            link("pay_runs", waiting="p45"),
            "Approved runs that paid a leaver whose P45 is still to issue appear here.",
        ),
    ]


def next_pay_dates(user: Any, *, today: date) -> list[tuple[str, date, date | None]]:
    """Each employer the user runs payroll for, its next pay date (today or later) and the cut-off
    for changes to it, soonest first. From the employer's pay calendar where it has one (the
    soonest of its frequencies); otherwise from its runs still to pay, with no cut-off. Two
    queries, whatever the number of employers."""
    from_calendars = next_pay_by_employer(user, today=today)
    found: list[tuple[str, date, date | None]] = [
        (name, row.pay_date, row.cut_off) for name, row in from_calendars.values()
    ]
    served = [pid for pid in partner_ids_with(user, "payroll.view") if pid not in from_calendars]
    rows = (
        PayRun.objects.for_partners(served)
        .filter(status__in=UNFINISHED, pay_date__gte=today)
        .order_by()
        .values("partner_id", "partner__name")
        .annotate(next_pay=Min("pay_date"))
        .values_list("partner__name", "next_pay")
    )
    found += [(name, day, None) for name, day in rows]
    return sorted(found, key=lambda found_row: (found_row[1], found_row[0]))


def _pay_date_text(name: str, day: date, cut_off: date | None) -> str:
    return f"{name}: {long_date(day)}" + (f". Cut-off {long_date(cut_off)}" if cut_off else "")


def pay_dates_tile(user: Any, *, today: date) -> Tile:
    found = next_pay_dates(user, today=today)
    return Tile(
        "next_pay_dates",
        "Employers you serve with a pay date ahead",
        len(found),
        link("pay_runs", waiting="due"),
        "Each employer you run payroll for appears here with its next pay date and the cut-off "
        "for changes, from its pay calendar (or the pay date of its next run, where it has no "
        "calendar yet).",
        detail="; ".join(_pay_date_text(*row) for row in found),
    )


def approver_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    runs_for(user, partner=partner)
    count = (
        PayRun.objects.for_partner(partner.pk)
        .filter(_waiting(partner.pk, "approval", user_id=user.pk, today=today))
        .count()
    )
    return [
        Tile(
            "runs_to_approve",
            WAITING_LABELS["approval"],
            count,
            link("pay_runs", waiting="approval"),
            "Calculated runs that someone else calculated appear here for you to approve.",
        )
    ]
