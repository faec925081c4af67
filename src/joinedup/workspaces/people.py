"""HR's, a line manager's and an employee's tiles. HR's tiles count employments, and the staff
list behind each (``/staff?worklist=<tile>``) filters with the same ``Q``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery

from joinedup.core.dates import people_month
from joinedup.partnership.permissions import authorise
from joinedup.payroll.models import Payslip
from joinedup.payroll.selectors import VISIBLE_TO_EMPLOYEES
from joinedup.people.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    ChargeStatus,
    Employment,
    EmploymentTerms,
    Post,
    PostHolding,
    Secondment,
)
from joinedup.people.selectors import leave_balance
from joinedup.workspaces.tiles import Tile, link, long_date, month_bounds

# Contracts and secondments ending within this many days are "ending soon".
ENDING_WITHIN_DAYS = 60

STAFF_WORKLISTS = ("starters", "leavers", "changes", "absences", "ending", "seconded_ending")


def _staff_q(partner_id: int, what: str, *, today: date) -> Q:
    first, last = month_bounds(today)
    soon = today + timedelta(days=ENDING_WITHIN_DAYS)
    if what == "starters":
        return Q(start_date__gte=first, start_date__lte=last)
    if what == "leavers":
        return Q(end_date__gte=first, end_date__lte=last)
    if what == "changes":
        # A change is a terms row after the first: the first is the start itself, a starter.
        changed = (
            EmploymentTerms.objects.for_partner(partner_id)
            .filter(employment=OuterRef("pk"), effective_from__gte=first, effective_from__lte=last)
            .exclude(effective_from=F("employment__start_date"))
        )
        return Q(Exists(changed))
    if what == "absences":
        waiting = Absence.objects.for_partner(partner_id).filter(
            employment=OuterRef("pk"), status=AbsenceStatus.REQUESTED
        )
        return Q(Exists(waiting))
    if what == "ending":
        return Q(end_date__gt=today, end_date__lte=soon)
    if what == "seconded_ending":
        ending = Secondment.objects.for_partner(partner_id).filter(
            employment=OuterRef("pk"),
            status=ChargeStatus.APPROVED,
            end_date__gte=today,
            end_date__lte=soon,
        )
        return Q(Exists(ending))
    raise ValueError(what)


def staff_filtered(
    rows: QuerySet[Employment], *, partner_id: int, worklist: str, today: date
) -> QuerySet[Employment]:
    """The staff list narrowed to one of HR's tiles (the list is already scoped and authorised)."""
    if worklist in STAFF_WORKLISTS:
        return rows.filter(_staff_q(partner_id, worklist, today=today))
    return rows


def _vacant_posts(partner_id: int, today: date) -> int:
    """Posts in the establishment on ``today`` that nobody holds (people.selectors.establishment's
    "vacant")."""
    held = PostHolding.objects.for_partner(partner_id).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today), post=OuterRef("pk"), start_date__lte=today
    )
    return (
        Post.objects.for_partner(partner_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today)
        .exclude(Exists(held))
        .count()
    )


# HR's tiles counted from the rows that make an employment count (a terms change, a request,
# a secondment), not by testing every employment of the partner against each: the same
# employments the staff list's ``_staff_q`` filter finds.
_COUNTED_FROM_ROWS = ("changes", "absences", "seconded_ending")


def _employments_counted(partner_id: int, what: str, *, today: date) -> int:
    first, last = month_bounds(today)
    soon = today + timedelta(days=ENDING_WITHIN_DAYS)
    rows: QuerySet[Any]
    if what == "changes":
        rows = (
            EmploymentTerms.objects.for_partner(partner_id)
            .filter(effective_from__gte=first, effective_from__lte=last)
            .exclude(effective_from=F("employment__start_date"))
        )
    elif what == "absences":
        rows = Absence.objects.for_partner(partner_id).filter(status=AbsenceStatus.REQUESTED)
    else:
        rows = Secondment.objects.for_partner(partner_id).filter(
            status=ChargeStatus.APPROVED, end_date__gte=today, end_date__lte=soon
        )
    return rows.filter(employment__partner_id=partner_id).values("employment_id").distinct().count()


def staff_worklist_words(today: date) -> dict[str, tuple[str, str]]:
    """Each of HR's staff-list tiles: its label (which the staff list's filter panel also shows)
    and what its empty state says."""
    month = people_month(today)
    return {
        "starters": ("Starters this month", f"People starting in {month} appear here."),
        "leavers": ("Leavers this month", f"People leaving in {month} appear here."),
        "changes": (
            "People whose terms change this month",
            f"Changes of terms effective in {month} appear here.",
        ),
        "absences": (
            "People with leave waiting for a decision",
            "Leave requests not yet approved or refused appear here.",
        ),
        "ending": (
            f"Employments ending in the next {ENDING_WITHIN_DAYS} days",
            "Fixed-term contracts and notified leavers appear here before their last day.",
        ),
        "seconded_ending": (
            f"Secondments ending in the next {ENDING_WITHIN_DAYS} days",
            "Approved secondments appear here as their end date comes near.",
        ),
    }


