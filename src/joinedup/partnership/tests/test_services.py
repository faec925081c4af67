from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import ApiToken, Membership, Partner, Role
from joinedup.partnership.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    membership_grant,
    partner_create,
    user_create,
)
from joinedup.testing.base import FIXTURES, PartnerTestCase


class TestMembershipGrant(PartnerTestCase):
    def test_it_grants_a_role_and_audits_it(self) -> None:
        newcomer = user_create(actor=self.ops_admin, username="new.starter", password=None)
        membership_grant(actor=self.ops_admin, user=newcomer, partner=self.fire, role=Role.HR_OFFICER)
        assert list(Membership.objects.filter(user=newcomer).values_list("partner__code", "role")) == [
            ("WFRS", "hr_officer")
        ]
        event = AuditEvent.objects.for_partner(self.fire).order_by("-seq").first()
        assert event is not None
        assert (event.action, event.actor_label, event.after) == (
            "membership.granted",
            "ops.admin",
            {"user": "new.starter", "role": "hr_officer"},
        )

    def test_an_hr_officer_cannot_grant_roles_and_nothing_changes(self) -> None:
        before_events = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(PermissionDenied):
            membership_grant(
                actor=self.council_hr, user=self.police_hr, partner=self.council, role=Role.VIEWER
            )
        assert not Membership.objects.filter(user=self.police_hr, partner=self.council).exists()
        assert AuditEvent.objects.for_partner(self.council).count() == before_events

    def test_an_admin_of_one_partner_cannot_grant_roles_on_another(self) -> None:
        council_admin = self.make_user("council.admin", [(self.council, Role.SERVICE_ADMIN)])
        with pytest.raises(PermissionDenied):
            membership_grant(actor=council_admin, user=self.council_hr, partner=self.police, role=Role.VIEWER)
        assert not Membership.objects.filter(user=self.council_hr, partner=self.police).exists()

    def test_it_rejects_an_unknown_role(self) -> None:
        with pytest.raises(ValidationError) as info:
            membership_grant(actor=FIXTURES, user=self.council_hr, partner=self.council, role="overlord")
        assert "role" in info.value.message_dict


class TestPartnerCreate(PartnerTestCase):
    def test_a_partner_admin_cannot_create_a_partner(self) -> None:
        with pytest.raises(PermissionDenied):
            partner_create(actor=self.ops_admin, name="Evil Corp", code="EVIL", kind="other")
        assert not Partner.objects.filter(code="EVIL").exists()

    def test_it_rejects_a_duplicate_code_in_any_case_and_changes_nothing(self) -> None:
        count = Partner.objects.count()
        with pytest.raises(ValidationError) as info:
            partner_create(actor=FIXTURES, name="Another council", code="wcc", kind="council")
        assert "code" in info.value.message_dict
        assert Partner.objects.count() == count


class TestUserCreate(PartnerTestCase):
    def test_it_rejects_a_weak_password_naming_the_field(self) -> None:
        with pytest.raises(ValidationError) as info:
            user_create(actor=FIXTURES, username="weak.one", password="password")
        assert "password" in info.value.message_dict
        assert not get_user_model().objects.filter(username="weak.one").exists()

    def test_usernames_are_unique_whatever_the_case(self) -> None:
        with pytest.raises(ValidationError, match="taken"):
            user_create(actor=FIXTURES, username="COUNCIL.HR", password=None)

    def test_an_hr_officer_cannot_create_a_user_and_nothing_changes(self) -> None:
        events = AuditEvent.objects.unscoped(reason="test: every event, platform ones included")
        users, before = get_user_model().objects.count(), events.count()
        with pytest.raises(PermissionDenied, match=r"Only an administrator of members can create a user\."):
            user_create(actor=self.council_hr, username="made.up", password=None)
        assert (get_user_model().objects.count(), events.count()) == (users, before)

    def test_an_administrator_of_members_can_create_a_user_and_it_is_audited(self) -> None:
        user = user_create(actor=self.ops_admin, username="made.up", password=None, full_name="Made Up")
        platform = AuditEvent.objects.unscoped(reason="test: a platform event")
        event = platform.filter(action="user.created").order_by("-seq").first()
        assert event is not None
        assert (event.actor_label, event.after) == (
            "ops.admin",
            {"username": "made.up", "email": "", "full_name": "Made Up"},
        )
        assert not user.has_usable_password()


class TestApiTokens(PartnerTestCase):
    def test_a_token_authenticates_its_user_until_revoked(self) -> None:
        token, raw = api_token_create(actor=FIXTURES, user=self.council_hr, name="laptop")
        assert api_token_authenticate(raw) == self.council_hr
        assert not token.digest.startswith(raw[:12])  # only the digest is stored
        api_token_revoke(actor=self.council_hr, token=token)
        assert api_token_authenticate(raw) is None

    def test_nobody_revokes_another_users_token(self) -> None:
        token, raw = api_token_create(actor=FIXTURES, user=self.council_hr)
        with pytest.raises(PermissionDenied):
            api_token_revoke(actor=self.police_hr, token=token)
        token.refresh_from_db()
        assert token.revoked_at is None
        assert api_token_authenticate(raw) == self.council_hr

    def test_a_deactivated_users_token_stops_working(self) -> None:
        _, raw = api_token_create(actor=FIXTURES, user=self.police_hr)
        get_user_model().objects.filter(pk=self.police_hr.pk).update(is_active=False)
        assert api_token_authenticate(raw) is None


class TestCommands(PartnerTestCase):
    def test_token_create_prints_a_working_token(self) -> None:
        out = StringIO()
        call_command("token", "create", "police.hr", stdout=out)
        raw = out.getvalue().strip()
        assert api_token_authenticate(raw) == self.police_hr

    def test_token_revoke_takes_the_prefix(self) -> None:
        token, raw = api_token_create(actor=FIXTURES, user=self.police_hr)
        call_command("token", "revoke", raw[:12], stdout=StringIO())
        token.refresh_from_db()
        assert token.revoked_at is not None
        with pytest.raises(CommandError, match="already revoked"):
            call_command("token", "revoke", raw[:12], stdout=StringIO())

    def test_token_create_for_an_unknown_user_fails_clearly(self) -> None:
        with pytest.raises(CommandError, match="No user 'nobody'"):
            call_command("token", "create", "nobody", stdout=StringIO())
        assert ApiToken.objects.count() == 0

    def test_createuser_grants_roles_by_partner_code(self) -> None:
        call_command(
            "createuser", "fire.payroll", "--no-password", "--role", "WFRS:payroll_officer", stdout=StringIO()
        )
        user = get_user_model().objects.get(username="fire.payroll")
        assert list(user.memberships.values_list("partner__code", "role")) == [("WFRS", "payroll_officer")]

    def test_createuser_with_an_unknown_partner_creates_nobody(self) -> None:
        with pytest.raises(CommandError, match="no partner with code 'NOPE'"):
            call_command("createuser", "x.y", "--no-password", "--role", "NOPE:viewer", stdout=StringIO())
        assert not get_user_model().objects.filter(username="x.y").exists()
