"""Access-review fixtures: the council's roles (the shared test partnership's, plus a council
manager who is nominated), a constabulary DPO, and helpers that read the state a refused call
must leave as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Membership, Role
from joinedup.privacy import access_review as services
from joinedup.privacy.models import AccessReview, AccessReviewLine
from joinedup.testing.base import PartnerTestCase

NOW = datetime(2029, 3, 1, 12, tzinfo=UTC)
DUE = date(2029, 3, 31)


def at(when: datetime) -> Any:
    """The clock stopped at ``when`` (timezone.localdate reads timezone.now)."""
    return mock.patch("django.utils.timezone.now", new=lambda: when)


class ReviewTestCase(PartnerTestCase):
    council_manager: Any
    police_dpo: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_manager = cls.make_user("council.manager", [(cls.council, Role.MANAGER)])
        cls.police_dpo = cls.make_user("police.dpo", [(cls.police, Role.DATA_PROTECTION_OFFICER)])

    def opened(self, due_on: date = DUE) -> AccessReview:
        with at(NOW):
            return services.review_open(
                actor=self.shared_dpo, partner=self.council, nominee_id=self.council_manager.pk, due_on=due_on
            )

    @staticmethod
    def line(review: AccessReview, user: Any, role: str) -> AccessReviewLine:
        return AccessReviewLine.objects.for_partner(review.partner_id).get(
            review=review, user=user, role=role
        )

    @staticmethod
    def state(partner: Any) -> tuple[Any, ...]:
        """Reviews, their lines' decisions, the partner's roles and its audit chain's length."""
        return (
            list(AccessReview.objects.for_partner(partner).order_by("pk").values_list("pk", "status")),
            list(AccessReviewLine.objects.for_partner(partner).order_by("pk").values_list("pk", "decision")),
            sorted(Membership.objects.filter(partner=partner).values_list("user__username", "role")),
            AuditEvent.objects.for_partner(partner).count(),
        )

    @staticmethod
    def holds(user: Any, partner: Any, role: str) -> bool:
        return Membership.objects.filter(user=user, partner=partner, role=role).exists()
