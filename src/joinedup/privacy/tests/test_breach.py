"""The breach log's services (privacy/breach.py) and selectors (privacy/breach_selectors.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.privacy import breach as services
from joinedup.privacy.breach_clock import ClockState
from joinedup.privacy.breach_selectors import breach_for, breach_log_for
from joinedup.privacy.models import AffectedPartner
from joinedup.privacy.tests.breachbase import AWARE, NOW, BreachTestCase, at, facts


class TestRecordingABreach(BreachTestCase):
    def test_it_records_the_breach_and_the_partners_people_with_the_72_hour_deadline(self) -> None:
        row = self.record()
        assert (row.partner_id, row.people_affected, row.ico_decision, row.people_decision) == (
            self.council.pk, 212, "undecided", "undecided"
        )  # fmt: skip
        assert row.breach.aware_at == AWARE
        with at(NOW):
            clock = services.clock_of(row)
        assert (clock.state, clock.deadline, clock.hours_left) == (
            ClockState.DUE, datetime(2026, 12, 9, 2, 0, tzinfo=UTC), 62
        )  # fmt: skip
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.breach_recorded")
        assert (event.object_type, event.object_id) == ("privacy.breach", str(row.breach_id))
        # Ids, counts and times only: never the incident's words.
        assert "Payslips" not in str(event.after)

    def test_awareness_before_the_breach_itself_is_refused_and_nothing_is_written(self) -> None:
        before = self.state()
        with at(NOW), pytest.raises(ValidationError) as refused:
            services.breach_record(
                actor=self.shared_dpo,
                partner=self.council,
                facts=facts(occurred_at=AWARE + timedelta(hours=1)),
                impact=services.Impact(people_affected=3, people_categories="Employees"),
            )
        assert refused.value.message_dict == {"aware_at": ["Awareness comes on or after the breach itself."]}
        assert self.state() == before

    def test_a_naive_time_a_future_time_and_an_empty_summary_are_refused(self) -> None:
        before = self.state()
        cases = [
            (facts(aware_at=datetime(2026, 12, 6, 1, 0)), {"aware_at": ["Give the time with its timezone."]}),  # noqa: DTZ001
            (facts(aware_at=NOW + timedelta(minutes=1)), {"aware_at": ["This time is in the future."]}),
            (facts(summary="  "), {"summary": ["Say what happened."]}),
        ]
        for given, message in cases:
            with at(NOW), pytest.raises(ValidationError) as refused:
                services.breach_record(
                    actor=self.shared_dpo,
                    partner=self.council,
                    facts=given,
                    impact=services.Impact(people_affected=3, people_categories="Employees"),
                )
            assert refused.value.message_dict == message
        assert self.state() == before

    def test_a_user_without_the_permission_is_refused_and_nothing_is_written(self) -> None:
        before = self.state()
        for user in (self.council_hr, self.police_dpo, self.ops_admin):
            with at(NOW), pytest.raises(PermissionDenied):
                services.breach_record(
                    actor=user,
                    partner=self.council,
                    facts=facts(),
                    impact=services.Impact(people_affected=3, people_categories="Employees"),
                )
        assert self.state() == before


class TestDecisions(BreachTestCase):
    def test_a_decision_not_to_notify_is_recorded_with_its_reason_and_stops_the_clock(self) -> None:
        row = self.record()
        with at(NOW):
            row = services.breach_decide(
                actor=self.council_dpo,
                row=row,
                ico_decision="not_required",
                ico_reason="Recipients were all council HR staff; e-mail recalled unread.",
                people_decision="not_required",
                people_reason="No risk to them, as for the ICO.",
            )
            clock = services.clock_of(row)
        assert (row.ico_decision, row.people_decision, clock.state) == (
            "not_required", "not_required", ClockState.NOT_NEEDED
        )  # fmt: skip
        assert row.decided_by == self.council_dpo

    def test_a_decision_without_its_reason_is_refused_and_nothing_changes(self) -> None:
        # Art. 33(5): the decision is documented, with the reason, either way.
        row = self.record()
        before = self.state()
        with at(NOW), pytest.raises(ValidationError) as refused:
            services.breach_decide(
                actor=self.council_dpo, row=row, ico_decision="not_required", ico_reason=" "
            )
        assert refused.value.message_dict == {"ico_reason": ["Say why."]}
        with at(NOW), pytest.raises(ValidationError) as refused:
            services.breach_decide(
                actor=self.council_dpo,
                row=row,
                ico_decision="notify",
                ico_reason="Bank details",
                people_decision="notify",
            )
        assert refused.value.message_dict == {"people_reason": ["Say why."]}
        assert self.state() == before

    def test_notifying_in_time_then_closing_the_breach(self) -> None:
        row = self.record()
        with at(NOW):
            row = services.breach_decide(
                actor=self.council_dpo, row=row, ico_decision="notify", ico_reason="NI numbers and pay",
                people_decision="notify", people_reason="High risk of identity fraud",
            )  # fmt: skip
            row = services.breach_notify_ico(
                actor=self.council_dpo,
                row=row,
                notified_at=NOW - timedelta(hours=1),
                reference="IC-123456-A1B2",
            )
            assert services.clock_of(row).state == ClockState.NOTIFIED_IN_TIME
            breach = services.breach_close(
                actor=self.council_dpo,
                breach=row.breach,
                remedial_action="Autocomplete turned off for lists.",
            )
        assert (breach.closed_at, breach.closed_by) == (NOW, self.council_dpo)
        assert list(
            AuditEvent.objects.for_partner(self.council)
            .filter(object_type="privacy.breach")
            .order_by("seq")
            .values_list("action", flat=True)
        ) == [
            "privacy.breach_recorded",
            "privacy.breach_decided",
            "privacy.breach_ico_notified",
            "privacy.breach_closed",
        ]

    def test_a_late_notification_needs_the_reasons_for_the_delay(self) -> None:
        # Art. 33(1): after 72 hours, the notification is "accompanied by reasons for the delay".
        row = self.record()
        later = AWARE + timedelta(hours=80)
        with at(later):
            row = services.breach_decide(
                actor=self.council_dpo, row=row, ico_decision="notify", ico_reason="Pay data"
            )
            before = self.state()
            with pytest.raises(ValidationError) as refused:
                services.breach_notify_ico(
                    actor=self.council_dpo, row=row, notified_at=later, reference="IC-9"
                )
            assert refused.value.message_dict == {
                "delay_reason": ["Say the reasons for the delay (Article 33(1))."]
            }
            assert self.state() == before
            assert services.clock_of(row).state == ClockState.OVERDUE
            row = services.breach_notify_ico(
                actor=self.council_dpo,
                row=row,
                notified_at=later,
                reference="IC-9",
                delay_reason="Scope unclear",
            )
            assert (services.clock_of(row).state, row.delay_reason) == (
                ClockState.NOTIFIED_LATE,
                "Scope unclear",
            )

    def test_a_breach_with_an_undecided_partner_cannot_be_closed(self) -> None:
        row = self.record()
        before = self.state()
        with at(NOW), pytest.raises(ValidationError) as refused:
            services.breach_close(actor=self.council_dpo, breach=row.breach, remedial_action="Training")
        assert refused.value.message_dict == {"breach": ["WCC has not decided both questions yet."]}
        assert self.state() == before


class TestSeveralPartners(BreachTestCase):
    def test_each_affected_partner_has_its_own_row_and_its_dpo_sees_only_that_row(self) -> None:
        row = self.record()
        with at(NOW):
            services.breach_add_partner(
                actor=self.shared_dpo,
                breach=row.breach,
                partner=self.police,
                impact=services.Impact(people_affected=40, people_categories="Police staff"),
            )
        council_view = breach_for(self.council_dpo, breach_id=row.breach_id)
        police_view = breach_for(self.police_dpo, breach_id=row.breach_id)
        shared_view = breach_for(self.shared_dpo, breach_id=row.breach_id)
        assert [(r.partner_id, r.people_affected) for r in council_view.rows] == [(self.council.pk, 212)]
        assert [(r.partner_id, r.people_affected) for r in police_view.rows] == [(self.police.pk, 40)]
        assert sorted(r.people_affected for r in shared_view.rows) == [40, 212]
        assert [r.breach_id for r in breach_log_for(self.police_dpo, partner=self.police)] == [row.breach_id]

    def test_a_partner_not_affected_gets_404_and_cannot_attach_itself(self) -> None:
        row = self.record()
        before = self.state()
        with pytest.raises(Http404):
            breach_for(self.police_dpo, breach_id=row.breach_id)
        with at(NOW), pytest.raises(PermissionDenied):
            services.breach_add_partner(
                actor=self.police_dpo,
                breach=row.breach,
                partner=self.police,
                impact=services.Impact(people_affected=1, people_categories="Police staff"),
            )
        with at(NOW), pytest.raises(PermissionDenied):
            services.breach_decide(actor=self.police_dpo, row=row, ico_decision="notify", ico_reason="x")
        assert self.state() == before
        assert list(breach_log_for(self.police_dpo, partner=self.police)) == []

    def test_closing_needs_the_permission_on_every_affected_partner(self) -> None:
        row = self.record()
        with at(NOW):
            police = services.breach_add_partner(
                actor=self.shared_dpo,
                breach=row.breach,
                partner=self.police,
                impact=services.Impact(people_affected=40, people_categories="Police staff"),
            )
            for each in (row, police):
                services.breach_decide(
                    actor=self.shared_dpo, row=each, ico_decision="not_required", ico_reason="Low risk",
                    people_decision="not_required", people_reason="Low risk",
                )  # fmt: skip
            before = self.state()
            with pytest.raises(PermissionDenied):
                services.breach_close(actor=self.council_dpo, breach=row.breach, remedial_action="Training")
            assert self.state() == before
            services.breach_close(actor=self.shared_dpo, breach=row.breach, remedial_action="Training")
        assert AuditEvent.objects.for_partner(self.police).filter(action="privacy.breach_closed").count() == 1
        assert AffectedPartner.objects.for_partners([self.council, self.police]).count() == 2

    def test_a_partner_is_added_once(self) -> None:
        row = self.record()
        before = self.state()
        with at(NOW), pytest.raises(ValidationError) as refused:
            services.breach_add_partner(
                actor=self.shared_dpo,
                breach=row.breach,
                partner=self.council,
                impact=services.Impact(people_affected=1, people_categories="Employees"),
            )
        assert refused.value.message_dict == {
            "partner": ["WCC is already recorded as affected by this breach."]
        }
        assert self.state() == before
