"""The outcome report: written by the clinician, issued, and released to the referrer.

The release rules (wellbeing/rules/report_release.toml, after the Access to Medical Reports Act
1988's spirit; the file says why no statutory figure applies):

- the employee did **not** ask to see it first: it is released to the referrer when issued;
- the employee **did** ask: it goes to them first (``with_employee``), and
  - they agree (``report_respond(... response="agreed")``): released at once;
  - they ask for a correction: back to the clinician's draft, and the window starts again when it
    is issued anew;
  - they withhold consent: never released;
  - they do not answer: ``release_due_reports(as_of=...)`` releases it on ``release_due``, the
    issue date plus the window's days (the days begin with the day of issue).

The report's adjustments are what the referrer reads, so they are not clinical; they are still
kept out of the audit trail, which records the outcome's status and dates only.
"""

from __future__ import annotations

import tomllib
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import is_system
from joinedup.core.dates import people_date
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.wellbeing.cases import move, refuse_own_case
from joinedup.wellbeing.models import (
    Case,
    CaseStatus,
    EmployeeResponse,
    Outcome,
    OutcomeReport,
    ReleaseReason,
    ReportStatus,
)

RULES = Path(__file__).parent / "rules" / "report_release.toml"


@dataclass(frozen=True)
class Window:
    effective_from: date
    days: int
    statutory: bool
    source: str


@cache
def windows() -> tuple[Window, ...]:
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    found = [
        Window(
            effective_from=entry["effective_from"],
            days=int(entry["days"]),
            statutory=bool(entry["statutory"]),
            source=str(entry["source"]),
        )
        for entry in data["see_first_window"]
    ]
    return tuple(sorted(found, key=lambda w: w.effective_from))


def window_on(day: date) -> Window:
    """The see-first window in force on ``day`` (the day a report is issued to the employee)."""
    applying = [w for w in windows() if w.effective_from <= day]
    if not applying:
        raise ValueError(f"No report-release window is in force on {people_date(day)}.")
    return applying[-1]


def _audit(actor: Any, report: OutcomeReport, action: str, **after: Any) -> None:
    record_event(
        actor=actor,
        partner=report.partner_id,
        action=f"wellbeing.report_{action}",
        target=report,
        after={"case": report.case_id, "status": report.status, **after},
    )


def _locked(report: OutcomeReport) -> OutcomeReport:
    found: OutcomeReport = (
        OutcomeReport.objects.for_partner(report.partner_id).select_for_update().get(pk=report.pk)
    )
    return found


@transaction.atomic
def report_write(
    *,
    actor: Any,
    case: Case,
    outcome: str,
    adjustments: str = "",
    expected_return: date | None = None,
    review_date: date | None = None,
) -> OutcomeReport:
    """Write (or rewrite, while it is a draft) the case's outcome report, after the assessment."""
    authorise(actor, "wellbeing.clinical", case.partner_id)
    if is_system(actor):
        raise ValidationError({"outcome": "An outcome report is written by a clinician."})
    refuse_own_case(actor, case)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": f"Choose an outcome: {', '.join(Outcome.values)}."})
    adjustments = adjustments.strip()
    if outcome == Outcome.FIT_WITH_ADJUSTMENTS and not adjustments:
        raise ValidationError({"adjustments": "Say which adjustments would make them fit for work."})
    case = Case.objects.for_partner(case.partner_id).select_for_update().get(pk=case.pk)
    report = OutcomeReport.objects.for_partner(case.partner_id).select_for_update().filter(case=case).first()
    if report is not None and report.status != ReportStatus.DRAFT:
        raise ValidationError(
            {"outcome": "This report has been issued: it is changed only when the employee asks."}
        )
    if case.status not in (CaseStatus.ASSESSED, CaseStatus.REPORT_WRITTEN):
        raise ValidationError(
            {"outcome": "The outcome report is written once the employee has been assessed."}
        )
    if report is None:
        report = OutcomeReport(case=case, partner_id=case.partner_id)
    report.clinician = actor
    report.outcome, report.adjustments = outcome, adjustments
    report.expected_return, report.review_date = expected_return, review_date
    report.written_at = timezone.now()
    report.save()
    _audit(actor, report, "written", outcome=outcome)
    return report


