"""Absence: leave an employee requests and their line manager (or HR) decides, and sickness that
is recorded. Health details stay out of the audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import user_of
from joinedup.partnership.permissions import authorise
from joinedup.people.models import Absence, AbsenceKind, AbsenceStatus, Employment
from joinedup.people.rules import working_days_between
from joinedup.people.selectors import leave_balance
from joinedup.people.services.employments import terms_on
from joinedup.people.services.errors import Errors


def _days(value: Decimal) -> str:
    """12.5 → "12.5", 25.0 → "25": days as people write them."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def _is_self(actor: Any, employment: Employment) -> bool:
    user_id = employment.person.user_id
    return user_id is not None and user_id == getattr(actor, "pk", None)


def _manages(actor: Any, employment: Employment, on: date) -> bool:
    current = terms_on(employment, on)
    return bool(
        current is not None
        and current.line_manager is not None
        and current.line_manager.person.user_id is not None
        and current.line_manager.person.user_id == getattr(actor, "pk", None)
    )


@transaction.atomic
def absence_request(
    *, actor: Any, employment: Employment, kind: str, start_date: date, end_date: date, notes: str = ""
) -> Absence:
    """An employee asks for leave (or HR enters a request for them)."""
    if not _is_self(actor, employment):
        authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if kind not in AbsenceKind.values or kind == AbsenceKind.SICKNESS:
        errors.add("kind", "Choose a kind of leave; sickness is recorded, not requested.")
    if end_date < start_date:
        errors.add("end_date", "The leave ends before it starts.")
    elif not employment.is_active_on(start_date) or not employment.is_active_on(end_date):
        errors.add("start_date", "The dates fall outside the employment.")
    errors.raise_if_any()
    days = working_days_between(start_date, end_date)
    if days == 0:
        errors.add("end_date", "These dates cover no working days.")
    clash = Absence.objects.for_partner(employment.partner_id).filter(
        employment=employment,
        start_date__lte=end_date,
        end_date__gte=start_date,
        status__in=[AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED, AbsenceStatus.RECORDED],
    )
    if clash.exists():
        errors.add("start_date", "There is already an absence on some of these dates.")
    if kind == AbsenceKind.ANNUAL_LEAVE and not errors.fields:
        balance = leave_balance(employment, on=start_date)
        if days > balance.remaining:
            errors.add(
                "end_date",
                f"This needs {_days(days)} days; {_days(balance.remaining)} remain this leave year.",
            )
    errors.raise_if_any()
    absence = Absence.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        working_days=days,
        status=AbsenceStatus.REQUESTED,
        notes=notes.strip(),
    )
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="absence.requested",
        target=absence,
        after={"kind": kind, "start_date": start_date, "end_date": end_date, "working_days": days},
    )
    return absence


@transaction.atomic
def absence_request_own(
    *,
    actor: Any,
    employment_id: int | str | None,
    kind: str,
    start_date: date,
    end_date: date,
    notes: str = "",
) -> Absence:
    """An employee asks for leave from one of their own current employments: the one they
    chose (``employment_id``), or their only one when they chose none. An employment that is
    not theirs, or has ended, is refused — never swapped for another."""
    person = getattr(actor, "person", None) if actor is not None else None
    current = (
        list(
            Employment.objects.unscoped(reason="a person requests leave from their own employments")
            .filter(person=person, end_date__isnull=True)
            .select_related("person", "partner")
            .order_by("pk")
        )
        if person is not None
        else []
    )
    if not current:
        raise ValidationError({"employment": "You have no current employment to request leave from."})
    if employment_id in (None, ""):
        if len(current) > 1:
            raise ValidationError({"employment": "Choose which of your employments the leave is from."})
        chosen: Employment | None = current[0]
    else:
        chosen = next((e for e in current if str(e.pk) == str(employment_id)), None)
    if chosen is None:
        raise ValidationError({"employment": "Choose one of your current employments for the leave."})
    return absence_request(
        actor=actor, employment=chosen, kind=kind, start_date=start_date, end_date=end_date, notes=notes
    )


@transaction.atomic
def absence_decide(*, actor: Any, absence: Absence, approve: bool, note: str = "") -> Absence:
    """The line manager (or an HR officer of the partner) approves or rejects a request;
    nobody decides their own."""
    employment = absence.employment
    if _is_self(actor, employment):
        raise PermissionDenied("You cannot decide your own leave request.")
    if not _manages(actor, employment, absence.start_date):
        authorise(actor, "people.change", absence.partner_id)
    if absence.status != AbsenceStatus.REQUESTED:
        raise ValidationError({"status": f"This request is already {absence.get_status_display().lower()}."})
    absence.status = AbsenceStatus.APPROVED if approve else AbsenceStatus.REJECTED
    absence.decided_by = user_of(actor)
    absence.decided_at = timezone.now()
    if note.strip():
        absence.notes = f"{absence.notes}\n{note.strip()}".strip()
    absence.save(update_fields=["status", "decided_by", "decided_at", "notes"])
    record_event(
        actor=actor,
        partner=absence.partner_id,
        action=f"absence.{absence.status}",
        target=absence,
        before={"status": AbsenceStatus.REQUESTED},
        after={"status": absence.status, "note": note.strip()},
    )
    return absence


@transaction.atomic
def sickness_record(
    *,
    actor: Any,
    employment: Employment,
    start_date: date,
    end_date: date,
    notes: str = "",
    fit_note_from: date | None = None,
    fit_note_to: date | None = None,
) -> Absence:
    if not _manages(actor, employment, start_date):
        authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if end_date < start_date:
        errors.add("end_date", "The absence ends before it starts.")
    if (fit_note_from is None) != (fit_note_to is None):
        errors.add("fit_note_to", "Give both dates of the fit note.")
    elif fit_note_from and fit_note_to and fit_note_to < fit_note_from:
        errors.add("fit_note_to", "The fit note ends before it starts.")
    errors.raise_if_any()
    absence = Absence.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        kind=AbsenceKind.SICKNESS,
        start_date=start_date,
        end_date=end_date,
        working_days=working_days_between(start_date, end_date),
        status=AbsenceStatus.RECORDED,
        notes=notes.strip(),
        fit_note_from=fit_note_from,
        fit_note_to=fit_note_to,
    )
    # The notes may hold health details: special-category data stays out of the audit trail.
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="absence.sickness_recorded",
        target=absence,
        after={"start_date": start_date, "end_date": end_date, "fit_note": fit_note_from is not None},
    )
    return absence


@transaction.atomic
def absence_cancel_own(*, actor: Any, absence: Absence) -> Absence:
    """An employee withdraws their own leave request while it still waits for a decision."""
    if not _is_self(actor, absence.employment):
        raise PermissionDenied("You can only cancel your own leave requests.")
    if absence.status != AbsenceStatus.REQUESTED:
        raise ValidationError(
            {
                "status": f"Only a request waiting for a decision can be cancelled; this one is "
                f"{absence.get_status_display().lower()}."
            }
        )
    absence.status = AbsenceStatus.CANCELLED
    absence.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=absence.partner_id,
        action="absence.cancelled",
        target=absence,
        before={"status": AbsenceStatus.REQUESTED},
        after={"status": AbsenceStatus.CANCELLED},
    )
    return absence
