"""Writes to health surveillance (issue 16): programmes, enrolments and checks. One atomic function
per change, keyword-only, the actor explicit, ``wellbeing.surveillance`` (OH clinicians and
administrators) on the programme's partner, one audit event. Reads are in
``surveillance_selectors``.

The audit trail of a check records its date and next due date, never its outcome category: the
trail is read by service administrators and the DPO, who see no health information, and "not
fit" or "referred to a clinician" is health information about a named person (UK GDPR Art. 9).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import actor_label, is_system
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.permissions import authorise, roles_on
from joinedup.people.models import Employment
from joinedup.wellbeing.models import (
    CheckOutcome,
    RecordedAs,
    SurveillanceCheck,
    SurveillanceEnrolment,
    SurveillanceKind,
    SurveillanceProgramme,
)
from joinedup.wellbeing.schedule import next_due, next_due_by_age
from joinedup.wellbeing.surveillance_rules import Basis, basis_keys, basis_on

PERMISSION = "wellbeing.surveillance"
CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,29}")
LONGEST_INTERVAL = 120  # ten years: anything longer is a typing error, not a programme


def _day(value: date) -> str:
    return people_date(value)


# --- programmes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeDetails:
    """A programme as entered. ``interval_months`` None: the interval its basis sets (an error
    where the basis sets none)."""

    code: str
    name: str
    kind: str
    basis: str
    interval_months: int | None = None
    initial_interval_months: int | None = None
    initial_checks: int = 0


@dataclass(frozen=True)
class CleanProgramme:
    code: str
    name: str
    kind: str
    basis: str
    interval_months: int
    initial_interval_months: int | None
    initial_checks: int
    by_age: bool


def _check_interval(value: int | None, field: str, errors: dict[str, str]) -> None:
    if value is not None and not 1 <= value <= LONGEST_INTERVAL:
        errors[field] = f"Enter an interval from 1 to {LONGEST_INTERVAL} months."


def clean_programme(details: ProgrammeDetails, *, on: date) -> CleanProgramme:
    """The programme as it will be stored, with its basis's interval where none is entered; or
    ValidationError naming each field that is wrong."""
    errors: dict[str, str] = {}
    code = details.code.strip().upper()
    if not CODE.fullmatch(code):
        errors["code"] = "Enter a code of up to 30 letters, digits and hyphens, like FIRE-FIT."
    name = details.name.strip()
    if not name:
        errors["name"] = "Enter the programme's name."
    if details.kind not in SurveillanceKind.values:
        errors["kind"] = "Choose the kind of surveillance from the list."
    basis: Basis | None = None
    if details.basis not in basis_keys():
        errors["basis"] = "Choose the programme's basis from the list."
    else:
        basis = basis_on(details.basis, on)
    _check_interval(details.interval_months, "interval_months", errors)
    _check_interval(details.initial_interval_months, "initial_interval_months", errors)
    if (details.initial_interval_months is None) != (details.initial_checks == 0):
        errors["initial_checks"] = (
            "Give both a shorter first interval and how many checks it follows, or neither."
        )
    elif details.initial_checks < 0:
        errors["initial_checks"] = "Enter how many checks the shorter interval follows."
    interval = details.interval_months
    initial, first_checks = details.initial_interval_months, details.initial_checks
    by_age = basis is not None and bool(basis.age_bands)
    if interval is None and basis is not None and not errors:
        if basis.interval_months is not None:
            interval = basis.interval_months
            initial, first_checks = basis.initial_interval_months, basis.initial_checks
        elif by_age:
            # Not used while the programme follows the age bands; kept for the lists' sake.
            interval = max(b.interval_months or 0 for b in basis.age_bands)
        else:
            errors["interval_months"] = (
                f"{basis.law} sets no interval: enter the interval in months the partner has set."
            )
    if errors or interval is None:
        raise ValidationError(errors or {"interval_months": "Enter the interval in months."})
    return CleanProgramme(code, name, details.kind, details.basis, interval, initial, first_checks, by_age)


@transaction.atomic
def programme_create(*, actor: Any, partner: Partner, details: ProgrammeDetails) -> SurveillanceProgramme:
    """A health-surveillance programme of the partner's."""
    authorise(actor, PERMISSION, partner)
    clean = clean_programme(details, on=timezone.localdate())
    if SurveillanceProgramme.objects.for_partner(partner).filter(code=clean.code).exists():
        raise ValidationError({"code": f"{partner.code} already has a programme {clean.code}."})
    programme = SurveillanceProgramme.objects.create(
        partner=partner,
        code=clean.code,
        name=clean.name,
        kind=clean.kind,
        basis=clean.basis,
        interval_months=clean.interval_months,
        initial_interval_months=clean.initial_interval_months,
        initial_checks=clean.initial_checks,
        by_age=clean.by_age,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="wellbeing.surveillance_programme_created",
        target=programme,
        after={
            "code": programme.code,
            "name": programme.name,
            "kind": programme.kind,
            "basis": programme.basis,
            "interval_months": programme.interval_months,
            "initial_interval_months": programme.initial_interval_months,
            "initial_checks": programme.initial_checks,
            "by_age": programme.by_age,
        },
    )
    return programme


