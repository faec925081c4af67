"""The access review: opening a re-certification, the nominee's decisions, lapsing after the due
date, and who may do each (privacy/access_review.py, access_review_selectors.py)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.privacy import access_review as services
from joinedup.privacy.access_review_selectors import review_for
from joinedup.privacy.models import AccessReview, LineDecision, ReviewStatus
from joinedup.privacy.tests.reviewbase import DUE, NOW, ReviewTestCase, at

COUNCIL_ROLES = [
    ("council.employee", Role.EMPLOYEE),
    ("council.hr", Role.HR_OFFICER),
    ("council.manager", Role.MANAGER),
    ("oh.admin", Role.OH_ADMIN),
    ("oh.clinician", Role.OH_CLINICIAN),
    ("ops.admin", Role.SERVICE_ADMIN),
    ("shared.dpo", Role.DATA_PROTECTION_OFFICER),
    ("shared.hr", Role.HR_OFFICER),
    ("union.rep", Role.UNION_REP),
]
AFTER_DUE = NOW + timedelta(days=31)  # 1 April 2029: the day after the due date


class TestOpeningAReview(ReviewTestCase):
    def test_it_snapshots_every_role_on_the_partner_as_a_pending_line(self) -> None:
        review = self.opened()
        lines = sorted(
            (line.user.username, line.role, line.decision) for line in review.lines.select_related("user")
        )
        assert lines == [(name, role, "pending") for name, role in COUNCIL_ROLES]
        event = (
            AuditEvent.objects.for_partner(self.council).filter(action="privacy.access_review_opened").get()
        )
        assert event.after == {
            "nominee": self.council_manager.pk,
            "due_on": "2029-03-31",
            "status": "open",
            "lines": 9,
        }
        assert event.actor_id == self.shared_dpo.pk

    def test_the_nominee_must_hold_a_role_on_the_partner(self) -> None:
        with at(NOW), pytest.raises(ValidationError) as error:
            services.review_open(
                actor=self.shared_dpo, partner=self.council, nominee_id=self.police_hr.pk, due_on=DUE
            )
        assert error.value.messages == ["The nominated manager must hold a role on WCC."]

    def test_the_due_date_is_after_today_and_one_review_is_open_at_a_time(self) -> None:
        with at(NOW), pytest.raises(ValidationError) as error:
            services.review_open(
                actor=self.shared_dpo,
                partner=self.council,
                nominee_id=self.council_manager.pk,
                due_on=date(2029, 3, 1),
            )
        assert error.value.messages == ["The due date is after today: give the manager time to review."]
        self.opened()
        with at(NOW), pytest.raises(ValidationError) as error:
            services.review_open(
                actor=self.shared_dpo, partner=self.council, nominee_id=self.council_manager.pk, due_on=DUE
            )
        assert error.value.messages == ["WCC has an open access review: close it first."]

    def test_only_the_dpo_opens_a_review_and_a_refusal_changes_nothing(self) -> None:
        before = self.state(self.council)
        for user in (self.council_manager, self.council_hr, self.ops_admin, self.police_dpo):
            with at(NOW), pytest.raises(PermissionDenied):
                services.review_open(
                    actor=user, partner=self.council, nominee_id=self.council_manager.pk, due_on=DUE
                )
        assert self.state(self.council) == before


class TestTheNomineesDecisions(ReviewTestCase):
    def test_certifying_keeps_the_role_and_is_audited(self) -> None:
        review = self.opened()
        with at(NOW + timedelta(days=1)):
            line = services.line_certify(
                actor=self.council_manager, line=self.line(review, self.council_hr, Role.HR_OFFICER)
            )
        assert (line.decision, line.decided_by_id) == (LineDecision.CERTIFIED, self.council_manager.pk)
        assert self.holds(self.council_hr, self.council, Role.HR_OFFICER)
        event = (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="privacy.access_review_certified")
            .get()
        )
        assert (event.actor_id, event.after["user"], event.after["role"]) == (
            self.council_manager.pk,
            self.council_hr.pk,
            "hr_officer",
        )

    def test_revoking_removes_the_role_through_the_partnership_and_is_audited(self) -> None:
        review = self.opened()
        with at(NOW + timedelta(days=1)):
            services.line_revoke(
                actor=self.council_manager, line=self.line(review, self.union_rep, Role.UNION_REP)
            )
        assert not self.holds(self.union_rep, self.council, Role.UNION_REP)
        assert self.holds(self.union_rep, self.police, Role.UNION_REP)  # another partner's role stays
        revoked = AuditEvent.objects.for_partner(self.council).filter(action="membership.revoked").get()
        assert revoked.actor_label == f"system: access review {review.pk}: revoked by its nominated manager"
        assert revoked.before == {"user": "union.rep", "role": "union_rep"}
        event = (
            AuditEvent.objects.for_partner(self.council).filter(action="privacy.access_review_revoked").get()
        )
        assert (event.actor_id, event.after["decision"], event.after["role_removed"]) == (
            self.council_manager.pk,
            "revoked",
            True,
        )

    def test_a_line_is_decided_once(self) -> None:
        review = self.opened()
        line = self.line(review, self.council_hr, Role.HR_OFFICER)
        with at(NOW):
            services.line_certify(actor=self.council_manager, line=line)
            with pytest.raises(ValidationError) as error:
                services.line_revoke(actor=self.council_manager, line=line)
        assert error.value.messages == ["This role is certified already."]
        assert self.holds(self.council_hr, self.council, Role.HR_OFFICER)

    def test_after_the_due_date_the_nominee_can_no_longer_decide(self) -> None:
        review = self.opened()
        before = self.state(self.council)
        with at(AFTER_DUE), pytest.raises(ValidationError) as error:
            services.line_certify(
                actor=self.council_manager, line=self.line(review, self.council_hr, Role.HR_OFFICER)
            )
        assert error.value.messages == ["The review was due by 31 March 2029: what was not certified lapses."]
        assert self.state(self.council) == before

    def test_the_nominee_cannot_certify_their_own_role_and_nothing_changes(self) -> None:
        review = self.opened()
        line = self.line(review, self.council_manager, Role.MANAGER)
        before = self.state(self.council)
        with at(NOW), pytest.raises(ValidationError) as error:
            services.line_certify(actor=self.council_manager, line=line)
        assert error.value.messages == ["You cannot certify your own role: the DPO decides it."]
        assert self.state(self.council) == before

    def test_nobody_but_the_nominee_decides_and_a_refusal_changes_nothing(self) -> None:
        review = self.opened()
        line = self.line(review, self.council_hr, Role.HR_OFFICER)
        before = self.state(self.council)
        # The DPO who opened it, an administrator, and a manager of the same partner not nominated.
        other_manager = self.make_user("council.manager2", [(self.council, Role.MANAGER)])
        before = self.state(self.council)
        for user in (self.shared_dpo, self.ops_admin, other_manager, self.council_hr):
            for decide in (services.line_certify, services.line_revoke):
                with at(NOW), pytest.raises(PermissionDenied):
                    decide(actor=user, line=line)
        assert self.state(self.council) == before

    def test_another_partners_user_finds_no_review(self) -> None:
        review = self.opened()
        before = self.state(self.council)
        for user in (self.police_dpo, self.police_hr):
            with pytest.raises(Http404):
                review_for(user, review_id=review.pk)
        assert self.state(self.council) == before


class TestLapsing(ReviewTestCase):
    def decided(self) -> tuple[AccessReview, Any]:
        review = self.opened()
        with at(NOW + timedelta(days=2)):
            services.line_certify(
                actor=self.council_manager, line=self.line(review, self.council_hr, Role.HR_OFFICER)
            )
            services.line_revoke(
                actor=self.council_manager, line=self.line(review, self.union_rep, Role.UNION_REP)
            )
        return review, self.state(self.council)

    def test_nothing_lapses_on_the_due_date_itself(self) -> None:
        review, before = self.decided()
        with at(NOW + timedelta(days=30)):  # 31 March, the due date
            result = services.scheduled_lapse()
        assert result == 0
        assert self.state(self.council) == before
        assert review_for(self.shared_dpo, review_id=review.pk).status == ReviewStatus.OPEN

    def test_the_day_after_every_pending_line_lapses_and_its_role_is_removed(self) -> None:
        review, _ = self.decided()
        with at(AFTER_DUE):
            assert services.scheduled_lapse() == 7
        decisions = {
            (line.user.username, line.role): line.decision for line in review.lines.select_related("user")
        }
        assert decisions == {
            **{key: "lapsed" for key in COUNCIL_ROLES},
            ("council.hr", Role.HR_OFFICER): "certified",
            # The nominee cannot vouch for their own role: left pending, it lapses.
            ("council.manager", Role.MANAGER): "lapsed",
            ("union.rep", Role.UNION_REP): "revoked",
        }
        assert sorted(self.state(self.council)[2]) == [("council.hr", "hr_officer")]
        # The shared DPO keeps its roles on the other partners.
        assert self.holds(self.shared_dpo, self.police, Role.DATA_PROTECTION_OFFICER)
        chain = AuditEvent.objects.for_partner(self.council)
        assert chain.filter(action="privacy.access_review_line_lapsed").count() == 7
        assert chain.filter(action="membership.revoked").count() == 8
        closed = chain.filter(action="privacy.access_review_closed").get()
        assert (closed.actor_label, closed.after["status"], closed.after["as_of"]) == (
            f"system: {services.LAPSE_REASON}",
            "closed",
            "2029-04-01",
        )

    def test_running_the_lapse_twice_changes_nothing_the_second_time(self) -> None:
        self.decided()
        out = io.StringIO()
        with at(AFTER_DUE):
            call_command("access-review", "lapse", "--json", stdout=out)
            after_first = self.state(self.council)
            again = io.StringIO()
            call_command("access-review", "lapse", "--as-of", "2029-04-02", "--json", stdout=again)
        first = json.loads(out.getvalue())
        assert (first["as_of"], first["lapsed"], first["roles_removed"]) == ("2029-04-01", 7, 7)
        assert json.loads(again.getvalue()) == {
            "as_of": "2029-04-02",
            "reviews_closed": [],
            "lapsed": 0,
            "roles_removed": 0,
        }
        assert self.state(self.council) == after_first

    def test_a_dpo_lapses_only_their_own_partners_reviews(self) -> None:
        self.decided()
        before = self.state(self.council)
        out = io.StringIO()
        call_command("access-review", "lapse", "--as-of", "2029-04-01", "--as", "police.dpo", stdout=out)
        assert (
            out.getvalue()
            == "As of 2029-04-01: 0 access review(s) closed, 0 line(s) lapsed, 0 role(s) removed.\n"
        )
        assert self.state(self.council) == before

    def test_a_bad_date_is_refused(self) -> None:
        with pytest.raises(CommandError) as error:
            call_command("access-review", "lapse", "--as-of", "1 April")
        assert str(error.value) == "--as-of '1 April': give the date as YYYY-MM-DD."


def test_the_worker_lapses_roles_every_hour() -> None:
    assert ("privacy access-review-lapse", "joinedup.privacy.access_review.scheduled_lapse", 60) in (
        settings.WORKER_PERIODIC
    )
