"""Reads of health surveillance (issue 16).

OH clinicians and administrators (``wellbeing.surveillance``) read their partners' programmes,
enrolments and checks, with each check's outcome category. A programme or enrolment of a partner
they do not serve answers 404.

Managers (``wellbeing.surveillance_team``) read their own team's status only: due, overdue or
done, the next due date and the last check's date, never the outcome category. A manager needs to
know whether the partner is meeting its duty to provide surveillance and whom to release for an
appointment; "fit with restrictions", "referred" or "not fit" is health information about a named
person (UK GDPR Art. 9, and the Faculty of Occupational Medicine's ethics guidance keeps clinical
findings from the employer). What a manager must act on reaches them as the outcome report of a
referral, released with the employee's consent (the cases' part), and without the clinical detail.
The rows they get (:class:`TeamStatus`) have no outcome field at all, so no template can show one.

Where an enrolment stood on a past day (``as_of``) is read from its checks up to that day: the
latest check's next due date, or the first due date before any check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.people.models import Employment
from joinedup.people.selectors import team_of
from joinedup.wellbeing.models import SurveillanceCheck, SurveillanceEnrolment, SurveillanceProgramme
from joinedup.wellbeing.schedule import Status, status_on

MANAGE = "wellbeing.surveillance"
TEAM = "wellbeing.surveillance_team"
DUE_WITHIN_DAYS = 30  # "due": falls within the next 30 days, time to book the appointment


@dataclass(frozen=True)
class TeamStatus:
    """One person in one programme on a day, as a manager may see it."""

    enrolment_id: int
    partner_id: int
    employment_id: int
    name: str
    payroll_number: str
    programme: str
    kind: str
    status: Status
    next_due_on: date
    last_done_on: date | None


@dataclass(frozen=True)
class SurveillanceRow(TeamStatus):
    """As OH sees it: with the last check's outcome category ("" before any check)."""

    last_outcome: str


def _rows(
    enrolments: QuerySet[SurveillanceEnrolment], *, as_of: date, due_within_days: int
) -> list[SurveillanceRow]:
    found = list(
        enrolments.filter(enrolled_on__lte=as_of)
        .exclude(ended_on__lte=as_of)
        .select_related("programme", "employment__person")
    )
    latest: dict[int, SurveillanceCheck] = {}
    by_partner: dict[int, list[int]] = {}
    for enrolment in found:
        by_partner.setdefault(enrolment.partner_id, []).append(enrolment.pk)
    for partner_id, ids in by_partner.items():
        checks = (
            SurveillanceCheck.objects.for_partner(partner_id)
            .filter(enrolment_id__in=ids, done_on__lte=as_of)
            .order_by("enrolment_id", "done_on", "pk")
        )
        for check in checks:
            latest[check.enrolment_id] = check  # the last one per enrolment wins
    rows = []
    for enrolment in found:
        last = latest.get(enrolment.pk)
        due = last.next_due_on if last is not None else enrolment.first_due_on
        done = last.done_on if last is not None else None
        person = enrolment.employment.person
        rows.append(
            SurveillanceRow(
                enrolment_id=enrolment.pk,
                partner_id=enrolment.partner_id,
                employment_id=enrolment.employment_id,
                name=person.full_name,
                payroll_number=enrolment.employment.payroll_number,
                programme=enrolment.programme.name,
                kind=enrolment.programme.kind,
                status=status_on(as_of, next_due_on=due, last_done_on=done, due_within_days=due_within_days),
                next_due_on=due,
                last_done_on=done,
                last_outcome=last.outcome if last is not None else "",
            )
        )
    return sorted(rows, key=lambda r: (r.next_due_on, r.name, r.programme, r.enrolment_id))


def surveillance_list(
    user: Any,
    *,
    partner: Partner | int,
    as_of: date,
    status: str = "",
    programme_id: int | None = None,
    org_unit_id: int | None = None,
    due_within_days: int = DUE_WITHIN_DAYS,
) -> list[SurveillanceRow]:
    """Everyone enrolled at the partner on ``as_of``, soonest due first; only one ``status``
    (overdue, due, done, upcoming), one programme, or one team (the org unit HR records them in)."""
    authorise(user, MANAGE, partner)
    found = SurveillanceEnrolment.objects.for_partner(partner)
    if programme_id is not None:
        found = found.filter(programme_id=programme_id)
    if org_unit_id is not None:
        found = found.filter(employment__org_unit_id=org_unit_id)
    rows = _rows(found, as_of=as_of, due_within_days=due_within_days)
    return [r for r in rows if r.status == status] if status else rows