@transaction.atomic
def programme_change(
    *, actor: Any, programme: SurveillanceProgramme, name: str, interval_months: int, active: bool
) -> SurveillanceProgramme:
    """Rename, re-time or close a programme. A new interval applies from the next check recorded:
    due dates already worked out stay, as people have been told them."""
    authorise(actor, PERMISSION, programme.partner_id)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the programme's name."
    _check_interval(interval_months, "interval_months", errors)
    if errors:
        raise ValidationError(errors)
    locked = (
        SurveillanceProgramme.objects.for_partner(programme.partner_id)
        .select_for_update()
        .get(pk=programme.pk)
    )
    before = {"name": locked.name, "interval_months": locked.interval_months, "active": locked.active}
    locked.name, locked.interval_months, locked.active = name.strip(), interval_months, active
    locked.save(update_fields=["name", "interval_months", "active"])
    after = {"name": locked.name, "interval_months": locked.interval_months, "active": locked.active}
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="wellbeing.surveillance_programme_changed",
        target=locked,
        before=before,
        after=after,
    )
    return locked


# --- enrolments ---------------------------------------------------------------------------------


def _enrol(
    programme: SurveillanceProgramme, employment: Employment, enrolled_on: date, first_due_on: date
) -> SurveillanceEnrolment:
    name = employment.person.full_name
    if employment.partner_id != programme.partner_id:
        raise ValidationError(
            {"employment": f"{employment.payroll_number} is not employed by this programme's partner."}
        )
    if not employment.is_active_on(enrolled_on):
        raise ValidationError({"employment": f"{name} is not employed on {_day(enrolled_on)}."})
    if first_due_on < enrolled_on:
        raise ValidationError({"first_due_on": "The first check cannot be due before the enrolment starts."})
    open_already = SurveillanceEnrolment.objects.for_partner(programme.partner_id).filter(
        programme=programme, employment=employment, ended_on__isnull=True
    )
    if open_already.exists():
        raise ValidationError({"employment": f"{name} is already enrolled in {programme.name}."})
    return SurveillanceEnrolment.objects.create(
        partner_id=programme.partner_id,
        programme=programme,
        employment=employment,
        enrolled_on=enrolled_on,
        first_due_on=first_due_on,
        next_due_on=first_due_on,
    )


def _open_programme(programme: SurveillanceProgramme) -> None:
    if not programme.active:
        raise ValidationError({"programme": f"{programme.name} is closed to new enrolments."})


@transaction.atomic
def enrol(
    *,
    actor: Any,
    programme: SurveillanceProgramme,
    employment: Employment,
    first_due_on: date,
    enrolled_on: date | None = None,
) -> SurveillanceEnrolment:
    """Put an employment of the programme's partner in it, its first check due ``first_due_on``
    (a baseline before exposure: the day it starts)."""
    authorise(actor, PERMISSION, programme.partner_id)
    _open_programme(programme)
    enrolment = _enrol(programme, employment, enrolled_on or timezone.localdate(), first_due_on)
    record_event(
        actor=actor,
        partner=programme.partner_id,
        action="wellbeing.surveillance_enrolled",
        target=enrolment,
        after={
            "programme": programme.code,
            "employment": employment.payroll_number,
            "enrolled_on": enrolment.enrolled_on,
            "first_due_on": enrolment.first_due_on,
        },
    )
    return enrolment


@transaction.atomic
def enrol_many(
    *,
    actor: Any,
    programme: SurveillanceProgramme,
    employments: Sequence[Employment],
    first_due_on: date,
    enrolled_on: date | None = None,
) -> list[SurveillanceEnrolment]:
    """Enrol every one of ``employments`` (the people with a job title, say), or none: the first
    that cannot be enrolled stops them all, with its reason."""
    authorise(actor, PERMISSION, programme.partner_id)
    _open_programme(programme)
    day = enrolled_on or timezone.localdate()
    made = [_enrol(programme, employment, day, first_due_on) for employment in employments]
    record_event(
        actor=actor,
        partner=programme.partner_id,
        action="wellbeing.surveillance_enrolled_many",
        target=programme,
        after={
            "employments": [e.payroll_number for e in employments],
            "enrolled_on": day,
            "first_due_on": first_due_on,
        },
    )
    return made


