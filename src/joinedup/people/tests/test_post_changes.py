"""Changing and ending a post (the establishment services a restructure applies through)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.people.models import Post, PostHolding
from joinedup.people.services import post_change, post_end
from joinedup.testing.people import PeopleTestCase


class TestPostChanges(PeopleTestCase):
    def events(self, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.for_partner(self.council).filter(action=action))

    def test_it_changes_a_post_and_the_trail_keeps_what_it_was(self) -> None:
        post_change(
            actor=self.council_hr,
            post=Post.objects.for_partner(self.council).get(pk=self.council_post.pk),
            effective=date(2026, 5, 1),
            reason="Restructure",
            changes={"grade_max": self.scp12, "location": "Eastleigh", "budgeted_fte": Decimal("1.5")},
        )
        post = Post.objects.for_partner(self.council).get(pk=self.council_post.pk)
        assert (post.grade_max, post.location, post.budgeted_fte) == (self.scp12, "Eastleigh", Decimal("1.5"))
        [event] = self.events("post.changed")
        assert event.before == {"grade_max": "SCP25", "location": "", "budgeted_fte": "2.0000"}
        assert event.after == {
            "grade_max": "SCP12",
            "location": "Eastleigh",
            "budgeted_fte": "1.5",
            "effective": "2026-05-01",
            "reason": "Restructure",
        }

    def test_a_change_to_the_values_it_has_is_no_change(self) -> None:
        post_change(
            actor=self.council_hr,
            post=self.council_post,
            effective=date(2026, 5, 1),
            reason="Restructure",
            changes={"grade_max": self.scp25, "title": "HR adviser"},
        )
        assert self.events("post.changed") == []

    def test_it_refuses_a_grade_off_the_scale_and_changes_nothing(self) -> None:
        with pytest.raises(ValidationError) as refused:
            post_change(
                actor=self.council_hr,
                post=self.council_post,
                effective=date(2026, 5, 1),
                reason="Restructure",
                changes={"grade_min": self.scp25, "grade_max": self.scp5},
            )
        assert refused.value.message_dict == {"grade_max": ["The top of the grade is below its bottom."]}
        assert Post.objects.for_partner(self.council).get(pk=self.council_post.pk).grade_max == self.scp25

    def test_another_partners_hr_cannot_change_or_end_the_post(self) -> None:
        with pytest.raises(PermissionDenied):
            post_change(
                actor=self.police_hr,
                post=self.council_post,
                effective=date(2026, 5, 1),
                reason="Restructure",
                changes={"location": "Eastleigh"},
            )
        with pytest.raises(PermissionDenied):
            post_end(actor=self.police_hr, post=self.council_post, end_date=date(2026, 4, 30), reason="Gone")
        post = Post.objects.for_partner(self.council).get(pk=self.council_post.pk)
        assert (post.location, post.end_date) == ("", None)

    def test_ending_a_post_releases_its_holders_that_day_and_again_is_no_change(self) -> None:
        post_end(actor=self.council_hr, post=self.council_post, end_date=date(2026, 4, 30), reason="Deleted")
        holdings = PostHolding.objects.for_partner(self.council).filter(post=self.council_post)
        assert [(h.employment.payroll_number, h.end_date) for h in holdings] == [
            ("WCC000001", date(2026, 4, 30))
        ]
        [event] = self.events("post.ended")
        assert event.after == {
            "end_date": "2026-04-30",
            "reason": "Deleted",
            "holders_released": ["WCC000001"],
        }
        post_end(actor=self.council_hr, post=self.council_post, end_date=date(2026, 4, 30), reason="Deleted")
        assert len(self.events("post.ended")) == 1

    def test_it_refuses_to_end_a_post_before_it_starts(self) -> None:
        with pytest.raises(ValidationError) as refused:
            post_end(actor=self.council_hr, post=self.council_post, end_date=date(2019, 3, 31), reason="Gone")
        assert (
            refused.value.message_dict["end_date"][0] == "The post starts on 1 April 2020, after that date."
        )
