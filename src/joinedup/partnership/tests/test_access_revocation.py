"""When a user's last role on any partner is removed, every session they have ends and every
API token they hold is revoked, in the same transaction as the removal and in its audit event
(issue 18). Removing a role that is not their last changes neither."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import ApiToken, Membership, Role, TokenScope
from joinedup.partnership.services import api_token_create, membership_grant, membership_revoke
from joinedup.testing.base import FIXTURES, PartnerTestCase


def _revoked_event(membership_id: int) -> Any:
    return AuditEvent.objects.unscoped(reason="the test reads every chain").get(
        action="membership.revoked", object_id=str(membership_id)
    )


class TestLastRoleRemoved(PartnerTestCase):
    def setUp(self) -> None:
        self.leaver = self.make_user("council.leaver", [(self.council, Role.HR_OFFICER)])
        self.browser = self.signed_in(self.leaver)
        self.token, raw = api_token_create(actor=FIXTURES, user=self.leaver, name="reports")
        self.api_client = Client(headers={"Authorization": f"Bearer {raw}"})
        assert self.browser.get("/").status_code == 200
        assert self.api_client.get("/api/v1/partners").status_code == 200

    def test_their_session_cookie_stops_working_and_their_token_answers_401(self) -> None:
        membership_revoke(actor=self.ops_admin, membership=Membership.objects.get(user=self.leaver))
        response = self.browser.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/sign-in?next=/"
        assert "_auth_user_id" not in self.browser.session
        assert self.api_client.get("/api/v1/partners").status_code == 401
        self.token.refresh_from_db()
        assert self.token.revoked_at is not None

    def test_it_is_in_the_removals_audit_event(self) -> None:
        membership = Membership.objects.get(user=self.leaver)
        membership_id = membership.pk
        membership_revoke(actor=self.ops_admin, membership=membership)
        event = _revoked_event(membership_id)
        assert event.before == {"user": "council.leaver", "role": "hr_officer"}
        assert event.after == {
            "last_role": True,
            "sessions_ended": True,
            "api_tokens_revoked": [self.token.prefix],
        }

    def test_it_is_all_or_nothing_with_the_removal(self) -> None:
        membership = Membership.objects.get(user=self.leaver)
        membership_id = membership.pk
        with (
            mock.patch(
                "joinedup.partnership.services.forget_cached_roles", side_effect=RuntimeError("crash")
            ),
            pytest.raises(RuntimeError),
        ):
            membership_revoke(actor=self.ops_admin, membership=membership)
        assert Membership.objects.filter(pk=membership_id).exists()
        self.token.refresh_from_db()
        assert self.token.revoked_at is None
        assert self.browser.get("/").status_code == 200
        assert self.api_client.get("/api/v1/partners").status_code == 200

    def test_a_new_sign_in_after_a_new_role_works_again(self) -> None:
        membership_revoke(actor=self.ops_admin, membership=Membership.objects.get(user=self.leaver))
        # The user record stays: a role given again lets them sign in again.
        membership_grant(actor=FIXTURES, user=self.leaver, partner=self.council, role=Role.VIEWER)
        self.leaver.refresh_from_db()  # as a sign-in loads the user afresh
        assert self.signed_in(self.leaver).get("/").status_code == 200
        assert self.api_client.get("/api/v1/partners").status_code == 401  # revoked stays revoked


class TestRoleThatIsNotTheLast(PartnerTestCase):
    def test_removing_one_of_two_roles_ends_no_session_and_revokes_no_token(self) -> None:
        browser = self.signed_in(self.union_rep)
        _, raw = api_token_create(actor=FIXTURES, user=self.union_rep, scope=TokenScope.READ)
        membership = Membership.objects.get(user=self.union_rep, partner=self.police)
        membership_id = membership.pk
        membership_revoke(actor=self.ops_admin, membership=membership)
        assert browser.get("/").status_code == 200
        assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/partners").status_code == 200
        assert ApiToken.objects.filter(user=self.union_rep, revoked_at__isnull=False).count() == 0
        assert _revoked_event(membership_id).after == {}