def _release(report: OutcomeReport, reason: str) -> None:
    report.status, report.released_at, report.release_reason = ReportStatus.RELEASED, timezone.now(), reason
    case = Case.objects.for_partner(report.partner_id).select_for_update().get(pk=report.case_id)
    if case.status != CaseStatus.REPORT_RELEASED:
        move(case, CaseStatus.REPORT_RELEASED)
        case.save(update_fields=["status"])


@transaction.atomic
def report_issue(*, actor: Any, report: OutcomeReport) -> OutcomeReport:
    """Issue the draft: to the employee first when they asked to see it (release due after the
    window), else to the referrer at once."""
    authorise(actor, "wellbeing.clinical", report.partner_id)
    report = _locked(report)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": "Only a draft report is issued."})
    case = (
        Case.objects.for_partner(report.partner_id)
        .select_for_update()
        .select_related("referral")
        .get(pk=report.case_id)
    )
    refuse_own_case(actor, case)
    if case.status == CaseStatus.ASSESSED:
        move(case, CaseStatus.REPORT_WRITTEN)
        case.save(update_fields=["status"])
    now = timezone.now()
    report.issued_at = now
    report.employee_response, report.responded_at = "", None
    if case.referral.see_report_first:
        issued_on = timezone.localdate(now)
        report.status = ReportStatus.WITH_EMPLOYEE
        report.release_due = issued_on + timedelta(days=window_on(issued_on).days)
    else:
        report.release_due = None
        _release(report, ReleaseReason.ON_ISSUE)
    report.save()
    _audit(actor, report, "issued", release_due=report.release_due, reason=report.release_reason)
    return report


@transaction.atomic
def report_respond(*, actor: Any, report: OutcomeReport, response: str) -> OutcomeReport:
    """The employee's answer to a report they asked to see first: agree to its release, ask for a
    correction, or withhold it. Only while it waits for them."""
    report = _locked(report)
    case = (
        Case.objects.for_partner(report.partner_id)
        .select_related("employment__person")
        .get(pk=report.case_id)
    )
    if is_system(actor) or case.employment.person.user_id != actor.pk:
        raise PermissionDenied("Only the employee the report is about may answer it.")
    if response not in EmployeeResponse.values:
        raise ValidationError({"response": f"Choose an answer: {', '.join(EmployeeResponse.values)}."})
    if report.status != ReportStatus.WITH_EMPLOYEE:
        raise ValidationError({"response": "This report is not waiting for your answer."})
    report.employee_response, report.responded_at = response, timezone.now()
    if response == EmployeeResponse.AGREED:
        _release(report, ReleaseReason.CONSENT)
    elif response == EmployeeResponse.CORRECTION:
        report.status, report.release_due = ReportStatus.DRAFT, None
    else:
        report.status, report.release_due = ReportStatus.WITHHELD, None
    report.save()
    _audit(actor, report, "answered", response=response)
    return report


@transaction.atomic
def release_due_reports(*, actor: Any, as_of: date) -> list[OutcomeReport]:
    """Release every report that waited for its employee's answer until ``release_due`` on or
    before ``as_of``, for the partners the actor manages cases on (every partner for the system,
    as the daily job runs it). Idempotent: a released report is not waiting any more."""
    partners = partner_ids_with(actor, "wellbeing.manage_cases")
    if not partners:
        raise PermissionDenied("Releasing reports is for occupational health's administrators.")
    released: list[OutcomeReport] = []
    with rls.system_context("release the outcome reports due") if is_system(actor) else nullcontext():
        due = (
            OutcomeReport.objects.for_partners(partners)
            .select_for_update()
            .filter(status=ReportStatus.WITH_EMPLOYEE, release_due__lte=as_of)
            .order_by("partner_id", "pk")
        )
        for report in due:
            _release(report, ReleaseReason.NO_RESPONSE)
            report.save(update_fields=["status", "released_at", "release_reason"])
            _audit(actor, report, "released", reason=ReleaseReason.NO_RESPONSE, as_of=as_of)
            released.append(report)
    return released