def _locked(enrolment: SurveillanceEnrolment) -> SurveillanceEnrolment:
    """The enrolment as it is now, locked until the change commits: two checks recorded at once
    take turns, and the second counts the first."""
    return (
        SurveillanceEnrolment.objects.for_partner(enrolment.partner_id)
        .select_for_update()
        .select_related("programme")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def enrolment_end(
    *, actor: Any, enrolment: SurveillanceEnrolment, ended_on: date, reason: str
) -> SurveillanceEnrolment:
    """Take someone out of a programme (no longer exposed, moved role, left). Their checks stay."""
    authorise(actor, PERMISSION, enrolment.partner_id)
    locked = _locked(enrolment)
    if locked.ended_on is not None:
        raise ValidationError({"ended_on": f"This enrolment already ended on {_day(locked.ended_on)}."})
    if ended_on < locked.enrolled_on:
        raise ValidationError({"ended_on": "An enrolment cannot end before it started."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the enrolment ends."})
    locked.ended_on, locked.ended_reason = ended_on, reason.strip()[:200]
    locked.save(update_fields=["ended_on", "ended_reason"])
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="wellbeing.surveillance_enrolment_ended",
        target=locked,
        before={"ended_on": None},
        after={"ended_on": ended_on, "reason": locked.ended_reason},
    )
    return locked


# --- checks -------------------------------------------------------------------------------------


def _recorded_as(actor: Any, partner_id: int) -> str:
    if is_system(actor):
        return RecordedAs.SYSTEM
    return RecordedAs.CLINICIAN if Role.OH_CLINICIAN in roles_on(actor, partner_id) else RecordedAs.ADMIN


def due_after(enrolment: SurveillanceEnrolment, done_on: date, checks_done: int) -> date:
    """The next check's due date after one done on ``done_on``, the ``checks_done``-th."""
    programme = enrolment.programme
    if programme.by_age:
        bands = basis_on(programme.basis, done_on).age_bands
        return next_due_by_age(done_on, born_on=enrolment.employment.person.date_of_birth, bands=bands)
    return next_due(
        done_on,
        interval_months=programme.interval_months,
        checks_done=checks_done,
        initial_interval_months=programme.initial_interval_months,
        initial_checks=programme.initial_checks,
    )


@transaction.atomic
def check_record(
    *, actor: Any, enrolment: SurveillanceEnrolment, done_on: date, outcome: str
) -> SurveillanceCheck:
    """A check done: its date, its outcome category (results go in the case's clinical notes), and
    the next one's due date from the programme's interval."""
    authorise(actor, PERMISSION, enrolment.partner_id)
    locked = _locked(enrolment)
    errors: dict[str, str] = {}
    if outcome not in CheckOutcome.values:
        errors["outcome"] = "Choose the outcome from the list."
    if done_on > timezone.localdate():
        errors["done_on"] = "A check cannot be recorded before it is done."
    elif done_on < locked.enrolled_on:
        errors["done_on"] = (
            f"A check cannot be dated before the enrolment started on {_day(locked.enrolled_on)}."
        )
    elif locked.ended_on is not None and done_on > locked.ended_on:
        errors["done_on"] = f"The enrolment ended on {_day(locked.ended_on)}."
    checks = SurveillanceCheck.objects.for_partner(locked.partner_id).filter(enrolment=locked)
    last = checks.order_by("-done_on", "-pk").first()
    if last is not None and "done_on" not in errors and done_on <= last.done_on:
        errors["done_on"] = f"The last check was on {_day(last.done_on)}: a new one is recorded after it."
    if errors:
        raise ValidationError(errors)
    before = locked.next_due_on
    due = due_after(locked, done_on, checks.count() + 1)
    check = SurveillanceCheck.objects.create(
        partner_id=locked.partner_id,
        enrolment=locked,
        done_on=done_on,
        outcome=outcome,
        next_due_on=due,
        recorded_by=None if is_system(actor) else actor,
        recorded_by_label=actor_label(actor),
        recorded_as=_recorded_as(actor, locked.partner_id),
    )
    locked.next_due_on = due
    locked.save(update_fields=["next_due_on"])
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="wellbeing.surveillance_check_recorded",
        target=locked,
        # No outcome: see the module's docstring.
        before={"next_due_on": before},
        after={"check": check.pk, "done_on": done_on, "next_due_on": due},
    )
    return check