def hr_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    authorise(user, "people.view", partner)
    pid = partner.pk
    counts = Employment.objects.for_partner(pid).aggregate(
        **{
            what: Count("pk", filter=_staff_q(pid, what, today=today))
            for what in STAFF_WORKLISTS
            if what not in _COUNTED_FROM_ROWS
        }
    )
    counts.update({what: _employments_counted(pid, what, today=today) for what in _COUNTED_FROM_ROWS})
    words = staff_worklist_words(today)
    tiles = [
        Tile(what, words[what][0], counts[what], link("staff", worklist=what), words[what][1])
        for what in STAFF_WORKLISTS
    ]
    tiles.append(
        Tile(
            "vacant_posts",
            "Vacant posts",
            _vacant_posts(pid, today),
            link("establishment"),
            "Posts in the establishment that nobody holds appear here.",
        )
    )
    return tiles


def _team(user: Any, partner_id: int, today: date) -> QuerySet[Employment]:
    """The partner's current employments whose terms in force name one of the user's own
    employments as line manager (people.selectors.team_of, as one query). Only employments
    whose terms have ever named the user are looked at: the terms in force are read for those,
    not for every employment of the partner."""
    own = Employment.objects.for_partner(partner_id).filter(person__user_id=user.pk).values("pk")
    ever_managed = (
        EmploymentTerms.objects.for_partner(partner_id).filter(line_manager__in=own).values("employment_id")
    )
    in_force = (
        EmploymentTerms.objects.for_partner(partner_id)
        .filter(employment=OuterRef("pk"), effective_from__lte=today)
        .order_by("-effective_from", "-pk")
        .values("line_manager__person__user_id")[:1]
    )
    return (
        Employment.objects.for_partner(partner_id)
        .filter(pk__in=ever_managed)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today)
        .annotate(manager_user=Subquery(in_force))
        .filter(manager_user=user.pk)
    )


def manager_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    authorise(user, "people.view_team", partner)
    team = _team(user, partner.pk, today)
    team_ids = team.values("pk")
    absences = Absence.objects.for_partner(partner.pk).filter(employment__in=team_ids)
    counts = absences.aggregate(
        waiting=Count("pk", filter=Q(status=AbsenceStatus.REQUESTED)),
        off_today=Count(
            "pk",
            filter=Q(start_date__lte=today, end_date__gte=today)
            & Q(status__in=[AbsenceStatus.APPROVED, AbsenceStatus.RECORDED]),
        ),
    )
    return [
        Tile(
            "team",
            "People in your team",
            team.count(),
            link("team"),
            "The people you line-manage appear here.",
        ),
        Tile(
            "leave_requests",
            "Leave requests waiting for you",
            counts["waiting"],
            link("team"),
            "Your team's leave requests appear here for you to approve or refuse.",
        ),
        Tile(
            "absent_today",
            "Absent today",
            counts["off_today"],
            link("team"),
            "Members of your team on leave or off sick today appear here.",
        ),
    ]


def employee_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    authorise(user, "self.view", partner)
    mine = Employment.objects.for_partner(partner.pk).filter(person__user_id=user.pk)
    slips = (
        Payslip.objects.for_partner(partner.pk)
        .filter(employment__in=mine.values("pk"), run__status__in=VISIBLE_TO_EMPLOYEES)
        .aggregate(n=Count("pk"), latest=Max("run__pay_date"))
    )
    requests = (
        Absence.objects.for_partner(partner.pk)
        .filter(
            employment__in=mine.values("pk"), status=AbsenceStatus.REQUESTED, kind=AbsenceKind.ANNUAL_LEAVE
        )
        .count()
    )
    current = mine.filter(Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today).first()
    remaining = ""
    if current is not None:
        balance = leave_balance(current, on=today)
        remaining = f"{balance.remaining.normalize():f} of {balance.entitlement.normalize():f} days left"
    return [
        Tile(
            "payslips",
            "Your payslips",
            slips["n"],
            link("my_payslips"),
            "Your payslips appear here once a pay run that pays you is approved.",
            detail=f"Latest paid {long_date(slips['latest'])}" if slips["latest"] else "",
        ),
        Tile(
            "leave_requests",
            "Your leave requests waiting for a decision",
            requests,
            link("my_leave"),
            "Leave you ask for appears here until your manager decides.",
            detail=f"Annual leave: {remaining}" if remaining else "",
        ),
    ]
