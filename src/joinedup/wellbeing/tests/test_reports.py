"""The outcome report and its release rules by date (wellbeing/rules/report_release.toml)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.core.actors import SystemActor
from joinedup.wellbeing import reports, selectors
from joinedup.wellbeing.models import OutcomeReport
from joinedup.wellbeing.tests.casebase import ADJUSTMENTS, CaseTestCase

DAILY = SystemActor(reason="release the outcome reports due")


@contextmanager
def on(day: date) -> Iterator[None]:
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    ):
        yield


def fresh(report: OutcomeReport) -> OutcomeReport:
    return OutcomeReport.objects.for_partner(report.partner_id).get(pk=report.pk)


class TestTheRuleFile(CaseTestCase):
    def test_the_window_is_21_days_and_says_it_is_not_statutory_for_oh_reports(self) -> None:
        window = reports.window_on(date(2026, 3, 1))
        assert (window.days, window.statutory, window.effective_from) == (21, False, date(1989, 1, 1))
        assert window.source.startswith(
            "No statutory figure applies to a report by an occupational-health clinician"
        )
        assert "Access to Medical Reports Act 1988, s.4(3)(b)" in window.source
        assert (
            "Faculty of Occupational Medicine's Ethics Guidance for Occupational Health Practice"
            in window.source
        )

    def test_nothing_applies_before_the_act_came_into_force(self) -> None:
        with pytest.raises(ValueError, match=r"^No report-release window is in force on 31 December 1988\.$"):
            reports.window_on(date(1988, 12, 31))


class TestWriting(CaseTestCase):
    def test_the_clinician_writes_the_report_after_the_assessment(self) -> None:
        report = self.written()
        assert (report.outcome, report.adjustments, report.status, report.clinician) == (
            "fit_with_adjustments",
            ADJUSTMENTS,
            "draft",
            self.oh_clinician,
        )
        assert (report.expected_return, report.review_date) == (date(2026, 3, 16), date(2026, 6, 1))

    def test_fit_with_adjustments_needs_the_adjustments(self) -> None:
        with pytest.raises(ValidationError) as caught:
            reports.report_write(
                actor=self.oh_clinician, case=self.assessed(), outcome="fit_with_adjustments"
            )
        assert caught.value.message_dict == {
            "adjustments": ["Say which adjustments would make them fit for work."]
        }

    def test_no_report_before_the_assessment(self) -> None:
        with pytest.raises(ValidationError) as caught:
            reports.report_write(actor=self.oh_clinician, case=self.opened(), outcome="fit")
        assert caught.value.message_dict == {
            "outcome": ["The outcome report is written once the employee has been assessed."]
        }

    def test_only_a_clinician_of_the_partner_writes_it(self) -> None:
        case = self.assessed()
        for user in (self.oh_admin, self.police_clinician, self.manager, self.council_hr, self.ada):
            with pytest.raises(PermissionDenied):
                reports.report_write(actor=user, case=case, outcome="fit")
        assert OutcomeReport.objects.for_partner(self.council).count() == 0

    def test_an_issued_report_is_not_rewritten(self) -> None:
        report = reports.report_issue(actor=self.oh_clinician, report=self.written())
        with pytest.raises(ValidationError) as caught:
            reports.report_write(actor=self.oh_clinician, case=report.case, outcome="fit")
        assert caught.value.message_dict == {
            "outcome": ["This report has been issued: it is changed only when the employee asks."]
        }


class TestRelease(CaseTestCase):
    def test_without_see_first_it_is_released_to_the_referrer_on_issue(self) -> None:
        report = self.written(see_first=False)
        report = reports.report_issue(actor=self.oh_clinician, report=report)
        assert (report.status, report.release_reason, report.release_due) == ("released", "on_issue", None)
        assert self.fresh(report.case).status == "report_released"
        assert selectors.referral_outcome(self.manager, referral_id=report.case.referral_id) == report

    def test_with_see_first_it_waits_21_days_beginning_with_the_day_of_issue(self) -> None:
        # Access to Medical Reports Act 1988 s.4(3)(b), by analogy: 21 days beginning with the
        # day of issue end on 21 March; it goes on the 22nd.
        with on(date(2026, 3, 1)):
            report = reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=True))
        assert (report.status, report.release_due) == ("with_employee", date(2026, 3, 22))
        assert self.fresh(report.case).status == "report_written"
        assert selectors.referral_outcome(self.manager, referral_id=report.case.referral_id) is None
        assert reports.release_due_reports(actor=DAILY, as_of=date(2026, 3, 21)) == []
        assert fresh(report).status == "with_employee"
        assert reports.release_due_reports(actor=DAILY, as_of=date(2026, 3, 22)) == [report]
        released = fresh(report)
        assert (released.status, released.release_reason, released.employee_response) == (
            "released",
            "no_response",
            "",
        )
        assert self.fresh(report.case).status == "report_released"
        # Idempotent: run again, nothing more happens.
        assert reports.release_due_reports(actor=DAILY, as_of=date(2026, 3, 23)) == []
        assert self.audit_actions(self.council).count("wellbeing.report_released") == 1

    def test_the_employee_agreeing_releases_it_at_once(self) -> None:
        report = reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=True))
        assert selectors.my_report(self.ada, case_id=report.case_id) == report
        report = reports.report_respond(actor=self.ada, report=report, response="agreed")
        assert (report.status, report.release_reason, report.employee_response) == (
            "released",
            "consent",
            "agreed",
        )
        assert selectors.referral_outcome(self.manager, referral_id=report.case.referral_id) == report

    def test_a_correction_sends_it_back_and_the_window_starts_again_on_reissue(self) -> None:
        with on(date(2026, 3, 1)):
            report = reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=True))
        with on(date(2026, 3, 10)):
            report = reports.report_respond(actor=self.ada, report=report, response="correction")
        assert (report.status, report.release_due, report.employee_response) == ("draft", None, "correction")
        assert reports.release_due_reports(actor=DAILY, as_of=date(2026, 3, 22)) == []
        reports.report_write(
            actor=self.oh_clinician,
            case=report.case,
            outcome="fit_with_adjustments",
            adjustments="Phased return over six weeks.",
        )
        with on(date(2026, 3, 12)):
            report = reports.report_issue(actor=self.oh_clinician, report=report)
        assert (report.status, report.release_due) == ("with_employee", date(2026, 4, 2))
        assert reports.release_due_reports(actor=DAILY, as_of=date(2026, 4, 1)) == []
        assert reports.release_due_reports(actor=DAILY, as_of=date(2026, 4, 2)) == [report]

    def test_a_withheld_report_is_never_released(self) -> None:
        with on(date(2026, 3, 1)):
            report = reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=True))
        report = reports.report_respond(actor=self.ada, report=report, response="withheld")
        assert reports.release_due_reports(actor=DAILY, as_of=date(2026, 12, 31)) == []
        assert (fresh(report).status, fresh(report).released_at) == ("withheld", None)
        assert selectors.referral_outcome(self.manager, referral_id=report.case.referral_id) is None

    def test_an_answer_after_release_is_refused(self) -> None:
        with on(date(2026, 3, 1)):
            report = reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=True))
        reports.release_due_reports(actor=DAILY, as_of=date(2026, 3, 22))
        with pytest.raises(ValidationError) as caught:
            reports.report_respond(actor=self.ada, report=report, response="withheld")
        assert caught.value.message_dict == {"response": ["This report is not waiting for your answer."]}
        assert fresh(report).status == "released"

    def test_only_the_employee_answers(self) -> None:
        report = reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=True))
        for user in (self.manager, self.oh_clinician, self.council_hr, self.mary):
            with pytest.raises(
                PermissionDenied, match=r"^Only the employee the report is about may answer it\.$"
            ):
                reports.report_respond(actor=user, report=report, response="agreed")
        assert fresh(report).status == "with_employee"

    def test_the_daily_release_is_for_occupational_health_or_the_system(self) -> None:
        with on(date(2026, 3, 1)):
            report = reports.report_issue(actor=self.oh_clinician, report=self.written(see_first=True))
        with pytest.raises(PermissionDenied):
            reports.release_due_reports(actor=self.manager, as_of=date(2026, 3, 22))
        assert fresh(report).status == "with_employee"
        # An administrator of other partners only releases nothing of the council's.
        police_admin = self.make_user("police.ohadmin", [(self.police, "oh_admin")])
        assert reports.release_due_reports(actor=police_admin, as_of=date(2026, 3, 22)) == []
        assert reports.release_due_reports(actor=self.oh_admin, as_of=date(2026, 3, 22)) == [report]