def team_surveillance(
    user: Any, *, as_of: date, status: str = "", due_within_days: int = DUE_WITHIN_DAYS
) -> list[TeamStatus]:
    """The manager's team on ``as_of`` (those whose terms name them as line manager), at partners
    where they hold ``wellbeing.surveillance_team``: status only (see the module's docstring).
    Empty for anyone who manages no one."""
    managed = partner_ids_with(user, TEAM)
    team = [e for e in team_of(user, on=as_of) if e.partner_id in managed] if managed else []
    if not team:
        return []
    found = SurveillanceEnrolment.objects.for_partners(sorted({e.partner_id for e in team})).filter(
        employment_id__in=[e.pk for e in team]
    )
    rows = _rows(found, as_of=as_of, due_within_days=due_within_days)
    return [
        TeamStatus(
            enrolment_id=r.enrolment_id,
            partner_id=r.partner_id,
            employment_id=r.employment_id,
            name=r.name,
            payroll_number=r.payroll_number,
            programme=r.programme,
            kind=r.kind,
            status=r.status,
            next_due_on=r.next_due_on,
            last_done_on=r.last_done_on,
        )
        for r in rows
        if not status or r.status == status
    ]


def surveillance_of_employment(
    user: Any, *, employment_id: int, as_of: date, due_within_days: int = DUE_WITHIN_DAYS
) -> list[SurveillanceRow]:
    """One person's programmes at one partner (for the OH case page), with outcome categories:
    OH of that partner only, 404 otherwise."""
    found = Employment.objects.for_partners(partner_ids_with(user, MANAGE)).filter(pk=employment_id).first()
    if found is None:
        raise Http404("No such employment.")
    enrolments = SurveillanceEnrolment.objects.for_partner(found.partner_id).filter(employment=found)
    return _rows(enrolments, as_of=as_of, due_within_days=due_within_days)


def own_surveillance(
    user: Any, *, as_of: date, due_within_days: int = DUE_WITHIN_DAYS
) -> list[SurveillanceRow]:
    """The signed-in person's own programmes, every employment, with the outcome categories: their
    own health record, which they are entitled to see (UK GDPR Art. 15; Noise 2005 reg 9(3)).
    No permission beyond being the person; empty for a user with no person record."""
    user_id = getattr(user, "pk", None)
    if user_id is None or not getattr(user, "is_authenticated", False):
        return []
    mine = list(
        Employment.objects.unscoped(reason="the user's own employments")
        .filter(person__user_id=user_id)
        .values_list("pk", "partner_id")
    )
    if not mine:
        return []
    enrolments = SurveillanceEnrolment.objects.for_partners(sorted({p for _, p in mine})).filter(
        employment_id__in=[pk for pk, _ in mine]
    )
    return _rows(enrolments, as_of=as_of, due_within_days=due_within_days)


def status_counts(rows: list[TeamStatus] | list[SurveillanceRow]) -> dict[str, int]:
    """How many rows in each status, every status named (0 where none)."""
    counts = {s.value: 0 for s in Status}
    for row in rows:
        counts[row.status.value] += 1
    return counts


@dataclass(frozen=True)
class CheckDone:
    """A check done, as OH lists them for a period."""

    check_id: int
    enrolment_id: int
    name: str
    payroll_number: str
    programme: str
    done_on: date
    outcome: str
    recorded_by: str
    next_due_on: date


def checks_done(
    user: Any, *, partner: Partner | int, since: date, until: date, programme_id: int | None = None
) -> list[CheckDone]:
    """The checks done at the partner from ``since`` to ``until`` (both included), oldest first."""
    authorise(user, MANAGE, partner)
    found = (
        SurveillanceCheck.objects.for_partner(partner)
        .filter(done_on__gte=since, done_on__lte=until)
        .select_related("enrolment__programme", "enrolment__employment__person")
        .order_by("done_on", "pk")
    )
    if programme_id is not None:
        found = found.filter(enrolment__programme_id=programme_id)
    return [
        CheckDone(
            check_id=c.pk,
            enrolment_id=c.enrolment_id,
            name=c.enrolment.employment.person.full_name,
            payroll_number=c.enrolment.employment.payroll_number,
            programme=c.enrolment.programme.name,
            done_on=c.done_on,
            outcome=c.outcome,
            recorded_by=c.recorded_by_label,
            next_due_on=c.next_due_on,
        )
        for c in found
    ]


@dataclass(frozen=True)
class TeamCheckDone:
    """A check done, as a manager may know of it: who, which programme, when, and when the next
    is due; no outcome field, as ``TeamStatus`` has none."""

    check_id: int
    partner_id: int
    name: str
    payroll_number: str
    programme: str
    done_on: date
    next_due_on: date


def team_checks_done(user: Any, *, since: date, until: date) -> list[TeamCheckDone]:
    """The checks done from ``since`` to ``until`` (both included) for the manager's team today,
    at partners where they hold ``wellbeing.surveillance_team``, oldest first; empty for a manager
    of no one. Status only: the outcome is never read."""
    managed = partner_ids_with(user, TEAM)
    team = [e for e in team_of(user) if e.partner_id in managed] if managed else []
    if not team:
        return []
    found = (
        SurveillanceCheck.objects.for_partners(sorted({e.partner_id for e in team}))
        .filter(enrolment__employment_id__in=[e.pk for e in team], done_on__gte=since, done_on__lte=until)
        .select_related("enrolment__programme", "enrolment__employment__person")
        .order_by("done_on", "pk")
    )
    return [
        TeamCheckDone(
            check_id=c.pk,
            partner_id=c.partner_id,
            name=c.enrolment.employment.person.full_name,
            payroll_number=c.enrolment.employment.payroll_number,
            programme=c.enrolment.programme.name,
            done_on=c.done_on,
            next_due_on=c.next_due_on,
        )
        for c in found
    ]


def programmes_for(
    user: Any, *, partner: Partner | int, active_only: bool = False
) -> QuerySet[SurveillanceProgramme]:
    authorise(user, MANAGE, partner)
    found = SurveillanceProgramme.objects.for_partner(partner)
    if active_only:
        found = found.filter(active=True)
    return found.order_by("name", "code")


def programme_for(user: Any, *, programme_id: int) -> SurveillanceProgramme:
    """The programme, if it belongs to a partner the user serves in OH; 404 otherwise."""
    found = (
        SurveillanceProgramme.objects.for_partners(partner_ids_with(user, MANAGE))
        .select_related("partner")
        .filter(pk=programme_id)
        .first()
    )
    if found is None:
        raise Http404("No such programme.")
    return found


def enrolment_for(user: Any, *, enrolment_id: int) -> SurveillanceEnrolment:
    found = (
        SurveillanceEnrolment.objects.for_partners(partner_ids_with(user, MANAGE))
        .select_related("partner", "programme", "employment__person")
        .filter(pk=enrolment_id)
        .first()
    )
    if found is None:
        raise Http404("No such enrolment.")
    return found


def checks_of(user: Any, *, enrolment_id: int) -> list[SurveillanceCheck]:
    """Every check of the enrolment, oldest first, with its outcome category (OH only)."""
    enrolment = enrolment_for(user, enrolment_id=enrolment_id)
    return list(
        SurveillanceCheck.objects.for_partner(enrolment.partner_id)
        .filter(enrolment=enrolment)
        .order_by("done_on", "pk")
    )


def employments_with_job_title(
    user: Any, *, partner: Partner | int, job_title: str, on: date
) -> list[Employment]:
    """The partner's employments in force on ``on`` whose job title is ``job_title`` (any case):
    whom to enrol at once (all the firefighters)."""
    authorise(user, MANAGE, partner)
    title = job_title.strip()
    if not title:
        return []
    found = (
        Employment.objects.for_partner(partner)
        .filter(job_title__iexact=title, start_date__lte=on)
        .exclude(end_date__lt=on)
        .select_related("person")
        .order_by("payroll_number")
    )
    return list(found)
